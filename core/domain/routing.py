"""Routing rules: what a new ticket's text says about its category, group, priority and type.

Rules are evaluated in order. A rule matches on keywords (whole words or phrases, any case) or
on a regular expression (also any case), and sets any of category, group, priority and ticket type; a value set by
an earlier rule is not overridden by a later one. A stop-list rule (``stop_reply`` set) marks
spam or out-of-scope requests: evaluation ends there and the requester is told ``stop_reply``, or
its text in their language from ``stop_replies`` when the rule has one.

Regular expressions run with a time limit (the ``regex`` module's timeout), and a pattern that
does not compile or could hang is refused when the rule is saved (:func:`check_rule`).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import regex

from core.domain.enums import Priority, TicketType
from core.errors import ConfigurationError

RULE_TIMEOUT_S = 0.05  # one regex on one text
ROUTING_BUDGET_S = 0.25  # all rules on one text
PATTERN_MAX = 500
# Texts that make backtracking patterns blow up; a pattern slow on any of them is refused.
_PROBES = ("a" * 3000 + "!", "x" * 3000, " " * 3000 + "!", "ab" * 1500 + "!", "1" * 3000 + "x")


class MatchKind(StrEnum):
    KEYWORDS = "keywords"  # comma-separated words or phrases
    REGEX = "regex"


@dataclass(frozen=True, slots=True)
class RoutingRule:
    name: str
    kind: MatchKind
    pattern: str
    category: str | None = None  # a category slug
    group: str | None = None  # a group name
    priority: Priority | None = None
    ticket_type: TicketType | None = None
    stop_reply: str | None = None
    stop_replies: Mapping[str, str] = field(default_factory=dict)  # language → stop_reply
    position: int = 0
    is_active: bool = True
    id: int | None = field(default=None, compare=False)

    @property
    def is_stop(self) -> bool:
        return self.stop_reply is not None

    def matches(self, text: str) -> bool:
        """Raises ``TimeoutError`` when a regular expression runs past its time limit."""
        if self.kind == MatchKind.KEYWORDS:
            return _keywords(self.pattern).search(text) is not None
        return (
            regex.search(self.pattern, text, regex.IGNORECASE, timeout=RULE_TIMEOUT_S) is not None
        )


@dataclass(frozen=True, slots=True)
class Routing:
    """What the rules decided; None where no rule said anything."""

    category: str | None = None
    group: str | None = None
    priority: Priority | None = None
    ticket_type: TicketType | None = None
    stop_reply: str | None = None
    stop_replies: Mapping[str, str] = field(default_factory=dict)
    matched: tuple[str, ...] = ()
    timed_out: tuple[str, ...] = ()

    def stop_reply_in(self, language: str | None) -> str | None:
        """The stop-list reply for a person speaking ``language``."""
        return self.stop_replies.get(language or "") or self.stop_reply


def route(rules: Sequence[RoutingRule], text: str, *, budget: float = ROUTING_BUDGET_S) -> Routing:
    """Run the active rules in order over ``text`` within ``budget`` seconds of CPU time."""
    decided: dict[str, object] = {}
    matched: list[str] = []
    timed_out: list[str] = []
    deadline = time.monotonic() + budget
    for rule in sorted((r for r in rules if r.is_active), key=lambda r: r.position):
        if time.monotonic() > deadline:
            timed_out.append(rule.name)
            continue
        try:
            if not rule.matches(text):
                continue
        except TimeoutError:
            timed_out.append(rule.name)
            continue
        matched.append(rule.name)
        if rule.is_stop:
            decided.setdefault("stop_reply", rule.stop_reply)
            decided.setdefault("stop_replies", dict(rule.stop_replies))
            break
        for name in ("category", "group", "priority", "ticket_type"):
            value = getattr(rule, name)
            if value is not None:
                decided.setdefault(name, value)
    return Routing(**decided, matched=tuple(matched), timed_out=tuple(timed_out))  # type: ignore[arg-type]


def check_rule(rule: RoutingRule) -> None:
    """Refuse, with one line, a rule that could never work or could hang."""
    if not rule.name.strip():
        raise ConfigurationError("A routing rule needs a name.")
    if not rule.pattern.strip():
        raise ConfigurationError("Routing rule '{name}' has an empty pattern.", name=rule.name)
    if len(rule.pattern) > PATTERN_MAX:
        raise ConfigurationError(
            "Routing rule '{name}': the pattern is longer than {limit} characters.",
            name=rule.name,
            limit=PATTERN_MAX,
        )
    if not rule.is_stop and not any((rule.category, rule.group, rule.priority, rule.ticket_type)):
        raise ConfigurationError(
            "Routing rule '{name}' sets nothing; give a category, group, priority, type or a "
            "stop reply.",
            name=rule.name,
        )
    if rule.stop_reply is not None and not rule.stop_reply.strip():
        raise ConfigurationError("Routing rule '{name}' has an empty stop reply.", name=rule.name)
    if rule.stop_replies and rule.stop_reply is None:
        raise ConfigurationError(
            "Routing rule '{name}' has stop replies per language but no stop reply.",
            name=rule.name,
        )
    for language, text in rule.stop_replies.items():
        if not text.strip():
            raise ConfigurationError(
                "Routing rule '{name}' has an empty stop reply in '{language}'.",
                name=rule.name,
                language=language,
            )
    if rule.kind == MatchKind.KEYWORDS:
        if not _words(rule.pattern):
            raise ConfigurationError("Routing rule '{name}' lists no keywords.", name=rule.name)
        return
    try:
        compiled = regex.compile(rule.pattern, regex.IGNORECASE)
    except regex.error as exc:
        raise ConfigurationError(
            "Routing rule '{name}': the pattern does not compile ({reason}).",
            name=rule.name,
            reason=str(exc),
        ) from None
    if nested_repetition(rule.pattern) or _slow_on_probes(compiled):
        raise ConfigurationError(
            "Routing rule '{name}': the pattern could hang (a repeated group that itself "
            "repeats, like (a+)+); rewrite it without nested repetition.",
            name=rule.name,
        )


def nested_repetition(pattern: str) -> bool:
    """True when a quantified group contains a quantifier: ``(a+)+``, ``(\\w*\\s?)*``, ``(x{2,})+``."""
    stack: list[bool] = []  # per open group: does it contain a quantifier?
    escaped = in_class = False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            stack.append(False)
        elif char == ")" and stack:
            inner = stack.pop()
            if inner and _quantified_at(pattern, index + 1):
                return True
            if stack and inner:
                stack[-1] = True
        elif char in "*+{" and stack and (char != "{" or _quantified_at(pattern, index)):
            stack[-1] = True
    return False


def _quantified_at(pattern: str, index: int) -> bool:
    rest = pattern[index : index + 12]
    return bool(rest) and (rest[0] in "*+" or re.match(r"\{\d*,\d*\}|\{\d+\}", rest) is not None)


def _slow_on_probes(compiled: regex.Pattern[str]) -> bool:
    for probe in _PROBES:
        try:
            compiled.search(probe, timeout=RULE_TIMEOUT_S)
        except TimeoutError:
            return True
    return False


def _words(pattern: str) -> list[str]:
    return [word.strip().casefold() for word in pattern.split(",") if word.strip()]


@functools.lru_cache(maxsize=1024)
def _keywords(pattern: str) -> re.Pattern[str]:
    # Escaped literals only: no backtracking hazards, so the standard module is enough.
    alternatives = "|".join(re.escape(word) for word in _words(pattern))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
