"""Article bodies become safe HTML: Markdown rendered without raw HTML, then sanitised."""

from __future__ import annotations

import nh3

from admin.markdown import ATTRIBUTES, TAGS, URL_SCHEMES, render


def test_markdown_is_rendered() -> None:
    html = render(
        "# Fix\n\n1. **restart**\n2. [docs](https://example.com/vpn)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1>Fix</h1>" in html and "<strong>restart</strong>" in html and "<ol>" in html
    assert '<a href="https://example.com/vpn" rel="noopener noreferrer nofollow">docs</a>' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_raw_html_and_script_links_never_become_markup() -> None:
    html = render('<b onclick="x()">hi</b> <script>alert(1)</script> [x](javascript:alert(1))')
    assert "<b" not in html and "<script" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_the_sanitiser_is_a_second_line_of_defence() -> None:
    dirty = (
        '<a href="javascript:alert(1)" onclick="x()">a</a><img src=x onerror=alert(1)>'
        '<script>x</script><iframe src=//evil></iframe><p style="color:red">p</p>'
    )
    clean = nh3.clean(dirty, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES)
    for bad in ("javascript", "onclick", "onerror", "<script", "<iframe", "style="):
        assert bad not in clean
