"""Shared fixtures: a configured helpline store on SQLite and on the machine's real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from bot.settings import get_settings

# The tests profile runs with Rasa's telemetry off, in this process and in every server it starts (tests/servers.py).
os.environ["RASA_TELEMETRY_ENABLED"] = "false"

POSTGRES_URL = os.environ.get("HELPLINE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def _reset_caches() -> None:
    from bot.channels import gate
    from bot.crypto import _fernet
    from bot.store import db, tracker_events

    get_settings.cache_clear()
    tracker_events.tracker_engine.cache_clear()
    _fernet.cache_clear()
    db.engine_for.cache_clear()
    db._upgraded.clear()
    getattr(gate._limiter, "cache_clear", lambda: None)()  # a test may have swapped in a frozen-clock limiter


@pytest.fixture
def helpline_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Development settings pointing at a fresh var/ directory with its own key."""
    monkeypatch.setenv("HELPLINE_ENV", "development")
    monkeypatch.setenv("HELPLINE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HELPLINE_SECRET_KEYS", Fernet.generate_key().decode())
    monkeypatch.delenv("HELPLINE_DATABASE_URL", raising=False)
    monkeypatch.delenv("HELPLINE_TRACKER_DATABASE_URL", raising=False)
    _reset_caches()
    yield tmp_path
    _reset_caches()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, helpline_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The helpline store, migrated, on SQLite and on PostgreSQL (a throw-away schema in database `test`)."""
    from bot.store.db import upgrade_schema

    if request.param == "sqlite":
        url = f"sqlite:///{helpline_env / 'helpline.db'}"
        monkeypatch.setenv("HELPLINE_DATABASE_URL", url)
        _reset_caches()
        yield url
        return
    schema = f"helpline_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("HELPLINE_DATABASE_URL", url)
    _reset_caches()
    upgrade_schema(url)
    try:
        yield url
    finally:
        _reset_caches()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
