"""A fake Telegram Bot API server over real HTTP, for driving the real aiogram client.

Usage::

    async with FakeTelegramServer() as fake:
        bot = Bot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.url)))
        alice = TgUser(id=1001, first_name="Alice")
        await fake.user_sends_text(alice, "hello")          # an update for getUpdates
        await fake.wait_for(lambda: fake.messages_in(alice.id))  # the bot answered
        fake.fail_next("sendMessage", status=429, retry_after=3)

Simulate people with ``user_sends_text/photo/document``, ``user_presses_button``,
``push_update``, ``user_blocks_bot``; inspect ``requests``, ``requests_for(method)``,
``messages_in(chat_id)`` (the bot's messages with edits applied), ``callback_answers``,
``commands``, ``menu_in(chat_id)``, ``pending_updates``, ``reactions``; wait with ``wait_for(predicate)``; inject
failures with ``fail_next`` (an API error, an HTML page, a dropped or reset connection, an
answer that never comes) or a whole outage with ``go_down``/``come_back``. Limits enforced: text 1-4096 UTF-16 units after HTML parsing (malformed HTML
is a 400), captions 1024, callback_data 1-64 bytes, callback answers 200 chars, downloads 20 MB.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from tests.fakes.local_http import serve_on_free_port
from tests.fakes.telegram_faults import (
    BAD_GATEWAY_PAGE,
    DISCONNECT,
    RESET,
    Fault,
    FaultPlan,
    fault_for,
)
from tests.fakes.telegram_objects import (
    ApiError,
    TgChat,
    TgUser,
    callback_datas,
    decode_params,
    default_description,
    private_chat,
)
from tests.fakes.telegram_state import BotApiState
from tests.fakes.telegram_updates import UpdateQueue
from tests.fakes.waiting import ChangeSignal

T = TypeVar("T")
__all__ = ["BAD_GATEWAY_PAGE", "DISCONNECT", "RESET", "FakeTelegramServer"]


class FakeTelegramServer:
    def __init__(
        self, token: str = "123456789:TEST-fake-token", *, bot_username: str = "chatdesk_test_bot"
    ) -> None:
        self.token = token
        self.bot_user = TgUser(
            id=int(token.split(":")[0]),
            first_name="Chatdesk",
            username=bot_username,
            language_code=None,
            is_bot=True,
        )
        self.state = BotApiState(self.bot_user)
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.signal = ChangeSignal()
        self.updates = UpdateQueue(self.signal)
        self._callback_ids = itertools.count(1)
        self.faults = FaultPlan()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda p: (
                self.bot_user.to_api()
                | {
                    "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                }
            ),
            "sendMessage": self.state.send_message,
            "editMessageText": self.state.edit_message_text,
            "editMessageReplyMarkup": self.state.edit_message_reply_markup,
            "answerCallbackQuery": self.state.answer_callback_query,
            "setMessageReaction": self.state.set_message_reaction,
            "sendPhoto": lambda p: self.state.send_media("photo", p),
            "sendDocument": lambda p: self.state.send_media("document", p),
            "sendMediaGroup": self.state.send_media_group,
            "copyMessage": self.state.copy_message,
            "getFile": self.state.files.get_file,
            "setMyCommands": self.state.set_my_commands,
            "deleteMyCommands": self.state.delete_my_commands,
            "setWebhook": self.updates.set_webhook,
            "deleteWebhook": self.updates.delete_webhook,
            "getWebhookInfo": self.updates.webhook_info,
        }
        self._by_lower = {name.lower(): name for name in [*self._methods, "getUpdates"]}

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner, self.url = await serve_on_free_port(app)

    async def stop(self) -> None:
        self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- simulated people -----------------------------------------------------------------

    def register_chat(self, chat: TgChat | TgUser) -> TgChat:
        """Make a chat known without a message in it (a user who once pressed Start)."""
        chat = private_chat(chat) if isinstance(chat, TgUser) else chat
        self.state.chats.setdefault(chat.id, chat)
        return chat

    def user_blocks_bot(self, user: TgUser) -> None:
        self.register_chat(user)
        self.state.blocked.add(user.id)

    def user_unblocks_bot(self, user: TgUser) -> None:
        self.state.blocked.discard(user.id)

    async def user_sends_text(
        self,
        user: TgUser,
        text: str,
        chat: TgChat | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        message = self._user_message(user, chat, reply_to_message_id) | {"text": text}
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self._user_posts(message)

    async def user_sends_photo(
        self,
        user: TgUser,
        file_bytes: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
        chat: TgChat | None = None,
    ) -> dict[str, Any]:
        stored = self.state.files.store("photo", file_bytes)
        message = self._user_message(user, chat) | {"photo": self.state.files.photo_sizes(stored)}
        if caption is not None:
            message["caption"] = caption
        if media_group_id is not None:
            message["media_group_id"] = media_group_id
        return await self._user_posts(message)

    async def user_sends_document(
        self,
        user: TgUser,
        file_bytes: bytes,
        file_name: str,
        mime_type: str,
        chat: TgChat | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """``file_size`` may claim more than the bytes given, e.g. to exceed the 20 MB limit."""
        ext = "." + file_name.rsplit(".", 1)[-1] if "." in file_name else ""
        stored = self.state.files.store("document", file_bytes, size=file_size, ext=ext)
        document = self.state.files.document_object(stored, file_name, mime_type)
        return await self._user_posts(self._user_message(user, chat) | {"document": document})

    async def user_presses_button(
        self, user: TgUser, message: dict[str, Any] | int, callback_data: str
    ) -> dict[str, Any]:
        """Press a button of a bot message (a ``messages_in`` entry, a Message dict or its id
        in the user's private chat). Raises ``ValueError`` if the message has no such button."""
        if isinstance(message, int):
            key = (user.id, message)
        else:
            key = (message.get("chat_id") or message["chat"]["id"], message["message_id"])
        stored = self.state.messages.get(key)
        if stored is None:
            raise ValueError(f"no message {key} in the fake")
        if callback_data not in callback_datas(stored.get("reply_markup")):
            raise ValueError(f"message {key} has no button with callback_data {callback_data!r}")
        query_id = f"cbq{next(self._callback_ids)}"
        self.state.open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": dict(stored),
            "chat_instance": f"ci{key[0]}",
            "data": callback_data,
        }
        await self.push_update({"callback_query": query})
        return query

    async def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update; without ``update_id`` one is assigned. Pushing an update_id
        again (before the first is confirmed) models Telegram delivering it twice."""
        return self.updates.push(update)

    def _user_message(
        self, user: TgUser, chat: TgChat | None, reply_to: int | None = None
    ) -> dict[str, Any]:
        message = self.state.new_message(chat or private_chat(user), user)
        if reply_to is not None and (
            target := self.state.messages.get((message["chat"]["id"], reply_to))
        ):
            message["reply_to_message"] = target
        return message

    async def _user_posts(self, message: dict[str, Any]) -> dict[str, Any]:
        self.state.messages[(message["chat"]["id"], message["message_id"])] = message
        await self.push_update({"message": message})
        return message

    # -- inspection and waiting ---------------------------------------------------------------

    def requests_for(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.requests if name == method]

    def messages_in(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a chat, edits applied: message_id, kind, text (as sent),
        plain_text (after HTML parsing), parse_mode, reply_markup, reply_to_message_id..."""
        return [dict(view) for view in self.state.bot_messages.get(chat_id, [])]

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        return self.state.callback_answers

    @property
    def commands(self) -> list[dict[str, Any]]:
        return self.state.commands

    def menu_in(self, chat_id: int, language_code: str | None = None) -> dict[str, str]:
        """command -> description of the menu a person sees in that chat (see BotApiState)."""
        return {c["command"]: c["description"] for c in self.state.menu_in(chat_id, language_code)}

    @property
    def reactions(self) -> dict[tuple[int, int], list[str]]:
        """(chat id, message id) -> the emoji the bot set on that message."""
        return self.state.reactions

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:  # noqa: ASYNC109 (the test-facing API the brief asks for)
        """Wait until ``predicate()`` is truthy (re-checked on every change); return its value."""
        result = await self.signal.wait_until(predicate, timeout)
        if not result:
            recent = [name for name, _ in self.requests[-10:]]
            raise TimeoutError(f"condition not met in {timeout}s; last requests: {recent}")
        return result

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        page: str | None = None,
        hang: float = 0.0,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error instead of running it.
        ``status=DISCONNECT`` closes the connection and ``RESET`` resets it (aiogram sees a
        network error); ``page`` answers that non-JSON text with ``status`` (e.g. Telegram's
        502 page, ``BAD_GATEWAY_PAGE``); ``hang`` waits that many seconds first."""
        fault = fault_for(
            status,
            description=description or default_description(status, retry_after),
            retry_after=retry_after,
            page=page,
            hang=hang,
        )
        self.faults.add(self._by_lower.get(method.lower(), method), fault, times)

    def hang_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get no answer for ``seconds``, then the
        connection closes: the client times out first. The call has no effect."""
        self.faults.add(self._by_lower.get(method.lower(), method), Fault(hang=seconds), times)

    def go_down(self, *methods: str) -> None:
        """Every call (of ``methods``, when named) from now on has its connection reset, until
        :meth:`come_back`."""
        self.faults.down = {self._by_lower.get(m.lower(), m) for m in methods} if methods else True

    def come_back(self) -> None:
        self.faults.down = False

    def _notify(self) -> None:
        self.signal.notify()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates pushed and not yet confirmed by a getUpdates offset."""
        return self.updates.pending

    @property
    def update_log(self) -> list[dict[str, Any]]:
        """Every update ever pushed, in order."""
        return self.updates.log

    @property
    def push_times(self) -> dict[int, float]:
        """update_id -> ``time.perf_counter()`` when it was first pushed."""
        return self.updates.push_times

    # -- HTTP -----------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        method = self._by_lower.get(request.match_info["method"].lower())
        if method is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        try:
            params = decode_params(await self._raw_params(request))
            self.requests.append((method, params))
            self._notify()
            fault = self.faults.take(method)
            if fault is not None:
                try:
                    return await self.faults.serve(fault, request)
                finally:
                    self._notify()
            if method == "getUpdates":
                result = await self.updates.get_updates(params)
            else:
                result = self._methods[method](params)
        except ApiError as exc:
            self._notify()
            return web.json_response(exc.to_json(), status=exc.code)
        self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _raw_params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                raw[key] = value.file.read() if isinstance(value, web.FileField) else value
        return raw

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self.state.files.by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        return web.Response(body=stored.data, content_type="application/octet-stream")
