"""The production profile's configuration without starting it (tests/test_production_topology.py runs it): one port
per program, the console's nginx server rendered from the settings, the tracker database created when missing."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.production.__main__ import create_database
from bot.production.render import render
from bot.settings import ConfigurationError, load_settings
from tests.conftest import POSTGRES_URL


def test_the_defaults_give_every_program_its_own_port(helpline_env: Path) -> None:
    settings = load_settings()
    assert (settings.http_port, settings.api_port, settings.console_port, settings.console_http_port) == (
        8080, 8081, 8082, 8083)


@pytest.mark.parametrize(("name", "port"), [("HELPLINE_CONSOLE_PORT", "8080"), ("HELPLINE_CONSOLE_HTTP_PORT", "8081"),
                                            ("HELPLINE_CONSOLE_PORT", "5006")])
def test_two_programs_on_one_port_are_refused(helpline_env: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                              port: str) -> None:
    monkeypatch.setenv(name, port)
    with pytest.raises(ConfigurationError, match=f"{name}.* are both port {port}"):
        load_settings()


def test_the_console_is_rendered_behind_nginx_and_under_supervisord(helpline_env: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_CONSOLE_PORT", "9182")
    monkeypatch.setenv("HELPLINE_CONSOLE_HTTP_PORT", "9183")
    conf = render(load_settings(), helpline_env / "etc")
    site = (conf.parent / "helpline-site.conf").read_text()
    assert "listen 127.0.0.1:9183;" in site and "proxy_pass http://127.0.0.1:9182;" in site
    programs = (conf.parent / "programs" / "helpline.conf").read_text()
    assert "[program:helpline-console]" in programs and "helpline-console" in programs.split("programs=")[1]
    assert 'environment=RASA_TELEMETRY_ENABLED="false"' in conf.read_text()


def test_a_missing_tracker_database_is_created_once() -> None:
    name = f"helpline_tracker_{uuid.uuid4().hex[:10]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", future=True)
    try:
        create_database(url)
        create_database(url)  # already there: nothing to do, no error
        with admin.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                                      {"n": name}).scalar() == 1
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    create_database("sqlite:///unused.db")  # not PostgreSQL: left to SQLite, which creates its file
    assert not Path("unused.db").exists()
