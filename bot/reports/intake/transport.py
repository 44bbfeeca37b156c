"""How the children are moved: train numbers and vehicles ("train 12394 se", "Bolero me", "bas stand")."""

from __future__ import annotations

from typing import Any

from bot.reports.intake import vocab as V
from bot.reports.intake.model import TRAIN_DIGITS
from bot.reports.intake.tokens import _next, _Token


def _read_train_number(tokens: list[_Token], asked: str | None) -> str | None:
    for i, tok in enumerate(tokens):
        if tok.phone or not tok.low.isdigit() or len(tok.low) != TRAIN_DIGITS:
            continue
        nxt = _next(tokens, i + 1)
        if nxt in V.NEG_AFTER_VALUE or nxt in V.MONEY_AFTER:
            continue  # "12394 nahi, 12396" / "10000 rupaye"
        if i > 0 and not tokens[i - 1].breaks and tokens[i - 1].key in ("rs", "rupaye", "rupees"):
            continue  # "Rs 10000"
        window = range(max(0, i - 3), min(len(tokens), i + 4))
        if asked == "transport" or any(tokens[j].key in V.TRAIN_CUES for j in window if j != i):
            return tok.low
    return None


def _read_transport_words(tokens: list[_Token]) -> list[str]:
    labels: list[str] = []
    for i, tok in enumerate(tokens):
        label = V.TRANSPORT.get(tok.key)
        if label is None and tok.key in V.BAS and _next(tokens, i + 1) in V.BAS_CUE_AFTER:
            label = "bus"
        if label and label not in labels:
            labels.append(label)
    return labels


def _read_transport(out: dict[str, Any], tokens: list[_Token], asked: str | None) -> None:
    train = _read_train_number(tokens, asked)
    labels = _read_transport_words(tokens)
    if train:
        out["train_number"] = train
        labels = [f"train {train}"] + [x for x in labels if x not in ("train", "gaadi")]
    if labels:
        out["transport"] = ", ".join(labels)
