"""Rendering Replies to Telegram HTML; validity is checked with the fake server's HTML parser."""

from __future__ import annotations

import pytest

from bots.telegram import html_split
from bots.telegram.rendering import (
    markdown_to_telegram_html,
    render_buttons,
    render_reply,
    split_html,
)
from core.messages import Button, Reply, Span, bold, code, italic, quote, text
from tests.fakes.telegram_html import parse_html, utf16_len


def plain(html_text: str) -> str:
    return parse_html(html_text).text


def assert_valid(chunks: list[str], limit: int = 4096) -> None:
    for chunk in chunks:
        parsed = parse_html(chunk)  # raises on unbalanced tags or bare < and &
        assert 1 <= utf16_len(parsed.text) <= limit and parsed.text.strip()


# -- spans ---------------------------------------------------------------------------------


def test_person_text_is_escaped_in_every_style() -> None:
    hostile = "<b>x</b> & <script>alert(1)</script> &amp;"
    for span in (Span(hostile), bold(hostile), italic(hostile), code(hostile), quote(hostile)):
        rendered = render_reply(Reply(spans=(span,)))
        assert_valid(rendered.chunks)
        assert plain(rendered.chunks[0]) == hostile
        assert "<script>" not in rendered.chunks[0]


def test_styles_map_to_telegram_tags() -> None:
    reply = Reply(spans=text("Ticket ", bold("#12"), " ", italic("new"), "\n", code("a_b")))
    [chunk] = render_reply(reply).chunks
    assert chunk == "Ticket <b>#12</b> <i>new</i>\n<code>a_b</code>"
    assert render_reply(Reply(spans=(Span("x", "pre"),))).chunks == ["<pre>x</pre>"]
    assert render_reply(Reply(spans=(quote("q"),))).chunks == ["<blockquote>q</blockquote>"]


def test_links_only_for_http_urls() -> None:
    link = Span("docs", url='https://ex.com/?a=1&b="2"')
    [chunk] = render_reply(Reply(spans=(link,))).chunks
    assert chunk == '<a href="https://ex.com/?a=1&amp;b=&quot;2&quot;">docs</a>'
    assert parse_html(chunk).entities[0]["url"] == 'https://ex.com/?a=1&b="2"'
    for bad in ("javascript:alert(1)", "tg://user?id=1", "ftp://x", "https:nohost"):
        assert render_reply(Reply(spans=(Span("x", url=bad),))).chunks == ["x"]
    assert render_reply(Reply(spans=(Span("b", "bold", url="http://e.com"),))).chunks == [
        '<a href="http://e.com"><b>b</b></a>'
    ]


def test_empty_reply_renders_nothing() -> None:
    rendered = render_reply(Reply())
    assert rendered.chunks == [] and rendered.keyboard is None


# -- buttons ---------------------------------------------------------------------------------


def test_buttons_use_action_as_callback_data_and_trim_labels() -> None:
    rows = ((Button("Claim", "claim:1001"), Button("x" * 200, "close:1001")),)
    keyboard = render_buttons(rows)
    assert keyboard is not None
    [[claim, close]] = keyboard.inline_keyboard
    assert (claim.text, claim.callback_data) == ("Claim", "claim:1001")
    assert close.callback_data == "close:1001" and len(close.text) <= 48
    assert close.text.endswith("…")
    assert render_buttons(()) is None
    assert render_buttons(((Button("  ", "a"),),)).inline_keyboard[0][0].text == "…"  # type: ignore[union-attr]


def test_wide_rows_wrapped_and_total_capped() -> None:
    keyboard = render_buttons((tuple(Button(str(i), f"a:{i}") for i in range(120)),))
    assert keyboard is not None
    assert max(len(row) for row in keyboard.inline_keyboard) == 8
    assert sum(len(row) for row in keyboard.inline_keyboard) == 100


def test_empty_action_rejected() -> None:
    with pytest.raises(ValueError):
        render_buttons(((Button("x", ""),),))


# -- markdown --------------------------------------------------------------------------------


def test_markdown_elements() -> None:
    md = (
        "# Reset your *password*\n\n"
        "Open **Settings** and _Security_, run `passwd <user>`.\n"
        "1. First\n2) Second\n- bullet\n* star\n"
        "See [the guide](https://ex.com/a_b?x=1&y=2) or [local](/wiki).\n"
        "> quoted **bit**\n\n"
        "```bash\necho '<b>' && ls\n```\n"
        "snake_case_name and 2*3*4 stay as written"
    )
    out = markdown_to_telegram_html(md)
    assert_valid([out])
    assert "<b>Reset your <i>password</i></b>" in out
    assert "Open <b>Settings</b> and <i>Security</i>, run <code>passwd &lt;user&gt;</code>." in out
    assert "1. First\n2. Second\n• bullet\n• star" in out
    assert '<a href="https://ex.com/a_b?x=1&amp;y=2">the guide</a> or local.' in out
    assert "<blockquote>quoted <b>bit</b></blockquote>" in out
    assert "<pre><code class=\"language-bash\">echo '&lt;b&gt;' &amp;&amp; ls</code></pre>" in out
    assert "snake_case_name and 2*3*4 stay as written" in out


