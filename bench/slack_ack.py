"""Slack ack and reply latency: many people at once, against chatdesk and against a bare app.

Every simulated person, all at the same time, DMs the app a question, presses the first button
of the answer (an article), types ``/desk help``, then ``/desk`` alone, which opens the
new-request modal: for that one the "reply" is the time until ``views.open`` succeeded, which
must be within the ``trigger_id``'s 3 s.
Each is a correctly signed HTTP request from the fake Slack to the app's request URL. Measured
per request: the **ack** (the app's HTTP answer, which Slack wants within 3 s) and the **reply**
(from sending until the app's answer is recorded by the fake Web API).

chatdesk runs as in production: the real slack-bolt ``AsyncApp`` on the admin app's
``/slack/events`` (uvicorn), the engine, the outbox and SQLite in a temporary file. In the
same run a bare Bolt ``AsyncApp`` (aiohttp) gets the same requests: it only acks, then posts a
one-line answer, which is the floor for both figures.

With ``--process`` each app runs in a process of its own, as it does in production, where
Slack is somebody else's computer: chatdesk as ``chatdesk run`` (migrated, with the demo data
and starter knowledge base, Slack tokens and ``CHATDESK_SLACK_API_URL`` pointing at the fake),
the bare app as this script's ``--serve-bare``. The fake Slack and the simulated people then no
longer share an event loop with the app they measure.
It then also prints each app process's CPU time for the measured part, which the machine's
load hardly moves (the latencies move with it).

    .venv/bin/python bench/slack_ack.py [--users 50] [--process]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).resolve()
sys.path.insert(0, str(ROOT))

from slack_bolt.async_app import AsyncAck, AsyncApp  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bench.telegram_throughput import _prepare  # noqa: E402
from tests.fakes.local_http import free_port  # noqa: E402
from tests.fakes.slack_bolt_host import serving  # noqa: E402
from tests.fakes.slack_objects import SlackUser  # noqa: E402
from tests.fakes.slack_server import FakeSlackServer  # noqa: E402
from tests.fakes.slack_transport import Delivery  # noqa: E402
from tests.integration.slack.desk import SlackDesk, buttons  # noqa: E402
from tests.support.chatdesk_process import (  # noqa: E402
    chatdesk_command,
    chatdesk_env,
    running,
    start,
)

QUESTION = "My VPN keeps dropping every few minutes"
MODAL = {
    "type": "modal",
    "callback_id": "bare",
    "title": {"type": "plain_text", "text": "New request"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}],
}
WAIT_S = 120.0
Timings = dict[str, list[tuple[float | None, float]]]  # kind → (ack s, reply s)
# With --process: each app process's CPU seconds in the measured part.
CPU_SECONDS: dict[str, float] = {}


def _answers(slack: FakeSlackServer, user: SlackUser) -> list[dict[str, Any]]:
    return slack.app_messages_in(slack.dm_with(user).id)


async def _timed(
    slack: FakeSlackServer, user: SlackUser, send: Callable[[], Awaitable[Delivery]]
) -> tuple[float | None, float, dict[str, Any]]:
    """Send one request; (ack seconds, reply seconds, the new or edited answer)."""
    before = {(m["ts"], m["seen"]) for m in _answers(slack, user)}
    started = time.perf_counter()
    delivery = await send()
    answer = await slack.wait_for(
        lambda: next(
            (m for m in _answers(slack, user) if (m["ts"], m["seen"]) not in before), None
        ),
        timeout=WAIT_S,
    )
    return delivery.ack_seconds, time.perf_counter() - started, answer


async def _person(slack: FakeSlackServer, user: SlackUser, timings: Timings) -> None:
    ack, reply, answer = await _timed(slack, user, lambda: _dm(slack, user))
    timings["dm"].append((ack, reply))
    first_button = next(iter(buttons(answer).values()))
    ack, reply, _ = await _timed(slack, user, lambda: slack.user_clicks(user, answer, first_button))
    timings["button"].append((ack, reply))
    ack, reply, _ = await _timed(slack, user, lambda: slack.user_runs_command(user, "help"))
    timings["command"].append((ack, reply))
    timings["modal"].append(await _modal(slack, user))


async def _modal(slack: FakeSlackServer, user: SlackUser) -> tuple[float | None, float]:
    """``/desk`` alone: (ack seconds, seconds until the modal is open). A trigger that expired
    first (3 s) leaves no modal; the app then answers in the chat, which ends the wait too."""
    before = {(m["ts"], m["seen"]) for m in _answers(slack, user)}
    started = time.perf_counter()
    delivery = await slack.user_runs_command(user, "")
    await slack.wait_for(
        lambda: (
            slack.modal_of(user) is not None
            or any((m["ts"], m["seen"]) not in before for m in _answers(slack, user))
        ),
        timeout=WAIT_S,
    )
    return delivery.ack_seconds, time.perf_counter() - started


async def _dm(slack: FakeSlackServer, user: SlackUser) -> Delivery:
    posted = await slack.user_dms(user, QUESTION)
    return posted.deliveries[0]


async def _everyone(slack: FakeSlackServer, n_users: int) -> tuple[Timings, float, list[str]]:
    """Timings by kind, the seconds it all took, and who got their modal."""
    # One person first, unmeasured: the first request of a process pays once for what a running
    # app has long done (Bolt's auth.test, lazy imports, first connections). Unwarmed, every
    # request of the first wave waited for that, the bare app's as much as chatdesk's.
    warm = slack.add_user("warm-up", real_name="Warm Up")
    await _person(slack, warm, {"dm": [], "button": [], "command": [], "modal": []})
    users = [slack.add_user(f"person{n}", real_name=f"Person {n}") for n in range(n_users)]
    timings: Timings = {"dm": [], "button": [], "command": [], "modal": []}
    started = time.perf_counter()
    await asyncio.gather(*(_person(slack, user, timings) for user in users))
    opened = [u.id for u in users if slack.modal_of(u) is not None]
    return timings, time.perf_counter() - started, opened


async def run_chatdesk(n_users: int) -> tuple[Timings, float, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        database = await _prepare(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        async with FakeSlackServer() as slack:
            desk = await SlackDesk(database, slack).start()
            try:
                return await _everyone(slack, n_users)
            finally:
                await desk.stop()
                await database.dispose()


def _bare(token: str, signing_secret: str, api_url: str) -> AsyncApp:
    """Acks, then answers with one line (and a button, so it can be pressed)."""
    client = AsyncWebClient(token=token, base_url=api_url)
    app = AsyncApp(client=client, signing_secret=signing_secret)
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "ok"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "bare:0",
                    "text": {"type": "plain_text", "text": "Press"},
                    "value": "x",
                }
            ],
        },
    ]

    async def answer(client: AsyncWebClient, user_id: str) -> None:
        await client.chat_postMessage(channel=user_id, text="ok", blocks=blocks)

    @app.event("message")
    async def on_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        await answer(client, event["user"])

    @app.command("/desk")
    async def on_command(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        if command.get("text"):
            await answer(client, command["user_id"])
        else:
            await client.views_open(trigger_id=command["trigger_id"], view=MODAL)

    @app.action("bare:0")
    async def on_press(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await answer(client, body["user"]["id"])

    return app


async def run_bare(n_users: int) -> tuple[Timings, float, list[str]]:
    async with FakeSlackServer() as slack:
        app = _bare(slack.bot_token, slack.signing_secret, slack.api_url)
        async with serving(app) as url:
            slack.request_url = url
            return await _everyone(slack, n_users)


START_TIMEOUT_S = 180.0


async def _in_process_of_its_own(
    name: str,
    slack: FakeSlackServer,
    command: list[str],
    env: dict[str, str],
    workdir: Path,
    n_users: int,
) -> tuple[Timings, float, list[str]]:
    """Start ``command`` (an app serving ``slack.request_url``), wait until it acks, measure."""
    log_path = workdir / "app.log"
    async with running(env, workdir, log_path, command) as process:
        knocker = slack.add_user("knocker", real_name="Knock Knock")
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (await slack.user_runs_command(knocker, "help")).acked:
            if process.returncode is not None or time.monotonic() > deadline:
                raise SystemExit(f"the app did not start:\n{log_path.read_text()}")
            await asyncio.sleep(0.5)
        cpu_before = _cpu_seconds(process.pid)
        measured = await _everyone(slack, n_users)
        CPU_SECONDS[name] = _cpu_seconds(process.pid) - cpu_before
        return measured


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``; 0 elsewhere). Unlike the
    latencies it hardly moves with the machine's load: what the app itself spent."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_chatdesk_process(n_users: int) -> tuple[Timings, float, list[str]]:
    """``chatdesk run`` on SQLite with the demo data, its Slack app on the admin port."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with FakeSlackServer() as slack:
            triage = slack.add_channel("it-triage")
            port = free_port()
            env = chatdesk_env(
                CHATDESK_DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'bench.db'}",
                CHATDESK_ADMIN_PORT=str(port),
                CHATDESK_SLACK_BOT_TOKEN=slack.bot_token,
                CHATDESK_SLACK_SIGNING_SECRET=slack.signing_secret,
                CHATDESK_SLACK_API_URL=slack.api_url,
                CHATDESK_SLACK_TRIAGE_CHANNEL=triage.id,
            )
            for step in ("migrate", "demo"):
                prepared = await start(env, workdir, workdir / "app.log", chatdesk_command(step))
                if await prepared.wait():
                    raise SystemExit(f"chatdesk {step} failed")
            slack.request_url = f"http://127.0.0.1:{port}/slack/events"
            return await _in_process_of_its_own(
                "chatdesk", slack, chatdesk_command("run"), env, workdir, n_users
            )


