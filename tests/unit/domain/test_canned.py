"""The canned-reply template language: known macros filled in, braces doubled for themselves,
anything else refused with a message that names it."""

from __future__ import annotations

import pytest

from core.domain.canned import MACROS, check_name, macros_in, render
from core.errors import InvalidInput

VALUES = {name: f"<{name}>" for name in MACROS}


def test_every_macro_is_filled_in_and_doubled_braces_stay() -> None:
    template = "Hi {requester.first_name}, #{ticket.number} { ticket.title } {{literal}} }}"
    assert render(template, VALUES) == (
        "Hi <requester.first_name>, #<ticket.number> <ticket.title> {literal} }"
    )
    assert macros_in(template) == ["requester.first_name", "ticket.number", "ticket.title"]


def test_values_are_not_templates_themselves() -> None:
    values = VALUES | {"requester.name": "{agent.name} {0} {__class__}"}
    assert render("{requester.name}", values) == "{agent.name} {0} {__class__}"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Hi {requester.email}", "Unknown macro {requester.email}. The macros are: {requester"),
        ("{ticket.__class__}", "Unknown macro {ticket.__class__}."),
        ("{0}", "Unknown macro {0}."),
        ("{}", "Unknown macro {}."),
        ("Hi {requester.first_name", "A lone “{” in the text; write {{ or }} for a brace itself."),
        ("a } b", "A lone “}” in the text"),
    ],
)
def test_unknown_macros_and_stray_braces_are_refused_clearly(template: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        render(template, VALUES)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize("name", ["", "two words", "-dash", "x" * 33, "/canned", "vpn.reset", "ö"])
def test_names_are_one_typable_word(name: str) -> None:
    with pytest.raises(InvalidInput):
        check_name(name)


def test_names_are_stored_lower_case() -> None:
    assert check_name(" VPN-Reset ") == "vpn-reset"
