"""TelegramSender delivering core Replies through real aiogram to the fake Bot API server."""

from __future__ import annotations

import pytest
from aiogram import Bot

from bots.telegram.sender import TelegramSender
from core.messages import (
    Attachment,
    Button,
    PermanentFailure,
    Reply,
    RetryLater,
    Sender,
    Span,
    bold,
    text,
)
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import DISCONNECT, FakeTelegramServer


@pytest.fixture
def sender(bot: Bot) -> TelegramSender:
    return TelegramSender(bot)


@pytest.fixture
def chat(fake: FakeTelegramServer, alice: TgUser) -> str:
    fake.register_chat(alice)
    return str(alice.id)


def test_implements_the_port(sender: TelegramSender) -> None:
    port: Sender = sender
    assert port.channel == "telegram"


async def test_escaping_arrives_intact(
    fake: FakeTelegramServer, sender: TelegramSender, chat: str
) -> None:
    hostile = "<b>not bold</b> & <script>alert(1)</script>"
    reply = Reply(spans=text("From ", bold("Bob & <Co>"), ": ", hostile))
    ref = await sender.deliver(recipient=chat, reply=reply)
    [message] = fake.messages_in(int(chat))
    assert ref == str(message["message_id"])
    assert message["plain_text"] == f"From Bob & <Co>: {hostile}"
    assert message["parse_mode"] == "HTML"
    assert message["text"].startswith("From <b>Bob &amp; &lt;Co&gt;</b>")


async def test_long_text_split_with_buttons_on_last(
    fake: FakeTelegramServer, sender: TelegramSender, chat: str
) -> None:
    body = "x" * 4000 + "\n\n" + "y" * 97
    reply = Reply(spans=(Span(body),), buttons=((Button("Close", "close:7"),),))
    ref = await sender.deliver(recipient=chat, reply=reply)
    first, second = fake.messages_in(int(chat))
    assert (first["plain_text"], second["plain_text"]) == ("x" * 4000 + "\n\n", "y" * 97)
    assert first["reply_markup"] is None
    assert second["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "close:7"
    assert ref == str(second["message_id"])


async def test_reply_to_and_missing_target(
    fake: FakeTelegramServer, sender: TelegramSender, alice: TgUser
) -> None:
    incoming = await fake.user_sends_text(alice, "my printer is on fire")
    await sender.deliver(
        recipient=str(alice.id),
        reply=Reply(spans=text("On it")),
        reply_to_ref=str(incoming["message_id"]),
    )
    await sender.deliver(
        recipient=str(alice.id), reply=Reply(spans=text("Again")), reply_to_ref="999"
    )
    first, second = fake.messages_in(alice.id)
    assert first["reply_to_message_id"] == incoming["message_id"]
    assert second["reply_to_message_id"] is None  # target gone: sent without the reply


async def test_rate_limit_becomes_retry_later(
    fake: FakeTelegramServer, sender: TelegramSender, chat: str
) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=17)
    with pytest.raises(RetryLater) as caught:
        await sender.deliver(recipient=chat, reply=Reply(spans=text("hi")))
    assert caught.value.after_seconds == 17
    assert fake.messages_in(int(chat)) == []


@pytest.mark.parametrize("status", [500, 502, DISCONNECT])
async def test_server_and_network_errors_retry(
    fake: FakeTelegramServer, sender: TelegramSender, chat: str, status: int
) -> None:
    fake.fail_next("sendMessage", status=status)
    with pytest.raises(RetryLater) as caught:
        await sender.deliver(recipient=chat, reply=Reply(spans=text("hi")))
    assert caught.value.after_seconds is None


async def test_edit_in_place_and_not_modified_is_success(
    fake: FakeTelegramServer, sender: TelegramSender, chat: str
) -> None:
    buttons = ((Button("Claim", "claim:5"),),)
    ref = await sender.deliver(
        recipient=chat, reply=Reply(spans=text("New ticket"), buttons=buttons)
    )
    done = Reply(spans=text("Claimed by ", bold("Eve")))
    assert await sender.deliver(recipient=chat, reply=done, edit_message_ref=ref) == ref
    assert await sender.deliver(recipient=chat, reply=done, edit_message_ref=ref) == ref
    [message] = fake.messages_in(int(chat))
    assert message["plain_text"] == "Claimed by Eve" and message["edited"]
    assert message["reply_markup"] is None  # edited without buttons: keyboard removed
    assert len(fake.requests_for("editMessageText")) == 2


async def test_blocked_and_unknown_chats_are_permanent(
    fake: FakeTelegramServer, sender: TelegramSender, alice: TgUser
) -> None:
    fake.user_blocks_bot(alice)
    with pytest.raises(PermanentFailure, match="blocked"):
        await sender.deliver(recipient=str(alice.id), reply=Reply(spans=text("hi")))
    with pytest.raises(PermanentFailure, match="chat not found"):
        await sender.deliver(recipient="31337", reply=Reply(spans=text("hi")))
    with pytest.raises(PermanentFailure, match="message to edit not found"):
        fake.user_unblocks_bot(alice)
        await sender.deliver(
            recipient=str(alice.id), reply=Reply(spans=text("x")), edit_message_ref="77"
        )


async def test_attachments_resent_by_file_id_after_text(
    fake: FakeTelegramServer, sender: TelegramSender, alice: TgUser
) -> None:
    photo = await fake.user_sends_photo(alice, b"jpeg")
    doc = await fake.user_sends_document(alice, b"%PDF", "invoice.pdf", "application/pdf")
    attachments = (
        Attachment("telegram", photo["photo"][-1]["file_id"], mime_type="image/jpeg"),
        Attachment("telegram", doc["document"]["file_id"], "invoice.pdf", "application/pdf"),
        Attachment("slack", "F123", "elsewhere.txt"),
    )
    reply = Reply(spans=text("Files from the customer:"), attachments=attachments)
    ref = await sender.deliver(recipient=str(alice.id), reply=reply)
    kinds = [(m["kind"], m.get("file_id")) for m in fake.messages_in(alice.id)]
    assert kinds == [
        ("text", None),
        ("photo", attachments[0].file_ref),
        ("document", attachments[1].file_ref),
    ]
    assert ref == str(fake.messages_in(alice.id)[0]["message_id"])


async def test_image_document_falls_back_to_send_document(
    fake: FakeTelegramServer, sender: TelegramSender, alice: TgUser
) -> None:
    doc = await fake.user_sends_document(alice, b"png", "shot.png", "image/png")
    unnamed = Attachment("telegram", doc["document"]["file_id"], mime_type="image/png")
    await sender.deliver(recipient=str(alice.id), reply=Reply(attachments=(unnamed,)))
    assert [m["kind"] for m in fake.messages_in(alice.id)] == ["document"]


async def test_unrenderable_replies_are_permanent(sender: TelegramSender, chat: str) -> None:
    with pytest.raises(PermanentFailure, match="needs text"):
        await sender.deliver(recipient=chat, reply=Reply(buttons=((Button("x", "y"),),)))
    with pytest.raises(PermanentFailure, match="empty"):
        await sender.deliver(recipient=chat, reply=Reply())
    with pytest.raises(PermanentFailure, match="chat id"):
        await sender.deliver(recipient="alice", reply=Reply(spans=text("x")))
