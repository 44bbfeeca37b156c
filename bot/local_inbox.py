"""Messages the helpline starts itself (check-ins) for the embedded default's local chat (`make shell`).

On the REST channel nobody is listening when the follow-up worker starts a check-in: Rasa hands the messages back
in its HTTP answer, and they are kept here, one file per conversation under `var/`, until `make shell` shows them.
Development only: real families are reached through Twilio or Telegram.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.crypto import pseudonym
from bot.settings import get_settings


def _file(conversation_id: str) -> Path:
    return get_settings().var_dir / "local-chat-inbox" / f"{pseudonym('rest', conversation_id)[:32]}.jsonl"


def keep(conversation_id: str, texts: list[str]) -> None:
    if not texts:
        return
    path = _file(conversation_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps(text, ensure_ascii=False) + "\n")


def take(conversation_id: str) -> list[str]:
    """The messages kept for this conversation, oldest first; they are removed (shown once)."""
    path = _file(conversation_id)
    claimed = path.with_suffix(f".{os.getpid()}.taking")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return []
    try:
        return [json.loads(line) for line in claimed.read_text(encoding="utf-8").splitlines() if line.strip()]
    finally:
        claimed.unlink(missing_ok=True)


def discard(conversation_id: str) -> None:
    """Drop the messages waiting for this conversation (erasure)."""
    _file(conversation_id).unlink(missing_ok=True)
