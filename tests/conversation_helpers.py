"""Making a report the way a family does: messages over the REST channel to the real Rasa with the trained model,
answering whatever the report form asks, until the assistant gives the reference. Shared by the report
conversation tests and the console's browser test (which then acts on that report in Chromium)."""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from tests.servers import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FIELDS = ("district", "place", "what", "children", "destination", "transport", "agent", "contact")
CODE = re.compile(r"(?<!\d)(\d{7})(?!\d)")


def texts_of(response: str) -> set[str]:
    """Every variant of a response of the domain (all languages)."""
    return {variant["text"] for variant in DOMAIN["responses"][response]}


QUESTIONS = {field: texts_of(f"utter_ask_report_{field}") for field in FIELDS}
QUESTIONS["district"] |= texts_of("utter_report_district_not_found")
QUESTIONS["contact"] |= texts_of("utter_report_contact_invalid")


def question_of(reply: str) -> str | None:
    """Which report field a reply of the assistant asks for (None: not a report question)."""
    for field, texts in QUESTIONS.items():
        if reply in texts:
            return field
    return None


def make_report(send: Callable[[str, str], list[str]], sender: str, first: str,
                answers: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """Send the first message, answer whatever the form asks from `answers`; returns (code, questions, replies)."""
    replies = send(sender, first)
    asked: list[str] = []
    for _ in range(12):
        found = [CODE.search(r) for r in replies]
        if any(found):
            return next(m.group(1) for m in found if m), asked, replies
        question = question_of(replies[-1]) if replies else None
        assert question is not None, f"not a report question: {replies}"
        asked.append(question)
        replies = send(sender, answers[question])
    raise AssertionError(f"no reference after {asked}")
