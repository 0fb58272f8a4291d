"""The work after a Slack ack: a few items at a time in arrival order, modals at once,
failures logged without stopping the rest, and nothing left unsaid at shutdown."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bots.slack.after_ack import AfterAck


class Gate:
    """Work items that record when they start and end when the test lets them."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.go = asyncio.Event()

    async def work(self, name: str) -> None:
        self.started.append(name)
        await self.go.wait()
        self.finished.append(name)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_at_most_at_once_items_run_and_the_rest_start_in_arrival_order() -> None:
    gate, after = Gate(), AfterAck(at_once=2)
    for name in "abcde":
        after.later(name, gate.work(name))
    await settle()
    assert gate.started == ["a", "b"]
    assert after.waiting == 3
    gate.go.set()
    await after.stop(grace=5)
    assert gate.started == list("abcde")
    assert sorted(gate.finished) == list("abcde")


async def test_urgent_work_starts_at_once_even_when_every_place_is_taken() -> None:
    gate, after = Gate(), AfterAck(at_once=1)
    after.later("a", gate.work("a"))
    after.later("b", gate.work("b"))
    after.later("modal", gate.work("modal"), urgent=True)
    await settle()
    assert gate.started == ["a", "modal"]
    gate.go.set()
    await after.stop(grace=5)
    assert sorted(gate.finished) == ["a", "b", "modal"]


async def test_a_failure_is_logged_by_name_and_the_next_item_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    gate, after = Gate(), AfterAck(at_once=1)
    gate.go.set()
    with caplog.at_level(logging.ERROR, logger="bots.slack.after_ack"):
        after.later("a button press", broken())
        after.later("next", gate.work("next"))
        await after.stop(grace=5)
    assert gate.finished == ["next"]
    assert "a button press failed after its ack" in caplog.text


async def test_stop_cancels_what_outlives_the_grace_and_names_what_never_ran(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate, after = Gate(), AfterAck(at_once=1)
    after.later("slow", gate.work("slow"))
    after.later("queued", gate.work("queued"))
    await settle()
    with caplog.at_level(logging.WARNING, logger="bots.slack.after_ack"):
        await after.stop(grace=0.05)
    assert gate.started == ["slow"] and gate.finished == []
    assert "queued was acknowledged but not handled before shutdown" in caplog.text
