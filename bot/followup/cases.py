"""Cases: a returned child's family enrolled for follow-up, its trackers (school, compensation per scheme) and its
schedule of check-ins.

An NGO enrols a family (command line or an ENROL message from a registered number) and the case is active at once;
a family that asks through the assistant gets a *pending* case that its district NGO confirms by acknowledging the
enrolment request (OK CODE), like any report. Guardian and child names, the address and the village are encrypted;
the columns in clear are what scheduling, alerts and coordinators' counts need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock, as_utc
from bot.crypto import decrypt, encrypt, pseudonym
from bot.followup.schedule import due_times, today_in_india
from bot.followup.words import CLAIM_STAGES, SCHEMES, SCHOOL_STAGES
from bot.gazetteer import load_gazetteer
from bot.language import REPLY_LANGUAGES
from bot.reports.codes import new_code
from bot.reports.outbox import audit
from bot.store import contacts
from bot.store.consents import record_consent
from bot.store.models import CheckIn, CompensationClaim, Contact, FollowupCase, Ngo, Report

CHANNELS = ("sms", "whatsapp", "telegram", "rest")
LANGUAGES = REPLY_LANGUAGES  # a family is written to in one of the reply languages
_PHONE = re.compile(r"^\+[1-9]\d{7,14}$")
_TELEGRAM_CHAT = re.compile(r"^-?\d{1,20}$")


class EnrolmentError(ValueError):
    """What is wrong with an enrolment, in words an NGO worker can act on."""


@dataclass
class Enrolment:
    """What an NGO gives to enrol a family (names and place optional: the helpline works without them)."""

    channel: str
    address: str
    district: str
    returned_on: date
    language: str = "hi"
    child_age: int | None = None
    guardian_name: str | None = None
    child_name: str | None = None
    place: str | None = None
    school_stage: str = "not_enrolled"
    school_name: str | None = None
    claims: dict[str, str] = field(default_factory=dict)  # scheme -> stage
    # For a child under 18: how the guardian's identity and consent were checked (DPDP Act s.9(1), Rule 10), e.g.
    # "CWC file", "Aadhaar seen", "DigiLocker"; required when an NGO enrols a child whose age it gives.
    guardian_consent: str | None = None


def normalise_address(channel: str, address: str) -> str:
    """The address as the channels write it: "+<country><number>" for SMS/WhatsApp, a chat id for Telegram."""
    value = "".join(address.split()).removeprefix("whatsapp:")
    if channel in ("sms", "whatsapp"):
        value = value.replace("-", "")
        if value.startswith("00"):
            value = "+" + value[2:]
        if not _PHONE.match(value):
            raise EnrolmentError("the phone number must be written with its country code, like +91 and 10 digits")
    elif channel == "telegram" and not _TELEGRAM_CHAT.match(value):
        raise EnrolmentError("a Telegram chat id is a number")
    elif not value:
        raise EnrolmentError("the contact is empty")
    return value


def family_address(session: Session, input_channel: str | None, conversation_id: str) -> tuple[str, str]:
    """(channel, address) of the family behind a Rasa conversation. Check-ins on the REST channel are started
    without an output channel, and Rasa then names the input channel "collector"."""
    channel = "rest" if input_channel in (None, "", "collector", "rest", "cmdline") else str(input_channel)
    return contacts.reach(session, channel, conversation_id)


def conversation_id(channel: str, address: str) -> str:
    """The id Rasa knows this family's conversation by (the REST channel's sender id is its own address)."""
    return address if channel == "rest" else pseudonym(channel, address)


def _validate(enrolment: Enrolment, today: date) -> tuple[str, str | None, str]:
    if enrolment.channel not in CHANNELS:
        raise EnrolmentError(f"channel must be one of {', '.join(CHANNELS)}")
    address = normalise_address(enrolment.channel, enrolment.address)
    district = load_gazetteer().lookup(enrolment.district or "")
    if district is None:
        raise EnrolmentError(f"unknown district {enrolment.district!r}")
    if enrolment.language not in LANGUAGES:
        raise EnrolmentError(f"language must be one of {', '.join(LANGUAGES)}")
    if enrolment.returned_on > today:
        raise EnrolmentError("the date of return is in the future")
    if enrolment.returned_on < today - timedelta(days=731):
        raise EnrolmentError("follow-up covers the two years after return; this child came back earlier")
    if enrolment.child_age is not None and not 0 < enrolment.child_age < 19:
        raise EnrolmentError("the child's age must be between 1 and 18")
    if enrolment.child_age is not None and enrolment.child_age < 18 and not (enrolment.guardian_consent or "").strip():
        raise EnrolmentError("a child under 18 needs the guardian's consent: say how the guardian was checked "
                             "(e.g. --guardian-consent 'CWC file')")
    if enrolment.school_stage not in SCHOOL_STAGES:
        raise EnrolmentError(f"school stage must be one of {', '.join(SCHOOL_STAGES)}")
    for scheme, stage in enrolment.claims.items():
        if scheme not in SCHEMES or stage not in CLAIM_STAGES:
            raise EnrolmentError(f"claims are scheme:stage with schemes {', '.join(SCHEMES)} "
                                 f"and stages {', '.join(CLAIM_STAGES)}")
    return address, district.name, district.state


def _optional(value: str | None) -> bytes | None:
    return encrypt(value.strip()) if value and value.strip() else None


def new_reference(session: Session) -> str:
    """A keypad-friendly code, unique across cases and reports (a family may type either after "status")."""
    for _ in range(20):
        code = new_code()
        taken = session.execute(select(FollowupCase.id).where(FollowupCase.reference == code)).first() or \
            session.execute(select(Report.id).where(Report.code == code)).first()
        if not taken:
            return code
    raise RuntimeError("could not allocate a case reference")


def remember_contact(session: Session, channel: str, address: str, language: str) -> None:
    """Make the family's address known to the channels (they find it from the conversation id when Rasa starts a
    check-in), even if the family never wrote to the helpline."""
    if channel == "rest":
        return
    key = pseudonym(channel, address)
    contact = session.execute(select(Contact).where(Contact.contact_key == key)).scalar_one_or_none()
    if contact is None:
        session.add(Contact(contact_key=key, channel=channel, address_encrypted=encrypt(address), language=language))
    elif contact.language is None:
        contact.language = language


def create_case(session: Session, enrolment: Enrolment, ngo: Ngo | None, status: str, now: datetime,
                actor: str) -> FollowupCase:
    """Store a case (validated) and, when active, its check-ins. Raises EnrolmentError on bad input."""
    address, district, state = _validate(enrolment, today_in_india(now))
    case = FollowupCase(
        reference=new_reference(session), status=status, ngo_id=ngo.id if ngo else None,
        contact_key=pseudonym(enrolment.channel, address), channel=enrolment.channel,
        address_encrypted=encrypt(address), guardian_name_encrypted=_optional(enrolment.guardian_name),
        child_name_encrypted=_optional(enrolment.child_name), place_encrypted=_optional(enrolment.place),
        language=enrolment.language, district=district, state=state, child_age=enrolment.child_age,
        returned_on=enrolment.returned_on, consent_at=now, school_stage=enrolment.school_stage,
        school_name_encrypted=_optional(enrolment.school_name), created_at=now, updated_at=now,
    )
    session.add(case)
    session.flush()
    for scheme, stage in enrolment.claims.items():
        session.add(CompensationClaim(case_id=case.id, scheme=scheme, stage=stage, updated_at=now,
                                      applied_on=enrolment.returned_on if stage != "not_started" else None))
    remember_contact(session, enrolment.channel, address, enrolment.language)
    _record_consents(session, enrolment, address, case, now, actor)
    if status == "active":
        schedule_checkins(session, case, now)
    audit(session, None, actor, "case_enrolled", f"case {case.reference} district={district} status={status}", now)
    return case


def _record_consents(session: Session, enrolment: Enrolment, address: str, case: FollowupCase, now: datetime,
                     actor: str) -> None:
    """The consent to follow-up (the family's own "yes" to the offer, or the NGO's word that the family agreed) and,
    for a child, the guardian's, with how the guardian was checked."""
    by_family = actor == "family"
    wording = "utter_followup_offer" if by_family else f"asked by the NGO in its own words ({actor})"
    record_consent(session, enrolment.channel, address, "followup", wording[:80], enrolment.language,
                   given_by="self" if by_family else "ngo", case_id=case.id, now=now)
    if enrolment.guardian_consent:
        record_consent(session, enrolment.channel, address, "guardian", wording[:80], enrolment.language,
                       given_by="guardian", verification=enrolment.guardian_consent.strip()[:80], case_id=case.id,
                       now=now)


