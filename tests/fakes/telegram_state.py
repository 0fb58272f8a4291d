"""The fake Bot API's world: chats, messages, files, callback queries, and the methods on it.

Every method takes decoded request params and returns the Bot API ``result`` or raises
:class:`ApiError`. No HTTP and no waiting here; see ``telegram_server`` for that.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.fakes.telegram_files import FileStore, StoredFile
from tests.fakes.telegram_html import HtmlParseError, parse_html, utf16_len
from tests.fakes.telegram_objects import (
    ApiError,
    TgChat,
    TgUser,
    bad_request,
    validate_reply_markup,
)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# The emoji Telegram accepts as a reaction (ReactionTypeEmoji); anything else is REACTION_INVALID.
_REACTIONS = (
    "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤\u200d🔥 🌚 🌭 💯 🤣 ⚡ "
    "🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨\u200d💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 "
    "🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷\u200d♂ 🤷 🤷\u200d♀ 😡"
)
REACTION_EMOJI = frozenset(_REACTIONS.split())
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class BotApiState:
    def __init__(self, bot_user: TgUser) -> None:
        self.bot_user = bot_user
        self.chats: dict[int, TgChat] = {}
        self.blocked: set[int] = set()
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.bot_messages: dict[int, list[dict[str, Any]]] = {}
        self.files = FileStore()
        self.open_callbacks: set[str] = set()
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []  # the last menu set, whatever its scope
        # (scope type, chat id or None, language code or "") -> commands, as setMyCommands left them
        self.menus: dict[tuple[str, int | None, str], list[dict[str, Any]]] = {}
        self.reactions: dict[tuple[int, int], list[str]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}

    # -- building blocks used by both the API methods and the simulated people ----------

    def new_message(self, chat: TgChat, sender: TgUser) -> dict[str, Any]:
        self.chats.setdefault(chat.id, chat)
        counter = self._message_ids.setdefault(chat.id, itertools.count(1))
        return {
            "message_id": next(counter),
            "date": int(time.time()),
            "chat": chat.to_api(),
            "from": sender.to_api(),
        }

    def chat_for(self, chat_id: Any) -> TgChat:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            found = [c for c in self.chats.values() if c.username == chat_id[1:]]
            chat = found[0] if found else None
        else:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    # -- pieces of sending ----------------------------------------------------------------

    def _formatted(self, params: dict[str, Any], key: str, limit: int) -> tuple[str, list[Any]]:
        source = str(params.get(key, ""))
        entities_key = "entities" if key == "text" else "caption_entities"
        entities: list[Any] = list(params.get(entities_key) or [])
        if str(params.get("parse_mode") or "").upper() == "HTML":
            try:
                parsed = parse_html(source)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from exc
            plain, entities = parsed.text, parsed.entities
        else:
            plain = source
        if key == "text" and not plain.strip():
            raise bad_request("message text is empty")
        if utf16_len(plain) > limit:
            raise bad_request(
                "message is too long" if key == "text" else "message caption is too long"
            )
        return plain, entities

    def _reply_target(self, chat: TgChat, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        allow = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        target = self.messages.get((chat.id, int(message_id)))
        if target is None and not allow:
            raise bad_request("message to be replied not found")
        return target

    def _record(
        self, chat: TgChat, params: dict[str, Any], content: dict[str, Any], view: dict[str, Any]
    ) -> dict[str, Any]:
        markup = validate_reply_markup(params.get("reply_markup"))
        target = self._reply_target(chat, params)
        message = self.new_message(chat, self.bot_user) | content
        if markup is not None:
            message["reply_markup"] = markup
        if target is not None:
            message["reply_to_message"] = {
                k: v for k, v in target.items() if k != "reply_to_message"
            }
        self.messages[(chat.id, message["message_id"])] = message
        self.bot_messages.setdefault(chat.id, []).append(
            {
                "message_id": message["message_id"],
                "chat_id": chat.id,
                "parse_mode": params.get("parse_mode"),
                "reply_markup": markup,
                "reply_to_message_id": target and target["message_id"],
                "edited": False,
                "at": time.perf_counter(),
            }
            | view
        )
        return message

    def _media_content(
        self, kind: str, stored: StoredFile, params: dict[str, Any]
    ) -> dict[str, Any]:
        caption, entities = self._formatted(params, "caption", CAPTION_LIMIT)
        content: dict[str, Any] = {}
        if kind == "photo":
            content["photo"] = self.files.photo_sizes(stored)
        else:
            name = stored.path.rsplit("/", 1)[-1]
            content["document"] = self.files.document_object(
                stored, name, "application/octet-stream"
            )
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return content

    def _media_view(self, kind: str, stored: StoredFile, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": kind,
            "file_id": stored.file_id,
            "caption": params.get("caption"),
            "text": None,
            "plain_text": None,
        }

    # -- Bot API methods ----------------------------------------------------------------

    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat_for(params.get("chat_id"))
        plain, entities = self._formatted(params, "text", TEXT_LIMIT)
        content: dict[str, Any] = {"text": plain}
        if entities:
            content["entities"] = entities
        view = {"kind": "text", "text": params["text"], "plain_text": plain}
        return self._record(chat, params, content, view)

    def send_media(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat_for(params.get("chat_id"))
        stored = self.files.input_file(params.get(kind), params, kind)
        content = self._media_content(kind, stored, params)
        return self._record(chat, params, content, self._media_view(kind, stored, params))

    def send_media_group(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self.chat_for(params.get("chat_id"))
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media files specified; must be between 2 and 10")
        group_id = f"mg{len(self.messages)}"
        sent = []
        for item in media:
            kind = "photo" if item.get("type") == "photo" else "document"
            stored = self.files.input_file(item.get("media"), params, kind)
            item_params = item | {"reply_parameters": params.get("reply_parameters")}
            content = self._media_content(kind, stored, item) | {"media_group_id": group_id}
            view = self._media_view(kind, stored, item) | {"media_group_id": group_id}
            sent.append(self._record(chat, item_params, content, view))
        return sent

    def copy_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.chat_for(params.get("chat_id"))
        source = self.messages.get((params.get("from_chat_id"), params.get("message_id")))
        if source is None:
            raise bad_request("message to copy not found")
        keep = ("text", "entities", "photo", "document", "caption", "caption_entities")
        content = {k: source[k] for k in keep if k in source}
        if "caption" in params:
            caption, entities = self._formatted(params, "caption", CAPTION_LIMIT)
            content.update(caption=caption, caption_entities=entities)
        view = {
            "kind": "copy",
            "text": content.get("text"),
            "plain_text": content.get("text"),
            "caption": content.get("caption"),
            "copied_from": (source["chat"]["id"], source["message_id"]),
        }
        message = self._record(chat, params, content, view)
        return {"message_id": message["message_id"]}

    def _editable(self, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        chat = self.chat_for(params.get("chat_id"))
        message = self.messages.get((chat.id, params.get("message_id")))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"]["id"] != self.bot_user.id:
            raise bad_request("message can't be edited")
        view = next(
            v for v in self.bot_messages[chat.id] if v["message_id"] == message["message_id"]
        )
        return message, view

    def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message, view = self._editable(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        plain, entities = self._formatted(params, "text", TEXT_LIMIT)
        markup = validate_reply_markup(params.get("reply_markup"))
        same = (plain, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        )
        if same:
            raise bad_request(NOT_MODIFIED)
        message.update(text=plain, entities=entities, edit_date=int(time.time()))
        self._set_markup(message, view, markup)
        view.update(
            text=params["text"], plain_text=plain, parse_mode=params.get("parse_mode"), edited=True
        )
        return message

    def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message, view = self._editable(params)
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        message["edit_date"] = int(time.time())
        self._set_markup(message, view, markup)
        view["edited"] = True
        return message

    @staticmethod
    def _set_markup(message: dict[str, Any], view: dict[str, Any], markup: Any) -> None:
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        view["reply_markup"] = markup

    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.open_callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.open_callbacks.discard(query_id)
        self.callback_answers.append(params | {"callback_query_id": query_id})
        return True

    def set_message_reaction(self, params: dict[str, Any]) -> bool:
        chat = self.chat_for(params.get("chat_id"))
        key = (chat.id, int(params.get("message_id") or 0))
        if key not in self.messages:
            raise bad_request("message to react not found")
        emoji = []
        for reaction in params.get("reaction") or []:
            if reaction.get("type") != "emoji" or reaction.get("emoji") not in REACTION_EMOJI:
                raise bad_request("REACTION_INVALID")
            emoji.append(reaction["emoji"])
        if len(emoji) > 1:
            raise bad_request("REACTIONS_TOO_MANY")  # bots set at most one reaction
        self.reactions[key] = emoji
        return True

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands = list(params.get("commands") or [])
        self.menus[self._menu_key(params)] = self.commands
        return True

    def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.menus.pop(self._menu_key(params), None)
        return True

    def _menu_key(self, params: dict[str, Any]) -> tuple[str, int | None, str]:
        scope = params.get("scope") or {"type": "default"}
        kind = str(scope.get("type", "default"))
        chat_id = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            raw = scope.get("chat_id")
            chat_id = (
                int(raw) if isinstance(raw, int | str) and str(raw).lstrip("-").isdigit() else 0
            )
            if chat_id not in self.chats:
                raise bad_request("chat not found")  # the user never opened a chat with the bot
        return kind, chat_id, str(params.get("language_code") or "")

    def menu_in(self, chat_id: int, language_code: str | None = None) -> list[dict[str, Any]]:
        """The menu Telegram shows in a chat: the most specific scope that has one (the chat's
        own, then all private or all group chats, then the default; each in the person's
        language first)."""
        chat = self.chats[chat_id]
        broad = "all_private_chats" if chat.type == "private" else "all_group_chats"
        for kind, scope_chat in (("chat", chat_id), (broad, None), ("default", None)):
            for language in dict.fromkeys((language_code or "", "")):
                found = self.menus.get((kind, scope_chat, language))
                if found is not None:
                    return found
        return []
