"""Rendering Replies as Slack mrkdwn and Block Kit; read back with the fake's mrkdwn reader and
checked against Block Kit's limits."""

from __future__ import annotations

from bots.slack.blocks import BLOCKS_MAX, render_reply
from bots.slack.mrkdwn import (
    SECTION_TEXT_MAX,
    escape,
    markdown_to_mrkdwn,
    render_spans,
    split_mrkdwn,
)
from core.messages import Button, Reply, Span, bold, command_hint, quote, text
from tests.fakes.slack_blocks import check_message_blocks
from tests.fakes.slack_objects import read_mrkdwn

TYPED = "<!channel> <!here> <!everyone> <@U0123> <https://evil.example|click> a & b"


def test_what_people_type_is_shown_as_typed_and_pings_nobody() -> None:
    for style in ("plain", "bold", "italic", "code", "pre", "quote"):
        rendered = render_spans([Span(TYPED, style)])  # type: ignore[arg-type]
        reading = read_mrkdwn(rendered)
        assert reading.pings == () and reading.links == (), style
        assert TYPED in reading.plain, style


def test_escape_touches_only_the_three_control_characters() -> None:
    assert escape("<a> & *b* _c_") == "&lt;a&gt; &amp; *b* _c_"


def test_command_hints_are_written_the_slack_way() -> None:
    rendered = render_spans(text("Type ", command_hint("claim 1001"), " to take it."))
    assert read_mrkdwn(rendered).plain == "Type `/desk claim 1001` to take it."


def test_links_only_for_web_urls() -> None:
    assert read_mrkdwn(render_spans([Span("docs", url="https://x.example/a")])).links == (
        "https://x.example/a",
    )
    assert read_mrkdwn(render_spans([Span("bad", url="javascript:alert(1)")])).links == ()


def test_quote_marks_every_line_and_bold_hugs_the_text() -> None:
    assert render_spans([quote("one\ntwo")]) == "&gt; one\n&gt; two"
    assert render_spans([bold(" x ")]) == " *x* "


def test_article_markdown_becomes_mrkdwn_and_stays_escaped() -> None:
    out = markdown_to_mrkdwn("# Title\nUse **TCP** & see [the guide](https://g.example) <!here>")
    reading = read_mrkdwn(out)
    assert out.startswith("*Title*")
    assert "*TCP*" in out and reading.links == ("https://g.example",) and reading.pings == ()


def test_long_text_is_split_without_losing_or_breaking_anything() -> None:
    body = ("word & <b> " * 1200).strip()
    pieces = split_mrkdwn(escape(body))
    assert len(pieces) > 1 and all(len(p) <= SECTION_TEXT_MAX for p in pieces)
    assert all(not p.endswith(("&", "&a", "&am", "&amp", "&l", "&lt", "&g", "&gt")) for p in pieces)
    rejoined = " ".join(read_mrkdwn(p).plain.strip() for p in pieces)
    assert rejoined.split() == body.split()


def test_a_very_long_reply_becomes_several_valid_messages_with_buttons_on_the_last() -> None:
    huge = "\n".join(f"line {n} " + "x" * 2000 for n in range(120))
    reply = Reply(spans=(Span(huge),), buttons=((Button("OK", "claim:1"),),))
    messages = render_reply(reply)
    assert len(messages) >= 3
    for message in messages:
        check_message_blocks(message.blocks)
        assert len(message.blocks) <= BLOCKS_MAX and message.text
    assert messages[-1].blocks[-1]["type"] == "actions"
    assert all(b["type"] == "section" for m in messages[:-1] for b in m.blocks)
    shown = "\n".join(b["text"]["text"] for m in messages for b in m.blocks if "text" in b)
    assert shown.count("line ") == 120


def test_buttons_carry_the_core_action_as_value_with_unique_action_ids() -> None:
    rows = ((Button("★" * n, f"rate:1:{n}") for n in range(1, 6)),)
    reply = Reply(spans=(Span("Rate"),), buttons=tuple(tuple(r) for r in rows))
    [message] = render_reply(reply)
    check_message_blocks(message.blocks)
    elements = message.blocks[-1]["elements"]
    assert [e["value"] for e in elements] == [f"rate:1:{n}" for n in range(1, 6)]
    assert len({e["action_id"] for e in elements}) == 5
