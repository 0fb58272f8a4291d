"""Knowledge-base articles as Markdown files with YAML front matter.

Pure string functions: the caller reads and writes the files.  The layout is
the one of the dataset's ``articles/*.md``::

    ---
    id: vpn-connect
    title: Connecting to the corporate VPN
    lang: en
    category: network
    tags: [vpn, remote, forticlient]
    ---
    Body in Markdown...

Optional keys: ``translation_of`` (the id of the article this one translates),
``phrasings`` (a list of alternative questions) and ``status`` (draft |
published | archived); they are written only when not default.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kb.documents import LANGUAGES, ArticleText

__all__ = ["ArticleFile", "ArticleFormatError", "STATUSES", "article_text", "parse_article_file",
           "render_article_file"]  # fmt: skip

STATUSES = ("draft", "published", "archived")
_FENCE = "---"
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = ("id", "title", "lang", "category", "tags", "translation_of", "phrasings", "status")
_REQUIRED = ("id", "title", "lang", "category")
_FLOW_UNSAFE = set(",[]{}")


@dataclass(frozen=True, slots=True)
class ArticleFile:
    id: str
    title: str
    language: str
    category: str
    tags: tuple[str, ...]
    body: str
    phrasings: tuple[str, ...] = ()
    status: str = "published"
    translation_of: str | None = None


class ArticleFormatError(ValueError):
    """The text is not a valid article file; the message says what is wrong."""


def _split(text: str) -> tuple[str, str]:
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != _FENCE:
        raise ArticleFormatError("no front matter: the file must start with a '---' line")
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") == _FENCE:
            return "".join(lines[1:number]), "".join(lines[number + 1 :])
    raise ArticleFormatError("front matter is not closed by a '---' line")


def _text_list(meta: dict[str, Any], key: str) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ArticleFormatError(f"{key} must be a list of strings")
    return tuple(str(v) for v in value)


def _required_text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ArticleFormatError(f"missing {key}")
    if not isinstance(value, str | int | float):
        raise ArticleFormatError(f"{key} must be a string")
    return str(value)


def parse_article_file(text: str) -> ArticleFile:
    """Parse one article file; raises :class:`ArticleFormatError` when invalid."""
    header, body = _split(text)
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        raise ArticleFormatError(f"front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ArticleFormatError("front matter must be a mapping of keys to values")
    unknown = sorted(str(k) for k in meta if k not in _KEYS)
    if unknown:
        raise ArticleFormatError(f"unknown front matter key(s): {', '.join(unknown)}")
    for key in _REQUIRED:
        _required_text(meta, key)
    article_id = str(meta["id"])
    if not _ID_RE.match(article_id):
        raise ArticleFormatError(f"id must be kebab-case (a-z, 0-9, '-'), got {article_id!r}")
    language = str(meta["lang"])
    if language not in LANGUAGES:
        raise ArticleFormatError(f"unknown language {language!r} (expected en or ru)")
    status = str(meta.get("status") or "published")
    if status not in STATUSES:
        raise ArticleFormatError(f"unknown status {status!r} (expected {', '.join(STATUSES)})")
    if not body.strip():
        raise ArticleFormatError("empty body")
    translation_of = meta.get("translation_of")
    if translation_of is not None:
        translation_of = str(translation_of)
        if not _ID_RE.match(translation_of):
            raise ArticleFormatError(
                f"translation_of must be an article id (kebab-case), got {translation_of!r}"
            )
        if translation_of == article_id:
            raise ArticleFormatError("translation_of names the article itself")
    return ArticleFile(
        id=article_id,
        title=str(meta["title"]),
        language=language,
        category=str(meta["category"]),
        tags=_text_list(meta, "tags"),
        body=body,
        phrasings=_text_list(meta, "phrasings"),
        status=status,
        translation_of=translation_of,
    )


def _plain_ok(value: str, *, in_flow: bool = False) -> bool:
    """Whether *value* can be written unquoted and read back as the same string."""
    if not value or value != value.strip() or "\n" in value:
        return False
    if ": " in value or " #" in value or value.endswith(":") or value[0] in "-?:,[]{}#&*!|>'\"%@`":
        return False
    if in_flow and _FLOW_UNSAFE.intersection(value):
        return False
    try:
        return bool(yaml.safe_load(value) == value)
    except yaml.YAMLError:
        return False


def _scalar(value: str, *, in_flow: bool = False) -> str:
    return value if _plain_ok(value, in_flow=in_flow) else json.dumps(value, ensure_ascii=False)


def render_article_file(article: ArticleFile) -> str:
    """The file text for *article*; ``render(parse(text)) == text`` for canonical files."""
    tags = ", ".join(_scalar(tag, in_flow=True) for tag in article.tags)
    lines = [
        _FENCE,
        f"id: {article.id}",
        f"title: {_scalar(article.title)}",
        f"lang: {article.language}",
        f"category: {_scalar(article.category)}",
        f"tags: [{tags}]",
    ]
    if article.translation_of:
        lines.append(f"translation_of: {article.translation_of}")
    if article.phrasings:
        lines.append("phrasings:")
        lines.extend(f"  - {_scalar(p)}" for p in article.phrasings)
    if article.status != "published":
        lines.append(f"status: {article.status}")
    lines.append(_FENCE)
    return "\n".join(lines) + "\n" + article.body


def article_text(article: ArticleFile) -> ArticleText:
    """The part of an article file the suggestion engine indexes."""
    return ArticleText(
        id=article.id,
        title=article.title,
        body=article.body,
        language=article.language,
        category=article.category,
        tags=article.tags,
        phrasings=article.phrasings,
        translation_of=article.translation_of,
    )
