"""What a short reply meant: the values of the slot `menu_choice`, which the rules in data/rules/ key on.

`Choice` is a `str` enum, so `SlotSet("menu_choice", Choice.CONSENT_YES)` and the rules see the very same strings as
before; tests/test_dialogue_contract.py checks that these values are exactly the slot's categorical values in
domain.yml and exactly the values the rules and stories test for.
"""

from __future__ import annotations

from enum import Enum


class Choice(str, Enum):
    """The meaning of a message as a reply, set by action_read_message (bot/message_readers.py)."""

    # The main menu (utter_menu); "0" always brings the menu back.
    MENU = "menu"
    COMPENSATION = "compensation"
    SCHOOL = "school"
    REPORT = "report"
    CASE = "case"
    HUMAN = "human"
    LANGUAGE = "language"
    INVALID = "invalid"  # a number that is not on the menu
    # The language menu (utter_ask_language) and "Hindi mein bolo" anywhere.
    LANGUAGE_SET = "language_set"
    INVALID_LANGUAGE = "invalid_language"
    # "Shall someone call you back?" (utter_ask_callback_consent)
    CONSENT_YES = "consent_yes"
    CONSENT_NO = "consent_no"
    INVALID_CONSENT = "invalid_consent"
    # The quick questions that tailor the compensation answer.
    PLACE_ANSWERED = "place_answered"
    AGE_ANSWERED = "age_answered"
    # "Reply N for more" after an answer.
    COMP_PAPERS = "comp_papers"
    COMP_WHERE = "comp_where"
    COMP_STATUS = "comp_status"
    COMP_OTHER = "comp_other"
    SCHOOL_REFUSED = "school_refused"
    SCHOOL_LETTER = "school_letter"
    SCHOOL_OVER14 = "school_over14"
    CASE_RIGHTS = "case_rights"
    CASE_FOLLOWUP = "case_followup"
    # The school admission letter's details.
    LETTER_DETAILS = "letter_details"
    LETTER_INVALID = "letter_invalid"
    # Reports (bot/reports/conversation.py).
    REPORT_START = "report_start"
    REPORT_STOP = "report_stop"
    REPORT_LEAVE = "report_leave"
    REPORT_STATUS = "report_status"
    # Check-ins (bot/followup/conversation.py).
    CHECKIN_ANSWER = "checkin_answer"
    CHECKIN_UNCLEAR = "checkin_unclear"
    CHECKIN_LANGUAGE = "checkin_language"
    # A family asks to be followed up (bot/followup/family.py), and restarts stopped check-ins.
    FOLLOWUP_YES = "followup_yes"
    FOLLOWUP_NO = "followup_no"
    FOLLOWUP_DISTRICT = "followup_district"
    FOLLOWUP_DISTRICT_RETRY = "followup_district_retry"
    FOLLOWUP_NO_DISTRICT = "followup_no_district"
    FOLLOWUP_RESTART = "followup_restart"
    # Discreet mode for a shared phone (bot/discreet.py): asked for (menu 7 or its words), a code word chosen or
    # refused, the code word sent (everything stops), "clear the chat".
    DISCREET = "discreet"
    DISCREET_ON = "discreet_on"
    DISCREET_WORD_REFUSED = "discreet_word_refused"
    DISCREET_STOP = "discreet_stop"
    DISCREET_CLEAR = "discreet_clear"

    def __str__(self) -> str:
        return self.value


def slot_value(value: object) -> object:
    """A slot value as Rasa should store it: a Choice becomes its plain string, anything else is kept."""
    return value.value if isinstance(value, Choice) else value
