"""Settings: embedded defaults, overridden by a YAML file, overridden by environment variables."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.localtime import DEFAULT_TIMEZONE, load_zone

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_KNOWLEDGE = PROJECT_ROOT / "knowledge"

ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "BOT_TOKEN": ("telegram", "token"),
    "TELEGRAM_BASE_URL": ("telegram", "base_url"),
    "TEAM_CHAT_ID": ("team", "chat_id"),
    "DATABASE_PATH": ("database", "path"),
}


class ConfigError(Exception):
    """The configuration is invalid; the message names file and key."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookSettings(Section):
    url: str = Field(description="Public HTTPS URL Telegram posts updates to.")
    listen: str = "127.0.0.1"
    port: int = 8443
    # Telegram sends it in the X-Telegram-Bot-Api-Secret-Token header of every update; requests
    # without it are refused. None: a random one is generated at every start.
    secret_token: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")


class RateLimitSettings(Section):
    """PTB's AIORateLimiter: how fast the bot sends, so Telegram never answers 429.

    The defaults are Telegram's published limits; 0 switches that cap off.
    """

    overall_per_second: float = Field(
        default=30, ge=0, description="Messages per second over all chats (0: no overall cap)."
    )
    group_per_minute: float = Field(
        default=20, ge=0, description="Messages per minute into one group (0: no group cap)."
    )


# What @BotFather hands out: the bot's numeric id, a colon, a URL-safe secret.
_TOKEN_SHAPE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")


class TelegramSettings(Section):
    token: str | None = None
    base_url: str = "https://api.telegram.org/bot"
    webhook: WebhookSettings | None = None
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    concurrent_updates: int = Field(
        default=64,
        ge=1,
        description="Updates processed at once (different chats only; one chat stays in order).",
    )
    http_client: Literal["aiohttp", "httpx"] = Field(
        default="aiohttp",
        description="HTTP client under PTB: aiohttp (less CPU per call) or PTB's own httpx.",
    )
    connection_pool_size: int = Field(
        default=16,
        ge=1,
        le=256,
        description="Keep-alive connections to the Bot API for sending (getUpdates has its own).",
    )

    @field_validator("token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        """A pasted token often carries a space or line break; never echo it in the error."""
        if value is None:
            return None
        token = value.strip()
        if not _TOKEN_SHAPE.fullmatch(token):
            raise ValueError(
                "does not look like a bot token from @BotFather "
                "(digits, a colon, then letters, digits, '-' or '_')"
            )
        return token


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class TeamSettings(Section):
    chat_id: int | None = None
    admins: list[int] = Field(default_factory=list)
    digest_after_days: int = Field(default=3, ge=1)
    digest_hour: int = Field(default=8, ge=0, le=23)
    review_day: Weekday | None = Field(
        default="monday",
        description="Weekday of the review digest (questions to teach the bot); null: none.",
    )
    review_hour: int = Field(default=9, ge=0, le=23, description="Hour (operator's timezone).")


class DatabaseSettings(Section):
    path: Path = Path("data/bot.sqlite")


class KnowledgeSettings(Section):
    path: Path = BUNDLED_KNOWLEDGE


class MatchingSettings(Section):
    """Decision bands of the matcher (tuned on the development questions)."""

    answer_threshold: float = Field(default=0.35, ge=0, le=1)
    suggest_threshold: float = Field(default=0.32, ge=0, le=1)
    margin: float = Field(default=0.03, ge=0, le=1)
    # During the request dialogue, a question typed at a free-text step (which would also be a
    # valid answer to it) interrupts the dialogue only from this score on.
    interrupt_threshold: float = Field(default=0.6, ge=0, le=1)
    # How long a follow-up is read in the light of the user's last topic.
    context_minutes: float = Field(default=30, ge=0)


class RequestSettings(Section):
    draft_ttl_days: int = Field(default=7, ge=1)
    reminder_before_hours: int = Field(default=24, ge=1)
    max_open_per_user: int = Field(default=5, ge=1)
    # Free text within this many days of a team message: ask whether it is for the team (0: off).
    reply_window_days: int = Field(default=7, ge=0)


class LimitSettings(Section):
    """Abuse protection: per-user rate limit in private chats."""

    burst: int = Field(default=10, ge=1, description="Updates a user may send at once.")
    per_minute: float = Field(default=30, gt=0, description="Refill rate of that allowance.")


class OperatorSettings(Section):
    """Who runs the bot: shown in the privacy notice and the help text."""

    name: str = "Kompetenzzentrum Engagement, Der Paritätische Schleswig-Holstein"
    address: str = "(Anschrift in der Konfiguration eintragen: operator.address)"
    email: str = "(E-Mail in der Konfiguration eintragen: operator.email)"
    phone: str | None = None
    privacy_contact: str = "(Datenschutzkontakt in der Konfiguration eintragen)"


class RetentionSettings(Section):
    closed_requests_days: int = Field(default=365, ge=1)
    question_log_days: int = Field(default=180, ge=1)
    delivered_outbox_days: int = Field(default=30, ge=1)


class WebLimitSettings(Section):
    """Abuse protection of the web chat (token buckets, like ``limits`` for Telegram)."""

    session_burst: int = Field(
        default=10, ge=1, description="Messages one session may send at once."
    )
    session_per_minute: float = Field(default=30, gt=0, description="Refill rate per session.")
    address_burst: int = Field(
        default=60, ge=1, description="Requests one IP address may send at once (all sessions)."
    )
    address_per_minute: float = Field(default=240, gt=0, description="Refill rate per address.")
    max_body_bytes: int = Field(default=16 * 1024, ge=1024, le=1024 * 1024)
    max_text_chars: int = Field(default=4000, ge=100, le=100_000)


class WebSettings(Section):
    """The web chat (``python -m bot run`` serves it in the same process when enabled)."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    # Where people reach the chat (behind a reverse proxy: its https address). Used for the
    # embed snippet and as the origin a browser's POST must come from. None: the Host header.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/.*)?$")
    # Sites that may show the chat in an iframe (CSP frame-ancestors), e.g. https://www.paritaet-sh.org
    embed_origins: list[str] = Field(default_factory=list)
    # Whether the address of a request is the peer's or the proxy's X-Forwarded-For (set true
    # only behind a reverse proxy that overwrites that header).
    trust_forwarded_for: bool = False
    poll_timeout_seconds: float = Field(default=25, gt=0, le=120)
    limits: WebLimitSettings = Field(default_factory=WebLimitSettings)

    @field_validator("embed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(
                    f"{origin!r} is not an origin (scheme://host[:port], no path, no spaces)"
                )
        return value


class MailSettings(Section):
    """E-mail to web requesters when the team answered: only a link, never request content."""

    enabled: bool = False
    host: str = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    tls: Literal["none", "starttls", "tls"] = "starttls"
    user: str | None = None
    sender: str = "engagement-assistent@localhost"
    # The password comes only from the environment (MAIL_PASSWORD), never from the file.


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class LoggingSettings(Section):
    level: str = "INFO"
    format: str = "%(asctime)s %(levelname)s %(name)s: %(message)s"

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"unknown log level {value!r}; use one of {', '.join(LOG_LEVELS)}")
        return level