async def run_bare_process(n_users: int) -> tuple[Timings, float, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeSlackServer() as slack:
            port = free_port()
            env = chatdesk_env(
                BARE_SLACK_TOKEN=slack.bot_token,
                BARE_SLACK_SIGNING_SECRET=slack.signing_secret,
                BARE_SLACK_API_URL=slack.api_url,
            )
            slack.request_url = f"http://127.0.0.1:{port}/slack/events"
            command = [sys.executable, str(SCRIPT), "--serve-bare", str(port)]
            return await _in_process_of_its_own("bare", slack, command, env, Path(tmp), n_users)


def serve_bare(port: int) -> None:
    """The bare app alone on ``port`` (aiohttp), for ``--process``."""
    app = _bare(
        os.environ["BARE_SLACK_TOKEN"],
        os.environ["BARE_SLACK_SIGNING_SECRET"],
        os.environ["BARE_SLACK_API_URL"],
    )
    app.start(port=port, path="/slack/events")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _figures(timings: Timings) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    for kind, pairs in [*timings.items(), ("all", [p for ps in timings.values() for p in ps])]:
        acks = [a * 1000 for a, _ in pairs if a is not None] or [float("nan")]  # none acked
        replies = [r * 1000 for _, r in pairs]
        rows[kind] = {
            "ack_p50_ms": round(statistics.median(acks), 1),
            "ack_p99_ms": round(_percentile(acks, 0.99), 1),
            "ack_max_ms": round(max(acks), 1),
            "not_acked": sum(a is None for a, _ in pairs),
            "reply_p50_ms": round(statistics.median(replies), 1),
            "reply_p99_ms": round(_percentile(replies, 0.99), 1),
        }
    return rows


def _show(title: str, figures: dict[str, dict[str, float]], seconds: float) -> None:
    print(f"{title} ({seconds:.1f} s)")
    for kind, row in figures.items():
        print(f"  {kind:>8}: " + "  ".join(f"{k}={v}" for k, v in row.items()))


async def main(n_users: int, *, own_process: bool) -> None:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    where = "each app in its own process" if own_process else "apps in the bench's process"
    print(f"mode: {where}")
    run_desk, run_plain = (
        (run_chatdesk_process, run_bare_process) if own_process else (run_chatdesk, run_bare)
    )
    desk_timings, desk_seconds, desk_modals = await run_desk(n_users)
    desk = _figures(desk_timings)
    _show(
        f"chatdesk (SQLite): {n_users} people x DM, button, /desk help, /desk (modal)",
        desk,
        desk_seconds,
    )
    bare_timings, bare_seconds, bare_modals = await run_plain(n_users)
    bare = _figures(bare_timings)
    _show(f"bare Bolt AsyncApp (ack + one chat.postMessage): {n_users} people", bare, bare_seconds)
    print(
        f"modals opened by /desk alone: chatdesk {len(desk_modals)}/{n_users}, "
        f"bare {len(bare_modals)}/{n_users} (a trigger_id lives 3 s; 'reply' above is the time "
        "until views.open succeeded)"
    )
    if CPU_SECONDS:
        print(
            "app process CPU during the measured part (warm-up included): "
            + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in CPU_SECONDS.items())
        )
    ratio = desk["all"]["ack_p99_ms"] / max(bare["all"]["ack_p99_ms"], 0.1)
    print(
        f"ack p99 chatdesk / bare: {ratio:.2f} (aim: <= 2, and p99 <= 100 ms; never past 3000 ms)"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--process", action="store_true", help="run each app in a process of its own"
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.serve_bare:
        serve_bare(args.serve_bare)
    else:
        asyncio.run(main(args.users, own_process=args.process))