@pytest.mark.parametrize(
    "md",
    [
        "<script>alert(1)</script> & <b>",
        "**unclosed bold and *italic",
        "```\nnever closed <b>",
        "[a](javascript:alert(1))",
        "__*mixed**_ `` ` ``",
        "&amp; &lt; &#x41;",
    ],
)
def test_markdown_output_always_balanced(md: str) -> None:
    out = markdown_to_telegram_html(md)
    parse_html(out)
    assert "javascript" not in out or "href" not in out


def test_markdown_escapes_entities_literally() -> None:
    assert plain(markdown_to_telegram_html("&amp; <i>")) == "&amp; <i>"


def test_markdown_follows_spans() -> None:
    reply = Reply(spans=text("Maybe this helps:"), markdown="**Step** one")
    assert render_reply(reply).chunks == ["Maybe this helps:\n\n<b>Step</b> one"]


# -- splitting ---------------------------------------------------------------------------------


def test_short_text_unchanged() -> None:
    assert split_html("<b>hi</b> &amp; bye") == ["<b>hi</b> &amp; bye"]


def test_split_prefers_paragraphs_and_keeps_buttons_on_last() -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 150 for i in range(12)]
    reply = Reply(spans=text("\n\n".join(paragraphs)), buttons=((Button("OK", "ok"),),))
    rendered = render_reply(reply)
    assert len(rendered.chunks) >= 2 and rendered.keyboard is not None
    assert_valid(rendered.chunks)
    for chunk in rendered.chunks[:-1]:
        assert chunk.rstrip().endswith("word")  # cut at a paragraph break, not mid-paragraph
    assert "".join(c.strip() for c in rendered.chunks).count("Paragraph") == 12


def test_split_counts_parsed_text_in_utf16() -> None:
    chunks = split_html("&lt;" * 5000)  # 20000 source chars, 5000 visible
    assert [utf16_len(plain(c)) for c in chunks] == [4096, 904]
    emoji = split_html("😀" * 3000)  # 2 UTF-16 units each
    assert [utf16_len(plain(c)) for c in emoji] == [4096, 1904]
    assert all(c.startswith("😀") for c in emoji)  # no broken surrogate pair


def test_split_closes_and_reopens_tags() -> None:
    source = '<b>bold <a href="https://e.com">' + "x" * 5000 + "</a></b> end"
    chunks = split_html(source)
    assert_valid(chunks)
    assert chunks[0].startswith('<b>bold <a href="https://e.com">')
    assert chunks[0].endswith("</a></b>")
    assert chunks[1].startswith('<b><a href="https://e.com">')
    assert "".join(plain(c) for c in chunks) == "bold " + "x" * 5000 + " end"


def test_split_pre_blocks_and_small_limits() -> None:
    source = "<pre>" + "\n".join(f"line {i} &lt;&amp;&gt;" for i in range(400)) + "</pre>"
    chunks = split_html(source, limit=500)
    assert_valid(chunks, limit=500)
    assert all(c.startswith("<pre>") and c.endswith("</pre>") for c in chunks)
    assert "\n".join(plain(c).strip("\n") for c in chunks) == plain(source)


def test_split_never_cuts_inside_grapheme_joiners() -> None:
    family = "👨\u200d👩\u200d👧"  # joined with ZWJ
    chunks = split_html("a" * 4094 + family)
    assert not plain(chunks[1]).startswith("\u200d")
    assert "".join(plain(c) for c in chunks) == "a" * 4094 + family


ONE_CHUNK_SAMPLES = [
    "<b>hi</b> &amp; bye",
    "plain",
    "   ",
    "&nbsp;",
    "<b> </b>",
    "a < b",
    "tail <b>",
    "<>",
    "x &amp",
    "😀" * 2048,
    "😀" * 2049,
    "&lt;" * 1500,
    "<i>" + "é" * 4095 + "</i>",
]


@pytest.mark.parametrize("source", ONE_CHUNK_SAMPLES)
def test_split_shortcut_gives_what_the_full_parse_gives(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text that fits whole skips the parse; the result is the same as parsing it."""
    shortcut = split_html(source)
    monkeypatch.setattr(html_split, "_fits_whole", lambda _source, _limit: False)
    assert shortcut == split_html(source)
