"""A fake Slack over real HTTP, for driving real slack-bolt / slack_sdk code.

Usage::

    async with FakeSlackServer() as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        app = AsyncApp(client=client, signing_secret=slack.signing_secret)
        slack.request_url = "http://127.0.0.1:PORT/slack/events"   # or connect Socket Mode
        alice = slack.add_user("alice", email="alice@example.com")
        await slack.user_dms(alice, "vpn keeps dropping")          # a signed message.im event
        await slack.wait_for(lambda: slack.app_messages_in(slack.dm_with(alice).id))
        slack.fail_next("chat.postMessage", status=429, retry_after=2)

The Web API lives at ``api_url`` (``/api/{method}``) and checks the bot token; files are
served at ``url_private`` (bearer token or a sign-in page); ``response_url`` posts are
recorded; ``apps.connections.open`` (app token) hands out a Socket Mode URL on the same
server. Simulated people (``user_*`` methods in :mod:`tests.fakes.slack_people`) reach the
app over Socket Mode when it is connected, else as signed HTTP requests to ``request_url``.
Inspect with ``requests_for``, ``messages_in``, ``thread``, ``ephemerals_for``, ``modal_of``,
``home_of``, ``responses``, ``pings``; wait with ``wait_for``; inject faults with
``fail_next``, or an outage with ``go_down``/``come_back``. Block Kit limits are enforced
(see :mod:`tests.fakes.slack_blocks`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, Unpack

from aiohttp import web

from tests.fakes.local_http import serve_on_free_port
from tests.fakes.slack_files import FileStore
from tests.fakes.slack_objects import (
    BOT_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    ApiError,
    SlackChannel,
    decode_params,
)
from tests.fakes.slack_people import PeopleActions
from tests.fakes.slack_state import Workspace, pings_in, seen_text
from tests.fakes.slack_transport import Delivery, HttpLink, Kind, Knobs, SocketLink
from tests.fakes.slack_views import Views
from tests.fakes.waiting import ChangeSignal

T = TypeVar("T")
DISCONNECT = 0  # ``fail_next(method, status=DISCONNECT)`` drops the connection instead
POLL = 0.02  # conditions on the app's own state change without the fake noticing: re-check


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int


class FakeSlackServer(PeopleActions):
    def __init__(
        self,
        *,
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-1-fake-app-token",
        signing_secret: str = "fake-signing-secret",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.workspace = Workspace()
        self.views = Views(self.workspace.ids)
        self.files = FileStore(self.workspace.ids)
        self.signal = ChangeSignal(poll=POLL)
        self.http = HttpLink(signing_secret)
        self.socket = SocketLink()
        self.request_url: str | None = None
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.deliveries: list[Delivery] = []
        self.responses: list[dict[str, Any]] = []  # posts to response_url, with "user"/"channel"
        self.response_urls: dict[str, dict[str, Any]] = {}
        self.revoked = False
        self.down: set[str] | bool = False  # see go_down
        self.dropped: list[str] = []  # the method of each Web API call dropped while down
        self.uploads: dict[str, dict[str, Any]] = {}  # file id → name, data, channel (once shared)
        self.url = ""
        self._failures: dict[str, list[_Failure]] = {}
        # Slack's per-channel posting limit, when a test turns it on (see enforce_post_pace).
        self._post_pace: tuple[int, float] | None = None
        self._posted_at: dict[str, list[float]] = {}
        self.rate_limited: list[str] = []  # the channel of each post refused with 429
        self._runner: web.AppRunner | None = None
        w = self.workspace
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": lambda p: self._auth_test(),
            "chat.postMessage": w.post_message,
            "chat.update": w.update_message,
            "chat.postEphemeral": w.post_ephemeral,
            "chat.getPermalink": w.get_permalink,
            "conversations.open": w.open_conversation,
            "conversations.info": w.conversation_info,
            "conversations.history": w.history,
            "conversations.replies": w.replies,
            "users.info": w.user_info,
            "reactions.add": w.add_reaction,
            "views.open": self.views.open,
            "views.push": self.views.push,
            "views.update": self.views.update,
            "views.publish": self.views.publish,
            "files.info": lambda p: self.files.info(p, self.url),
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "apps.connections.open": lambda p: {"url": self.socket.new_url(self.url)},
        }

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The Web API base URL for ``AsyncWebClient(base_url=...)``."""
        return f"{self.url}/api/"

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_get("/files-pri/{path:.+}", self._handle_file)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_post("/response/{rid}", self._handle_response)
        app.router.add_get("/link/", self.socket.handle)
        self._runner, self.url = await serve_on_free_port(app)

    async def stop(self) -> None:
        await self.http.close()
        await self.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- reaching the app -----------------------------------------------------------------

    async def deliver(
        self, kind: Kind, payload: dict[str, Any], **knobs: Unpack[Knobs]
    ) -> Delivery:
        """Send a request to the app the way Slack would: over Socket Mode when the app is
        connected, else signed to ``request_url``. The knobs model retries and bad requests."""
        if self.socket.connections:
            delivery = await self.socket.send(kind, payload, **knobs)
        elif self.request_url:
            delivery = await self.http.post(self.request_url, kind, payload, **knobs)
        else:
            raise RuntimeError("the app is neither connected over Socket Mode nor has a URL")
        self.deliveries.append(delivery)
        self._notify()
        return delivery

    async def redeliver(self, delivery: Delivery, *, retry_num: int = 1) -> Delivery:
        """Slack's retry of an earlier request (same body, ``X-Slack-Retry-Num``)."""
        return await self.deliver(delivery.kind, delivery.payload, retry_num=retry_num)

    def new_response_url(self, user_id: str, channel_id: str) -> str:
        rid = self.workspace.ids.next("R")
        self.response_urls[rid] = {"user": user_id, "channel": channel_id, "uses": 0}
        return f"{self.url}/response/{rid}"

    # -- inspection and waiting ---------------------------------------------------------------

    def requests_for(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.requests if name == method]

    def messages_in(self, channel_id: str) -> list[dict[str, Any]]:
        """Top-level messages of a channel, oldest first, each with ``seen`` (what a person
        reads) and ``pings`` (whom it notifies)."""
        stored = self.workspace.messages.get(channel_id, [])
        return [_view(m, channel_id) for m in stored if m.get("thread_ts", m["ts"]) == m["ts"]]

    def app_messages_in(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.messages_in(channel_id) if m.get("bot_id") == BOT_ID]

    def thread(self, channel_id: str, ts: str) -> list[dict[str, Any]]:
        """The replies under a message, oldest first (the parent not included)."""
        stored = self.workspace.messages.get(channel_id, [])
        return [_view(m, channel_id) for m in stored if m.get("thread_ts") == ts and m["ts"] != ts]

    def message(self, channel_id: str, ts: str) -> dict[str, Any]:
        return _view(self.workspace.find_message(channel_id, ts), channel_id)

    def dm_with(self, user: Any) -> SlackChannel:
        return self.workspace.im_with(getattr(user, "id", user))

    def ephemerals_for(self, user: Any) -> list[dict[str, Any]]:
        user_id = getattr(user, "id", user)
        return [_view(e, e["channel"]) for e in self.workspace.ephemerals if e["user"] == user_id]

    def modal_of(self, user: Any) -> dict[str, Any] | None:
        return self.views.top_modal(getattr(user, "id", user))

    def home_of(self, user: Any) -> dict[str, Any] | None:
        return self.views.homes.get(getattr(user, "id", user))

    @property
    def pings(self) -> list[str]:
        """Every mention the app's messages (and ephemerals) would notify."""
        sent = self.workspace.app_messages() + self.workspace.ephemerals
        return [ping for message in sent for ping in pings_in(message)]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:  # noqa: ASYNC109 (the test-facing API)
        """Wait until ``predicate()`` is truthy (re-checked on every change); return its value."""
        result = await self.signal.wait_until(predicate, timeout)
        if not result:
            recent = [name for name, _ in self.requests[-10:]]
            raise TimeoutError(f"condition not met in {timeout}s; last requests: {recent}")
        return result

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int = 1,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with a failure instead of running it:
        ``error="not_in_channel"`` (an ok:false answer), ``status=429`` (rate limited, with
        ``Retry-After``), ``status=503`` or ``status=DISCONNECT`` (connection dropped)."""
        if error is None:
            error = "ratelimited" if status == 429 else "fatal_error"
        failure = _Failure(status, error, retry_after)
        self._failures.setdefault(method, []).extend([failure] * times)

    async def go_down(self, *methods: str) -> None:
        """Slack unreachable until :meth:`come_back`: every Web API call (only those of
        ``methods`` when some are named) has its connection dropped, recorded in ``dropped``;
        Socket Mode's connection is closed (a new one needs ``apps.connections.open``)."""
        self.down = set(methods) or True
        await self.socket.close()

    def come_back(self) -> None:
        self.down = False

    def enforce_post_pace(self, *, at_most: int, within_s: float) -> None:
        """From now on refuse (429, ``Retry-After: 1``) a ``chat.postMessage`` into a channel
        that already took ``at_most`` posts in the last ``within_s`` seconds, as Slack does
        with its "about one message a second per channel, short bursts allowed"."""
        self._post_pace = (at_most, within_s)

    def _over_post_pace(self, method: str, params: dict[str, Any]) -> bool:
        if method != "chat.postMessage" or self._post_pace is None:
            return False
        at_most, within_s = self._post_pace
        channel, now = str(params.get("channel")), time.monotonic()
        recent = [at for at in self._posted_at.get(channel, []) if now - at < within_s]
        if len(recent) >= at_most:
            self.rate_limited.append(channel)
            return True
        self._posted_at[channel] = [*recent, now]
        return False

    def _notify(self) -> None:
        self.signal.notify()

    # -- HTTP -----------------------------------------------------------------------------------

    def _auth_test(self) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Fake Desk",
            "user": "chatdesk",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _check_token(self, method: str, token: str | None) -> None:
        if not token:
            raise ApiError("not_authed")
        if method == "apps.connections.open":
            if token != self.app_token:
                raise ApiError(
                    "not_allowed_token_type" if token.startswith("xox") else "invalid_auth"
                )
            return
        if token == self.app_token and method != "auth.test":
            raise ApiError("not_allowed_token_type")
        if token not in (self.bot_token, self.app_token):
            raise ApiError("invalid_auth")
        if self.revoked:
            raise ApiError("token_revoked")

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json" and request.can_read_body:
            raw.update(await request.json())
        elif request.can_read_body:
            raw.update(await request.post())
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() or raw.pop("token", None)
        try:
            params = decode_params(raw)
            self.requests.append((method, params))
            self._notify()
            if self.down is True or (isinstance(self.down, set) and method in self.down):
                self.dropped.append(method)
                return self._failure_response(request, _Failure(DISCONNECT, "", 0))
            failures = self._failures.get(method)
            if failures:
                return self._failure_response(request, failures.pop(0))
            if self._over_post_pace(method, params):
                return self._failure_response(request, _Failure(429, "ratelimited", 1))
            self._check_token(method, token)
            handler = self._methods.get(method)
            if handler is None:
                raise ApiError("unknown_method")
            result = handler(params)
        except ApiError as exc:
            return _json(exc.to_json())
        finally:
            self._notify()
        return _json({"ok": True} | result)

    @staticmethod
    def _failure_response(request: web.Request, failure: _Failure) -> web.StreamResponse:
        if failure.status == DISCONNECT:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else None
        body = {"ok": False, "error": failure.error}
        return _json(body, status=failure.status, headers=headers)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        header = request.headers.get("Authorization", "")
        authorised = header == f"Bearer {self.bot_token}" and not self.revoked
        status, body, content_type = self.files.download(request.match_info["path"], authorised)
        self._notify()
        return web.Response(status=status, body=body, content_type=content_type)

    # -- files the app uploads (files_upload_v2: get a URL, POST the bytes, complete) --------

    def _upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            raise ApiError("invalid_arguments")
        file_id = f"FUP{len(self.uploads) + 1:06d}"
        self.uploads[file_id] = {"name": params["filename"], "data": None, "channel": None}
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="not found")
        upload["data"] = await request.read()
        self._notify()
        return web.Response(text=f"OK - {len(upload['data'])}")

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not isinstance(files, list) or not files:
            raise ApiError("invalid_arguments")
        done = []
        for item in files:
            upload = self.uploads.get(str(item.get("id")))
            if upload is None or upload["data"] is None:
                raise ApiError("file_not_found")
            upload["channel"] = params.get("channel_id")
            upload["thread_ts"] = params.get("thread_ts")
            done.append({"id": item["id"], "title": item.get("title") or upload["name"]})
        return {"files": done}

    def files_shared_in(self, channel_id: str) -> list[dict[str, Any]]:
        return [u for u in self.uploads.values() if u["channel"] == channel_id]

    async def _handle_response(self, request: web.Request) -> web.StreamResponse:
        target = self.response_urls.get(request.match_info["rid"])
        if target is None or target["uses"] >= 5:
            return web.Response(status=404, text="used_url" if target else "invalid_url")
        target["uses"] += 1
        body = await request.json()
        self.responses.append(body | {"user": target["user"], "channel": target["channel"]})
        self._notify()
        return web.Response(text="ok")


def _json(
    body: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        text=json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


def _view(message: dict[str, Any], channel_id: str) -> dict[str, Any]:
    """A copy of a stored message for tests, with where it is and how a person reads it."""
    return dict(message) | {
        "channel": channel_id,
        "seen": seen_text(message),
        "pings": pings_in(message),
    }
