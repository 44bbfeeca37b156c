"""The helpline store on SQLite and PostgreSQL: opt-out, call-back requests, and encryption at rest."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.settings import ConfigurationError, load_settings
from bot.store import contacts
from bot.store.db import get_engine, session_scope

TEST_NUMBER = "whatsapp:+15005550006"  # Twilio's test number, never a real person


def test_opt_out_and_back(store_url: str) -> None:
    with session_scope() as session:
        assert not contacts.is_opted_out(session, "twilio", TEST_NUMBER)
    with session_scope() as session:
        contacts.set_opted_out(session, "twilio", TEST_NUMBER, True, "bho")
    with session_scope() as session:
        assert contacts.is_opted_out(session, "twilio", TEST_NUMBER)
    with session_scope() as session:
        # the same string on another channel is another person
        assert not contacts.is_opted_out(session, "telegram", TEST_NUMBER)
    with session_scope() as session:
        contacts.set_opted_out(session, "twilio", TEST_NUMBER, False)
    with session_scope() as session:
        assert not contacts.is_opted_out(session, "twilio", TEST_NUMBER)


def test_callback_request_is_stored_encrypted(store_url: str) -> None:
    with session_scope() as session:
        first = contacts.record_callback_request(session, "twilio", TEST_NUMBER, "hi")
    with session_scope() as session:
        second = contacts.record_callback_request(session, "twilio", TEST_NUMBER, "hi")
    assert second > first
    with session_scope() as session:
        open_requests = contacts.open_callback_requests(session)
    assert [r.address for r in open_requests] == [TEST_NUMBER, TEST_NUMBER]
    assert {r.language for r in open_requests} == {"hi"}
    with get_engine().connect() as connection:
        dumped = " ".join(
            str(value)
            for table in ("contacts", "callback_requests")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
            for value in row
        )
        assert connection.execute(text("SELECT count(*) FROM contacts")).scalar() == 1
    assert "15005550006" not in dumped


def test_production_refuses_to_start_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_ENV", "production")
    monkeypatch.delenv("HELPLINE_SECRET_KEYS", raising=False)
    with pytest.raises(ConfigurationError):
        load_settings()
    monkeypatch.setenv("HELPLINE_SECRET_KEYS", "not-a-key")
    with pytest.raises(ConfigurationError):
        load_settings()


def test_development_key_is_created_once(helpline_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPLINE_SECRET_KEYS")
    first = load_settings().secret_keys
    assert load_settings().secret_keys == first
    assert (helpline_env / "dev-secret.key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_its_access_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.fernet import Fernet

    monkeypatch.setenv("HELPLINE_ENV", "production")
    monkeypatch.setenv("HELPLINE_SECRET_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("HELPLINE_ACTION_TOKEN", "action-secret")
    monkeypatch.delenv("HELPLINE_RASA_TOKEN", raising=False)
    with pytest.raises(ConfigurationError, match="HELPLINE_RASA_TOKEN"):
        load_settings()
    monkeypatch.setenv("HELPLINE_RASA_TOKEN", "api-secret")
    monkeypatch.delenv("HELPLINE_ACTION_TOKEN")
    with pytest.raises(ConfigurationError, match="HELPLINE_ACTION_TOKEN"):
        load_settings()
    monkeypatch.setenv("HELPLINE_ACTION_TOKEN", "action-secret")
    settings = load_settings()
    assert (settings.rasa_token, settings.action_token) == ("api-secret", "action-secret")


def test_development_tokens_are_made_once_and_kept_private(helpline_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPLINE_RASA_TOKEN", raising=False)
    monkeypatch.delenv("HELPLINE_ACTION_TOKEN", raising=False)
    first = load_settings()
    again = load_settings()
    assert first.rasa_token and first.action_token and first.rasa_token != first.action_token
    assert (again.rasa_token, again.action_token) == (first.rasa_token, first.action_token)
    for name in ("rasa-api.token", "action-server.token"):
        assert (helpline_env / name).stat().st_mode & 0o077 == 0
