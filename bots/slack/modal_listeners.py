"""Modals: the new-request form (from "None of these — create a ticket", ``/desk`` alone and
App Home's "New request") and the rating comment; and the message shortcut "Create ticket".

A ``trigger_id`` lives 3 s and works once, so a modal is opened right after the ack, before
anything slow: the only work before ``views.open`` is one read of the person's language, the
conversation and the categories, and when that is slow (a busy database) a placeholder opens
first (see :data:`PREPARE_BUDGET_S`). When ``views.open`` fails the caller falls back to the chat
(the turn-by-turn intake). A submission is checked by the core first; problems go back as
``response_action: errors`` on their fields and nothing is written; a good one is acknowledged
(the modal closes) and then handled like any event.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.events import PressPlace, form_event, press_place, pressed_value
from bots.slack.modals import (
    NEW_REQUEST_ACTION,
    RATING_MODAL,
    REQUEST_MODAL,
    Where,
    errors,
    loading_view,
    rating_view,
    read_rating,
    read_request,
    request_view,
    where_of,
)
from bots.slack.mrkdwn import escape
from bots.slack.people import external_id
from bots.slack.sender import CHANNEL
from core.button_data import Act, Pressed, unpack
from core.i18n import gettext
from core.intake import followup, from_message, request_form
from core.intake.forms import Form
from core.intake.request_form import FormSetup

if TYPE_CHECKING:
    from bots.slack.listeners import Desk

log = logging.getLogger(__name__)
CREATE_TICKET_SHORTCUT = "create_ticket"  # the message shortcut's callback id (manifest.yml)
# How long reading a form's data may take before views.open: past it a placeholder opens
# first, well inside the trigger_id's 3 s, and the form follows with views.update.
PREPARE_BUDGET_S = 1.0
MODAL_ACTS = frozenset({Act.NONE_HELPED, Act.RATE})  # presses that open a modal


class PressModal(Enum):
    """What opening a press's modal means for the press itself."""

    NONE = "none"  # no modal: the press is handled as usual
    INSTEAD = "instead"  # the modal replaces the press
    ALONGSIDE = "alongside"  # the press is handled; its follow-up question is in the modal


def team_of(body: dict[str, Any]) -> str:
    who = body.get("user") or {}
    return str(
        who.get("team_id") or (body.get("team") or {}).get("id") or body.get("team_id") or ""
    )


class Modals:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def language_of(self, team_id: str, user_id: str) -> str:
        async with self.desk.uow_factory() as uow:
            person = await uow.people.by_identity(CHANNEL, external_id(team_id, user_id))
        return person.language if person is not None else self.desk.default_language

    async def open_request(
        self,
        client: AsyncWebClient,
        trigger_id: str,
        *,
        team_id: str,
        user_id: str,
        chat_ref: str | None,
        suggestions_event: int | None = None,
    ) -> bool:
        """Open the new-request modal (prefilled from the conversation when it answers its
        suggestions); False when Slack would not open it. Should reading the form's data take
        longer than :data:`PREPARE_BUDGET_S` (a busy database), a placeholder opens while the
        trigger is still good and the form replaces it when ready (``views.update``)."""
        preparing = asyncio.ensure_future(
            self._prepare(team_id, user_id, chat_ref=chat_ref, suggestions_event=suggestions_event)
        )
        await asyncio.wait({preparing}, timeout=PREPARE_BUDGET_S)
        if preparing.done():
            return (
                await _open(client, trigger_id, self._form(preparing.result(), chat_ref))
                is not None
            )
        view_id = await _open(client, trigger_id, loading_view(self.desk.default_language))
        setup = await preparing
        if view_id is None:
            return False
        try:
            await client.views_update(view_id=view_id, view=self._form(setup, chat_ref))
        except (SlackApiError, OSError, TimeoutError) as exc:
            log.warning("slack: could not fill in the new-request modal %s: %s", view_id, exc)
        return True

    async def _prepare(
        self, team_id: str, user_id: str, *, chat_ref: str | None, suggestions_event: int | None
    ) -> FormSetup:
        async with self.desk.uow_factory() as uow:
            return await request_form.prepare(
                uow,
                channel=CHANNEL,
                external_id=external_id(team_id, user_id),
                chat_ref=chat_ref,
                suggestions_event=suggestions_event,
                default_language=self.desk.default_language,
            )

    @staticmethod
    def _form(setup: FormSetup, chat_ref: str | None) -> dict[str, Any]:
        return request_view(setup, Where(chat_ref or "", setup.language))

    async def open_rating(
        self,
        client: AsyncWebClient,
        trigger_id: str,
        *,
        team_id: str,
        user_id: str,
        chat_ref: str,
        ticket: int,
        score: int,
    ) -> bool:
        """The comment modal, in the person's language, when the rating will be taken (their
        ticket, resolved, not rated yet; False otherwise: the press is answered as usual). A
        lookup slower than the budget opens it in the desk's language."""
        looking_up = asyncio.ensure_future(self._rating_language(team_id, user_id, ticket))
        await asyncio.wait({looking_up}, timeout=PREPARE_BUDGET_S)
        if looking_up.done():
            language = looking_up.result()
            if language is None:
                return False
        else:
            looking_up.add_done_callback(_quietly)
            language = self.desk.default_language
        view = rating_view(ticket, score, Where(chat_ref, language))
        return await _open(client, trigger_id, view) is not None

    async def _rating_language(self, team_id: str, user_id: str, ticket: int) -> str | None:
        async with self.desk.uow_factory() as uow:
            return await followup.rating_comment_language(
                uow, channel=CHANNEL, external_id=external_id(team_id, user_id), number=ticket
            )

    def _modal_press(self, body: dict[str, Any]) -> tuple[Pressed, PressPlace] | None:
        """The press and where it was, when it is one that opens a modal."""
        pressed = unpack(pressed_value(body))
        place = press_place(body, self.desk.room_ids)
        if pressed is None or place is None or not place.is_private:
            return None
        return (pressed, place) if pressed.act in MODAL_ACTS else None

    def may_open(self, body: dict[str, Any]) -> bool:
        """True when the press may open a modal (its trigger_id lives 3 s)."""
        return self._modal_press(body) is not None

    async def for_press(self, body: dict[str, Any], client: AsyncWebClient) -> PressModal:
        """Open the modal a press leads to, if any. "None of these — create a ticket" opens the
        new-request form instead of the turn-by-turn intake (which stays for when the modal
        cannot open). A rating opens the comment form alongside: the rating itself is handled
        as usual, and the chat does not ask for the comment as well."""
        found = self._modal_press(body)
        if found is None:
            return PressModal.NONE
        pressed, place = found
        trigger = str(body.get("trigger_id") or "")
        team, user_id = team_of(body), str((body.get("user") or {}).get("id") or "")
        if pressed.act is Act.NONE_HELPED:
            opened = await self.open_request(
                client,
                trigger,
                team_id=team,
                user_id=user_id,
                chat_ref=place.chat_ref,
                suggestions_event=pressed.number(),
            )
            return PressModal.INSTEAD if opened else PressModal.NONE
        if pressed.act is Act.RATE:
            opened = await self.open_rating(
                client,
                trigger,
                team_id=team,
                user_id=user_id,
                chat_ref=place.chat_ref,
                ticket=pressed.number(0),
                score=pressed.number(1),
            )
            return PressModal.ALONGSIDE if opened else PressModal.NONE
        return PressModal.NONE

    async def submitted(self, body: dict[str, Any], view: dict[str, Any], form: Form) -> None:
        """Hand a submitted form to the core (after the ack)."""
        where, _ = where_of(view)
        who = body.get("user") or {}
        user_id = str(who.get("id") or "")
        chat_ref = where.chat_ref or await self.desk.direct_channel(user_id)
        if not chat_ref:
            log.warning("slack: no conversation with %s to answer their form in", user_id)
            return
        user = await self.desk.directory.user(team_of(body), user_id)
        await self.desk.process(form_event(view, user, chat_ref, form))


