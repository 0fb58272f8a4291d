"""Faults the fake Bot API server can inject, one call at a time or as a whole outage.

What Telegram's front servers have been seen to answer: a Bot API error (429, 409, 5xx), an
HTML error page instead of JSON, a connection closed or reset with no answer, an answer that
never comes (the client times out). ``FakeTelegramServer.fail_next`` queues them per method;
``go_down``/``come_back`` make every call fail until the fake is back.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from dataclasses import dataclass

from aiohttp import web

from tests.fakes.telegram_objects import ApiError

DISCONNECT = 0  # ``fail_next(method, status=DISCONNECT)`` closes the connection without an answer
RESET = -1  # ``status=RESET`` resets it (TCP RST), as a crashed proxy does

BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(frozen=True, slots=True)
class Fault:
    """One failed call. Exactly one of: ``error`` (a Bot API error answer), ``page`` (a
    non-JSON page with ``status``), ``drop`` ("close" or "reset"); ``hang`` seconds first."""

    error: ApiError | None = None
    page: str | None = None
    status: int = 502
    drop: str | None = None
    hang: float = 0.0


class FaultPlan:
    def __init__(self) -> None:
        self.queued: dict[str, list[Fault]] = {}
        self.down: set[str] | bool = False  # True: every method; a set: those methods
        self.injected: list[tuple[str, Fault]] = []  # what was actually served, in order

    def add(self, method: str, fault: Fault, times: int) -> None:
        self.queued.setdefault(method, []).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        if self.down is True or (isinstance(self.down, set) and method in self.down):
            fault: Fault | None = Fault(drop="reset")
        else:
            waiting = self.queued.get(method)
            fault = waiting.pop(0) if waiting else None
        if fault is not None:
            self.injected.append((method, fault))
        return fault

    @staticmethod
    async def serve(fault: Fault, request: web.Request) -> web.StreamResponse:
        if fault.hang:
            await asyncio.sleep(fault.hang)
        if fault.error is not None:
            return web.json_response(fault.error.to_json(), status=fault.error.code)
        if fault.page is not None:
            return web.Response(text=fault.page, status=fault.status, content_type="text/html")
        transport = request.transport
        if transport is not None:
            if fault.drop == "reset":
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                transport.abort()
            else:
                transport.close()
        return web.Response(status=500)  # never reaches the client


def fault_for(
    status: int,
    *,
    description: str,
    retry_after: int,
    page: str | None,
    hang: float,
) -> Fault:
    if status == DISCONNECT:
        return Fault(drop="close", hang=hang)
    if status == RESET:
        return Fault(drop="reset", hang=hang)
    if page is not None:
        return Fault(page=page, status=status, hang=hang)
    parameters = {"retry_after": retry_after} if status == 429 else None
    return Fault(error=ApiError(status, description, parameters=parameters), hang=hang)