def schedule_checkins(session: Session, case: FollowupCase, now: datetime) -> int:
    """Create the case's check-in rows (idempotent: one row per position in the schedule). Check-ins already past
    are created too; the worker fires only the latest of those (catch-up) and marks the others skipped."""
    existing = {row.sequence for row in case.checkins}
    created = 0
    for sequence, (label, due) in enumerate(due_times(case.returned_on)):
        if sequence in existing:
            continue
        session.add(CheckIn(case_id=case.id, sequence=sequence, label=label, due_at=due, next_action_at=due,
                            status="scheduled", sends=0, prompts=0, step=0))
        created += 1
    session.flush()
    session.refresh(case)
    return created


def case_by_reference(session: Session, reference: str) -> FollowupCase:
    case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference.strip())
                           ).scalar_one_or_none()
    if case is None:
        raise EnrolmentError(f"there is no case {reference}")
    return case


def case_for_contact(session: Session, channel: str, address: str) -> FollowupCase | None:
    """The family's current case (the newest one not closed), or None."""
    key = pseudonym(channel, address)
    return session.execute(
        select(FollowupCase).where(FollowupCase.contact_key == key, FollowupCase.status != "closed")
        .order_by(FollowupCase.id.desc())
    ).scalars().first()


def set_school(session: Session, case: FollowupCase, stage: str, school_name: str | None, now: datetime,
               actor: str) -> None:
    if stage not in SCHOOL_STAGES:
        raise EnrolmentError(f"school stage must be one of {', '.join(SCHOOL_STAGES)}")
    case.school_stage, case.school_updated_on = stage, today_in_india(now)
    if school_name:
        case.school_name_encrypted = encrypt(school_name.strip())
    audit(session, None, actor, "case_school", f"case {case.reference} school={stage}", now)


