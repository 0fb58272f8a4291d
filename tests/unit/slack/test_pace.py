"""The per-channel pace: a burst goes at once, then one message a second; channels are apart."""

from __future__ import annotations

from bots.slack.pace import ChannelPace


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_a_second_per_channel() -> None:
    clock = Clock()
    pace = ChannelPace(per_second=1.0, burst=3, clock=clock)
    assert [pace.reserve("C1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pace.delay("C1") == 1.0 and pace.delay("C2") == 0.0, "another channel is free"
    assert pace.reserve("C1") == 1.0, "the fourth waits a second"
    assert pace.reserve("C1") == 2.0, "and the fifth queues behind it"
    clock.now += 2.0
    assert pace.delay("C1") == 1.0
    clock.now += 10.0
    assert pace.delay("C1") == 0.0 and pace.reserve("C1") == 0.0, "a quiet channel is free again"
    assert [pace.reserve("C1") for _ in range(2)] == [0.0, 0.0], "up to the burst, no more"
    assert pace.reserve("C1") == 1.0
