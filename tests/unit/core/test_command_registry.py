"""The command registry: usage, argument parsing and menus all come from one declaration."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from core.errors import InvalidInput, NotFound
from core.intake.commands import Audience
from core.intake.desk_commands import COMMANDS
from core.intake.turn import Turn


def _command(name: str, audience: Audience = Audience.AGENT):  # type: ignore[no-untyped-def]
    command = COMMANDS.get(name, audience)
    assert command is not None
    return command


def test_usage_is_generated_and_translated() -> None:
    assert _command("assign").usage("en") == "assign N @username"
    assert _command("reply").usage("ru") == "reply N текст"
    assert _command("resolve").usage("en") == "resolve N [resolution]"
    assert _command("priority").usage("en") == "priority N P1|P2|P3|P4"


def test_arguments_are_parsed_by_kind() -> None:
    assert _command("reply").parse("#1001 please restart", "en").text == "please restart"
    assert _command("assign").parse("1001 @bob", "en").word == "@bob"
    assert _command("status").parse("1001 In-Progress", "en").word == "in_progress"
    assert _command("resolve").parse("1001", "en").text == ""
    assert _command("claim").parse("1001 now please", "en").ticket == 1001


@pytest.mark.parametrize("line", ["", "abc", "1001 P7"])
def test_a_malformed_argument_is_a_usage_error(line: str) -> None:
    with pytest.raises(InvalidInput) as error:
        _command("priority").parse(line, "en")
    assert error.value.spans("en")[-1].style == "command"


@pytest.mark.parametrize("line", ["¹⁰⁰¹", "100000000000000000000", "#١٠٠١"])
def test_a_number_that_cannot_be_a_ticket_is_no_such_ticket(line: str) -> None:
    with pytest.raises(NotFound, match="There is no ticket"):
        _command("ticket", Audience.EMPLOYEE).parse(line, "en")


def test_menus_list_each_audience_once_and_hide_start_and_id() -> None:
    employee = [c.name for c in COMMANDS.listed(Audience.EMPLOYEE)]
    agent = [c.name for c in COMMANDS.listed(Audience.AGENT)]
    assert employee == ["new", "my", "ticket", "language", "cancel", "link", "help"]
    assert {"queue", "mine", "claim", "assign", "reply", "note", "resolve", "kb"} <= set(agent)
    assert len(agent) == len(set(agent))
    assert dict((c.name, text) for c, text in COMMANDS.menu(Audience.EMPLOYEE, "ru"))["my"] == (
        "Ваши заявки"
    )


@pytest.mark.parametrize(("agent", "private"), [(True, True), (True, False), (False, True)])
def test_each_chats_menu_lists_exactly_what_a_command_there_runs(
    agent: bool, private: bool
) -> None:
    """A menu is only honest if tapping each entry runs that command for that person there."""
    listed = COMMANDS.reachable(agent=agent, private=private)
    assert listed and len({c.name for c in listed}) == len(listed)
    for command in listed:
        turn = SimpleNamespace(
            event=SimpleNamespace(command=command.name, is_private=private),
            person=SimpleNamespace(is_agent=agent),
        )
        assert COMMANDS.choose(cast(Turn, turn)) is command
    if private:  # every employee command has an entry (for an agent, the agents' version)
        assert {c.name for c in COMMANDS.listed(Audience.EMPLOYEE)} <= {c.name for c in listed}


def test_an_employee_has_no_menu_in_the_agents_group() -> None:
    assert COMMANDS.reachable(agent=False, private=False) == []
