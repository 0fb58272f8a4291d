from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kb.markdown_files import (
    ArticleFile,
    ArticleFormatError,
    parse_article_file,
    render_article_file,
)

GOOD = """---
id: vpn-connect
title: Connecting to the corporate VPN
lang: en
category: network
tags: [vpn, remote]
---
Body text.
"""


def test_every_dataset_file_round_trips(article_files: dict[Path, str]) -> None:
    assert len(article_files) >= 70
    for path, text in article_files.items():
        article = parse_article_file(text)
        assert article.id == path.stem
        assert article.language in ("en", "ru")
        assert article.tags and article.body.strip()
        assert render_article_file(article) == text, path.name


def test_parse_fields() -> None:
    article = parse_article_file(GOOD)
    assert article == ArticleFile(
        id="vpn-connect",
        title="Connecting to the corporate VPN",
        language="en",
        category="network",
        tags=("vpn", "remote"),
        body="Body text.\n",
    )


def test_optional_keys_round_trip_and_are_written_only_when_set() -> None:
    article = parse_article_file(GOOD)
    assert "phrasings" not in render_article_file(article)
    assert "status" not in render_article_file(article)
    assert "translation_of" not in render_article_file(article)
    extended = replace(
        article,
        title="VPN: how to connect",
        phrasings=("vpn not working", "how: to connect?", "yes"),
        status="draft",
        tags=("a,b", "plain"),
        translation_of="vpn-connect-en",
    )
    text = render_article_file(extended)
    assert "phrasings:\n  - vpn not working\n" in text
    assert "status: draft" in text
    assert 'tags: ["a,b", plain]\ntranslation_of: vpn-connect-en\n' in text
    assert parse_article_file(text) == extended
    assert render_article_file(parse_article_file(text)) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter here\n", "no front matter"),
        ("---\nid: x\ntitle: t\n", "not closed"),
        (GOOD.replace("lang: en", "lang: de"), "unknown language 'de'"),
        (GOOD.replace("id: vpn-connect", "id: VPN_Connect"), "id must be kebab-case"),
        (GOOD.replace("id: vpn-connect", "id: -vpn"), "id must be kebab-case"),
        (GOOD.replace("title: Connecting to the corporate VPN\n", ""), "missing title"),
        (GOOD.replace("tags: [vpn, remote]", "tags: [vpn"), "not valid YAML"),
        (GOOD.replace("tags: [vpn, remote]", "tags: vpn"), "tags must be a list"),
        (GOOD.replace("category: network", "category: network\nstatus: gone"), "unknown status"),
        (GOOD.replace("category: network", "category: network\nowner: me"), "unknown front"),
        (GOOD.replace("Body text.\n", ""), "empty body"),
        ("---\n- a\n- b\n---\nbody\n", "mapping"),
        (
            GOOD.replace("category: network", "category: network\ntranslation_of: Bad Id"),
            "translation_of must be an article id",
        ),
        (
            GOOD.replace("category: network", "category: network\ntranslation_of: vpn-connect"),
            "names the article itself",
        ),
    ],
)
def test_bad_files_are_rejected_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ArticleFormatError, match=message):
        parse_article_file(text)
