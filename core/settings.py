"""Runtime configuration, read from the environment (``CHATDESK_*``) and an optional ``.env``.

One :class:`Settings` object is built in each entry point and passed down; nothing reads the
environment anywhere else. Secrets are :class:`SecretStr` so they never appear in logs or reprs.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./chatdesk.db"
PUBLIC_TELEGRAM_API = "https://api.telegram.org"
PUBLIC_SLACK_API = "https://slack.com/api/"
SUPPORTED_LANGUAGES = ("en", "ru")
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}  # each in its own language
DEFAULT_SECRET_KEY = "change-me"  # chatdesk run refuses a non-loopback address while it is set


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CHATDESK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "UTC"
    default_language: str = "en"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    admin_host: str = "127.0.0.1"
    admin_port: int = Field(default=8000, ge=1, le=65535)
    admin_session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)

    # How long the bot waits for an answer before the next message starts anew.
    draft_idle_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    rating_comment_minutes: int = Field(default=5, ge=1, le=24 * 60)
    prompt_idle_minutes: int = Field(default=15, ge=1, le=7 * 24 * 60)

    telegram_token: SecretStr | None = None
    telegram_api_url: str = PUBLIC_TELEGRAM_API
    telegram_agents_chat: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_max_bytes: int = Field(default=1024 * 1024, ge=64 * 1024, le=64 * 1024 * 1024)
    """The largest webhook request body taken; a larger one is answered 413."""

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = PUBLIC_SLACK_API
    slack_triage_channel: str | None = None

    health_channel_down_after: float = Field(default=120.0, gt=0)
    """Seconds a configured channel may fail before /healthz answers 503."""

    sla_sweep_seconds: float = Field(default=30.0, gt=0, le=3600)
    """How often the clock sweep looks for SLA warnings, breaches and follow-ups that are due."""

    # Knowledge-base suggestions: the semantic signal (a multilingual sentence encoder shipped
    # with chatdesk) beside the lexical engine; off = the lexical engine alone.
    kb_semantic: bool = True
    # A question this many different people confirmed an article answered becomes its phrasing.
    kb_learn_after: int = Field(default=3, ge=1, le=1000)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)"
            ) from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(
                f"unsupported language {value!r}; choose one of {', '.join(SUPPORTED_LANGUAGES)}"
            )
        return value

    @field_validator(
        "telegram_token",
        "telegram_agents_chat",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_triage_channel",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_token is not None

    @property
    def slack_enabled(self) -> bool:
        """A bot token, and a way to hear Slack: the signing secret (HTTP) or an app token
        (Socket Mode)."""
        heard = self.slack_signing_secret is not None or self.slack_app_token is not None
        return self.slack_bot_token is not None and heard
