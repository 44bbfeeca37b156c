"""Follow-up commands an NGO sends from its registered number or chat (SMS, WhatsApp, Telegram):

    ENROL +91XXXXXXXXXX Gaya 01-11-2026 [age 12] [hi|bho|en|hinglish] [whatsapp|sms]   (also ENROLL, नामांकन)
    CASE 4829317                          the case's stages and next check-in
    CASE 4829317 school enrolled [school name]
    CASE 4829317 clts applied [DD-MM-YYYY]

`bot.ngo_commands.handle_ngo_message` calls `handle_followup_command` for registered NGOs only, so
nobody else can enrol or change a case. An NGO may change a case it enrolled or one of a district whose escalation
order it is in, or of its own state when it is a state desk (the reports' rule, `bot.reports.access`). A mistake gets
a reply saying what was wrong and the format, in the NGO's language (en or hi).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from bot.followup.cases import (
    Enrolment,
    EnrolmentError,
    case_for_contact,
    create_case,
    normalise_address,
    set_claim,
    set_school,
)
from bot.followup.coordinator import first_contact_day
from bot.followup.schedule import today_in_india
from bot.followup.words import CLAIM_STAGES, SCHEMES, SCHOOL_STAGES
from bot.gazetteer import load_gazetteer
from bot.replies import text as reply_text
from bot.reports.access import district_scope
from bot.reports.codes import is_valid
from bot.reports.outbox import audit
from bot.store.db import row_matches
from bot.store.models import FollowupCase, Ngo, Report
from bot.text.normalise import ascii_digits
from bot.text.tokens import command_words as _tokens

ENROL_WORDS = frozenset({"enrol", "enroll", "enrolment", "enrollment", "नामांकन"})
CASE_WORDS = frozenset({"case", "केस"})
FAMILY_CHANNELS = {"sms": "sms", "whatsapp": "whatsapp", "wa": "whatsapp", "व्हाट्सएप": "whatsapp"}
LANGUAGE_WORDS = {"hi": "hi", "hindi": "hi", "हिंदी": "hi", "हिन्दी": "hi", "bho": "bho", "bhojpuri": "bho",
                  "भोजपुरी": "bho", "en": "en", "english": "en", "hinglish": "hi-Latn", "hi-latn": "hi-Latn",
                  "roman": "hi-Latn", "mai": "mai", "maithili": "mai", "मैथिली": "mai", "ur": "ur", "urdu": "ur",
                  "उर्दू": "ur"}
AGE_WORDS = frozenset({"age", "umar", "umra", "umr", "उम्र", "उमर", "आयु"})
YEAR_WORDS = frozenset({"yrs", "years", "year", "yr", "saal", "sal", "varsh", "साल", "वर्ष", "बरस"})
SCHOOL_WORDS = frozenset({"school", "स्कूल", "vidyalay", "विद्यालय"})

SCHOOL_ALIASES = {
    **{stage: stage for stage in SCHOOL_STAGES},
    "notenrolled": "not_enrolled", "none": "not_enrolled", "no": "not_enrolled", "nahi": "not_enrolled",
    "enroled": "enrolled", "admitted": "enrolled", "admission": "enrolled", "dakhila": "enrolled",
    "daakhila": "enrolled", "दाखिला": "enrolled",
    "bridge": "bridge_class", "bridgeclass": "bridge_class",
    "going": "attending", "regular": "attending", "attends": "attending",
}
CLAIM_ALIASES = {
    **{stage: stage for stage in CLAIM_STAGES},
    "notstarted": "not_started", "none": "not_started",
    "apply": "applied", "aavedan": "applied", "आवेदन": "applied",
    "sanction": "sanctioned", "approved": "sanctioned", "manzoor": "sanctioned", "मंज़ूर": "sanctioned",
    "मंजूर": "sanctioned",
    "received": "paid", "mila": "paid", "मिला": "paid",
}
SCHEME_ALIASES = {
    **{scheme: scheme for scheme in SCHEMES},
    "clf": "child_labour_fund", "fund": "child_labour_fund", "childlabourfund": "child_labour_fund",
    "kosh": "child_labour_fund", "bonded": "bonded_labour", "bandhua": "bonded_labour", "wages": "back_wages",
    "backwages": "back_wages", "mazdoori": "back_wages", "victim": "victim_compensation", "vcs": "victim_compensation",
}

_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$")
_AGE_JOINED = re.compile(r"^(?:age|umar|umra|umr|उम्र|उमर|आयु)[:=]?(\d{1,2})$")
_PHONE_START = re.compile(r"^(?:whatsapp:)?(?:\+|00)\d")
_DIGIT_GROUP = re.compile(r"^\d[\d-]*$")
_CODE = re.compile(r"^\s*(\d{3})[\s-]?(\d{4})(?!\d)\s*(.*)$", re.S)

ENROL_FORMAT = "ENROL +91XXXXXXXXXX district DD-MM-YYYY [age N guardian] [hi|bho|en|hinglish] [whatsapp|sms]"
# "guardian": the NGO checked who the child's guardian is and has their consent (DPDP Act s.9(1), Rule 10).
GUARDIAN_WORDS = frozenset({"guardian", "guardian-consent", "abhibhavak", "अभिभावक"})
CASE_FORMAT = "CASE number school enrolled|bridge_class|attending [school]  /  CASE number clts applied|sanctioned|paid"

class CommandProblem(ValueError):
    """What is wrong with a command: a key of the catalogue's `ngo.command.problem.*` and the offending value."""

    def __init__(self, key: str, value: str = "") -> None:
        super().__init__(key)
        self.key, self.value = key, value


