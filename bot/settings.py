"""All of the helpline's own configuration, read once from environment variables.

Rasa's own settings stay in Rasa's files (`endpoints.yml`, `credentials.yml`); everything our code needs is here,
so a deployment changes one set of variables and nothing else. The defaults are the embedded development set-up:
SQLite files under `var/`, and a secret key generated once into `var/` so nothing needs an account or a secret.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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

    @property
    def is_development(self) -> bool:
        return self.environment == "development"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _development_key(var_dir: Path) -> str:
    """A per-checkout key kept in `var/`, so a developer's data stays readable across restarts."""
    key_file = var_dir / "dev-secret.key"
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings() -> Settings:
    """Read the environment now (tests call this after changing variables)."""
    environment = _env("HELPLINE_ENV", "development")
    if environment not in ("development", "production"):
        raise ConfigurationError("HELPLINE_ENV must be 'development' or 'production'")
    var_dir = Path(_env("HELPLINE_VAR_DIR", str(PROJECT_ROOT / "var")))
    database_url = _env("HELPLINE_DATABASE_URL", f"sqlite:///{var_dir / 'helpline.db'}")
    raw_keys = _env("HELPLINE_SECRET_KEYS")
    if raw_keys:
        keys = tuple(k.strip() for k in raw_keys.split(",") if k.strip())
    elif environment == "development":
        keys = (_development_key(var_dir),)
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
    max_chars = int(_env("HELPLINE_MAX_MESSAGE_CHARS", "4000"))
    return Settings(
        environment=environment,
        database_url=database_url,
        secret_keys=keys,
        max_message_chars=max_chars,
        var_dir=var_dir,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return load_settings()
