"""Which reviewed facts answer a question, given what we know of the family.

The dialogue decides *when* to answer (rules in data/rules/); this module decides *what*: a topic from the menu
choice or the intent, then the facts of that topic whose conditions fit the family's answers to the quick questions
(child's age group, where the child was found working).
"""

from __future__ import annotations

from typing import Any

from bot.cases import CaseSummary
from bot.dialogue.choices import Choice
from bot.facts import facts_for
from bot.replies import text

TOPIC_BY_CHOICE: dict[str, str] = {  # Choice is a str enum: its members are these keys
    Choice.AGE_ANSWERED: "compensation",
    Choice.COMP_PAPERS: "compensation_papers",
    Choice.COMP_WHERE: "compensation_where",
    Choice.COMP_STATUS: "compensation_status",
    Choice.COMP_OTHER: "compensation_other",
    Choice.SCHOOL: "school",
    Choice.SCHOOL_REFUSED: "school_refused",
    Choice.SCHOOL_OVER14: "school_over14",
    Choice.CASE: "case",
    Choice.CASE_RIGHTS: "case_rights",
    Choice.CASE_FOLLOWUP: "case_followup",
}

MULTI_INTENT_SEPARATOR = "+"  # config.yml's intent_split_symbol

TOPIC_BY_INTENT: dict[str, str] = {
    "ask_compensation_status": "compensation_status",
    "ask_school_enrolment": "school",
    "ask_case_status": "case",
}


def topic_for(menu_choice: str | None, intent: str | None) -> str | None:
    """The topic to answer: a menu choice wins over the intent (it is the more specific signal).

    A multi-intent ("ask_compensation_status+ask_school_enrolment": two needs in one message) is answered on its
    first need; the dialogue offers the second (data/rules/multi.yml)."""
    if menu_choice in TOPIC_BY_CHOICE:
        return TOPIC_BY_CHOICE[menu_choice]
    first_need = (intent or "").split(MULTI_INTENT_SEPARATOR)[0]
    return TOPIC_BY_INTENT.get(first_need)


# Topics where a family's own case, when the helpline has one, comes before the general guidance.
CASE_TOPICS = {"compensation_status", "case"}


def answer_texts(topic: str, language: str, context: dict[str, Any], case: CaseSummary | None = None) -> list[str]:
    """The messages answering `topic` in `language`: the family's own case first when there is one, then one
    message per applicable fact."""
    messages = []
    if case is not None and topic in CASE_TOPICS:
        upcoming = text("case.next_check_in", language, date=case.next_check_in) if case.next_check_in else ""
        messages.append(text("case.line", language, reference=case.reference, compensation=case.compensation_stage,
                             school=case.school_stage, next=upcoming))
    return messages + [fact.render(language) for fact in facts_for(topic, context)]

