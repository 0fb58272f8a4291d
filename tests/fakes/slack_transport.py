"""How the fake Slack reaches an app: signed HTTP requests, or a Socket Mode WebSocket.

Over HTTP every request carries ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature``
(``v0=HMAC-SHA256(secret, "v0:{ts}:{body}")``); knobs make them stale or wrong. Over Socket
Mode the app connects to the URL ``apps.connections.open`` gave it, gets ``hello``, and acks
each envelope by sending back its ``envelope_id``. Slack waits 3 s for an ack either way.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, Unpack
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from tests.fakes.slack_objects import APP_ID

Kind = Literal["events_api", "slash_commands", "interactive"]
ACK_TIMEOUT = 3.0


class Knobs(TypedDict, total=False):
    """How a request to the app differs from a plain first delivery: Slack's retry counter,
    a clock skew in seconds (-600: a stale request), a forged signature."""

    retry_num: int
    retry_reason: str
    clock_skew: float
    signature: str


@dataclass
class Delivery:
    """One request Slack made to the app, and the app's answer (None: no answer in time)."""

    kind: Kind
    payload: dict[str, Any]
    via: Literal["http", "socket"]
    status: int | None = None
    body: str = ""
    ack_seconds: float | None = None
    retry_num: int | None = None

    @property
    def acked(self) -> bool:
        return self.status == 200

    def json(self) -> Any:
        return json.loads(self.body) if self.body[:1] in ("{", "[") else None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def encode(kind: Kind, payload: dict[str, Any]) -> tuple[bytes, str]:
    """The body and content type Slack uses for each kind of request."""
    if kind == "events_api":
        return json.dumps(payload).encode(), "application/json"
    if kind == "slash_commands":
        return urlencode(payload).encode(), "application/x-www-form-urlencoded"
    return urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"


class HttpLink:
    """Posts signed requests to the app's request URL."""

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(
        self,
        url: str,
        kind: Kind,
        payload: dict[str, Any],
        *,
        timeout: float = ACK_TIMEOUT,  # noqa: ASYNC109 - Slack's ack deadline, part of the model
        **knobs: Unpack[Knobs],
    ) -> Delivery:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        body, content_type = encode(kind, payload)
        timestamp = str(int(time.time() + knobs.get("clock_skew", 0.0)))
        signature = knobs.get("signature") or sign(self.signing_secret, timestamp, body)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        retry_num = knobs.get("retry_num")
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = knobs.get("retry_reason", "http_timeout")
        delivery = Delivery(kind, payload, "http", retry_num=retry_num)
        started = time.perf_counter()
        try:
            async with self._session.post(
                url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                delivery.body = await response.text()
                delivery.status = response.status
        except (TimeoutError, aiohttp.ClientError):
            return delivery
        delivery.ack_seconds = time.perf_counter() - started
        return delivery


class SocketLink:
    """The server side of Socket Mode: one app connection at a time, as a test needs."""

    def __init__(self) -> None:
        self.tickets: set[str] = set()
        self.connections: list[web.WebSocketResponse] = []
        self.connected = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def new_url(self, base_url: str) -> str:
        ticket = uuid.uuid4().hex
        self.tickets.add(ticket)
        return f"ws{base_url.removeprefix('http')}/link/?ticket={ticket}&app_id={APP_ID}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") not in self.tickets:
            return web.Response(status=401, text="invalid ticket")
        self.tickets.discard(request.query["ticket"])
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.connections.append(socket)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self.connections),
                "debug_info": {"host": "fake-slack", "approximate_connection_time": 3600},
                "connection_info": {"app_id": APP_ID},
            }
        )
        self.connected.set()
        try:
            async for message in socket:
                if message.type == aiohttp.WSMsgType.TEXT:
                    self._ack(json.loads(message.data))
        finally:
            self.connections.remove(socket)
            if not self.connections:
                self.connected.clear()
        return socket

    def _ack(self, data: dict[str, Any]) -> None:
        waiter = self._acks.pop(str(data.get("envelope_id")), None)
        if waiter is not None and not waiter.done():
            waiter.set_result(data.get("payload") or {})

    async def send(
        self,
        kind: Kind,
        payload: dict[str, Any],
        *,
        timeout: float = ACK_TIMEOUT,  # noqa: ASYNC109 - Slack's ack deadline, part of the model
        **knobs: Unpack[Knobs],
    ) -> Delivery:
        """Signature knobs mean nothing here: the app token authenticated the socket."""
        if not self.connections:
            raise RuntimeError("no Socket Mode connection")
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        retry_attempt = knobs.get("retry_num", 0)
        if kind == "events_api":  # Slack counts every delivery, the first one is attempt 0
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = knobs.get("retry_reason", "")
        waiter = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = waiter
        delivery = Delivery(kind, payload, "socket", retry_num=retry_attempt)
        started = time.perf_counter()
        await self.connections[-1].send_json(envelope)
        try:
            ack = await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            self._acks.pop(envelope_id, None)
            return delivery
        delivery.status, delivery.body = 200, json.dumps(ack)
        delivery.ack_seconds = time.perf_counter() - started
        return delivery

    async def close(self) -> None:
        for socket in list(self.connections):
            await socket.close()
