"""The Bolt listeners: every request is acknowledged first, then handed to the core.

The app runs with ``process_before_response``: a listener acks (events are acknowledged by
Bolt when the listener returns), hands its work to :class:`bots.slack.after_ack.AfterAck` and
returns, so Slack gets its answer at once whatever the work costs, and the work runs a few
items at a time (modals first). Nothing is decided here: the core reads the event,
deduplicates it by its key in the same transaction as its effects, and queues every answer in
the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.after_ack import AfterAck, Work
from bots.slack.blocks import ACTION_PREFIX
from bots.slack.events import (
    MessageFacts,
    button_event,
    command_event,
    is_direct,
    message_event,
    spoken_message,
    thread_event,
    unescape,
    without_mention,
)
from bots.slack.home import home_view
from bots.slack.modal_listeners import Modals, PressModal, register_modals
from bots.slack.mrkdwn import escape
from bots.slack.people import Directory, external_id
from bots.slack.profile import SLASH_COMMAND
from bots.slack.reposting import FILE_LIMIT
from bots.slack.sender import CHANNEL, ephemeral_recipient, thread_ref
from core.i18n import gettext
from core.intake.events import InboundEvent
from core.intake.from_message import MessageToTicket
from core.intake.home import home_sections
from core.intake.inbound import FAILED_TURN, InboundProcessor
from core.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)
# Events handled at the same time. The rest wait their turn, so that in a burst the event loop
# keeps time to acknowledge new requests (Slack's 3 s) instead of running every handler at once.
PROCESSING_AT_ONCE = 4
TICKET_REACTION = "ticket"  # 🎫


class Desk:
    """What the listeners share: the core's processor, who people are, the triage rooms."""

    def __init__(
        self,
        processor: InboundProcessor,
        client: AsyncWebClient,
        uow_factory: UnitOfWorkFactory,
        *,
        room_ids: Collection[str],
    ) -> None:
        self.processor = processor
        self.uow_factory = uow_factory
        self.default_language = processor.config.default_language
        self.client = client
        self.directory = Directory(client)
        self.room_ids = frozenset(room_ids)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._working = asyncio.Semaphore(PROCESSING_AT_ONCE)
        self.after_ack = AfterAck()

    def later(self, what: str, work: Work, *, urgent: bool = False) -> None:
        """Run ``work`` once the request is acknowledged (see :mod:`bots.slack.after_ack`)."""
        self.after_ack.later(what, work, urgent=urgent)

    @asynccontextmanager
    async def _in_order(self, chat_ref: str) -> AsyncIterator[None]:
        """Events of one conversation are handled one after another, in arrival order."""
        lock = self._locks[chat_ref]
        async with lock:
            yield
        if not lock.locked() and not lock._waiters:  # noqa: SLF001 - forget idle locks
            self._locks.pop(chat_ref, None)

    async def process(self, event: InboundEvent) -> str | None:
        """Run the event through the core; the toast for a button press, if any."""
        # Slack shows the new-request form as a modal, so self-help can offer it.
        event = replace(event, shows_forms=True)
        async with self._in_order(event.chat_ref), self._working:
            outcome = await self.processor.process(event)
        return outcome.toast

    async def is_desk_thread(self, channel_id: str, thread_ts: str) -> bool:
        """True when someone started talking with the desk in this thread (by a mention)."""
        async with self.uow_factory() as uow:
            found = await uow.conversations.get(CHANNEL, thread_ref(channel_id, thread_ts))
        return found is not None

    async def message_at(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        """One message of a channel (top-level or in a thread), or None."""
        try:
            found = await self.client.conversations_history(
                channel=channel_id, latest=ts, inclusive=True, limit=1
            )
            messages = [m for m in found.get("messages") or [] if m.get("ts") == ts]
            if not messages:
                replies = await self.client.conversations_replies(channel=channel_id, ts=ts)
                messages = [m for m in replies.get("messages") or [] if m.get("ts") == ts]
        except SlackApiError as exc:
            log.warning("slack: cannot read message %s in %s: %s", ts, channel_id, exc)
            return None
        return dict(messages[0]) if messages else None

    def takes_tickets_from(self, channel_id: str) -> bool:
        """Messages become tickets in channels: not in DMs, not in the agents' rooms."""
        return bool(channel_id) and channel_id not in self.room_ids and not is_direct(channel_id)

    def can_make_ticket(self, channel_id: str, message: dict[str, Any]) -> bool:
        """A person's (not a bot's) message in a channel that takes tickets."""
        person = bool(message.get("user")) and not message.get("bot_id")
        return person and self.takes_tickets_from(channel_id)

    async def ticket_from(
        self, team_id: str, channel_id: str, message: dict[str, Any]
    ) -> int | None:
        """Make a message a ticket for its author, keeping its permalink and confirming in its
        thread (a 🎫 reaction, the "Create ticket" shortcut); None when it already made one."""
        ts = str(message.get("ts") or "")
        author = await self.directory.user(team_id, str(message["user"]))
        link = await self.client.chat_getPermalink(channel=channel_id, message_ts=ts)
        return await self.processor.ticket_from_message(
            MessageToTicket(
                channel=CHANNEL,
                key=f"ticket-from:{channel_id}:{ts}",
                author=author,
                text=unescape(str(message.get("text") or "")),
                link=str(link.get("permalink") or ""),
                conversation_ref=thread_ref(channel_id, str(message.get("thread_ts") or ts)),
            )
        )

    async def direct_channel(self, user_id: str) -> str | None:
        """The app's DM with a person (opened if needed)."""
        try:
            response = await self.client.conversations_open(users=user_id)
        except SlackApiError as exc:
            log.warning("slack: cannot open a DM with %s: %s", user_id, exc)
            return None
        channel = response.get("channel") or {}
        return str(channel.get("id") or "") or None


def register(app: AsyncApp, desk: Desk) -> None:
    """Add chatdesk's listeners to a Bolt app."""
    modals = Modals(desk)
    register_modals(app, desk, modals)

    @app.event("message")
    async def on_message(body: dict[str, Any], context: AsyncBoltContext) -> None:
        facts = spoken_message(body, context.bot_user_id)
        if facts is not None:
            desk.later("a message", handle_message(facts, context.bot_user_id))

    async def handle_message(facts: MessageFacts, bot_user_id: str | None) -> None:
        if facts.direct or (facts.channel_id in desk.room_ids and facts.thread_ts):
            user = await desk.directory.user(facts.team_id, facts.user_id)
            for name, size in facts.too_large:
                await desk.processor.say(
                    event_key=f"event:{facts.event_id}:too-large:{name}",
                    channel=CHANNEL,
                    chat_ref=facts.channel_id,
                    text=gettext(
                        user.language_code,
                        "The file {name} is {size} MB; the bot can take files up to {limit} MB. "
                        "Please compress it or share a link instead.",
                        name=name,
                        size=round(size / 1024 / 1024, 1),
                        limit=FILE_LIMIT // 1024 // 1024,
                    ),
                )
            if facts.text.strip() or facts.files:
                await desk.process(message_event(facts, user))
        elif f"<@{bot_user_id}>" in facts.text:
            return  # a mention: the app_mention event carries it
        elif facts.thread_ts and await desk.is_desk_thread(facts.channel_id, facts.thread_ts):
            user = await desk.directory.user(facts.team_id, facts.user_id)
            await desk.process(thread_event(facts, user, facts.text))
        # anything else said in channels the app is in is not for the desk

    @app.event("app_mention")
    async def on_mention(body: dict[str, Any], context: AsyncBoltContext) -> None:
        """``@desk printer on 3 is jammed``: the desk answers in the message's thread, and the
        thread is the conversation from then on."""
        facts = spoken_message(body, context.bot_user_id)
        if facts is None or facts.channel_id in desk.room_ids:
            return
        text = without_mention(facts.text, context.bot_user_id)
        desk.later("a mention", handle_mention(facts, text))

    async def handle_mention(facts: MessageFacts, text: str) -> None:
        user = await desk.directory.user(facts.team_id, facts.user_id)
        await desk.process(thread_event(facts, user, text))

    @app.event("reaction_added")
    async def on_reaction(body: dict[str, Any]) -> None:
        """A 🎫 on a message in a channel the app is in makes it a ticket for its author."""
        event = body.get("event") or {}
        item = event.get("item") or {}
        channel_id, ts = str(item.get("channel") or ""), str(item.get("ts") or "")
        if event.get("reaction") != TICKET_REACTION or not ts:
            return
        if desk.takes_tickets_from(channel_id):
            desk.later(
                "a 🎫 reaction", handle_reaction(str(body.get("team_id") or ""), channel_id, ts)
            )

    async def handle_reaction(team_id: str, channel_id: str, ts: str) -> None:
        message = await desk.message_at(channel_id, ts)
        if message is not None and desk.can_make_ticket(channel_id, message):
            await desk.ticket_from(team_id, channel_id, message)

    @app.event("app_home_opened")
    async def on_home(body: dict[str, Any], client: AsyncWebClient) -> None:
        event = body.get("event") or {}
        if event.get("tab") in (None, "home"):
            user_id = str(event.get("user") or "")
            team_id = str(body.get("team_id") or "")
            desk.later("App Home", publish_home(client, team_id, user_id))

    async def publish_home(client: AsyncWebClient, team_id: str, user_id: str) -> None:
        person_key = external_id(team_id, user_id)
        async with desk.uow_factory() as uow:
            person = await uow.people.by_identity(CHANNEL, person_key)
            language = person.language if person else desk.default_language
            sections = await home_sections(uow, person, language)
        await client.views_publish(user_id=user_id, view=home_view(sections, language))

    @app.command(SLASH_COMMAND)
    async def on_desk_command(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        form = not str(command.get("text") or "").strip()  # `/desk` alone opens a modal
        desk.later(f"a {SLASH_COMMAND} command", run_command(command, client), urgent=form)

    async def run_command(command: dict[str, Any], client: AsyncWebClient) -> None:
        user_id, channel_id = str(command.get("user_id")), str(command.get("channel_id"))
        team = str(command.get("team_id") or "")
        if not str(command.get("text") or "").strip() and await modals.open_request(
            client,
            str(command.get("trigger_id") or ""),
            team_id=team,
            user_id=user_id,
            chat_ref=channel_id if is_direct(channel_id) else None,
        ):
            return  # `/desk` alone: the new-request form (help, when it cannot open)
        user = await desk.directory.user(team, user_id)
        if channel_id in desk.room_ids:
            # In the triage channel answers are for the one who asked.
            chat_ref, private = ephemeral_recipient(channel_id, user_id), False
        else:
            # Anywhere else the conversation is the person's DM with the app.
            dm = channel_id if is_direct(channel_id) else await desk.direct_channel(user_id)
            if dm is None:
                return
            chat_ref, private = dm, True
        await desk.process(command_event(command, user, chat_ref=chat_ref, is_private=private))

    @app.action(re.compile(f"^{ACTION_PREFIX}:"))
    async def on_button(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        modal: asyncio.Future[PressModal] = asyncio.get_running_loop().create_future()
        if modals.may_open(body):  # the modal at once (its trigger_id lives 3 s) ...
            desk.later("a button's modal", open_modal(body, client, modal), urgent=True)
        else:
            modal.set_result(PressModal.NONE)
        desk.later("a button press", press(body, client, modal))  # ... the press in its turn

    async def open_modal(
        body: dict[str, Any], client: AsyncWebClient, modal: asyncio.Future[PressModal]
    ) -> None:
        try:
            modal.set_result(await modals.for_press(body, client))
        finally:
            if not modal.done():  # it failed (logged): the press goes on as if no modal
                modal.set_result(PressModal.NONE)

    async def press(
        body: dict[str, Any], client: AsyncWebClient, opening: asyncio.Future[PressModal]
    ) -> None:
        modal = await opening
        if modal is PressModal.INSTEAD:
            return
        who = body.get("user") or {}
        team = str(who.get("team_id") or (body.get("team") or {}).get("id") or "")
        user = await desk.directory.user(team, str(who.get("id") or ""))
        event = button_event(body, user, desk.room_ids)
        if event is None:
            return
        if modal is PressModal.ALONGSIDE:
            event = replace(event, asked_in_form=True)
        try:
            toast = await desk.process(event)
        except Exception:
            await _toast(
                client, event.chat_ref, str(who.get("id")), gettext(user.language_code, FAILED_TURN)
            )
            raise
        if toast:
            await _toast(client, event.chat_ref, str(who.get("id")), toast)


async def _toast(client: AsyncWebClient, channel_id: str, user_id: str, text: str) -> None:
    """The short answer to a press, seen only by the one who pressed."""
    try:
        await client.chat_postEphemeral(channel=channel_id, user=user_id, text=escape(text))
    except SlackApiError as exc:
        log.info("slack: could not answer a button press in %s: %s", channel_id, exc)
