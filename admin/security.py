"""The web app's own protections: signed session cookies, CSRF tokens, response headers,
a per-address sign-in throttle, and the refusal to listen publicly with the default secret."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import deque

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import ConfigurationError
from core.settings import DEFAULT_SECRET_KEY, Settings

SESSION_COOKIE = "chatdesk_session"
LOGIN_CSRF_COOKIE = "chatdesk_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

# Scripts and styles come from our own /static only (no inline code), so injected markup that
# escaping somehow missed still cannot run. Images may be data: URIs (none are remote).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` (and ``Cache-Control: no-store`` except on ``/healthz`` and
    ``/static/``) to every answer that does not set them itself. Plain ASGI: it edits the
    response's first message as it passes, without the extra task and streams of Starlette's
    ``BaseHTTPMiddleware``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        cached = path == "/healthz" or path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not cached:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CookieSigner:
    """``value.signature`` with HMAC-SHA256 under ``CHATDESK_SECRET_KEY``: a cookie that was
    not made by this server (or was made under another key) is refused before any lookup."""

    def __init__(self, secret: str, *, purpose: str) -> None:
        self._key = hashlib.sha256(f"chatdesk:{purpose}:{secret}".encode()).digest()

    def _mac(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def sign(self, value: str) -> str:
        return f"{value}.{self._mac(value)}"

    def unsign(self, signed: str | None) -> str | None:
        if not signed or "." not in signed or len(signed) > 512:
            return None
        value, _, mac = signed.rpartition(".")
        return value if hmac.compare_digest(mac, self._mac(value)) else None


def same_token(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison that is False when either side is missing."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def new_token() -> str:
    return secrets.token_urlsafe(32)


class AddressThrottle:
    """At most ``limit`` failed sign-ins per client address in ``window`` seconds, in memory.

    The per-account lock-out (stored with the account) stops guessing one password; this stops
    one address from trying many accounts. Per process: several instances each count their own.
    """

    def __init__(self, *, limit: int = 20, window: float = 600.0, capacity: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.capacity = capacity
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str, now: float) -> deque[float]:
        found = self._failures.get(address)
        if found is None:
            if len(self._failures) >= self.capacity:
                self._failures.pop(next(iter(self._failures)))
            found = self._failures[address] = deque()
        while found and found[0] <= now - self.window:
            found.popleft()
        return found

    def retry_after(self, address: str, *, now: float | None = None) -> int:
        """Seconds this address must wait before trying again (0: it may try now)."""
        moment = time.monotonic() if now is None else now
        recent = self._recent(address, moment)
        if len(recent) < self.limit:
            return 0
        return int(recent[0] + self.window - moment) + 1

    def failed(self, address: str, *, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        self._recent(address, moment).append(moment)


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def check_bind(settings: Settings) -> None:
    """Refuse to serve beyond this machine while sessions would be signed with the public
    default key (anyone could forge them)."""
    default = settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    if default and not is_loopback(settings.admin_host):
        raise ConfigurationError(
            f"refusing to listen on {settings.admin_host}: CHATDESK_SECRET_KEY is still the "
            "default. Set it to a long random value (e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`), "
            "or listen on 127.0.0.1."
        )
