"""The channel contract: what every messenger package under ``bots/`` provides, so that the
runner, the command line and the tests use any of them without naming it.

A messenger is a :class:`ChannelKind` (its :class:`ChannelProfile`, whether the settings turn it
on, how to build it); :meth:`ChannelKind.create` builds the running :class:`Channel` (errbot's
``backends/base.py`` is the picture: a name, a sender, rooms, start and stop). The list of
kinds is ``chatdesk/channels.py``: adding a messenger is one line there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.instance_locks import InstanceLocks, SingleProcess
from core.intake.inbound import InboundProcessor
from core.messages import Sender
from core.ports import AgentRoom, UnitOfWorkFactory
from core.settings import Settings
from core.supervision import Supervisor


class ChannelProfile(Protocol):
    """What is true of a messenger without connecting to it (usable with no token at all)."""

    @property
    def name(self) -> str:
        """The channel key in identities, events and outbox rows, e.g. ``telegram``."""
        ...

    @property
    def title(self) -> str:
        """The messenger's name for people, e.g. ``Telegram``."""
        ...

    @property
    def user_id_hint(self) -> str:
        """What a user id looks like here, for help texts: "a number, e.g. 123456789"."""
        ...

    def parse_user_id(self, raw: str) -> str:
        """A user id as an admin typed it, normalised; :class:`core.errors.InvalidInput`
        saying what a valid one looks like (and how a person finds theirs) otherwise."""
        ...

    def command_hint(self, command: str) -> str:
        """How a person types a command here: "claim 1001" → "/claim 1001" (Telegram),
        "/desk claim 1001" (Slack). Renderers use it for ``command`` spans."""
        ...


class WebRoutes(Protocol):
    """The admin web app, as far as a channel needs it: endpoints for webhooks and events."""

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: list[str] | None = None,
        include_in_schema: bool = True,
    ) -> None: ...

    def add_direct_route(self, path: str, app: Callable[..., Awaitable[None]]) -> None:
        """Serve ``path`` with an ASGI ``app`` ahead of the panel's middleware and routing: for
        a request URL that must answer within a deadline (Slack's 3 s ack)."""
        ...


@dataclass(frozen=True, slots=True)
class ChannelHost:
    """What the runner hands a channel it builds."""

    settings: Settings
    processor: InboundProcessor  # every inbound event goes through it
    uow_factory: UnitOfWorkFactory  # for what a channel reads itself (stored files, agents)
    web: WebRoutes
    supervisor: Supervisor  # runs the channel's long-lived loops and reports their health
    locks: InstanceLocks = field(default_factory=SingleProcess)  # work for one instance only


class Channel(Protocol):
    """A messenger connection inside `chatdesk run`."""

    @property
    def name(self) -> str: ...

    @property
    def sender(self) -> Sender:
        """Delivers outbox messages on this messenger."""
        ...

    @property
    def rooms(self) -> Sequence[AgentRoom]:
        """The agents' rooms on this messenger, where ticket cards are posted."""
        ...

    async def start(self) -> None:
        """Connect and start taking events (polling, a webhook, a socket); return once running."""
        ...

    async def stop(self) -> None:
        """Stop taking events and close connections; safe to call once after start."""
        ...


class ChannelKind(Protocol):
    """A messenger chatdesk can run: its profile, its settings, how to build and invite on it."""

    @property
    def profile(self) -> ChannelProfile: ...

    def configured(self, settings: Settings) -> bool:
        """True when the settings have what it needs to run (its tokens)."""
        ...

    def rooms(self, settings: Settings) -> tuple[AgentRoom, ...]:
        """The agents' rooms the settings name on this messenger (none when not configured)."""
        ...

    def create(self, host: ChannelHost) -> Channel:
        """Build the channel (without connecting: :meth:`Channel.start` does that)."""
        ...

    async def invite(self, settings: Settings, payload: str) -> str:
        """How a one-time agent invite looks here: a link to open, or a command to send.
        Opening it sends the ``start`` command with ``payload`` to chatdesk."""
        ...
