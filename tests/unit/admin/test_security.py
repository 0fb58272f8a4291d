"""The web app's own protections, without a server."""

from __future__ import annotations

import pytest

from admin.security import AddressThrottle, CookieSigner, check_bind, is_loopback
from core.errors import ConfigurationError
from core.settings import Settings


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_is_allowed_with_the_default_key(host: str) -> None:
    assert is_loopback(host)
    check_bind(_settings(admin_host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "192.0.2.10", "desk.example.com"])
def test_anything_else_needs_a_real_secret_key(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigurationError, match="CHATDESK_SECRET_KEY is still the default"):
        check_bind(_settings(admin_host=host))
    check_bind(_settings(admin_host=host, secret_key="a-long-random-production-secret"))


def test_signed_values_survive_only_under_the_same_key_and_purpose() -> None:
    signer = CookieSigner("key one", purpose="session")
    signed = signer.sign("token")
    assert signer.unsign(signed) == "token"
    assert CookieSigner("key two", purpose="session").unsign(signed) is None
    assert CookieSigner("key one", purpose="other").unsign(signed) is None
    for bad in (None, "", "token", "token.", signed[:-1] + "0", "x" * 600):
        assert signer.unsign(bad) is None


def test_address_throttle_counts_failures_in_a_sliding_window() -> None:
    throttle = AddressThrottle(limit=3, window=60)
    for second in range(3):
        assert throttle.retry_after("1.2.3.4", now=100 + second) == 0
        throttle.failed("1.2.3.4", now=100 + second)
    assert throttle.retry_after("1.2.3.4", now=103) == 58
    assert throttle.retry_after("5.6.7.8", now=103) == 0, "other addresses are not affected"
    assert throttle.retry_after("1.2.3.4", now=161) == 0, "the oldest failure left the window"
