"""Custom actions for the helpline. Business logic lives in `bot/`; these only translate between Rasa and it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import CASE_TOPICS, answer_texts, topic_for
from bot.cases import find_case
from bot.language_state import next_language
from bot.letters import letter_messages, parse_details
from bot.menu import ANSWER_LIKE_INTENTS, read_reply
from bot.reports.conversation import REPORT_INTENTS, REPORT_SLOTS, continue_report, slots_from_draft, start_report
from bot.reports.dialogue import Reply, finish_report, leave_report, looks_like_status_request, status_reply
from bot.reports.drafts import load_draft
from bot.store import contacts

logger = logging.getLogger(__name__)

# Slots filled from a reply to a quick question (see bot.menu.QUICK_QUESTIONS).
ANSWER_SLOTS = ("rescue_place", "child_age")
REPORT_WHAT_PROMPT = "utter_report_what"


def last_prompt(tracker: Tracker) -> str | None:
    """The name of the last response the assistant sent, i.e. the question a short reply answers."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def sender_channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


def latest_text_and_intent(tracker: Tracker) -> tuple[str, str | None]:
    message = tracker.latest_message or {}
    return message.get("text") or "", (message.get("intent") or {}).get("name")


def intent_confidence(tracker: Tracker) -> float:
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)


def report_form_active(tracker: Tracker) -> bool:
    return (tracker.active_loop or {}).get("name") == "report_form"


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(response=reply.response, **reply.values)


def cleared_report_slots() -> List[Dict[str, Any]]:
    """After a report ends, the form's markers are reset so the next report starts empty."""
    names = list(REPORT_SLOTS.values()) + ["report_kind", "requested_slot"]
    return [SlotSet(name, None) for name in names] + [SlotSet("report_tries", 0.0)]


class ActionReadMessage(Action):
    """Runs on every user message (a custom slot mapping): reply language, and what a short reply means."""

    def name(self) -> str:
        return "action_read_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        text, intent = latest_text_and_intent(tracker)
        prompt = last_prompt(tracker)
        first_message = sum(1 for event in tracker.events if event.get("event") == "user") <= 1
        language, locked = next_language(
            text, tracker.get_slot("language"), bool(tracker.get_slot("language_locked")), prompt, first_message
        )
        reading = read_reply(text, intent, prompt)
        menu_choice = reading.menu_choice
        events = [SlotSet("language", language), SlotSet("language_locked", locked)]
        events += [SlotSet(slot, value) for slot, value in reading.slots.items() if slot in ANSWER_SLOTS]
        channel, sender = sender_channel(tracker), tracker.sender_id
        if report_form_active(tracker):
            requested = tracker.get_slot("requested_slot") or ""
            turn = continue_report(
                text, intent, intent_confidence(tracker), requested.removeprefix("report_") or None,
                tracker.get_slot("report_kind") or "recruitment", float(tracker.get_slot("report_tries") or 0),
                channel, sender, language,
            )
            events += [SlotSet(slot, value) for slot, value in turn.slots.items()]
            menu_choice = turn.menu_choice or (menu_choice if turn.reject else None)
        elif intent in REPORT_INTENTS and menu_choice is None:
            turn = start_report(REPORT_INTENTS[intent], text, channel, sender, language)
            events += [SlotSet(slot, value) for slot, value in turn.slots.items()]
        elif prompt == REPORT_WHAT_PROMPT and menu_choice is None and intent in ANSWER_LIKE_INTENTS:
            turn = start_report("recruitment", text, channel, sender, language)
            events += [SlotSet(slot, value) for slot, value in turn.slots.items()]
            menu_choice = "report_start"
        elif menu_choice is None and looks_like_status_request(text):
            menu_choice = "report_status"
        events.append(SlotSet("menu_choice", menu_choice))
        return events