async def _open(client: AsyncWebClient, trigger_id: str, view: dict[str, Any]) -> str | None:
    """``views.open``; the view's id, or None when Slack would not open it."""
    try:
        opened = await client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, OSError, TimeoutError) as exc:
        log.info(
            "slack: could not open the %s modal (%s); the chat goes on", view["callback_id"], exc
        )
        return None
    return str((opened.get("view") or {}).get("id") or "") or None


def _quietly(task: asyncio.Future[Any]) -> None:
    """A lookup no one waits for any more: only retrieve its outcome."""
    if not task.cancelled() and task.exception() is not None:
        log.debug("slack: a late lookup failed", exc_info=task.exception())


def register_modals(app: AsyncApp, desk: Desk, modals: Modals) -> None:
    @app.view(REQUEST_MODAL)
    async def on_request_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        where, _ = where_of(view)
        form = read_request(view)
        wrong = request_form.problems(form, where.language)
        if wrong:
            await ack(response_action="errors", errors=errors(wrong))
            return
        await ack()
        desk.later("a new-request form", modals.submitted(body, view, form))

    @app.view_closed(RATING_MODAL)
    async def on_rating_skipped(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        skipped = read_rating(view)
        if skipped is not None:
            desk.later(
                "a closed rating form", modals.submitted(body, view, replace(skipped, comment=""))
            )

    @app.view(RATING_MODAL)
    async def on_rating_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        await ack()
        comment = read_rating(view)
        if comment is not None:
            desk.later("a rating comment", modals.submitted(body, view, comment))

    @app.action(NEW_REQUEST_ACTION)
    async def on_new_request(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user_id = str((body.get("user") or {}).get("id") or "")
        opening = modals.open_request(
            client,
            str(body.get("trigger_id")),
            team_id=team_of(body),
            user_id=user_id,
            chat_ref=None,
        )
        desk.later("the new-request form", opening, urgent=True)

    @app.shortcut(CREATE_TICKET_SHORTCUT)
    async def on_create_ticket(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        """The message shortcut "Create ticket": the same as a 🎫 on the message, and the
        person who used it is told (only they see it) what became of it."""
        await ack()
        desk.later("the Create ticket shortcut", create_ticket(body, respond))

    async def create_ticket(body: dict[str, Any], respond: AsyncRespond) -> None:
        channel_id = str((body.get("channel") or {}).get("id") or "")
        message = body.get("message") or {}
        team = team_of(body)
        language = await modals.language_of(team, str((body.get("user") or {}).get("id") or ""))
        if not desk.can_make_ticket(channel_id, message):
            text = gettext(language, from_message.NOT_HERE)
        elif (number := await desk.ticket_from(team, channel_id, message)) is None:
            text = gettext(language, from_message.ALREADY)
        else:
            text = gettext(language, from_message.MADE, number=number)
        await respond(text=escape(text), response_type="ephemeral", replace_original=False)