@dataclass(frozen=True)
class EnrolCommand:
    address: str
    channel: str
    district: str  # canonical name
    returned_on: date
    language: str = "hi"
    child_age: int | None = None
    guardian_consent: bool = False  # the NGO says it checked the guardian and has their consent ("guardian")


@dataclass(frozen=True)
class CaseCommand:
    reference: str
    what: str  # status | school | claim
    stage: str | None = None
    scheme: str | None = None
    school_name: str | None = None
    on: date | None = None


def _reply(ngo: Ngo, action: str, **values: object) -> tuple[str, str]:
    """A reply in the NGO's language (the catalogue's `ngo.command.*`; Hindi unless the NGO works in English)."""
    return action, reply_text(f"ngo.command.{action}", ngo.language, **values)


def _problem(ngo: Ngo, action: str, problem: CommandProblem) -> tuple[str, str]:
    what = reply_text(f"ngo.command.problem.{problem.key}", ngo.language, value=problem.value,
                      school_stages=", ".join(SCHOOL_STAGES), claim_stages=", ".join(CLAIM_STAGES),
                      schemes=", ".join(SCHEMES))
    return _reply(ngo, action, problem=what, format=ENROL_FORMAT if action == "enrol_error" else CASE_FORMAT)


def command_word(text: str) -> str | None:
    """"enrol" or "case" when the message is one of these commands, else None."""
    tokens = _tokens(text)
    if not tokens:
        return None
    word = tokens[0].lower().rstrip(":.-")
    return "enrol" if word in ENROL_WORDS else "case" if word in CASE_WORDS else None


def parse_date(value: str) -> date:
    """DD-MM-YYYY (also with / or .), or YYYY-MM-DD. Raises CommandProblem("bad_date")."""
    match = _DATE.match(value)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = _ISO_DATE.match(value)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        pass
    raise CommandProblem("bad_date", value)


def _looks_like_date(token: str) -> bool:
    return bool(_DATE.match(token) or _ISO_DATE.match(token) or _SHORT_YEAR.match(token))


def _enrol_words(tokens: list[str]) -> tuple[str | None, date | None, int | None, str, str, list[str], bool]:
    """ENROL's words read: phone number (as written), return date, age, language, channel and the other words (the
    district); `parse_enrol` checks them. Raises CommandProblem for a word it cannot place."""
    phone: str | None = None
    returned: date | None = None
    age: int | None = None
    language, channel = "hi", "sms"
    rest: list[str] = []
    guardian = False
    i = 0
    while i < len(tokens):
        token, low = tokens[i], tokens[i].lower()
        if phone is None and _PHONE_START.match(low):
            phone = token
            # "+91 99999 99999": digit groups after the country code, until there are enough digits for a number
            while (i + 1 < len(tokens) and _DIGIT_GROUP.match(tokens[i + 1]) and not _looks_like_date(tokens[i + 1])
                   and sum(ch.isdigit() for ch in phone) < 10):
                i += 1
                phone += tokens[i]
        elif _looks_like_date(token):
            if returned is not None:
                raise CommandProblem("unclear", token)
            returned = parse_date(token)
        elif low in AGE_WORDS or low.rstrip(":=") in AGE_WORDS:
            if i + 1 >= len(tokens) or not tokens[i + 1].isdigit():
                raise CommandProblem("bad_age")
            i += 1
            age = int(tokens[i])
        elif _AGE_JOINED.match(low):
            age = int(_AGE_JOINED.match(low).group(1))  # type: ignore[union-attr]
        elif low.isdigit() and len(low) <= 2 and i + 1 < len(tokens) and tokens[i + 1].lower() in YEAR_WORDS:
            age = int(low)
            i += 1
        elif low in GUARDIAN_WORDS:
            guardian = True
        elif low in LANGUAGE_WORDS:
            language = LANGUAGE_WORDS[low]
        elif low in FAMILY_CHANNELS:
            channel = FAMILY_CHANNELS[low]
        elif any(ch.isdigit() for ch in token):
            if phone is None and sum(ch.isdigit() for ch in token) >= 8:
                raise CommandProblem("no_country_code")
            raise CommandProblem("unclear", token)
        else:
            rest.append(token)
        i += 1
    return phone, returned, age, language, channel, rest, guardian