class ActionAnswer(Action):
    """Sends the reviewed facts (bot/data/facts.yml) that answer the question, in the person's language."""

    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        _, intent = latest_text_and_intent(tracker)
        topic = topic_for(tracker.get_slot("menu_choice"), intent)
        if topic is None:
            return []
        context = {slot: tracker.get_slot(slot) for slot in ANSWER_SLOTS}
        case = find_case(sender_channel(tracker), tracker.sender_id) if topic in CASE_TOPICS else None
        for text in answer_texts(topic, tracker.get_slot("language") or "hi", context, case):
            dispatcher.utter_message(text=text)
        return []


class ActionSendLetter(Action):
    """Sends the school admission request filled with the child's details (English and Hindi)."""

    def name(self) -> str:
        return "action_send_letter"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        text, _ = latest_text_and_intent(tracker)
        details = parse_details(text)
        if details is None:  # the rules only come here after read_reply parsed it; stay safe anyway
            dispatcher.utter_message(response="utter_letter_not_understood")
            return []
        for message in letter_messages(details):
            dispatcher.utter_message(text=message)
        return []


class ActionRecordCallback(Action):
    """Stores a call-back request; only reached after the person said yes to being called."""

    def name(self) -> str:
        return "action_record_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        channel, address = contacts.reach(sender_channel(tracker), tracker.sender_id)
        request_id = contacts.record_callback_request(channel, address, tracker.get_slot("language"))
        logger.info("call-back request %s recorded", request_id)
        return []


class ActionOptOut(Action):
    """Marks the person as not to be contacted by the helpline's own messages (check-ins, reminders)."""

    def name(self) -> str:
        return "action_opt_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        channel, address = contacts.reach(sender_channel(tracker), tracker.sender_id)
        contacts.set_opted_out(channel, address, True, tracker.get_slot("language"))
        return [SlotSet("opted_out", True)]


class ActionAskReportDistrict(Action):
    """Asks where it happened; after an answer that is not a district, says so (the form asks again)."""

    def name(self) -> str:
        return "action_ask_report_district"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        retry = float(tracker.get_slot("report_tries") or 0) > 0
        dispatcher.utter_message(response="utter_report_district_not_found" if retry else "utter_ask_report_district")
        return []


class ActionAskReportContact(Action):
    """Asks for consent to be called back / to share the number; after an unclear answer, lists the choices."""

    def name(self) -> str:
        return "action_ask_report_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        retry = float(tracker.get_slot("report_tries") or 0) > 0
        dispatcher.utter_message(response="utter_report_contact_invalid" if retry else "utter_ask_report_contact")
        return []


class ActionSubmitReport(Action):
    """The form is complete: the report is stored and queued for its NGO, and the person gets the reference."""

    def name(self) -> str:
        return "action_submit_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        stopped = tracker.get_slot("menu_choice") == "report_stop"
        send(dispatcher, finish_report(sender_channel(tracker), tracker.sender_id, stopped,
                                       tracker.get_slot("language")))
        return cleared_report_slots()


class ActionLeaveReport(Action):
    """The person turned to another question mid-report: what they said is sent (or dropped if empty)."""

    def name(self) -> str:
        return "action_leave_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        send(dispatcher, leave_report(sender_channel(tracker), tracker.sender_id, tracker.get_slot("language")))
        return [ActiveLoop(None)] + cleared_report_slots()


class ActionResumeReport(Action):
    """Back to the report after an interruption (emergency numbers, a language change): slots from the draft."""

    def name(self) -> str:
        return "action_resume_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        stored = load_draft(sender_channel(tracker), tracker.sender_id)
        if stored is None:
            return []
        kind, fields = stored
        events = [SlotSet(slot, value) for slot, value in slots_from_draft(kind, fields).items()]
        return events + [SlotSet("report_kind", kind), SlotSet("requested_slot", None)]


class ActionReportStatus(Action):
    """ "status CODE": received / acknowledged / closed, and nothing more."""

    def name(self) -> str:
        return "action_report_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        text, _ = latest_text_and_intent(tracker)
        send(dispatcher, status_reply(text))
        return []
