"""`chatdesk` as a process of its own (``chatdesk run``, ``migrate``, ``demo``…), the way the tests
that need the real entry point (the command line's, the run tests) and the benchmarks start it: the environment without this
machine's ``CHATDESK_`` settings plus the ones given, output appended to a log file, and a stop
that sends SIGTERM and kills only what does not end in time."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from tests.fakes.local_http import free_port

REPO = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_S = 20.0


def chatdesk_command(*args: str) -> list[str]:
    """``python -m chatdesk ARGS`` with this interpreter."""
    return [sys.executable, "-m", "chatdesk", *args]


def chatdesk_env(**settings: str) -> dict[str, str]:
    """This process's environment without any ``CHATDESK_`` setting, with this checkout
    importable, and ``settings`` (``CHATDESK_DATABASE_URL="…"``) on top."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("CHATDESK_")}
    return kept | {"PYTHONPATH": str(REPO)} | settings


def chatdesk_cli(
    args: Sequence[str], env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """``chatdesk ARGS`` run to its end (at most 2 minutes), its output captured as text."""
    return subprocess.run(
        chatdesk_command(*args),
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def start(
    env: dict[str, str], cwd: Path, log: Path, command: Sequence[str] = ()
) -> asyncio.subprocess.Process:
    """Start ``command`` (default ``chatdesk run``) in ``cwd``, its output appended to ``log``."""
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            *(command or chatdesk_command("run")),
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )


async def stop(process: asyncio.subprocess.Process, grace: float = STOP_TIMEOUT_S) -> int | None:
    """SIGTERM, then wait up to ``grace`` seconds: its exit code, or None when it had to be
    killed (it did not stop in time). A process already ended gives its code."""
    if process.returncode is not None:
        return process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(process.wait(), timeout=grace)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None


@asynccontextmanager
async def running(
    env: dict[str, str], cwd: Path, log: Path, command: Sequence[str] = ()
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The process for the block, stopped after it (see :func:`stop`); afterwards its
    ``returncode`` is its exit code, or -9 when it had to be killed."""
    process = await start(env, cwd, log, command)
    try:
        yield process
    finally:
        await stop(process)


class Instance:
    """One ``chatdesk run`` among several on this machine: its own admin port (where it serves
    ``/healthz`` and the webhooks) and log."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.env = env | {"CHATDESK_ADMIN_PORT": str(self.port)}
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, cwd: Path) -> None:
        self.process = await start(self.env, cwd, self.log)

    async def stop(self, grace: float = STOP_TIMEOUT_S) -> int | None:
        """See :func:`stop`; None also when it never started."""
        if self.process is None:
            return None
        return await stop(self.process, grace=grace)
