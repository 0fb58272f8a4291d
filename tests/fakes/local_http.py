"""Serving an aiohttp application on a free local port, for fakes and hosted test apps."""

from __future__ import annotations

import socket

from aiohttp import web


def free_port() -> int:
    """A port the OS says is free on 127.0.0.1 now (for a process the test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def serve_on_free_port(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start ``app`` on 127.0.0.1 and a port the OS picks; returns the runner and base URL.
    ``await runner.cleanup()`` stops it."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    return runner, f"http://127.0.0.1:{sock.getsockname()[1]}"
