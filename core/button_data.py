"""Button data: what pressing a button asks for, packed into :attr:`core.messages.Button.action`
and unpacked here, in one place.

The packed form is short ASCII, ``verb:arg:arg`` (e.g. ``rate:1001:5``), so it fits Telegram's
64-byte callback data and Slack's action values alike. Unpacking checks the verb and every
argument against the verb's shape, with the one number parser (:mod:`core.domain.numbers`):
anything else, forged or from an old version, unpacks to None and is answered as an expired
button, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum

from core.domain.numbers import parse_positive
from core.messages import Button

MAX_PACKED_BYTES = 60


class Act(StrEnum):
    """Every kind of button chatdesk sends. The value is the verb on the wire."""

    # ticket cards in the agents' rooms
    CLAIM = "claim"  # ticket
    ASSIGN = "assign"  # ticket → shows agents; ticket, person id → assigns
    PRIORITY = "prio"  # ticket → shows P1-P4; ticket, priority → sets it
    RESOLVE = "resolve"  # ticket
    CANNED = "canned"  # ticket → shows canned replies; ticket, canned reply id → sends it
    # the employee's private chat
    LANGUAGE = "lang"  # language code
    CANCEL = "cancel"
    ARTICLE_OPEN = "kbo"  # suggestion event id, article index
    ARTICLE_HELPED = "kby"  # suggestion event id, article index
    ARTICLE_NOT_HELPED = "kbn"  # suggestion event id, article index
    NONE_HELPED = "kbt"  # suggestion event id: none of these, create a ticket
    CATEGORY = "cat"  # category id; no argument: "not sure"
    IMPACT = "imp"  # level 1-3
    URGENCY = "urg"  # level 1-3
    DONE = "done"
    EDIT = "edit"
    CREATE = "create"
    CONTINUE_DRAFT = "resume"
    START_OVER = "anew"
    ADD_TO = "to"  # ticket the message is about
    NEW_REQUEST = "new"
    RATE = "rate"  # ticket, score 1-5
    REOPEN = "reopen"  # ticket
    SKIP = "skip"


class Arg(Enum):
    NUMBER = "a ticket number or stored id (1 … 2⁶³-1)"
    SMALL = "a small count or index (0 … 999)"
    WORD = "a short code: letters, digits, _ and -"


_WORD = re.compile(r"[A-Za-z0-9_-]{1,32}")
N, S, W = Arg.NUMBER, Arg.SMALL, Arg.WORD
SHAPES: dict[Act, tuple[tuple[Arg, ...], ...]] = {
    Act.CLAIM: ((N,),),
    Act.ASSIGN: ((N,), (N, N)),
    Act.PRIORITY: ((N,), (N, W)),
    Act.RESOLVE: ((N,),),
    Act.CANNED: ((N,), (N, N)),
    Act.LANGUAGE: ((W,),),
    Act.CANCEL: ((),),
    Act.ARTICLE_OPEN: ((N, S),),
    Act.ARTICLE_HELPED: ((N, S),),
    Act.ARTICLE_NOT_HELPED: ((N, S),),
    Act.NONE_HELPED: ((N,),),
    Act.CATEGORY: ((), (N,)),
    Act.IMPACT: ((S,),),
    Act.URGENCY: ((S,),),
    Act.DONE: ((),),
    Act.EDIT: ((),),
    Act.CREATE: ((),),
    Act.CONTINUE_DRAFT: ((),),
    Act.START_OVER: ((),),
    Act.ADD_TO: ((N,),),
    Act.NEW_REQUEST: ((),),
    Act.RATE: ((N, S),),
    Act.REOPEN: ((N,),),
    Act.SKIP: ((),),
}
CARD_ACTS = frozenset({Act.CLAIM, Act.ASSIGN, Act.PRIORITY, Act.RESOLVE, Act.CANNED})


@dataclass(frozen=True, slots=True)
class Pressed:
    """An unpacked button: its act and arguments, already checked against the act's shape."""

    act: Act
    args: tuple[int | str, ...] = ()

    def number(self, index: int = 0) -> int:
        value = self.args[index]
        assert isinstance(value, int), f"{self.act} argument {index} is not a number"
        return value

    def word(self, index: int) -> str:
        value = self.args[index]
        assert isinstance(value, str), f"{self.act} argument {index} is not a word"
        return value


def pack(act: Act, *args: int | str) -> str:
    """The button data for ``act`` with ``args``; a wrong shape is a programming error."""
    packed = ":".join((act.value, *map(str, args)))
    if unpack(packed) != Pressed(act, tuple(args)) or len(packed) > MAX_PACKED_BYTES:
        raise ValueError(f"not a valid {act.name} button: {packed!r}")
    return packed


def unpack(data: str) -> Pressed | None:
    """What a pressed button asks for, or None when the data is not one of ours."""
    if not data.isascii() or len(data) > MAX_PACKED_BYTES:
        return None
    verb, *raw = data.split(":")
    try:
        act = Act(verb)
    except ValueError:
        return None
    for shape in SHAPES[act]:
        if len(shape) == len(raw):
            values = [_value(kind, text) for kind, text in zip(shape, raw, strict=True)]
            if all(value is not None for value in values):
                return Pressed(act, tuple(v for v in values if v is not None))
    return None


def button(label: str, act: Act, *args: int | str) -> Button:
    return Button(label, pack(act, *args))


def _value(kind: Arg, text: str) -> int | str | None:
    if kind is Arg.NUMBER:
        return parse_positive(text)
    if kind is Arg.SMALL:
        return int(text) if text.isdigit() and len(text) <= 3 else None  # ASCII: checked above
    return text if _WORD.fullmatch(text) else None
