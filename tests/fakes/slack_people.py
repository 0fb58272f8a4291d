"""What simulated people do in the fake workspace, each turned into the request Slack sends.

Messages are stored first (so ``conversations.history``, permalinks and reactions see them),
then delivered to the app as the events it would get: ``message`` for DMs and for channels
the app is in, plus ``app_mention`` when the text mentions the app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Unpack

from tests.fakes import slack_payloads as payloads
from tests.fakes.slack_blocks import find_element
from tests.fakes.slack_objects import BOT_USER_ID, SlackChannel, SlackUser
from tests.fakes.slack_transport import Delivery, Kind, Knobs
from tests.fakes.slack_views import submit_values

if TYPE_CHECKING:
    from tests.fakes.slack_files import FileStore
    from tests.fakes.slack_state import Workspace
    from tests.fakes.slack_views import Views


@dataclass
class Posted:
    """A message a person posted, and the deliveries it caused (none where the app is absent)."""

    channel: SlackChannel
    message: dict[str, Any]
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def ts(self) -> str:
        return str(self.message["ts"])


class PeopleActions:
    workspace: Workspace
    views: Views
    files: FileStore
    url: str

    async def deliver(
        self, kind: Kind, payload: dict[str, Any], **knobs: Unpack[Knobs]
    ) -> Delivery:
        raise NotImplementedError

    def new_response_url(self, user_id: str, channel_id: str) -> str:
        raise NotImplementedError

    def _notify(self) -> None:
        raise NotImplementedError

    # -- the workspace ------------------------------------------------------------------------

    def add_user(self, name: str, **fields: Any) -> SlackUser:
        """A person: ``email``, ``tz``, ``tz_offset``, ``locale``, ``real_name``, ``deleted``."""
        return self.workspace.add_user(name, **fields)

    def add_channel(
        self,
        name: str,
        *,
        members: tuple[SlackUser, ...] = (),
        bot_member: bool = True,
        is_private: bool = False,
    ) -> SlackChannel:
        return self.workspace.add_channel(
            name, members=members, bot_member=bot_member, is_private=is_private
        )

    def _event_id(self) -> str:
        return self.workspace.ids.next("Ev")

    async def _event(self, event: dict[str, Any], **knobs: Unpack[Knobs]) -> Delivery:
        envelope = payloads.event_envelope(event, event_id=self._event_id())
        return await self.deliver("events_api", envelope, **knobs)

    # -- messages ------------------------------------------------------------------------------

    async def user_dms(self, user: SlackUser, text: str, **knobs: Unpack[Knobs]) -> Posted:
        """A direct message to the app (``message.im``)."""
        return await self.user_posts(user, self.workspace.im_with(user.id), text, **knobs)

    async def user_posts(
        self,
        user: SlackUser,
        channel: SlackChannel,
        text: str,
        *,
        thread_ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
        **knobs: Unpack[Knobs],
    ) -> Posted:
        """A message in a channel or DM; mention the app with ``<@U0FAKEBOT>`` (see
        :meth:`user_mentions_app`). ``knobs`` go to :meth:`deliver` (``clock_skew``...)."""
        message: dict[str, Any] = {"user": user.id, "text": text}
        if thread_ts:
            message["thread_ts"] = thread_ts
        if files:
            message |= {"subtype": "file_share", "files": files, "upload": True}
        stored = self.workspace.add_message(channel, message)
        posted = Posted(channel, stored)
        if not (channel.is_im or channel.bot_member):
            return posted  # Slack sends the app nothing from channels it is not in
        posted.deliveries.append(
            await self._event(payloads.message_event(channel, stored), **knobs)
        )
        if f"<@{BOT_USER_ID}>" in text and not channel.is_im:
            posted.deliveries.append(
                await self._event(payloads.app_mention_event(channel, stored), **knobs)
            )
        return posted

    async def user_mentions_app(
        self, user: SlackUser, channel: SlackChannel, text: str, **knobs: Unpack[Knobs]
    ) -> Posted:
        """``@desk <text>`` in a channel: a ``message`` event and an ``app_mention`` event."""
        return await self.user_posts(user, channel, f"<@{BOT_USER_ID}> {text}", **knobs)

    async def user_shares_file(
        self,
        user: SlackUser,
        data: bytes,
        name: str,
        mimetype: str,
        *,
        channel: SlackChannel | None = None,
        text: str = "",
        size: int | None = None,
        thread_ts: str | None = None,
    ) -> Posted:
        """Upload a file into a DM (default) or channel; ``size`` may claim more than ``data``."""
        stored = self.files.store(user.id, data, name, mimetype, size=size)
        where = channel or self.workspace.im_with(user.id)
        file_object = stored.to_api(self.url)
        return await self.user_posts(user, where, text, thread_ts=thread_ts, files=[file_object])

    async def user_reacts(
        self, user: SlackUser, channel: SlackChannel, ts: str, reaction: str = "ticket"
    ) -> Delivery | None:
        """Add an emoji reaction to a message; the app hears it only in channels it is in."""
        message = self.workspace.find_message(channel.id, ts)
        entry = next(
            (r for r in message.setdefault("reactions", []) if r["name"] == reaction), None
        )
        if entry is None:
            entry = {"name": reaction, "users": [], "count": 0}
            message["reactions"].append(entry)
        entry["users"].append(user.id)
        entry["count"] += 1
        if not (channel.is_im or channel.bot_member):
            return None
        return await self._event(payloads.reaction_event(user, channel, message, reaction))

    async def user_opens_home(self, user: SlackUser) -> Delivery:
        im = self.workspace.im_with(user.id)
        return await self._event(
            payloads.home_opened_event(user, im, self.views.homes.get(user.id))
        )

    # -- commands, shortcuts, buttons, modals ---------------------------------------------------

    async def user_runs_command(
        self,
        user: SlackUser,
        text: str = "",
        *,
        command: str = "/desk",
        channel: SlackChannel | None = None,
        **knobs: Unpack[Knobs],
    ) -> Delivery:
        """A slash command, by default in the user's DM with the app."""
        where = channel or self.workspace.im_with(user.id)
        form = payloads.slash_command(
            user,
            where,
            command,
            text,
            trigger_id=self.views.new_trigger(user.id),
            response_url=self.new_response_url(user.id, where.id),
        )
        return await self.deliver("slash_commands", form, **knobs)

    async def user_clicks(
        self,
        user: SlackUser,
        where: dict[str, Any],
        action_id: str,
        *,
        value: str | None = None,
        option: str | None = None,
        **knobs: Unpack[Knobs],
    ) -> Delivery:
        """Press a button (or pick ``option`` in a select) in a message (a ``messages_in`` /
        ``thread`` / ``ephemerals_for`` entry, re-read so edits count) or a view (``modal_of`` / ``home_of``).
        Raises ``ValueError`` when no such element is on it."""
        trigger_id = self.views.new_trigger(user.id)
        if "ts" in where:
            channel = self.workspace.channels[where["channel"]]
            ephemeral = next((e for e in self.workspace.ephemerals if e["ts"] == where["ts"]), None)
            message = ephemeral or self.workspace.find_message(channel.id, where["ts"])
            block_id, element = find_element(message.get("blocks") or [], action_id, value)
            payload = payloads.block_action(
                user,
                element,
                block_id,
                trigger_id=trigger_id,
                response_url=self.new_response_url(user.id, channel.id),
                selected=_selected(element, option),
                channel=channel,
                message=_public(message),
                is_ephemeral=ephemeral is not None,
            )
        else:
            view = self.views.by_id[where["id"]]
            block_id, element = find_element(view.get("blocks") or [], action_id, value)
            payload = payloads.block_action(
                user,
                element,
                block_id,
                trigger_id=trigger_id,
                response_url=None,
                selected=_selected(element, option),
                view=_public(view),
            )
        return await self.deliver("interactive", payload, **knobs)

    async def user_submits(
        self, user: SlackUser, typed: dict[str, Any] | None = None, **knobs: Unpack[Knobs]
    ) -> Delivery:
        """Submit the modal on top of the user's stack with ``typed`` inputs (see
        :func:`tests.fakes.slack_views.submit_values`), then apply the app's
        ``response_action`` the way Slack does (errors keep it open; no answer closes it)."""
        view = self.views.top_modal(user.id)
        if view is None:
            raise ValueError(f"{user.name} has no modal open")
        view["state"] = {"values": submit_values(view, typed or {})}
        payload = payloads.view_submission(
            user, _public(view), trigger_id=self.views.new_trigger(user.id)
        )
        delivery = await self.deliver("interactive", payload, **knobs)
        if delivery.acked:
            self._after_submission(user, delivery)
        return delivery

    def _after_submission(self, user: SlackUser, delivery: Delivery) -> None:
        answer = delivery.json() or {}
        action = answer.get("response_action")
        if action == "errors":
            return
        if action == "update":
            top = self.views.top_modal(user.id)
            assert top is not None
            top.update(answer["view"])
        elif action == "push":
            self.views.push({"view": answer["view"], "trigger_id": self.views.new_trigger(user.id)})
        elif action == "clear":
            self.views.clear(user.id)
        else:
            self.views.close_top(user.id)
        self._notify()

    async def user_closes_modal(self, user: SlackUser) -> Delivery | None:
        """Press Cancel; the app hears ``view_closed`` only if the view asked to be notified."""
        view = self.views.top_modal(user.id)
        if view is None:
            raise ValueError(f"{user.name} has no modal open")
        self.views.close_top(user.id)
        if not view.get("notify_on_close"):
            return None
        return await self.deliver("interactive", payloads.view_closed(user, _public(view)))

    async def user_uses_message_shortcut(
        self,
        user: SlackUser,
        channel: SlackChannel,
        ts: str,
        callback_id: str = "create_ticket",
        **knobs: Unpack[Knobs],
    ) -> Delivery:
        message = self.workspace.find_message(channel.id, ts)
        payload = payloads.message_shortcut(
            user,
            channel,
            _public(message),
            callback_id,
            trigger_id=self.views.new_trigger(user.id),
            response_url=self.new_response_url(user.id, channel.id),
        )
        return await self.deliver("interactive", payload, **knobs)

    async def user_uses_shortcut(self, user: SlackUser, callback_id: str) -> Delivery:
        payload = payloads.global_shortcut(
            user, callback_id, trigger_id=self.views.new_trigger(user.id)
        )
        return await self.deliver("interactive", payload)


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy without the fake's own bookkeeping keys."""
    copy: dict[str, Any] = json.loads(json.dumps({k: v for k, v in obj.items() if k != "user_id"}))
    return copy


def _selected(element: dict[str, Any], option: str | None) -> dict[str, Any] | None:
    if option is None:
        return None
    for candidate in element.get("options") or []:
        if candidate["value"] == option:
            return {"text": candidate["text"], "value": option}
    raise ValueError(f"no option {option!r} in {element.get('action_id')!r}")