def parse_enrol(text: str, today: date) -> EnrolCommand:
    """Read an ENROL message (the words may come in any order after the phone number). Raises CommandProblem."""
    phone, returned, age, language, channel, rest, guardian = _enrol_words(_tokens(text)[1:])
    if phone is None:
        raise CommandProblem("no_phone")
    try:
        address = normalise_address(channel, phone)
    except EnrolmentError:
        raise CommandProblem("bad_phone") from None
    if not rest:
        raise CommandProblem("no_district")
    district = load_gazetteer().lookup(" ".join(rest))
    if district is None:
        raise CommandProblem("unknown_district", " ".join(rest))
    if returned is None:
        raise CommandProblem("no_date")
    if returned > today:
        raise CommandProblem("future_date", returned.strftime("%d-%m-%Y"))
    if returned < today - timedelta(days=731):
        raise CommandProblem("too_old", returned.strftime("%d-%m-%Y"))
    if age is not None and not 0 < age < 19:
        raise CommandProblem("bad_age")
    if age is not None and age < 18 and not guardian:
        raise CommandProblem("no_guardian_consent")
    return EnrolCommand(address, channel, district.name, returned, language, age, guardian)


def _stage(tokens: list[str], aliases: dict[str, str]) -> tuple[str | None, int]:
    """The stage the first one or two tokens name ("not enrolled", "bridge-class", "paid"), and tokens used."""
    if len(tokens) >= 2:
        two = f"{tokens[0]}_{tokens[1]}".lower().replace("-", "_")
        if two in aliases or two.replace("_", "") in aliases:
            return aliases.get(two) or aliases[two.replace("_", "")], 2
    if tokens:
        one = tokens[0].lower().replace("-", "_")
        if one in aliases or one.replace("_", "") in aliases:
            return aliases.get(one) or aliases[one.replace("_", "")], 1
    return None, 0


def parse_case(text: str) -> CaseCommand:
    """Read a CASE message. Raises CommandProblem."""
    rest = ascii_digits(text).strip().split(None, 1)
    match = _CODE.match(rest[1] if len(rest) > 1 else "")
    if not match:
        raise CommandProblem("no_reference")
    reference, tokens = match.group(1) + match.group(2), _tokens(match.group(3))
    if not tokens:
        return CaseCommand(reference, "status")
    if tokens[0].lower() in SCHOOL_WORDS:
        stage, used = _stage(tokens[1:], SCHOOL_ALIASES)
        if stage is None:
            raise CommandProblem("bad_school_stage")
        name = " ".join(tokens[1 + used:]).strip() or None
        return CaseCommand(reference, "school", stage=stage, school_name=name)
    scheme, used = _stage(tokens, SCHEME_ALIASES)
    if scheme is None:
        raise CommandProblem("bad_scheme", tokens[0])
    stage, stage_used = _stage(tokens[used:], CLAIM_ALIASES)
    if stage is None:
        raise CommandProblem("bad_claim_stage")
    extra = tokens[used + stage_used:]
    on = parse_date(extra[0]) if extra else None
    if len(extra) > 1:
        raise CommandProblem("unclear", extra[1])
    return CaseCommand(reference, "claim", stage=stage, scheme=scheme, on=on)


