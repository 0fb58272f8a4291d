"""The text hygiene rules every channel's inbound text goes through."""

from __future__ import annotations

import pytest

from core.intake.events import ChannelUser, InboundEvent
from core.intake.inbound import scrub_event
from core.messages import Attachment
from core.text_hygiene import is_blank, scrub, scrub_or_empty


def test_scrub_removes_nul_and_replaces_lone_surrogates() -> None:
    assert scrub("a\x00b\x00") == "ab"
    assert scrub("x\ud800y\udfffz") == "x\ufffdy\ufffdz"
    assert scrub("emoji 😀 stays, так же как кириллица") == "emoji 😀 stays, так же как кириллица"
    scrub("\ud83d").encode()  # storable: no UnicodeEncodeError


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "\u200b", "\u200e\u200f", "\ufeff\u2060\u200d", "\u3164", "\u2800 \u00a0"],
)
def test_text_showing_nothing_is_blank(text: str) -> None:
    assert is_blank(text)
    assert scrub_or_empty(text) == ""


@pytest.mark.parametrize("text", ["a", "\u200ba", "👨\u200d👩\u200d👧", "?", "\u0627\u200c\u0628"])
def test_visible_text_is_not_blank_and_keeps_its_format_characters(text: str) -> None:
    assert not is_blank(text)
    assert scrub_or_empty(text) == text


def test_scrub_event_cleans_every_string_a_person_chose() -> None:
    event = InboundEvent(
        channel="telegram",
        chat_ref="501",
        user=ChannelUser("501", "\u200b", username="ri\x00ta", language_code="en"),
        kind="command",
        event_key="update:1",
        text="/ticket \u200b",
        command="ticket",
        args="\u200b\u200e",
        action="x\ud800",
        attachments=(Attachment("telegram", "f1", "log\x00.txt", "text/plain", 3),),
    )
    clean = scrub_event(event)
    assert clean.user.display_name == "501", "an invisible name falls back to the id"
    assert clean.user.username == "rita"
    assert clean.args == "" and clean.text == "/ticket \u200b"
    assert clean.action == "x\ufffd"
    assert clean.attachments[0].name == "log.txt"
