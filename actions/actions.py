"""Custom actions for the helpline. Business logic lives in `bot/`; these only translate between Rasa and it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.language_state import next_language
from bot.menu import interpret_reply
from bot.store import contacts

logger = logging.getLogger(__name__)


def last_prompt(tracker: Tracker) -> str | None:
    """The name of the last response the assistant sent, i.e. the question a short reply answers."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def sender_channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


class ActionReadMessage(Action):
    """Runs on every user message (a custom slot mapping): reply language, and what a short reply means."""

    def name(self) -> str:
        return "action_read_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        intent = (message.get("intent") or {}).get("name")
        prompt = last_prompt(tracker)
        language, locked = next_language(
            text, tracker.get_slot("language"), bool(tracker.get_slot("language_locked")), prompt
        )
        return [
            SlotSet("language", language),
            SlotSet("language_locked", locked),
            SlotSet("menu_choice", interpret_reply(text, intent, prompt)),
        ]


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
