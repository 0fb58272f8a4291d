"""The fake Bot API server, exercised through the real aiogram client over HTTP."""

from __future__ import annotations

import asyncio
import io

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    ReplyParameters,
)

from tests.fakes.telegram_objects import TgUser, group_chat
from tests.fakes.telegram_server import DISCONNECT, FakeTelegramServer


def keyboard(*datas: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(text=d.title(), callback_data=d) for d in datas]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def test_get_me_and_commands(fake: FakeTelegramServer, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456789, True, "chatdesk_test_bot")
    assert await bot.set_my_commands([BotCommand(command="new", description="New ticket")])
    assert fake.commands == [{"command": "new", "description": "New ticket"}]


async def test_send_and_edit(fake: FakeTelegramServer, bot: Bot, alice: TgUser) -> None:
    fake.register_chat(alice)
    sent = await bot.send_message(
        alice.id, "<b>Hi</b> &lt;there&gt;", parse_mode="HTML", reply_markup=keyboard("claim:1")
    )
    assert sent.text == "Hi <there>" and sent.entities and sent.entities[0].type == "bold"
    assert sent.html_text == "<b>Hi</b> &lt;there&gt;"
    assert sent.from_user and sent.from_user.is_bot and sent.chat.id == alice.id

    edited = await bot.edit_message_text(
        chat_id=alice.id, message_id=sent.message_id, text="Done", reply_markup=None
    )
    assert isinstance(edited, Message) and edited.text == "Done"
    [stored] = fake.messages_in(alice.id)
    assert stored["text"] == "Done" and stored["edited"] and stored["reply_markup"] is None

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(chat_id=alice.id, message_id=sent.message_id, text="Done")
    await bot.edit_message_reply_markup(
        chat_id=alice.id, message_id=sent.message_id, reply_markup=keyboard("x")
    )
    assert fake.messages_in(alice.id)[0]["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "X",
        "callback_data": "x",
    }


async def test_reply_to(fake: FakeTelegramServer, bot: Bot, alice: TgUser) -> None:
    incoming = await fake.user_sends_text(alice, "help")
    sent = await bot.send_message(
        alice.id, "on it", reply_parameters=ReplyParameters(message_id=incoming["message_id"])
    )
    assert sent.reply_to_message and sent.reply_to_message.text == "help"
    assert fake.messages_in(alice.id)[0]["reply_to_message_id"] == incoming["message_id"]
    with pytest.raises(TelegramBadRequest, match="replied not found"):
        await bot.send_message(alice.id, "x", reply_parameters=ReplyParameters(message_id=999))
    lenient = ReplyParameters(message_id=999, allow_sending_without_reply=True)
    assert (
        await bot.send_message(alice.id, "x", reply_parameters=lenient)
    ).reply_to_message is None


@pytest.mark.parametrize(
    "text",
    ["<b>open", "a < b", "<b><i>x</b></i>", "<script>x</script>", "AT&T", "<span>x</span>"],
)
async def test_malformed_html_rejected(
    fake: FakeTelegramServer, bot: Bot, alice: TgUser, text: str
) -> None:
    fake.register_chat(alice)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(alice.id, text, parse_mode="HTML")
    assert fake.messages_in(alice.id) == []


async def test_limits(fake: FakeTelegramServer, bot: Bot, alice: TgUser) -> None:
    fake.register_chat(alice)
    await bot.send_message(alice.id, "&lt;" * 4096, parse_mode="HTML")  # 4096 after parsing
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(alice.id, "😀" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(TelegramBadRequest, match="text is empty"):
        await bot.send_message(alice.id, "<b> </b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(alice.id, "x", reply_markup=keyboard("é" * 33))
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "x")


async def test_failure_injection(fake: FakeTelegramServer, bot: Bot, alice: TgUser) -> None:
    fake.register_chat(alice)
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as rate_limited:
        await bot.send_message(alice.id, "x")
    assert rate_limited.value.retry_after == 7
    fake.fail_next("sendMessage", status=502)
    with pytest.raises(TelegramServerError):
        await bot.send_message(alice.id, "x")
    fake.fail_next("sendMessage", status=DISCONNECT)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(alice.id, "x")
    fake.fail_next("sendMessage", status=403)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(alice.id, "x")
    assert fake.messages_in(alice.id) == []
    await bot.send_message(alice.id, "finally")
    assert [m["text"] for m in fake.messages_in(alice.id)] == ["finally"]
    fake.user_blocks_bot(alice)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "x")


