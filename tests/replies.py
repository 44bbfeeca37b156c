"""What the assistant must say, read from the same files it speaks from: shared by the end-to-end tests."""

from __future__ import annotations

from typing import Any

import yaml

from tests.servers import ROOT

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
GREETINGS = {
    "en": "hello, good evening",
    "hi": "नमस्ते जी",
    "hi-Latn": "namaste bhaiya kaise ho aap",
    "bho": "प्रणाम, का हाल बा रउआ के",
    "mai": "प्रणाम, अहाँ केहन छी",
    "ur": "السلام علیکم، کیسے ہیں آپ",
}


def reply_text(response: str, language: str) -> str:
    """The text of a response in one language, as written in domain.yml."""
    for variant in DOMAIN["responses"][response]:
        condition = variant.get("condition")
        if (condition[0]["value"] if condition else "en") == language:
            return variant["text"]
    raise KeyError((response, language))


def answer(topic: str, language: str, **context: str) -> list[str]:
    """The fact messages the assistant must send for a topic (bot/data/facts.yml)."""
    from bot.answers import answer_texts

    return answer_texts(topic, language, context)
