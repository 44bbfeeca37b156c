"""All of the helpline's own configuration, read once from environment variables.

Rasa's own settings stay in Rasa's files (`endpoints.yml`, `credentials.yml`); everything our code needs is here,
so a deployment changes one set of variables and nothing else. The defaults are the embedded development set-up:
SQLite files under `var/`, and a secret key generated once into `var/` so nothing needs an account or a secret.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """Raised when the environment cannot safely run the helpline (e.g. no secret key in production)."""


@dataclass(frozen=True)
class Settings:
    """The helpline's settings; build with `get_settings()` rather than directly."""

    environment: str
    database_url: str
    secret_keys: tuple[str, ...]
    max_message_chars: int
    var_dir: Path
    # Reports: how long an NGO has to acknowledge before the next in the escalation order is alerted.
    ack_timeout_urgent: timedelta = timedelta(minutes=15)
    ack_timeout: timedelta = timedelta(hours=4)
    # Delivery worker: attempts per forward before it is given up (and the next channel tried), first retry delay.
    delivery_max_attempts: int = 8
    delivery_backoff_seconds: float = 30.0
    # A claimed message not recorded as sent within this time was interrupted (worker killed) and is reconciled.
    delivery_lease_seconds: float = 60.0
    worker_poll_seconds: float = 0.5
    # NGO directory imported by `make run` when the store has none (`helpline ngos import FILE` otherwise).
    ngo_directory: Path = PROJECT_ROOT / "bot" / "data" / "ngos.sample.yml"
    # Outgoing APIs. A blank credential switches that channel off. The *_api_base values point the real client
    # libraries elsewhere (a proxy, or the local fake servers the tests run).
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_from: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base: str | None = None
    telegram_bot_token: str | None = None
    telegram_api_base: str | None = None
    # Inbound channels (bot/channels/). The public URL is what Twilio signed (it differs from what the server sees
    # behind a proxy or tunnel); the Telegram secret is the `secret_token` given to setWebhook.
    public_url: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_mode: str = "webhook"
    # Messages per sender per minute before the channel stops passing them on (emergencies always pass).
    rate_limit_per_minute: int = 20
    redis_url: str | None = None
    # WhatsApp messages the helpline starts outside the 24-hour window: this approved template, else SMS.
    twilio_whatsapp_template_sid: str | None = None
    # Machine translation of report text for NGOs: "google" (googletrans) or "off".
    translator: str = "google"
    translate_service_url: str | None = None
    translate_timeout_seconds: float = 3.0
    # Follow-up of returned children (bot/followup/): check-ins this long after the date of return ("1w", "3m"),
    # sent only between these hours in India (IST), at `followup_send_hour` on the day they fall due.
    followup_schedule: tuple[str, ...] = ("1w", "1m", "3m", "6m", "9m", "12m", "18m", "24m")
    followup_hours: tuple[int, int] = (9, 19)
    followup_send_hour: int = 10
    # Unanswered check-ins are sent again this often, this many times, then the NGO is alerted.
    followup_reminder_hours: float = 48.0
    followup_reminders: int = 2
    # A compensation claim not paid this many days after it was applied for (or after return) counts as late.
    compensation_due_days: int = 90
    # The Rasa server the follow-up worker starts check-in conversations on (its HTTP API, `--enable-api`), and the
    # `--auth-token` that API is always run behind (generated once into var/ in development, required in production).
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    # The shared secret Rasa sends the action server in the X-Helpline-Action-Token header (endpoints.yml); the
    # action server refuses any other caller (rasa_sdk_plugins/). Generated into var/ in development.
    action_token: str | None = None
    # How often `helpline worker` looks for due check-ins (they fall due by the hour; no need to look often).
    followup_poll_seconds: float = 30.0
    # Rasa's conversations (the tracker store, bot/rasa_tracker_store.py), read by Rasa and by our retention job and
    # erasure. Default: var/tracker.db; production points it at PostgreSQL. A conversation with no event for this many
    # days is deleted (what NGOs need is in the helpline's own store).
    tracker_database_url: str = ""
    conversation_retention_days: float = 90.0
    # The production topology (`make run-production`, bot/production/): this many Rasa processes on consecutive ports
    # from `rasa_port`, all on 127.0.0.1, behind nginx, which exposes only the webhooks and a health check on
    # `http_interface:http_port` and Rasa's whole HTTP API on 127.0.0.1:`api_port` (for the worker and local tools);
    # the action server on 127.0.0.1:`actions_port`; `workers` copies of `helpline worker`.
    rasa_processes: int = 2
    rasa_port: int = 5005
    actions_port: int = 5055
    http_interface: str = "127.0.0.1"
    http_port: int = 8080
    api_port: int = 8081
    workers: int = 2
    # The web console (bot/console): its own process on the same store. The secret key signs its session cookies
    # (generated once into var/ in development, required in production); a sign-in lasts `console_session_minutes`
    # however active the person is; failed sign-ins lock an account for a while.
    console_secret_key: str | None = None
    console_host: str = "127.0.0.1"
    console_port: int = 8082
    # Production: nginx serves the console on `http_interface:console_http_port` (its own server, so no path prefix
    # and no clash with the webhooks' port) and the console trusts nginx's X-Forwarded-For/-Proto (one proxy), so
    # the per-address sign-in limit counts people, not nginx.
    console_http_port: int = 8083
    console_behind_proxy: bool = False
    console_session_minutes: float = 60.0
    console_max_failed_logins: int = 5
    console_lockout_minutes: float = 15.0
    console_secure_cookies: bool = False
    # Retention (README, "Retention"): how long each kind of data is kept before a job erases it, in days.
    draft_retention_days: float = 2.0
    report_text_retention_days: float = 365.0
    case_retention_days: float = 365.0
    delivery_retention_days: float = 400.0
    inbound_id_retention_days: float = 7.0
    # A "delete my data" request waits this long for the person's confirmation.
    erasure_confirm_minutes: float = 15.0
    # Production lock store (bot/rasa_lock_store.py): how often a message waiting for its conversation's lock looks.
    lock_poll_seconds: float = 0.05

    @property
    def is_development(self) -> bool:
        return self.environment == "development"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_or(name: str, default: str) -> str:
    """A variable that always has a value: the environment's, else the default."""
    return _env(name) or default