async def test_files(fake: FakeTelegramServer, bot: Bot, alice: TgUser) -> None:
    photo = await fake.user_sends_photo(alice, b"\xff\xd8jpeg-bytes", caption="screenshot")
    file_id = photo["photo"][-1]["file_id"]
    data = await bot.download(file_id)
    assert isinstance(data, io.BytesIO) and data.read() == b"\xff\xd8jpeg-bytes"

    sent = await bot.send_photo(alice.id, file_id, caption="<i>yours</i>", parse_mode="HTML")
    assert sent.photo and sent.caption == "yours"
    with pytest.raises(TelegramBadRequest, match="file mismatch"):
        await bot.send_document(alice.id, file_id)

    big = await fake.user_sends_document(
        alice, b"pdf", "big.pdf", "application/pdf", file_size=21 * 1024 * 1024
    )
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big["document"]["file_id"])
    doc = await bot.send_document(alice.id, big["document"]["file_id"])
    assert doc.document and doc.document.file_id == big["document"]["file_id"]

    copied = await bot.copy_message(alice.id, alice.id, photo["message_id"])
    assert fake.messages_in(alice.id)[-1]["message_id"] == copied.message_id


async def test_polling_dispatcher_handles_text_and_callback(
    fake: FakeTelegramServer, bot: Bot, alice: TgUser
) -> None:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"you said {message.text}", reply_markup=keyboard("ok"))

    @router.callback_query(F.data == "ok")
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("noted")

    async with polling(bot, router):
        group = group_chat()
        await fake.user_sends_text(alice, "hello")
        await fake.user_sends_text(alice, "hi all", chat=group)
        [reply] = await fake.wait_for(lambda: fake.messages_in(alice.id))
        assert reply["text"] == "you said hello"
        await fake.wait_for(lambda: fake.messages_in(group.id))

        await fake.user_presses_button(alice, reply, "ok")
        [answer] = await fake.wait_for(lambda: fake.callback_answers)
        assert answer["text"] == "noted"
        with pytest.raises(ValueError, match="no button"):
            await fake.user_presses_button(alice, reply, "nope")

    offsets = [p.get("offset") for p in fake.requests_for("getUpdates")]
    assert offsets[0] is None and offsets[-1] == 4  # three updates, each confirmed by offset


async def test_long_poll_returns_promptly_and_keeps_unconfirmed(
    fake: FakeTelegramServer, bot: Bot, alice: TgUser
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_for(lambda: fake.requests_for("getUpdates"))
    await fake.user_sends_text(alice, "wake up")
    [update] = await asyncio.wait_for(poll, 5)
    assert update.message and update.message.text == "wake up"
    again = await bot.get_updates(timeout=0)  # not confirmed yet: delivered again
    assert [u.update_id for u in again] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []


async def test_duplicate_update_ids(fake: FakeTelegramServer, bot: Bot, alice: TgUser) -> None:
    message = await fake.user_sends_text(alice, "once")
    await fake.push_update({"update_id": 1, "message": message})
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [1, 1]


class polling:  # noqa: N801 (used like a function: ``async with polling(bot, router)``)
    """Run a Dispatcher's long polling against the fake for the duration of a block."""

    def __init__(self, bot: Bot, *routers: Router) -> None:
        self.bot = bot
        self.dispatcher = Dispatcher()
        self.dispatcher.include_routers(*routers)
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Dispatcher:
        self.task = asyncio.create_task(
            self.dispatcher.start_polling(self.bot, handle_signals=False, close_bot_session=False)
        )
        return self.dispatcher

    async def __aexit__(self, *exc_info: object) -> None:
        await self.dispatcher.stop_polling()
        assert self.task is not None
        await self.task


async def test_webhook_blocks_polling_until_deleted(
    fake: FakeTelegramServer, bot: Bot, alice: TgUser
) -> None:
    await fake.user_sends_text(alice, "queued")
    assert await bot.set_webhook("https://example.com/hook", secret_token="s3cret")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == []


async def test_media_group_and_album_from_user(
    fake: FakeTelegramServer, bot: Bot, alice: TgUser
) -> None:
    first = await fake.user_sends_photo(alice, b"1", media_group_id="album1", caption="two shots")
    second = await fake.user_sends_photo(alice, b"2", media_group_id="album1")
    ids = [m["photo"][-1]["file_id"] for m in (first, second)]
    sent = await bot.send_media_group(
        alice.id, [InputMediaPhoto(media=ids[0], caption="a"), InputMediaPhoto(media=ids[1])]
    )
    assert len(sent) == 2 and sent[0].media_group_id == sent[1].media_group_id
    assert [m["file_id"] for m in fake.messages_in(alice.id)] == ids
