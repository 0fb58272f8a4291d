"""chatdesk's Slack channel in a test: the real slack-bolt ``AsyncApp`` mounted on the real
admin app, served over HTTP (uvicorn) and receiving signed requests from a fake Slack, whose
Web API it calls back; the real engine, outbox and a real database behind it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from typing import Any

import uvicorn

from admin.app import create_app
from bots.slack.channel import EVENTS_PATH, SlackChannel
from bots.slack.health import CHECK_EVERY_S
from bots.slack.pace import ChannelPace
from bots.telegram.channel import TelegramChannel
from chatdesk.runner import desk_config
from core.channels import Channel, ChannelHost
from core.intake.inbound import InboundProcessor
from core.intake.rooms import sync_agent_rooms
from core.messages import Sender
from core.services import article_curation, knowledge_index
from core.services.context import operator
from core.services.outbox import OutboxWorker
from core.settings import Settings
from core.supervision import HealthRegistry, Supervisor
from storage.unit_of_work import Database
from tests.fakes.slack_objects import TEAM_ID, SlackUser
from tests.fakes.slack_objects import SlackChannel as FakeChannel
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_objects import TgUser, group_chat
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.intake.harness import articles
from tests.integration.telegram.desk import button
from tests.integration.telegram.desk import buttons as tg_buttons

SWEEP_EVERY_S = 0.2
UNPACED = 1_000_000


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers (the test runner owns the process)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def slack_id(user: SlackUser) -> str:
    """The identity chatdesk stores for a fake Slack user."""
    return f"{TEAM_ID}:{user.id}"


class SlackDesk:
    """The desk with its Slack channel (and any other channels the test adds with
    :meth:`add_channel`). Start with :meth:`start`, end with :meth:`stop`."""

    def __init__(
        self,
        db: Database,
        slack: FakeSlackServer,
        *,
        check_every: float = CHECK_EVERY_S,
        **settings: Any,
    ) -> None:
        """``check_every``: the Slack channel's health check interval; ``settings``: any
        :class:`Settings` beyond the Slack app's."""
        self.db = db
        self.check_every = check_every
        self.slack = slack
        self.triage: FakeChannel = slack.add_channel("it-triage")
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url="sqlite+aiosqlite:///unused.db",
            slack_bot_token=slack.bot_token,
            slack_signing_secret=slack.signing_secret,
            slack_api_url=slack.api_url,
            slack_triage_channel=self.triage.id,
            **settings,
        )
        self.health = HealthRegistry()
        self.supervisor = Supervisor(self.health)
        self.app = create_app(settings=self.settings, database=db, health=self.health)
        self.channels: list[Channel] = []
        self._server: _QuietServer | None = None
        self._serving: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None

    async def start(self, *, extra: tuple[type[Any], ...] = ()) -> SlackDesk:
        kb = knowledge_index.KnowledgeBase()
        config = desk_config(self.settings)
        async with self.db.uow() as uow:
            await sync_agent_rooms(uow, config.agent_rooms)
            if not await uow.articles.all():
                for article in articles():
                    await article_curation.save_article(uow, kb, actor=operator(), article=article)
            await kb.load(uow)
            await uow.commit()
        self.senders: dict[str, Sender] = {}
        self.worker = OutboxWorker(self.db.uow, self.senders)
        self.processor = InboundProcessor(
            self.db.uow, kb=kb, config=config, after_commit=self.worker.kick
        )
        self.host = ChannelHost(
            settings=self.settings,
            processor=self.processor,
            uow_factory=self.db.uow,
            web=self.app,
            supervisor=self.supervisor,
        )
        self.channel = SlackChannel(self.host, check_every=self.check_every)
        # The database's clock stands still in these tests, so a post paced back to the outbox
        # would wait for it forever: posts go at once here (test_pace.py paces for real).
        self.channel.sender.pace = ChannelPace(burst=UNPACED)
        await self.add_channel(self.channel)
        await self._serve()
        self._ticker = asyncio.create_task(self._tick())
        return self

    async def add_channel(self, channel: Channel) -> None:
        self.senders[channel.name] = channel.sender
        await channel.start()
        self.channels.append(channel)

    async def _serve(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off")
        self._server = _QuietServer(config)
        self._serving = asyncio.create_task(self._server.serve(sockets=[sock]))
        async with asyncio.timeout(30):
            while not self._server.started:  # noqa: ASYNC110 - uvicorn offers no event
                await asyncio.sleep(0.02)
        self.slack.request_url = f"http://127.0.0.1:{port}{EVENTS_PATH}"

    async def _tick(self) -> None:
        """What the scheduler does in production: sweep the outbox regularly (retries)."""
        while True:
            await asyncio.sleep(SWEEP_EVERY_S)
            await self.worker.sweep()

    async def stop(self) -> None:
        await self.worker.stop(grace=2)
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            await self._serving
        for channel in reversed(self.channels):
            await channel.stop()
        await self.supervisor.stop()

    # --- reading what people see -------------------------------------------------------------

    def dm(self, user: SlackUser) -> list[dict[str, Any]]:
        """The app's messages in its DM with ``user``."""
        return self.slack.app_messages_in(self.slack.dm_with(user).id)

    def cards(self) -> list[dict[str, Any]]:
        return self.slack.app_messages_in(self.triage.id)

    def snapshot(self, user: SlackUser) -> set[tuple[str, str]]:
        return {(m["ts"], m["seen"]) for m in self.dm(user)}

    async def next_dm(
        self,
        user: SlackUser,
        *,
        seen_before: set[tuple[str, str]],
        contains: str = "",
        with_buttons: bool = False,
    ) -> dict[str, Any]:
        """Wait for an app message in ``user``'s DM, new or edited since ``seen_before``."""

        def found() -> dict[str, Any] | None:
            for message in self.dm(user):
                if (message["ts"], message["seen"]) in seen_before:
                    continue
                if contains in message["seen"] and (not with_buttons or buttons(message)):
                    return message
            return None

        try:
            return await self.slack.wait_for(found, timeout=15)
        except TimeoutError:
            shown = [m["seen"] for m in self.dm(user)]
            raise AssertionError(f"no such message for {user.name}; the DM shows {shown}") from None

    async def say(
        self, user: SlackUser, text: str, *, contains: str = "", with_buttons: bool = False
    ) -> dict[str, Any]:
        before = self.snapshot(user)
        await self.slack.user_dms(user, text)
        return await self.next_dm(
            user, seen_before=before, contains=contains, with_buttons=with_buttons
        )

    async def press(
        self,
        user: SlackUser,
        message: dict[str, Any],
        label: str,
        *,
        contains: str = "",
        with_buttons: bool = False,
    ) -> dict[str, Any]:
        """Press a button in a DM message; wait for a new or edited message with ``contains``."""
        before = self.snapshot(user)
        await click(self.slack, user, message, label)
        return await self.next_dm(
            user, seen_before=before, contains=contains, with_buttons=with_buttons
        )


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """label → action_id of every button in a message."""
    return {
        element["text"]["text"]: element["action_id"]
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "button"
    }


async def click(
    slack: FakeSlackServer, user: SlackUser, message: dict[str, Any], label: str
) -> None:
    found = buttons(slack.message(message["channel"], message["ts"]))
    if label not in found:
        raise AssertionError(f"no button {label!r} in {list(found)}")
    await slack.user_clicks(user, message, found[label])


async def open_modal(
    slack: FakeSlackServer, user: SlackUser, message: dict[str, Any], label: str
) -> dict[str, Any]:
    """Press a button that opens a modal; wait for the new modal on top of ``user``'s stack."""
    before = slack.modal_of(user)
    await click(slack, user, message, label)

    def opened() -> dict[str, Any] | None:
        top = slack.modal_of(user)
        return top if top is not None and top is not before else None

    return await slack.wait_for(opened, timeout=15)


def choice(modal: dict[str, Any], block_id: str, label: str) -> str:
    """The value of the option labelled ``label`` in a modal's select."""
    block = next(b for b in modal["blocks"] if b.get("block_id") == block_id)
    options = {o["text"]["text"]: o["value"] for o in block["element"]["options"]}
    if label not in options:
        raise AssertionError(f"no option {label!r} in {block_id}: {list(options)}")
    return options[label]


async def submit_request(
    desk: SlackDesk,
    user: SlackUser,
    modal: dict[str, Any],
    impact: str = "Just me",
    urgency: str = "It can wait",
    **typed: str,
) -> dict[str, Any]:
    """Fill in the new-request modal (choices by label) and submit it; the confirmation."""
    before = desk.snapshot(user)
    choices = {
        "impact": choice(modal, "impact", impact),
        "urgency": choice(modal, "urgency", urgency),
    }
    await desk.slack.user_submits(user, choices | typed)
    return await desk.next_dm(user, seen_before=before, contains="ticket #")


async def open_ticket_by_dm(desk: SlackDesk, user: SlackUser, question: str) -> dict[str, Any]:
    """The employee's path from a DM to a ticket (suggestions declined, the new-request modal
    filled in); returns the confirmation message."""
    asked = await desk.say(user, question, with_buttons=True)
    modal = await open_modal(desk.slack, user, asked, "None of these — create a ticket")
    network = choice(modal, "category", "Network")
    return await submit_request(desk, user, modal, "My team", "I cannot work", category=network)


# --- Slack and Telegram in one desk ----------------------------------------------------------


async def start_with_telegram(
    db: Database, slack: FakeSlackServer, telegram: FakeTelegramServer, *, agents_chat: int
) -> SlackDesk:
    """The desk with both messengers: the real slack-bolt app and the real aiogram bot (polling
    ``telegram``), on one database; Telegram's agents' group is ``agents_chat``."""
    running = SlackDesk(
        db,
        slack,
        telegram_token=telegram.token,
        telegram_api_url=telegram.url,
        telegram_agents_chat=str(agents_chat),
    )
    telegram.register_chat(group_chat(agents_chat, "Agents"))
    await running.start()
    await running.add_channel(TelegramChannel(running.host))
    return running


async def tg_wait(
    telegram: FakeTelegramServer, chat_id: int, contains: str, *, with_buttons: bool = False
) -> dict[str, Any]:
    """The first bot message in a Telegram chat with ``contains`` (and buttons)."""

    def found() -> dict[str, Any] | None:
        for message in telegram.messages_in(chat_id):
            if contains in (message.get("plain_text") or "") and (
                not with_buttons or tg_buttons(message)
            ):
                return message
        return None

    return await telegram.wait_for(found, timeout=15)


async def tg_press(
    telegram: FakeTelegramServer, user: TgUser, chat_id: int, label: str, contains: str
) -> dict[str, Any]:
    """Press the latest button ``label``; wait for a new or edited message with ``contains``."""
    chat = telegram.messages_in(chat_id)
    message = next(m for m in reversed(chat) if label in tg_buttons(m))
    before = len(chat)
    await telegram.user_presses_button(user, message, button(message, label))

    def found() -> dict[str, Any] | None:
        chat = telegram.messages_in(chat_id)
        fresh = [m for m in chat[before:] if contains in (m.get("plain_text") or "")]
        edited = [m for m in chat[:before] if m.get("edited") and contains in m["plain_text"]]
        return (fresh or edited or [None])[0]

    return await telegram.wait_for(found, timeout=15)


async def tg_open_ticket(telegram: FakeTelegramServer, user: TgUser, question: str) -> None:
    """A Telegram employee's path from a question to a ticket (the short intake)."""
    await telegram.user_sends_text(user, question)
    await tg_wait(telegram, user.id, "", with_buttons=True)
    await tg_press(telegram, user, user.id, "None of these — create a ticket", "What is it about?")
    await tg_press(telegram, user, user.id, "Network", "")
    await tg_press(telegram, user, user.id, "My team", "")
    await tg_press(telegram, user, user.id, "I cannot work", "press Done")
    await tg_press(telegram, user, user.id, "Done", "")
    await tg_press(telegram, user, user.id, "Create", "ticket #")
