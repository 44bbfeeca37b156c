"""Local stand-ins for the outside APIs the helpline calls: Twilio, the Telegram Bot API and Google Translate.

Each one is a small HTTP server on 127.0.0.1 that speaks the service's real wire format, so tests drive the real
client libraries (twilio, python-telegram-bot, googletrans) against it instead of patching anything. They record what
they received, can be told to fail the next requests (`fail_next`) or to stall (`delay_seconds`), and run either in
the test process (`with FakeTwilio() as twilio: ...`) or as a process of their own
(`python -m tests.fakes.twilio --port 0 --record calls.jsonl`, which prints its URL on the first line).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .telegram import FakeTelegram
    from .translate import FakeTranslate
    from .twilio import FakeTwilio

__all__ = ["FakeTelegram", "FakeTranslate", "FakeTwilio"]
_MODULES = {"FakeTelegram": "telegram", "FakeTranslate": "translate", "FakeTwilio": "twilio"}


def __getattr__(name: str) -> Any:
    """Import on first use, so `python -m tests.fakes.twilio` does not find its module already imported."""
    if name in _MODULES:
        return getattr(import_module(f".{_MODULES[name]}", __name__), name)
    raise AttributeError(name)
