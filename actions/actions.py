"""Custom actions for the helpline. Business logic lives in `bot/`; these only translate between Rasa and it."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import discreet
from bot.answers import CASE_TOPICS, answer_texts, topic_for
from bot.cases import find_case
from bot.dialogue.choices import Choice, slot_value
from bot.followup.conversation import prompt_checkin
from bot.followup.family import (
    EnrolmentError,
    case_state,
    district_in,
    request_enrolment,
    restart_checkins,
    stop_checkins,
)
from bot.letters import letter_messages, parse_details
from bot.message_readers import ANSWER_SLOTS, Message, read_message
from bot.reports.conversation import REPORT_SLOTS, slots_from_draft
from bot.reports.dialogue import Reply, district_for_reply, finish_report, leave_report, status_reply
from bot.reports.drafts import load_draft
from bot.store import contacts
from bot.store.db import session_scope

logger = logging.getLogger(__name__)

# What the family is told after an answer that raised an alert (bot/followup/alerts.py tells the NGO).
ADVICE = {"agent_approach": "utter_checkin_advice_agent", "away_from_home": "utter_checkin_advice_away",
          "family_need": "utter_checkin_advice_need"}


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


def input_channel(tracker: Tracker) -> str | None:
    """The Rasa input channel as is (None before any message): bot.followup maps it to the family's channel."""
    return tracker.get_latest_input_channel()


def message_of(tracker: Tracker) -> Message:
    """What the readers (bot/message_readers.py) need to know of the latest user message."""
    text, intent = latest_text_and_intent(tracker)
    return Message(
        text=text, intent=intent, confidence=intent_confidence(tracker), prompt=last_prompt(tracker),
        first_message=sum(1 for event in tracker.events if event.get("event") == "user") <= 1,
        language=tracker.get_slot("language"), language_locked=bool(tracker.get_slot("language_locked")),
        input_channel=input_channel(tracker), sender=tracker.sender_id, report_form=report_form_active(tracker),
        requested_slot=tracker.get_slot("requested_slot"), report_kind=tracker.get_slot("report_kind"),
        report_tries=float(tracker.get_slot("report_tries") or 0),
    )


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
        # bot.message_readers.READERS in order: the first that recognises the message says which slots to set.
        return [SlotSet(name, slot_value(value)) for name, value in read_message(message_of(tracker))]


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
        language = tracker.get_slot("language") or "hi"
        case = find_case(input_channel(tracker), tracker.sender_id, language) if topic in CASE_TOPICS else None
        for text in answer_texts(topic, language, context, case):
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
        with session_scope() as session:
            channel, address = contacts.reach(session, sender_channel(tracker), tracker.sender_id)
            request_id = contacts.record_callback_request(session, channel, address, tracker.get_slot("language"))
        logger.info("call-back request %s recorded", request_id)
        return []


class ActionOptOut(Action):
    """Marks the person as not to be contacted by the helpline's own messages (check-ins, reminders); a family with a
    case has its check-ins stopped (the NGO is told) and is told how to restart them."""

    def name(self) -> str:
        return "action_opt_out"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        with session_scope() as session:
            stopped = stop_checkins(session, input_channel(tracker), tracker.sender_id,
                                    language=tracker.get_slot("language"))
        if stopped.found:
            dispatcher.utter_message(response="utter_checkins_stopped", code=stopped.reference)
        else:
            dispatcher.utter_message(response="utter_opted_out")
        return [SlotSet("opted_out", True)]


class ActionRestartCheckins(Action):
    """A family that stopped its check-ins writes START: the check-ins not yet due are scheduled again."""

    def name(self) -> str:
        return "action_restart_checkins"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        with session_scope() as session:
            restarted = restart_checkins(session, input_channel(tracker), tracker.sender_id,
                                         language=tracker.get_slot("language"))
        if not restarted.found:  # the rule only comes here for an opted-out case; stay safe anyway
            dispatcher.utter_message(response="utter_menu")
            return []
        dispatcher.utter_message(response="utter_checkins_restarted", code=restarted.reference)
        return [SlotSet("opted_out", False)]


class ActionCheckinPrompt(Action):
    """The follow-up worker started a check-in (EXTERNAL_checkin): intro (or reminder) and the current question."""

    def name(self) -> str:
        return "action_checkin_prompt"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        with session_scope() as session:
            prompt = prompt_checkin(session, input_channel(tracker), tracker.sender_id)
        if prompt is None:  # nothing open for this conversation (answered, stopped, or not a case)
            return []
        opening = "utter_checkin_reminder" if prompt.reminder else "utter_checkin_intro"
        dispatcher.utter_message(response=opening, code=prompt.reference)
        dispatcher.utter_message(response=prompt.question)
        return []


