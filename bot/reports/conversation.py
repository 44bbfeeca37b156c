"""The report form's side of each user message: what the message adds to the report, and which form slots to set.

Rasa's `report_form` asks for the slots in `REPORT_SLOTS` order and stops when none is empty. This module decides,
for every message, which of them the message fills (answers given all at once fill several), which are not needed
for this kind of report ("na"), and when a message is not an answer at all (an emergency, another question): then no
form slot is set, Rasa's form rejects, and the rules take over. The answers themselves go to the encrypted draft
(bot/reports/drafts.py); slots only hold markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.dialogue.choices import Choice
from bot.menu import parse_option_number
from bot.reports import drafts
from bot.reports.intake import UNKNOWN, Intake, read_intake

# field -> form slot, in the order the form asks.
REPORT_SLOTS: dict[str, str] = {
    "district": "report_district",
    "place": "report_place",
    "what": "report_what",
    "children": "report_children",
    "destination": "report_destination",
    "transport": "report_transport",
    "agent": "report_agent",
    "contact": "report_contact",
}
NEEDED: dict[str, tuple[str, ...]] = {
    "recruitment": ("district", "place", "what", "children", "destination", "transport", "agent", "contact"),
    "missing": ("district", "place", "what", "children", "destination", "contact"),
    "emergency": ("district", "what", "contact"),  # the shortest form: numbers were given first
}
REPORT_INTENTS = {"report_recruitment": "recruitment", "report_missing_child": "missing",
                  "report_emergency": "emergency"}
# Messages with these intents leave the report (it is sent with what it has, or dropped if it has nothing).
SWITCH_INTENTS = {"ask_compensation", "ask_compensation_status", "ask_school_enrolment", "ask_case_status",
                  "request_human", "show_menu", "opt_out"}
# Free-text questions accept almost anything as the answer ("kal subah school gayi thi" answers "when was she last
# seen?", whatever the classifier thinks of "school"); only a confident intent that is also phrased as a question or
# a request leaves the report.
FREE_TEXT_SWITCH_CONFIDENCE = 0.9
_QUESTION_CUES = re.compile(
    r"\?|\b(?:how|what|when|where|why|which|can i|tell me|kaise|kaisa|kya|kab|kahan|kitna|kitni|kaun|kyun|"
    r"puchna|poochna|janna|jaanna|batao|bataiye|batayiye|chahiye|kaisan|kahiya|ka hoi|kaha)\b|"
    r"कैसे|क्या|कब|कहाँ|कहां|कितना|कितनी|कौन|क्यों|पूछना|जानना|बताइए|बताओ|बताईं|चाहिए|कइसे|कहिया|कइसन|कोना|कतेक"
)
MAX_TRIES = 2  # a district or consent answer not understood twice becomes "unknown" / "anonymous"
NOT_NEEDED = "na"
STOPPED = "stopped"


@dataclass(frozen=True)
class ReportTurn:
    """Slot events for this message. `reject`: set no form slot, so the form hands the message to the rules."""

    slots: dict[str, Any] = field(default_factory=dict)
    menu_choice: Choice | None = None
    reject: bool = False


def _marker(name: str, value: Any) -> Any:
    if name == "district":
        return value  # a district name or "unknown": not personal
    if name == "contact":
        return value
    return UNKNOWN if value == UNKNOWN else "given"


def _merge(fields: dict[str, Any], intake: Intake, asked: str | None) -> dict[str, str]:
    """Copy what the message says into the draft fields; returns field -> slot marker for every field it filled.

    An answer to one question does not silently overwrite an earlier answer to another; the asked field, an empty or
    "unknown" field, or an explicit correction ("galat, Nawada hai") does.
    """
    filled: dict[str, str] = {}

    def writable(name: str, slot_field: str) -> bool:
        current = fields.get(name)
        return current in (None, "", UNKNOWN) or intake.correction or slot_field == asked

    def put(name: str, value: Any, slot_field: str) -> None:
        if value is None or not writable(name, slot_field):
            return
        fields[name] = value
        filled[slot_field] = _marker(slot_field, value)

    put("district", intake.district, "district")
    put("place", intake.place, "place")
    put("what", intake.what, "what")
    if intake.children is not None and writable("children_count", "children"):
        if intake.children.count:
            fields["children_count"] = intake.children.count
        if intake.children.ages:
            fields["children_ages"] = list(intake.children.ages)
        filled["children"] = "given"
    put("children_text", intake.children_text, "children")
    put("destination", intake.destination, "destination")
    put("transport", intake.transport, "transport")
    if intake.train_number and writable("train_number", "transport"):
        fields["train_number"] = intake.train_number
        filled.setdefault("transport", "given")
    put("agent", intake.agent, "agent")
    if intake.agent_phone and writable("agent_phone", "agent"):
        fields["agent_phone"] = intake.agent_phone
        filled.setdefault("agent", "given")
    put("contact", intake.contact, "contact")
    return filled


def slots_from_draft(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Every form slot as the draft says it should be (used when the form resumes after an interruption)."""
    present = {
        "district": fields.get("district"),
        "place": fields.get("place"),
        "what": fields.get("what"),
        "children": fields.get("children_count") or fields.get("children_ages") or fields.get("children_text"),
        "destination": fields.get("destination"),
        "transport": fields.get("transport") or fields.get("train_number"),
        "agent": fields.get("agent") or fields.get("agent_phone"),
        "contact": fields.get("contact"),
    }
    slots: dict[str, Any] = {}
    for name, slot in REPORT_SLOTS.items():
        value = present[name]
        if name not in NEEDED[kind]:
            slots[slot] = NOT_NEEDED
        else:
            slots[slot] = None if value in (None, "", []) else _marker(name, fields.get(name, value))
    return slots


