"""Article bodies as HTML: Markdown rendered by markdown-it-py (raw HTML in the source is shown
as text, not passed through), then sanitised by nh3 (Ammonia) as a second line of defence:
only plain formatting tags, http(s)/mailto links, and no attribute that could run script."""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt

TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code"),
    *("em", "strong", "del", "s", "ul", "ol", "li", "a", "img"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
BODY_MAX = 100_000


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render(markdown: str) -> str:
    """Safe HTML for ``markdown`` (a body over the article limit is cut, not refused: this is
    only a preview; saving checks the limit)."""
    html = _parser().render(markdown[:BODY_MAX])
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