class ActionCheckinNext(Action):
    """After a reply to a check-in question: advice for any alert it raised, then the next question or thanks; after an
    unclear reply (or a change of language), the same question again."""

    def name(self) -> str:
        return "action_checkin_next"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        following = tracker.get_slot("checkin_next")
        if tracker.get_slot("menu_choice") == Choice.CHECKIN_UNCLEAR:
            dispatcher.utter_message(response="utter_checkin_unclear")
        else:
            for reason in tracker.get_slot("checkin_raised") or []:
                if reason in ADVICE:
                    dispatcher.utter_message(response=ADVICE[reason])
        dispatcher.utter_message(response=following or "utter_checkin_thanks")
        return [SlotSet("checkin_next", None), SlotSet("checkin_raised", None)]


class ActionOfferFollowup(Action):
    """Offers check-ins to a family that asks to be followed up (or has just read who must follow up); a family that
    already has a case is told its reference instead."""

    def name(self) -> str:
        return "action_offer_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        with session_scope() as session:
            state = case_state(session, input_channel(tracker), tracker.sender_id)
        after_answer = tracker.get_slot("menu_choice") == Choice.CASE_FOLLOWUP
        if state is None:
            dispatcher.utter_message(response="utter_followup_offer")
        elif after_answer:
            dispatcher.utter_message(response="utter_case_more")
        else:
            dispatcher.utter_message(response="utter_followup_already", code=state[0])
        return []


class ActionRequestFollowup(Action):
    """The family agreed and named its district: a pending case and a request to the district NGO, which confirms."""

    def name(self) -> str:
        return "action_request_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        text, _ = latest_text_and_intent(tracker)
        district = district_in(text)
        language = tracker.get_slot("language") or "hi"
        if district is None:  # the rules only come here after the district was read; stay safe anyway
            dispatcher.utter_message(response="utter_followup_ask_district")
            return []
        try:
            with session_scope() as session:
                reference = request_enrolment(session, input_channel(tracker), tracker.sender_id, district, language)
        except EnrolmentError as error:
            logger.warning("enrolment request refused: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_followup_failed")
            return []
        except Exception:  # the family must get an answer, whatever broke
            logger.exception("enrolment request could not be stored")
            dispatcher.utter_message(response="utter_followup_failed")
            return []
        logger.info("enrolment requested by a family")
        dispatcher.utter_message(response="utter_followup_requested", code=reference,
                                 district=district_for_reply(district, language))
        return []


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
        stopped = tracker.get_slot("menu_choice") == Choice.REPORT_STOP
        with session_scope() as session:
            reply = finish_report(session, sender_channel(tracker), tracker.sender_id, stopped,
                                  tracker.get_slot("language"))
        send(dispatcher, reply)
        if not stopped and not tracker.get_slot("discreet"):
            dispatcher.utter_message(response="utter_discreet_offer")  # "shared phone? reply 7"
        return cleared_report_slots()


class ActionLeaveReport(Action):
    """The person turned to another question mid-report: what they said is sent (or dropped if empty)."""

    def name(self) -> str:
        return "action_leave_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        with session_scope() as session:
            reply = leave_report(session, sender_channel(tracker), tracker.sender_id, tracker.get_slot("language"))
        send(dispatcher, reply)
        return [ActiveLoop(None)] + cleared_report_slots()


class ActionResumeReport(Action):
    """Back to the report after an interruption (emergency numbers, a language change): slots from the draft."""

    def name(self) -> str:
        return "action_resume_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        with session_scope() as session:
            stored = load_draft(session, sender_channel(tracker), tracker.sender_id)
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
        with session_scope() as session:
            reply = status_reply(session, text)
        send(dispatcher, reply)
        return []


class ActionDiscreetOn(Action):
    """Discreet mode is on (action_read_message stored the code word): the confirmation, then how to clear the chat
    on the person's channel (on Telegram: write "clear"; on WhatsApp and SMS: how to do it by hand)."""

    def name(self) -> str:
        return "action_discreet_on"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response="utter_discreet_on")
        dispatcher.utter_message(response=discreet.clear_tip(discreet.channel_of(input_channel(tracker),
                                                                                 tracker.sender_id)))
        return []


class ActionStaySilent(Action):
    """The code word was sent (action_read_message stopped everything): nothing is sent back, and no form goes on.
    During a report what was said stays a draft, sent anonymously by the draft-expiry job."""

    def name(self) -> str:
        return "action_stay_silent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        return [ActiveLoop(None)] + (cleared_report_slots() if report_form_active(tracker) else [])


class ActionClearChat(Action):
    """"Clear the chat": on Telegram the helpline's own messages of this chat are deleted; elsewhere the person is
    told that a bot cannot, and how to do it."""

    def name(self) -> str:
        return "action_clear_chat"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response=await discreet.clear_chat(input_channel(tracker), tracker.sender_id))
        return []