def cases_scope_filter(ngo: Ngo) -> ColumnElement[bool]:
    """A where-clause on `FollowupCase`: the cases `ngo` may change (and, in the web console, see).

    The NGO enrolled or confirmed the case, or the case's district is one it may act for under the reports' rule
    (`bot.reports.access.district_scope`: in the district's escalation chain, or the state desk of the district's
    own state) — so, as for reports, a state desk has no say over the other state's cases. Inactive NGOs: none."""
    if not ngo.active:
        return false()
    return or_(FollowupCase.ngo_id == ngo.id, district_scope(ngo, FollowupCase.district))


def may_change(session: Session, ngo: Ngo, case: FollowupCase) -> bool:
    """May `ngo` change (or read the status of) `case`? The same question as `cases_scope_filter`, for one case."""
    return ngo.active and row_matches(session, FollowupCase, case.id, cases_scope_filter(ngo))


def handle_followup_command(session: Session, ngo: Ngo, channel: str, text: str, now: datetime
                            ) -> tuple[str, str] | None:
    """(action, reply) for an ENROL or CASE message from a registered NGO; None when the text is neither."""
    word = command_word(text)
    if word == "enrol":
        return _enrol(session, ngo, channel, text, now)
    if word == "case":
        return _case(session, ngo, channel, text, now)
    return None


def _enrol(session: Session, ngo: Ngo, channel: str, text: str, now: datetime) -> tuple[str, str]:
    try:
        command = parse_enrol(text, today_in_india(now))
    except CommandProblem as problem:
        return _problem(ngo, "enrol_error", problem)
    existing = case_for_contact(session, command.channel, command.address)
    if existing is not None:
        return _reply(ngo, "exists", ref=existing.reference)
    enrolment = Enrolment(channel=command.channel, address=command.address, district=command.district,
                          returned_on=command.returned_on, language=command.language, child_age=command.child_age,
                          guardian_consent="checked by the NGO (ENROL message)" if command.guardian_consent else None)
    try:
        case = create_case(session, enrolment, ngo, "active", now, f"ngo:{ngo.key}")
    except EnrolmentError as error:
        return _problem(ngo, "enrol_error", CommandProblem("other", str(error)))
    audit(session, None, f"ngo:{ngo.key}", "case_enrol_command", f"case {case.reference} via {channel}", now)
    first = first_contact_day(case, now)
    return _reply(ngo, "enrolled", ref=case.reference, district=case.district,
                  returned=case.returned_on.strftime("%d-%m-%Y"), channel=case.channel, language=case.language,
                  first=first.strftime("%d-%m-%Y") if first else "-")


def _case(session: Session, ngo: Ngo, channel: str, text: str, now: datetime) -> tuple[str, str]:
    try:
        command = parse_case(text)
    except CommandProblem as problem:
        return _problem(ngo, "case_error", problem)
    case = session.execute(select(FollowupCase).where(FollowupCase.reference == command.reference)
                           ).scalar_one_or_none() if is_valid(command.reference) else None
    if case is None:
        return _reply(ngo, "case_not_found", ref=command.reference)
    if not may_change(session, ngo, case):
        audit(session, None, f"ngo:{ngo.key}", "case_refused", f"case {case.reference} via {channel}", now)
        return _reply(ngo, "case_not_yours", ref=case.reference)
    actor = f"ngo:{ngo.key}"
    if command.what == "status":
        return _status(session, ngo, case, now)
    try:
        if command.what == "school":
            set_school(session, case, command.stage or case.school_stage, command.school_name, now, actor)
            change = f"school {command.stage}"
        else:
            set_claim(session, case, command.scheme or "", command.stage or "", command.on, now, actor)
            change = f"{command.scheme} {command.stage}" + (
                f" {command.on.strftime('%d-%m-%Y')}" if command.on else "")
    except EnrolmentError as error:
        return _problem(ngo, "case_error", CommandProblem("other", str(error)))
    case.updated_at = now
    return _reply(ngo, "case_updated", ref=case.reference, change=change)


def _status(session: Session, ngo: Ngo, case: FollowupCase, now: datetime) -> tuple[str, str]:
    alerts = session.execute(
        select(Report.id).where(Report.case_id == case.id, Report.kind == "alert", Report.status != "closed")
    ).all()
    upcoming = first_contact_day(case, now)
    claims = ", ".join(f"{claim.scheme} {claim.stage}" for claim in case.claims) or "-"
    return _reply(ngo, "case_status", ref=case.reference, district=case.district or "-", status=case.status,
                  school=case.school_stage, claims=claims, next=upcoming.strftime("%d-%m-%Y") if upcoming else "-",
                  alerts=len(alerts))
