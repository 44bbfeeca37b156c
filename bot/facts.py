"""The reviewed facts the assistant states, from `bot/data/facts.yml`.

Every amount, law section and phone number a family reads comes from that one file, where each entry carries its
source, the date it was checked and a confidence flag (tests/test_facts.py enforces this). Code here only selects and
renders entries; it never writes a fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

FACTS_FILE = Path(__file__).resolve().parent / "data" / "facts.yml"
FALLBACK_LANGUAGE = {"hi-Latn": "hi", "bho": "hi", "mai": "hi", "ur": "hi-Latn", "hi": "en", "en": "en"}


@dataclass(frozen=True)
class Fact:
    """One entry of facts.yml."""

    id: str
    topic: str
    text: dict[str, str]
    confidence: str
    checked: str
    sources: tuple[str, ...]
    figures: tuple[str, ...]
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def applies(self, context: dict[str, Any]) -> bool:
        """True when every condition names the context's value, or the context does not know that value yet."""
        for key, allowed in self.when.items():
            value = context.get(key)
            if value is not None and value not in allowed:
                return False
        return True

    def render(self, language: str, **fields: str) -> str:
        """The text in `language` (or the nearest one written), with {placeholders} filled."""
        lang = language
        while lang not in self.text:
            nearer = FALLBACK_LANGUAGE.get(lang, "en")
            if nearer == lang:
                break
            lang = nearer
        text = self.text.get(lang) or next(iter(self.text.values()))
        return text.format(**fields) if fields else text


@lru_cache(maxsize=2)
def load_facts(path: Path = FACTS_FILE) -> tuple[Fact, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = []
    for entry in raw["facts"]:
        facts.append(
            Fact(
                id=entry["id"],
                topic=entry["topic"],
                text=dict(entry["text"]),
                confidence=entry["confidence"],
                checked=str(entry["checked"]),
                sources=tuple(entry.get("sources", ())),
                figures=tuple(str(f) for f in entry.get("figures", ())),
                when={k: tuple(v) for k, v in (entry.get("when") or {}).items()},
            )
        )
    return tuple(facts)


def facts_for(topic: str, context: dict[str, Any] | None = None) -> list[Fact]:
    """The entries of a topic that apply to what we know of the family, in file order."""
    context = context or {}
    return [fact for fact in load_facts() if fact.topic == topic and fact.applies(context)]


def fact(fact_id: str) -> Fact:
    for entry in load_facts():
        if entry.id == fact_id:
            return entry
    raise KeyError(fact_id)
