"""Keeping each Slack channel within its posting pace.

Slack lets an app post about one message a second into one channel and tolerates short bursts
above that; past it, it answers 429. A burst into one channel (a dozen new tickets' cards in the
triage channel, say) is therefore spaced here instead of being sent at once and refused: each
channel has a bucket of :data:`BURST` messages that refills at :data:`PER_SECOND`.

A message that must wait longer than :data:`WAIT_IN_PLACE_S` is handed back to the outbox as
:class:`core.messages.RetryLater` for when its turn comes, so a sweep never sleeps through a
burst while other conversations wait behind it. One process keeps its own pace; several
instances posting into one channel at once may still meet a 429, which the outbox honours.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

PER_SECOND = 1.0
BURST = 3
WAIT_IN_PLACE_S = 0.5


@dataclass
class ChannelPace:
    per_second: float = PER_SECOND
    burst: int = BURST
    clock: Callable[[], float] = time.monotonic
    _tokens: dict[str, float] = field(default_factory=dict)
    _stamp: dict[str, float] = field(default_factory=dict)

    def _refill(self, channel: str) -> float:
        now = self.clock()
        tokens = self._tokens.get(channel, float(self.burst))
        tokens += (now - self._stamp.get(channel, now)) * self.per_second
        self._tokens[channel] = min(float(self.burst), tokens)
        self._stamp[channel] = now
        return self._tokens[channel]

    def delay(self, channel: str) -> float:
        """Seconds until ``channel`` may take one more message (0: now)."""
        tokens = self._refill(channel)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.per_second

    def reserve(self, channel: str) -> float:
        """Book the next message into ``channel``: the seconds to wait before posting it.
        Bookings made while others wait queue behind them."""
        tokens = self._refill(channel) - 1
        self._tokens[channel] = tokens
        return 0.0 if tokens >= 0 else -tokens / self.per_second