def _slot_events(kind: str, filled: dict[str, str], include_not_needed: bool) -> dict[str, Any]:
    slots = {REPORT_SLOTS[name]: value for name, value in filled.items() if name in NEEDED[kind]}
    if include_not_needed:
        for name, slot in REPORT_SLOTS.items():
            if name not in NEEDED[kind]:
                slots[slot] = NOT_NEEDED
    return slots


def start_report(session: Session, kind: str, text: str, channel: str, sender: str, language: str | None) -> ReportTurn:
    """The message that starts a report: a fresh draft with whatever it already says."""
    fields: dict[str, Any] = {"channel": channel, "sender": sender, "language": language}
    _merge(fields, read_intake(text, None, kind), None)
    drafts.save_draft(session, channel, sender, kind, fields)
    slots = slots_from_draft(kind, fields)
    slots.update({"report_kind": kind, "report_tries": 0.0})
    return ReportTurn(slots)


def continue_report(session: Session, text: str, intent: str | None, confidence: float, asked: str | None, kind: str,
                    tries: float, channel: str, sender: str, language: str | None) -> ReportTurn:
    """A message while the form is active (`asked` is the field of the requested slot)."""
    stored = drafts.load_draft(session, channel, sender)
    fields: dict[str, Any] = stored[1] if stored else {"channel": channel, "sender": sender}
    fields["language"] = language or fields.get("language")
    free_text = asked in ("place", "what", "children", "destination", "transport", "agent")
    if parse_option_number(text) == 0:  # "0 always brings the menu back", in a report too
        drafts.save_draft(session, channel, sender, kind, fields)
        return ReportTurn(menu_choice=Choice.REPORT_LEAVE, reject=True)
    intake = read_intake(text, asked, kind)
    if intake.stop:
        drafts.save_draft(session, channel, sender, kind, fields)
        return ReportTurn({slot: STOPPED for slot in REPORT_SLOTS.values()}, menu_choice=Choice.REPORT_STOP)
    if intent == "report_emergency" and not (kind == "emergency" and free_text):
        # Numbers first (a rule), then the form resumes as an urgent report with what this message said.
        _merge(fields, intake, asked)
        drafts.save_draft(session, channel, sender, "emergency", fields)
        return ReportTurn({"report_kind": "emergency"}, reject=True)
    leaving = not free_text or (confidence >= FREE_TEXT_SWITCH_CONFIDENCE and bool(_QUESTION_CUES.search(text.lower())))
    if intent == "change_language" and (not free_text or confidence >= FREE_TEXT_SWITCH_CONFIDENCE):
        drafts.save_draft(session, channel, sender, kind, fields)
        return ReportTurn(reject=True)  # the rules switch the language and resume the form
    if intent in SWITCH_INTENTS and leaving:
        drafts.save_draft(session, channel, sender, kind, fields)
        return ReportTurn(menu_choice=Choice.REPORT_LEAVE, reject=True)
    filled = _merge(fields, intake, asked)
    slots = _slot_events(kind, filled, include_not_needed=False)
    asked_slot = REPORT_SLOTS.get(asked or "")
    if asked and asked_slot and asked_slot not in slots:
        # Not understood (a district not in the gazetteer, a consent answer that is not 1/2/3): ask again with a
        # hint, and after MAX_TRIES take the safe default instead of asking forever.
        tries += 1
        if tries >= MAX_TRIES:
            default = UNKNOWN if asked != "contact" else "anonymous"
            fields[asked] = default
            slots[asked_slot] = _marker(asked, default)
            tries = 0
        else:
            slots[asked_slot] = None
    else:
        tries = 0
    slots["report_tries"] = float(tries)
    drafts.save_draft(session, channel, sender, kind, fields)
    return ReportTurn(slots)