class Settings(Section):
    timezone: str = Field(
        default=DEFAULT_TIMEZONE,
        description="The operator's IANA time zone: reference years, dates, the digest hour.",
    )
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    team: TeamSettings = Field(default_factory=TeamSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    requests: RequestSettings = Field(default_factory=RequestSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    operator: OperatorSettings = Field(default_factory=OperatorSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    mail: MailSettings = Field(default_factory=MailSettings)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        load_zone(value)  # a typo fails at start-up, not at the first date shown
        return value

    @model_validator(mode="after")
    def _mail_needs_link_base(self) -> Settings:
        # The mail carries a link to the request page: without the public address there is none.
        if self.mail.enabled and not self.web.public_url:
            raise ValueError("mail.enabled needs web.public_url (the link in the mail)")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return load_zone(self.timezone)


def _apply_env(raw: dict[str, Any], env: Mapping[str, str]) -> None:
    for var, (section, key) in ENV_OVERRIDES.items():
        value = env.get(var)
        if value:
            raw.setdefault(section, {})
            if not isinstance(raw[section], dict):
                raise ConfigError(f"'{section}' must be a mapping")
            raw[section][key] = value


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``path`` (or ``BOT_CONFIG``), then apply environment overrides.

    Relative paths in the file are taken relative to the working directory, as an operator
    running ``python -m bot run`` from the project directory expects.
    """
    env = os.environ if env is None else env
    if path is None and env.get("BOT_CONFIG"):
        path = Path(env["BOT_CONFIG"])
    raw: dict[str, Any] = {}
    source = "defaults"
    if path is not None:
        source = str(path)
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: configuration file not found") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: the top level must be a mapping")
        raw = loaded or {}
    _apply_env(raw, env)
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{source}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ConfigError("\n".join(problems)) from None