def set_claim(session: Session, case: FollowupCase, scheme: str, stage: str, on: date | None, now: datetime,
              actor: str) -> None:
    """Move one scheme's claim to `stage` on `on` (default: today), creating the claim if needed."""
    if scheme not in SCHEMES or stage not in CLAIM_STAGES:
        raise EnrolmentError(f"schemes: {', '.join(SCHEMES)}; stages: {', '.join(CLAIM_STAGES)}")
    day = on or today_in_india(now)
    claim = next((c for c in case.claims if c.scheme == scheme), None)
    if claim is None:
        claim = CompensationClaim(case_id=case.id, scheme=scheme, stage="not_started", updated_at=now)
        session.add(claim)
        case.claims.append(claim)
    claim.stage = stage
    if stage in ("applied", "sanctioned", "paid") and claim.applied_on is None:
        claim.applied_on = day
    if stage in ("sanctioned", "paid") and claim.sanctioned_on is None:
        claim.sanctioned_on = day
    if stage == "paid":
        claim.paid_on = day
    claim.updated_at = now
    audit(session, None, actor, "case_claim", f"case {case.reference} {scheme}={stage}", now)


def cancel_open_checkins(session: Session, case: FollowupCase) -> int:
    """Stop what has not been sent yet (and stop reminding): opt-out or a closed case."""
    cancelled = 0
    for checkin in case.checkins:
        if checkin.status in ("scheduled", "firing", "waiting"):
            checkin.status, checkin.lease_until = "cancelled", None
            cancelled += 1
    return cancelled


def reopen_future_checkins(session: Session, case: FollowupCase, now: datetime) -> int:
    """After a family rejoins: the check-ins not yet due are scheduled again; the past ones stay as they were."""
    reopened = 0
    for checkin in case.checkins:
        if checkin.status == "cancelled" and as_utc(checkin.due_at) > now:
            checkin.status, checkin.next_action_at, checkin.sends, checkin.prompts = "scheduled", checkin.due_at, 0, 0
            reopened += 1
    if not case.checkins:
        reopened = schedule_checkins(session, case, now)
    return reopened


def next_checkin(case: FollowupCase) -> CheckIn | None:
    return next((c for c in case.checkins if c.status in ("scheduled", "firing", "waiting")), None)


def decrypted(value: bytes | None) -> str | None:
    return decrypt(value) if value else None


def now_of(clock: Clock | None) -> datetime:
    return (clock or SystemClock()).now()


def confirm_enrolment(session: Session, case_id: int, ngo: Ngo, now: datetime) -> FollowupCase | None:
    """The district NGO acknowledged a family's enrolment request: the case becomes active and is scheduled."""
    case = session.get(FollowupCase, case_id)
    if case is None or case.status != "pending":
        return None
    case.status, case.ngo_id = "active", ngo.id
    schedule_checkins(session, case, now)
    audit(session, None, f"ngo:{ngo.key}", "case_confirmed", f"case {case.reference}", now)
    return case