def _number(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None:
        return float(default)
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}") from exc
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative")
    return value


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = _env(name, default) or default
    if value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _schedule(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = _env(name)
    if raw is None:
        return default
    items = tuple(item.strip().lower() for item in raw.split(",") if item.strip())
    for item in items:
        if len(item) < 2 or item[-1] not in "dwm" or not item[:-1].isdigit():
            raise ConfigurationError(f"{name}: {item!r} is not like 1w, 3m or 10d")
    if not items:
        raise ConfigurationError(f"{name} must list at least one check-in")
    return items


def _hours(name: str, default: tuple[int, int]) -> tuple[int, int]:
    raw = _env(name)
    if raw is None:
        return default
    try:
        start, end = (int(part) for part in raw.split("-"))
    except ValueError as exc:
        raise ConfigurationError(f"{name} must look like 9-19 (hours in India)") from exc
    if not 0 <= start < end <= 24:
        raise ConfigurationError(f"{name} must be a daytime range like 9-19")
    return start, end


def _development_secret(var_dir: Path, filename: str, make: Callable[[], str]) -> str:
    """A per-checkout secret kept in `var/` (readable by its owner only), so a developer's data stays readable and
    the processes of `make run` agree on their tokens across restarts, with nothing to configure."""
    secret_file = var_dir / filename
    if not secret_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        secret_file.touch(mode=0o600)
        secret_file.write_text(make())
    return secret_file.read_text().strip()


def _token(name: str, environment: str, var_dir: Path, filename: str) -> str:
    """An access token from the environment; in development generated once into var/; required in production."""
    value = _env(name)
    if value:
        return value
    if environment == "development":
        return _development_secret(var_dir, filename, lambda: secrets.token_hex(32))  # hex: never starts with "-"
    raise ConfigurationError(f"{name} is required outside development (a long random string, e.g. from "
                             "`python -c 'import secrets; print(secrets.token_hex(32))'`)")


def _secret_keys(environment: str, var_dir: Path) -> tuple[str, ...]:
    """HELPLINE_SECRET_KEYS, each checked to be a Fernet key; in development a generated one kept in var/."""
    raw_keys = _env("HELPLINE_SECRET_KEYS")
    if raw_keys:
        keys = tuple(k.strip() for k in raw_keys.split(",") if k.strip())
    elif environment == "development":
        keys = (_development_secret(var_dir, "dev-secret.key", lambda: Fernet.generate_key().decode()),)
    else:
        raise ConfigurationError(
            "HELPLINE_SECRET_KEYS is required outside development "
            "(comma-separated Fernet keys, newest first; make one with `helpline new-key`)"
        )
    try:
        for key in keys:
            Fernet(key.encode())
    except ValueError as exc:
        raise ConfigurationError("HELPLINE_SECRET_KEYS holds a key that is not a valid Fernet key") from exc
    return keys


def _distinct_ports(settings: Settings) -> Settings:
    """The production topology's listening ports, each used once (the console's default once equalled nginx's)."""
    ports = {
        "HELPLINE_HTTP_PORT": settings.http_port, "HELPLINE_API_PORT": settings.api_port,
        "HELPLINE_ACTIONS_PORT": settings.actions_port, "HELPLINE_CONSOLE_PORT": settings.console_port,
        "HELPLINE_CONSOLE_HTTP_PORT": settings.console_http_port,
        **{f"HELPLINE_RASA_PORT+{i}": settings.rasa_port + i for i in range(settings.rasa_processes)},
    }
    seen: dict[int, str] = {}
    for name, port in ports.items():
        if port in seen:
            raise ConfigurationError(f"{name} and {seen[port]} are both port {port}")
        seen[port] = name
    return settings


def load_settings() -> Settings:
    """Read the environment now (tests call this after changing variables)."""
    environment = _env_or("HELPLINE_ENV", "development")
    if environment not in ("development", "production"):
        raise ConfigurationError("HELPLINE_ENV must be 'development' or 'production'")
    var_dir = Path(_env_or("HELPLINE_VAR_DIR", str(PROJECT_ROOT / "var")))
    database_url = _env_or("HELPLINE_DATABASE_URL", f"sqlite:///{var_dir / 'helpline.db'}")
    keys = _secret_keys(environment, var_dir)
    max_chars = int(_env_or("HELPLINE_MAX_MESSAGE_CHARS", "4000"))
    translator = _choice("HELPLINE_TRANSLATOR", "google", ("google", "off"))
    return _distinct_ports(Settings(
        environment=environment,
        database_url=database_url,
        secret_keys=keys,
        max_message_chars=max_chars,
        var_dir=var_dir,
        ack_timeout_urgent=timedelta(minutes=_number("HELPLINE_ACK_MINUTES_URGENT", 15)),
        ack_timeout=timedelta(minutes=_number("HELPLINE_ACK_MINUTES", 240)),
        delivery_max_attempts=int(_number("HELPLINE_DELIVERY_MAX_ATTEMPTS", 8)),
        delivery_backoff_seconds=_number("HELPLINE_DELIVERY_BACKOFF_SECONDS", 30),
        delivery_lease_seconds=_number("HELPLINE_DELIVERY_LEASE_SECONDS", 60),
        worker_poll_seconds=_number("HELPLINE_WORKER_POLL_SECONDS", 0.5),
        ngo_directory=Path(_env_or("HELPLINE_NGO_DIRECTORY", str(PROJECT_ROOT / "bot" / "data" / "ngos.sample.yml"))),
        twilio_account_sid=_env("TWILIO_ACCOUNT_SID"),
        twilio_auth_token=_env("TWILIO_AUTH_TOKEN"),
        twilio_sms_from=_env("TWILIO_SMS_FROM"),
        twilio_whatsapp_from=_env("TWILIO_WHATSAPP_FROM"),
        twilio_api_base=_env("HELPLINE_TWILIO_API_BASE"),
        telegram_bot_token=_env("TELEGRAM_BOT_TOKEN"),
        telegram_api_base=_env("HELPLINE_TELEGRAM_API_BASE"),
        public_url=(_env("HELPLINE_PUBLIC_URL") or "").rstrip("/") or None,
        telegram_webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET"),
        telegram_mode=_choice("TELEGRAM_MODE", "webhook", ("webhook", "polling")),
        rate_limit_per_minute=int(_number("HELPLINE_RATE_LIMIT_PER_MINUTE", 20)),
        redis_url=_env("HELPLINE_REDIS_URL"),
        twilio_whatsapp_template_sid=_env("TWILIO_WHATSAPP_TEMPLATE_SID"),
        translator=translator,
        translate_service_url=_env("HELPLINE_TRANSLATE_SERVICE_URL"),
        translate_timeout_seconds=_number("HELPLINE_TRANSLATE_TIMEOUT_SECONDS", 3),
        followup_schedule=_schedule("HELPLINE_FOLLOWUP_SCHEDULE", Settings.followup_schedule),
        followup_hours=_hours("HELPLINE_FOLLOWUP_HOURS", Settings.followup_hours),
        followup_send_hour=int(_number("HELPLINE_FOLLOWUP_SEND_HOUR", 10)),
        followup_reminder_hours=_number("HELPLINE_FOLLOWUP_REMINDER_HOURS", 48),
        followup_reminders=int(_number("HELPLINE_FOLLOWUP_REMINDERS", 2)),
        compensation_due_days=int(_number("HELPLINE_COMPENSATION_DUE_DAYS", 90)),
        rasa_url=(_env("HELPLINE_RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
        rasa_token=_token("HELPLINE_RASA_TOKEN", environment, var_dir, "rasa-api.token"),
        action_token=_token("HELPLINE_ACTION_TOKEN", environment, var_dir, "action-server.token"),
        followup_poll_seconds=_number("HELPLINE_FOLLOWUP_POLL_SECONDS", 30),
        tracker_database_url=_env_or("HELPLINE_TRACKER_DATABASE_URL", f"sqlite:///{var_dir / 'tracker.db'}"),
        conversation_retention_days=_number("HELPLINE_CONVERSATION_RETENTION_DAYS", 90),
        rasa_processes=max(1, int(_number("HELPLINE_RASA_PROCESSES", 2))),
        rasa_port=int(_number("HELPLINE_RASA_PORT", 5005)),
        actions_port=int(_number("HELPLINE_ACTIONS_PORT", 5055)),
        http_interface=_env_or("HELPLINE_HTTP_INTERFACE", "127.0.0.1"),
        http_port=int(_number("HELPLINE_HTTP_PORT", 8080)),
        api_port=int(_number("HELPLINE_API_PORT", 8081)),
        workers=max(1, int(_number("HELPLINE_WORKERS", 2))),
        # Only the console needs it: in production it refuses to start without it (bot.console.app), the other
        # processes do not care.
        console_secret_key=_env("HELPLINE_CONSOLE_SECRET_KEY") or (
            _development_secret(var_dir, "console-secret.key", lambda: secrets.token_hex(32))
            if environment == "development" else None),
        console_host=_env_or("HELPLINE_CONSOLE_HOST", "127.0.0.1"),
        console_port=int(_number("HELPLINE_CONSOLE_PORT", 8082)),
        console_http_port=int(_number("HELPLINE_CONSOLE_HTTP_PORT", 8083)),
        console_behind_proxy=environment == "production",
        console_session_minutes=_number("HELPLINE_CONSOLE_SESSION_MINUTES", 60),
        console_max_failed_logins=int(_number("HELPLINE_CONSOLE_MAX_FAILED_LOGINS", 5)),
        console_lockout_minutes=_number("HELPLINE_CONSOLE_LOCKOUT_MINUTES", 15),
        # Behind nginx with TLS (production) the cookies are sent over HTTPS only.
        console_secure_cookies=environment == "production",
        draft_retention_days=_number("HELPLINE_DRAFT_RETENTION_DAYS", 2),
        report_text_retention_days=_number("HELPLINE_REPORT_TEXT_RETENTION_DAYS", 365),
        case_retention_days=_number("HELPLINE_CASE_RETENTION_DAYS", 365),
        delivery_retention_days=_number("HELPLINE_DELIVERY_RETENTION_DAYS", 400),
        inbound_id_retention_days=_number("HELPLINE_INBOUND_ID_RETENTION_DAYS", 7),
        erasure_confirm_minutes=_number("HELPLINE_ERASURE_CONFIRM_MINUTES", 15),
        lock_poll_seconds=_number("HELPLINE_LOCK_POLL_SECONDS", 0.05),
    ))


# What deploy/endpoints.production.yml reads (Rasa expands `${VAR}` there and refuses a variable that is not set):
# the lock store's Redis. The defaults suit one machine with Redis local. The tracker database is not here: it is
# HELPLINE_TRACKER_DATABASE_URL (Settings.tracker_database_url), read by Rasa's store, the retention job and erasure.
RASA_ENDPOINT_DEFAULTS: dict[str, str] = {
    "HELPLINE_LOCK_REDIS_HOST": "127.0.0.1",
    "HELPLINE_LOCK_REDIS_PORT": "6379",
    "HELPLINE_LOCK_REDIS_DB": "1",
    "HELPLINE_LOCK_REDIS_PASSWORD": "",
}


# `make run-production` on one machine: the tracker database when HELPLINE_TRACKER_DATABASE_URL is not set (created
# if missing by bot.production). Set for supervisord and so for every process under it, never for one alone.
PRODUCTION_TRACKER_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/helpline_rasa"


def rasa_endpoint_environment() -> dict[str, str]:
    """The variables of deploy/endpoints.production.yml: the environment's value where set, else the default."""
    return {name: os.environ.get(name, default) for name, default in RASA_ENDPOINT_DEFAULTS.items()}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return load_settings()
