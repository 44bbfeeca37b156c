"""The report form's fields and what one message says about them (pure data, no reading)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.questions import CONTACT_CHOICES  # noqa: F401  (the consent options belong to the question)

FIELDS = ("district", "place", "what", "children", "destination", "transport", "agent", "contact")
UNKNOWN = "unknown"  # the person said they do not know / skip
KINDS = ("recruitment", "missing", "emergency")
MAX_ANSWER_CHARS = 500
FREE_TEXT_FIELDS = ("place", "what", "transport", "agent")  # plus "children" -> children_text
MAX_COUNT = 99  # "100"/"112" are police numbers, not a number of children
MAX_AGE = 25  # "2 saal" is an age only in an age context; older "children" are not a report's children
TRAIN_DIGITS = 5  # Indian train numbers have five digits
DESCRIPTION_MIN_TOKENS = 4  # a first message shorter than this is a request, not a description
DESCRIPTION_MIN_CONTENT = 2  # ... and so is one with fewer words that are not "report/shikayat/dalal/..."
SHORT_ANSWER_TOKENS = 2  # a bare answer ("nawda") may be looked up fuzzily in the gazetteer


@dataclass(frozen=True)
class Children:
    """How many children and which ages were given (either may be missing)."""

    count: int | None
    ages: tuple[int, ...]


@dataclass(frozen=True)
class Intake:
    """What one message says about a report. Only fields found in this message are set."""

    district: str | None = None  # gazetteer district name (District.name), or UNKNOWN
    district_state: str | None = None  # e.g. "Bihar" / "Rajasthan" for the matched district
    place: str | None = None  # free text or UNKNOWN
    what: str | None = None  # free text or UNKNOWN
    children: Children | None = None
    children_text: str | None = None  # the free-text answer to the children question, or UNKNOWN
    destination: str | None = None  # gazetteer district name, else free text (e.g. "Delhi", "Surat"), or UNKNOWN
    transport: str | None = None  # free text or UNKNOWN
    train_number: str | None = None  # 5 digits when a train number is given
    agent: str | None = None  # free text or UNKNOWN
    agent_phone: str | None = None  # "+91XXXXXXXXXX", only for the agent's number
    contact: str | None = None  # "share" | "callback" | "anonymous"
    stop: bool = False  # the person wants to stop the report
    correction: bool = False  # the message corrects an earlier answer (fields set here overwrite)
    unreadable: bool = False  # the asked field could not be read from the message
