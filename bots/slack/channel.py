"""The Slack channel inside `chatdesk run`: a Bolt ``AsyncApp`` on the admin app's
``/slack/events`` (one request URL for events, commands and interactivity), or connected over
Socket Mode when an app token is set; and the outbox sender. Requests are verified with the
signing secret by Bolt: a bad or stale signature gets 401 and reaches nothing of ours. The
host's supervisor runs the channel's health check (:mod:`bots.slack.health`), shown on
``/healthz`` as ``slack``.

``/slack/events`` is a direct route of the admin app: the request goes straight to Bolt,
past the panel's middleware and router, and Bolt answers as soon as the listener has handed
its work on (``process_before_response``; see :mod:`bots.slack.listeners`)."""

from __future__ import annotations

import logging

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from bots.slack.health import CHECK_EVERY_S, SlackHealth
from bots.slack.identity import AppIdentity
from bots.slack.kind import SLACK
from bots.slack.listeners import Desk, register
from bots.slack.profile import EVENTS_PATH, SLACK_PROFILE
from bots.slack.sender import SlackSender
from core.channels import ChannelHost
from core.errors import ConfigurationError
from core.ports import AgentRoom
from core.settings import Settings

log = logging.getLogger(__name__)

API_TIMEOUT_S = 10


def web_client(settings: Settings) -> AsyncWebClient:
    """The Web API client for any server (``CHATDESK_SLACK_API_URL``). No retry handlers: a
    429 reaches the outbox, which waits ``Retry-After`` without holding anything up."""
    if settings.slack_bot_token is None:
        raise ConfigurationError("CHATDESK_SLACK_BOT_TOKEN is not set.")
    base_url = settings.slack_api_url
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=base_url, timeout=API_TIMEOUT_S
    )


def bolt_app(settings: Settings, client: AsyncWebClient, identity: AppIdentity) -> AsyncApp:
    """The Bolt app. Over HTTP every request is verified with the signing secret; in Socket
    Mode the app token authenticated the connection and Bolt skips the check."""
    secret = settings.slack_signing_secret
    if secret is None and settings.slack_app_token is None:
        raise ConfigurationError(
            "CHATDESK_SLACK_SIGNING_SECRET (HTTP) or CHATDESK_SLACK_APP_TOKEN (Socket Mode) is needed."
        )
    return AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        authorize=identity.authorize,
        # Listeners only ack and hand their work on, so Bolt may wait for them: it then answers
        # the moment they return instead of polling every 10 ms for the ack.
        process_before_response=True,
    )


class EventsEndpoint:
    """``/slack/events`` as a plain ASGI app: the signed request to Bolt, Bolt's answer back."""

    def __init__(self, app: AsyncApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if request.method != "POST":
            await PlainTextResponse("Method Not Allowed", 405, {"Allow": "POST"})(
                scope, receive, send
            )
            return
        body = await request.body()
        answer = await self.app.async_dispatch(to_async_bolt_request(request, body))
        await to_starlette_response(answer)(scope, receive, send)


class SlackChannel:
    name = SLACK_PROFILE.name

    def __init__(self, host: ChannelHost, *, check_every: float = CHECK_EVERY_S) -> None:
        """``check_every``: seconds between two health checks (``auth.test``; see
        :mod:`bots.slack.health`). The host's supervisor runs the check."""
        self.host = host
        self.settings = host.settings
        self.supervisor = host.supervisor
        self.client = web_client(self.settings)
        self._socket: AsyncSocketModeHandler | None = None
        self.health = SlackHealth(
            self.supervisor.registry.probe(self.name, kind="channel"),
            self.client,
            mode="Socket Mode" if self.socket_mode else f"HTTP mode on {EVENTS_PATH}",
            socket_connected=self._socket_connected if self.socket_mode else None,
            every=check_every,
        )
        self.sender = SlackSender(self.client, health=self.health)
        self.rooms: tuple[AgentRoom, ...] = SLACK.rooms(self.settings)
        self.identity = AppIdentity(self.client)
        self.app = bolt_app(self.settings, self.client, self.identity)
        self.desk = Desk(
            host.processor, self.client, host.uow_factory, room_ids=[r.chat_ref for r in self.rooms]
        )
        register(self.app, self.desk)

    @property
    def socket_mode(self) -> bool:
        return self.settings.slack_app_token is not None

    async def start(self) -> None:
        if self.client.session is None:
            # One session for every Web API call, kept open: without it slack_sdk opens a
            # session and a connection (a TLS handshake, against Slack) for each call. Bolt
            # hands the same session to the clients it gives the listeners.
            self.client.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=API_TIMEOUT_S)
            )
        await self.identity.load()
        if self.socket_mode:
            await self._connect_socket()
        else:
            self._serve_http()
        self.supervisor.spawn(self.name, lambda _probe: self.health.watch(), kind="channel")

    def _serve_http(self) -> None:
        self.host.web.add_direct_route(EVENTS_PATH, EventsEndpoint(self.app))
        log.info(
            "slack: taking requests at %s (Web API %s, triage channel %s)",
            EVENTS_PATH,
            self.settings.slack_api_url,
            self.settings.slack_triage_channel or "not set",
        )

    async def _connect_socket(self) -> None:
        """Socket Mode: the app opens a WebSocket to Slack (``apps.connections.open`` on the
        configured Web API), so no public URL is needed. slack_sdk reconnects by itself."""
        token = self.settings.slack_app_token
        assert token is not None
        self._socket = AsyncSocketModeHandler(
            self.app, token.get_secret_value(), web_client=self.client
        )
        await self._socket.connect_async()  # type: ignore[no-untyped-call]
        log.info(
            "slack: connected in Socket Mode (Web API %s, triage channel %s)",
            self.settings.slack_api_url,
            self.settings.slack_triage_channel or "not set",
        )

    async def _socket_connected(self) -> bool:
        socket = self._socket
        return socket is not None and bool(await socket.client.is_connected())

    async def stop(self) -> None:
        await self.supervisor.stop(self.name)
        await self.desk.after_ack.stop()
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        session = self.client.session
        if session is not None and not session.closed:
            await session.close()
