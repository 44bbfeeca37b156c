"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.store.db import alembic_config, upgrade_schema
from bot.store.models import Base


def _differences(url: str) -> list[object]:
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            return [d for d in compare_metadata(context, Base.metadata)
                    if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index"))]  # names differ only
    finally:
        engine.dispose()


def test_migrations_match_the_models_and_downgrade(store_url: str) -> None:
    upgrade_schema(store_url)
    assert _differences(store_url) == []
    command.downgrade(alembic_config(store_url), "0003")
    engine = create_engine(store_url, future=True)
    try:
        tables = set(inspect(engine).get_table_names())
        assert "cases" not in tables and "checkins" not in tables and "job_runs" not in tables and "reports" in tables
        assert "case_id" not in {c["name"] for c in inspect(engine).get_columns("reports")}
    finally:
        engine.dispose()
    upgrade_schema(store_url)
    assert _differences(store_url) == []
