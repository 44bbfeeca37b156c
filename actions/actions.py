"""Custom actions for the helpline. Business logic lives in `bot/`; these only translate between Rasa and it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answers import CASE_TOPICS, answer_texts, topic_for
from bot.cases import find_case
from bot.language_state import next_language
from bot.letters import letter_messages, parse_details
from bot.menu import read_reply
from bot.store import contacts

logger = logging.getLogger(__name__)

# Slots filled from a reply to a quick question (see bot.menu.QUICK_QUESTIONS).
ANSWER_SLOTS = ("rescue_place", "child_age")


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
        events = [
            SlotSet("language", language),
            SlotSet("language_locked", locked),
            SlotSet("menu_choice", reading.menu_choice),
        ]
        events += [SlotSet(slot, value) for slot, value in reading.slots.items() if slot in ANSWER_SLOTS]
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
        request_id = contacts.record_callback_request(
            sender_channel(tracker), tracker.sender_id, tracker.get_slot("language")
        )
        logger.info("call-back request %s recorded", request_id)
        return []


class ActionOptOut(Action):
    """Marks the person as not to be contacted by the helpline's own messages (check-ins, reminders)."""

    def name(self) -> str:
        return "action_opt_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        contacts.set_opted_out(sender_channel(tracker), tracker.sender_id, True, tracker.get_slot("language"))
        return [SlotSet("opted_out", True)]
