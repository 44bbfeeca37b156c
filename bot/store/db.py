"""Engine, sessions and schema upgrades.

One engine per database URL per process. The embedded default (SQLite) upgrades its own schema on first use so that
`make run` needs no extra step; production runs `helpline db upgrade` once per deploy, before the replicas start.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.elements import ColumnElement

from bot.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_upgrade_lock = threading.Lock()
_upgraded: set[str] = set()


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_schema(database_url: str | None = None) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    url = database_url or get_settings().database_url
    command.upgrade(alembic_config(url), "head")


@lru_cache(maxsize=8)
def engine_for(database_url: str) -> Engine:
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A small pool instead of SQLAlchemy 1.4's connect-per-session for files: each connect re-runs the PRAGMAs.
        engine = create_engine(database_url, future=True, poolclass=QueuePool, pool_size=5, max_overflow=10,
                               connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets the action server and the command line use the file at once; FKs are off by default in SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(database_url, future=True, pool_pre_ping=True)


def get_engine() -> Engine:
    """The engine for the configured database; the SQLite default is upgraded on first use."""
    settings = get_settings()
    url = settings.database_url
    if url.startswith("sqlite") and url not in _upgraded:
        with _upgrade_lock:
            if url not in _upgraded:
                upgrade_schema(url)
                _upgraded.add(url)
    return engine_for(url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back if it raises."""
    factory = sessionmaker(bind=get_engine(), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def row_matches(session: Session, model: Any, row_id: int, clause: ColumnElement[bool]) -> bool:
    """Does row `row_id` of `model` satisfy `clause`? One indexed query: lets a rule written once as a SQL clause (for
    lists) also answer for a single row, so the two can never disagree."""
    return session.execute(select(model.id).where(model.id == row_id, clause).limit(1)).first() is not None
