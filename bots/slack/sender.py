"""Deliver core Replies on Slack (``chat.postMessage`` / ``chat.update`` / ``chat.postEphemeral``)
and turn Slack's answers into outbox verdicts.

- Each channel's pace (:mod:`bots.slack.pace`): a burst into one channel is spaced, a message
  whose turn is more than a moment away goes back to the outbox until then.
- 429: :class:`RetryLater` after Slack's ``Retry-After`` (the outbox waits, nothing sleeps here).
- Errors that no retry can fix (the app is not in the channel, the channel or person is gone,
  blocks Slack refuses) are :class:`PermanentFailure` with a clear log line telling the admin
  what to do, so the outbox stops instead of retrying into a storm.
- A revoked token, Slack's own 5xx, a dropped connection: :class:`RetryLater` (with backoff).

A recipient is a conversation id (``C…``, ``D…``, ``G…``), or ``ephemeral:CHANNEL:USER`` for
an answer only that person sees. The returned reference is the ``ts`` of the first message
sent: the one a thread hangs from and the one edited later.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import reposting
from bots.slack.blocks import SlackMessage, render_reply
from bots.slack.health import SlackHealth
from bots.slack.pace import WAIT_IN_PLACE_S, ChannelPace
from core.messages import Attachment, PermanentFailure, Reply, RetryLater, Span

log = logging.getLogger(__name__)

CHANNEL = "slack"
EPHEMERAL = "ephemeral"
THREAD_MARK = "/"
DEFAULT_RETRY_AFTER_S = 30.0

# Slack's error → what the admin should do about it. Retrying would not help any of these.
PERMANENT_ERRORS = {
    "not_in_channel": "invite the app to the channel: type /invite @chatdesk in <#{channel}>",
    "channel_not_found": (
        "the channel {channel} does not exist or the app cannot see it: check "
        "CHATDESK_SLACK_TRIAGE_CHANNEL (a channel id such as C0123ABCD) and invite the app"
    ),
    "is_archived": "the channel {channel} is archived: unarchive it or choose another",
    "account_inactive": "the person behind {channel} was deactivated in Slack",
    "user_not_found": "the person behind {channel} is not in this workspace",
    "user_not_in_channel": "the person is not in the channel {channel}",
    "invalid_blocks": "Slack refused the message layout (a chatdesk bug: please report it)",
    "msg_too_long": "the message was too long for Slack (a chatdesk bug: please report it)",
    "cant_update_message": "the message in {channel} can no longer be edited by the app",
    "message_not_found": "the message to edit in {channel} was deleted",
    "restricted_action": "a workspace setting stops the app posting in {channel}",
}
# Our configuration, not the recipient: keep the message until an admin fixes the token.
TOKEN_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired"}


class SlackFailing(RetryLater):
    """Slack could not be reached, failed on its side or refused our token: not this message's
    fault, and evidence that the channel is not working (see :mod:`bots.slack.health`)."""


def ephemeral_recipient(channel_id: str, user_id: str) -> str:
    return f"{EPHEMERAL}:{channel_id}:{user_id}"


def thread_ref(channel_id: str, thread_ts: str) -> str:
    """A conversation held in a channel thread (the app was mentioned there): ``C…/ts``.
    Everything sent to it is a reply in that thread."""
    return f"{channel_id}{THREAD_MARK}{thread_ts}"


def split_thread_ref(recipient: str) -> tuple[str, str | None]:
    channel_id, _, thread_ts = recipient.partition(THREAD_MARK)
    return channel_id, thread_ts or None


async def call(request: Any, *, channel: str) -> dict[str, Any]:
    """Await one Web API call; map failures to outbox verdicts."""
    try:
        response = await request
    except SlackApiError as exc:
        raise _verdict(exc, channel) from exc
    except (aiohttp.ClientError, TimeoutError, SlackRequestError) as exc:
        raise SlackFailing(f"Slack unreachable: {type(exc).__name__}: {exc}") from exc
    data: dict[str, Any] = dict(response.data) if isinstance(response.data, dict) else {}
    return data


def _verdict(exc: SlackApiError, channel: str) -> RetryLater | PermanentFailure:
    response = exc.response
    status = getattr(response, "status_code", 200)
    data = response.data if isinstance(response.data, dict) else {}
    error = str(data.get("error") or f"HTTP {status}")
    if status == 429 or error == "ratelimited":
        return RetryLater(f"Slack rate limit ({error})", after_seconds=_retry_after(response))
    if error in PERMANENT_ERRORS:
        hint = PERMANENT_ERRORS[error].format(channel=channel)
        log.error("slack: cannot deliver to %s: %s; %s. Not retrying.", channel, error, hint)
        return PermanentFailure(f"{error}: {hint}")
    if error in TOKEN_ERRORS:
        log.error("slack: the bot token was refused (%s): check CHATDESK_SLACK_BOT_TOKEN", error)
        return SlackFailing(f"bot token refused: {error}")
    if status >= 500 or error in ("fatal_error", "internal_error", "service_unavailable"):
        return SlackFailing(f"Slack error: {error}")
    log.error("slack: %s refused a message: %s. Not retrying.", channel, error)
    return PermanentFailure(error)


def _retry_after(response: Any) -> float:
    headers = getattr(response, "headers", None) or {}
    value = str(headers.get("Retry-After") or headers.get("retry-after") or "")
    try:
        return max(float(value), 1.0)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_S


@dataclass
class SlackSender:
    """:class:`core.messages.Sender` for Slack, through the app's Web API ``client``."""

    client: AsyncWebClient
    pace: ChannelPace = field(default_factory=ChannelPace)
    health: SlackHealth | None = None  # told what each send says about Slack
    channel: str = field(default=CHANNEL, init=False)

    async def deliver(
        self,
        *,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None = None,
        reply_to_ref: str | None = None,
    ) -> str:
        try:
            ref = await self._deliver(recipient, reply, edit_message_ref, reply_to_ref)
        except SlackFailing as exc:
            if self.health is not None:
                self.health.send_failed(str(exc))
            raise
        if self.health is not None:
            self.health.sent()
        return ref

    async def _deliver(
        self,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None,
        reply_to_ref: str | None,
    ) -> str:
        messages = render_reply(reply)
        files = [a for a in reply.attachments if a.channel == CHANNEL]
        if not messages and reply.picture is None and not files:
            raise PermanentFailure("empty reply: nothing to show on Slack")
        if recipient.startswith(EPHEMERAL + ":"):
            if reply.picture is not None:
                log.info(
                    "slack: picture %s not sent: Slack has no ephemeral files", reply.picture.name
                )
            if not messages:
                raise PermanentFailure("empty reply: a picture cannot be shown to one person")
            return await self._ephemeral(recipient, messages)
        channel, thread_ts = split_thread_ref(recipient)
        wait = self.pace.delay(channel)
        if wait > WAIT_IN_PLACE_S and (edit_message_ref is None or len(messages) > 1):
            raise RetryLater(f"pacing the posts into {channel}", after_seconds=wait)
        if edit_message_ref is not None:
            if not messages:
                raise PermanentFailure("nothing to edit the message to")
            first, *rest = messages
            await call(
                self.client.chat_update(
                    channel=channel, ts=edit_message_ref, text=first.text, blocks=first.blocks
                ),
                channel=channel,
            )
            # What no longer fits in the edited message continues in its thread.
            await self._post_all(channel, rest, thread_ts=thread_ts or edit_message_ref)
            return edit_message_ref
        thread_ts = reply_to_ref or thread_ts
        refs = await self._post_all(channel, messages, thread_ts=thread_ts)
        if reply.picture is not None:
            picture = reply.picture
            refs.append(
                await self._upload(channel, picture.data, picture.name, thread_ts=thread_ts)
            )
        for attachment in files:
            refs.append(await self._repost(channel, attachment, thread_ts=thread_ts))
        return refs[0]

    async def _upload(
        self, channel: str, content: bytes, name: str, *, thread_ts: str | None
    ) -> str:
        """A file shared in the conversation (an image made here, a file re-posted); its id."""
        data = await call(
            self.client.files_upload_v2(
                channel=channel, content=content, filename=name, title=name, thread_ts=thread_ts
            ),
            channel=channel,
        )
        files = data.get("files") or [{}]
        return str(files[0].get("id") or "")

    async def _repost(self, channel: str, attachment: Attachment, *, thread_ts: str | None) -> str:
        """A file someone shared with the app (in its DM), uploaded again here so that whoever
        is here sees it. One that cannot be (deleted, too large) gets a line saying so."""
        name = attachment.name or attachment.file_ref
        try:
            info = await call(self.client.files_info(file=attachment.file_ref), channel=channel)
            found = info.get("file") or {}
            url = str(found.get("url_private_download") or found.get("url_private") or "")
            if not url:
                raise PermanentFailure("Slack gave no address to fetch it from")
            content = await reposting.fetch(self.client, url)
        except PermanentFailure as exc:
            log.warning("slack: file %s not re-posted in %s: %s", attachment.file_ref, channel, exc)
            notice = Reply(spans=(Span(f"📎 {name}: {exc}"),))
            return (await self._post_all(channel, render_reply(notice), thread_ts=thread_ts))[0]
        return await self._upload(channel, content, name, thread_ts=thread_ts)

    async def _post_all(
        self, channel: str, messages: list[SlackMessage], *, thread_ts: str | None
    ) -> list[str]:
        refs = []
        for message in messages:
            wait = self.pace.reserve(channel)
            if wait:
                await asyncio.sleep(wait)
            data = await call(
                self.client.chat_postMessage(
                    channel=channel,
                    text=message.text,
                    blocks=message.blocks,
                    thread_ts=thread_ts,
                    unfurl_links=False,
                ),
                channel=channel,
            )
            refs.append(str(data.get("ts") or ""))
        return refs

    async def _ephemeral(self, recipient: str, messages: list[SlackMessage]) -> str:
        _, channel, user = recipient.split(":", 2)
        ref = ""
        for message in messages:
            data = await call(
                self.client.chat_postEphemeral(
                    channel=channel, user=user, text=message.text, blocks=message.blocks
                ),
                channel=channel,
            )
            ref = ref or str(data.get("message_ts") or "")
        return ref
