"""Tables. Personal data (addresses, names, free text) only ever lands in `*_encrypted` columns."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import declarative_base, relationship

Base: Any = declarative_base()  # SQLAlchemy 1.4's declarative base is not a type mypy can check


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Contact(Base):
    """A person who wrote to the helpline on one channel, known by a keyed pseudonym of their address."""

    __tablename__ = "contacts"

    id = Column(Integer, primary_key=True)
    contact_key = Column(String(64), nullable=False, unique=True)
    channel = Column(String(32), nullable=False)
    address_encrypted = Column(LargeBinary, nullable=False)
    language = Column(String(16), nullable=True)
    opted_out = Column(Boolean, nullable=False, default=False)
    opted_out_at = Column(DateTime(timezone=True), nullable=True)
    last_inbound_at = Column(DateTime(timezone=True), nullable=True)  # WhatsApp's 24-hour window starts here
    # Discreet mode (bot/discreet.py), switched on by the person: neutral wording, and a code word that stops
    # everything. The code word is kept only as a keyed hash (bot.crypto.pseudonym): it is compared, never shown.
    discreet = Column(Boolean, nullable=False, default=False)
    discreet_since = Column(DateTime(timezone=True), nullable=True)
    code_word_key = Column(String(64), nullable=True)
    home_visit_only_at = Column(DateTime(timezone=True), nullable=True)  # the code word was sent: nothing more
    erasure_asked_at = Column(DateTime(timezone=True), nullable=True)  # "delete my data" awaiting its confirmation
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    callback_requests = relationship("CallbackRequest", back_populates="contact")


class CallbackRequest(Base):
    """A request to be called back by a person, kept only with the requester's explicit consent."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contacts.id"), nullable=False, index=True)
    language = Column(String(16), nullable=True)
    consent_given_at = Column(DateTime(timezone=True), nullable=False)
    status = Column(String(16), nullable=False, default="open")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    contact = relationship("Contact", back_populates="callback_requests")


# --- NGO directory (issue 4) --------------------------------------------------------------------------------------
# Imported from a YAML file by `helpline ngos import`; organisations are not personal data, but their phone numbers
# and chat ids are still kept encrypted with a keyed hash for lookup, like everyone else's.


class Ngo(Base):
    """An organisation that receives reports for the districts it covers."""

    __tablename__ = "ngos"

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, unique=True)  # the directory's id, e.g. "gaya-sample-trust"
    name = Column(String(200), nullable=False)
    language = Column(String(16), nullable=False, default="hi")
    state_contact_for = Column(String(64), nullable=True)  # the state this NGO is the last escalation step of
    active = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    contacts = relationship("NgoContact", back_populates="ngo", order_by="NgoContact.position",
                            cascade="all, delete-orphan")


class NgoContact(Base):
    """One way to reach an NGO (SMS number, WhatsApp number, Telegram chat), in order of preference."""

    __tablename__ = "ngo_contacts"

    id = Column(Integer, primary_key=True)
    ngo_id = Column(Integer, ForeignKey("ngos.id", ondelete="CASCADE"), nullable=False, index=True)
    channel = Column(String(16), nullable=False)  # sms | whatsapp | telegram
    address_key = Column(String(64), nullable=False, index=True)  # pseudonym(channel, address)
    address_encrypted = Column(LargeBinary, nullable=False)
    position = Column(Integer, nullable=False)

    ngo = relationship("Ngo", back_populates="contacts")


class RouteStep(Base):
    """Escalation order for a district: position 0 gets the report first, the state contact comes last."""

    __tablename__ = "route_steps"
    __table_args__ = (UniqueConstraint("district", "position", name="uq_route_step"),)

    id = Column(Integer, primary_key=True)
    district = Column(String(64), nullable=False, index=True)  # canonical gazetteer name
    position = Column(Integer, nullable=False)
    ngo_id = Column(Integer, ForeignKey("ngos.id", ondelete="CASCADE"), nullable=False)

    ngo = relationship("Ngo")


# --- Reports and their delivery (issue 4) -------------------------------------------------------------------------


class Report(Base):
    """A report of recruitment, a missing child or an emergency. Free text and the reporter's address are encrypted;
    the columns in clear are what routing, escalation and the coordinators' counts need."""

    __tablename__ = "reports"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)  # recruitment | missing | emergency | alert | enrolment
    urgent = Column(Boolean, nullable=False, default=False)
    status = Column(String(16), nullable=False, default="received")  # received | acknowledged | closed
    district = Column(String(64), nullable=True, index=True)  # None: the reporter did not know / not found
    state = Column(String(64), nullable=True)
    destination_district = Column(String(64), nullable=True)
    children_count = Column(Integer, nullable=True)
    language = Column(String(16), nullable=True)
    channel = Column(String(32), nullable=False)
    contact_consent = Column(String(16), nullable=False, default="anonymous")  # share | callback | anonymous
    reporter_discreet = Column(Boolean, nullable=False, default=False)  # never call back or write to them openly
    reporter_key = Column(String(64), nullable=True, index=True)  # pseudonym; None when anonymous
    reporter_address_encrypted = Column(LargeBinary, nullable=True)  # only with consent
    details_encrypted = Column(LargeBinary, nullable=False)  # JSON of the free-text answers
    escalation_level = Column(Integer, nullable=False, default=0)
    ack_due_at = Column(DateTime(timezone=True), nullable=True, index=True)
    acknowledged_at = Column(DateTime(timezone=True), nullable=True)
    acknowledged_by = Column(Integer, ForeignKey("ngos.id"), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    close_note_encrypted = Column(LargeBinary, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # Follow-up (issue 6): alerts about a case and families' enrolment requests are reports too, so they travel
    # through the same outbox, acknowledgement and escalation. `alert_key` makes raising one idempotent.
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=True, index=True)
    alert_key = Column(String(64), nullable=True, unique=True)
    text_erased_at = Column(DateTime(timezone=True), nullable=True)  # retention erased its free text (issue 14)

    deliveries = relationship("Delivery", back_populates="report", order_by="Delivery.id")


class Delivery(Base):
    """The outbox: one message to send, written in the same transaction as what caused it.

    The worker claims a row by moving it to `sending` with a lease; a row whose lease ran out was being sent when a
    worker died, and is reconciled with the provider before it is sent again (see bot.reports.worker).
    """

    __tablename__ = "deliveries"

    id = Column(Integer, primary_key=True)
    dedupe_key = Column(String(128), nullable=False, unique=True)  # makes enqueueing idempotent
    report_id = Column(Integer, ForeignKey("reports.id"), nullable=True, index=True)
    ngo_id = Column(Integer, ForeignKey("ngos.id"), nullable=True)
    purpose = Column(String(16), nullable=False)  # forward | corridor | escalation | referral | reply
    channel = Column(String(16), nullable=False)
    address_encrypted = Column(LargeBinary, nullable=False)
    marker = Column(String(32), nullable=False)  # appears in the text; finds the message at the provider
    body_encrypted = Column(LargeBinary, nullable=True)  # composed (and translated) by the worker before sending
    status = Column(String(16), nullable=False, default="pending", index=True)  # pending|sending|sent|failed|dead
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    lease_until = Column(DateTime(timezone=True), nullable=True)
    last_attempt_at = Column(DateTime(timezone=True), nullable=True)
    last_error = Column(String(200), nullable=True)  # an error class and status, never message content
    provider_id = Column(String(64), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True), nullable=True)

    report = relationship("Report", back_populates="deliveries")
    ngo = relationship("Ngo")


class AuditEvent(Base):
    """Append-only trail of what happened to a report: who did what, when. Never holds personal data."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    report_id = Column(Integer, ForeignKey("reports.id"), nullable=True, index=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    actor = Column(String(80), nullable=False)  # reporter | worker | ngo:<key> | cli
    action = Column(String(40), nullable=False)
    detail = Column(String(300), nullable=True)


class ReportDraft(Base):
    """A report being taken, kept encrypted outside Rasa's tracker so the answers never sit there as slot values."""

    __tablename__ = "report_drafts"

    id = Column(Integer, primary_key=True)
    conversation_key = Column(String(64), nullable=False, unique=True)  # pseudonym(channel, sender)
    kind = Column(String(16), nullable=False)
    fields_encrypted = Column(LargeBinary, nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper, _connection, _target) -> None:  # type: ignore[no-untyped-def]
    raise RuntimeError("the audit trail is append-only")


# --- Channels (issue 5) -------------------------------------------------------------------------------------------


class InboundSeen(Base):
    """Provider message ids already processed (Twilio MessageSid, Telegram update_id): redeliveries are dropped."""

    __tablename__ = "inbound_seen"
    __table_args__ = (UniqueConstraint("channel", "provider_id", name="uq_inbound_seen"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(16), nullable=False)
    provider_id = Column(String(64), nullable=False)
    seen_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class OutboundStatus(Base):
    """What the provider last said about a message we sent (Twilio status callbacks): delivered, failed, ..."""

    __tablename__ = "outbound_status"

    id = Column(Integer, primary_key=True)
    provider_id = Column(String(64), nullable=False, unique=True)
    channel = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    error_code = Column(String(16), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


# --- Follow-up of returned children (issue 6) ---------------------------------------------------------------------


class FollowupCase(Base):
    """A returned child's family, followed for two years. Names, address and place are encrypted; the columns in
    clear are stages and dates the schedule, the alerts and the coordinators' counts need."""

    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    status = Column(String(16), nullable=False, default="active")  # pending | active | opted_out | closed
    ngo_id = Column(Integer, ForeignKey("ngos.id"), nullable=True)  # the NGO that enrolled or confirmed it
    contact_key = Column(String(64), nullable=False, index=True)  # pseudonym(channel, address) = conversation id
    channel = Column(String(16), nullable=False)  # sms | whatsapp | telegram | rest
    address_encrypted = Column(LargeBinary, nullable=False)
    guardian_name_encrypted = Column(LargeBinary, nullable=True)
    child_name_encrypted = Column(LargeBinary, nullable=True)
    place_encrypted = Column(LargeBinary, nullable=True)  # block / village
    language = Column(String(16), nullable=False, default="hi")
    district = Column(String(64), nullable=True, index=True)
    state = Column(String(64), nullable=True)
    child_age = Column(Integer, nullable=True)
    returned_on = Column(Date, nullable=False)
    consent_at = Column(DateTime(timezone=True), nullable=False)
    school_stage = Column(String(16), nullable=False, default="not_enrolled")
    school_name_encrypted = Column(LargeBinary, nullable=True)
    school_updated_on = Column(Date, nullable=True)
    living_at_home = Column(Boolean, nullable=True)  # the family's last answer
    money_reported_on = Column(Date, nullable=True)  # the family said money arrived (the NGO confirms per scheme)
    opted_out_at = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    claims = relationship("CompensationClaim", back_populates="case", order_by="CompensationClaim.id",
                          cascade="all, delete-orphan")
    checkins = relationship("CheckIn", back_populates="case", order_by="CheckIn.sequence",
                            cascade="all, delete-orphan")
    ngo = relationship("Ngo")


class CompensationClaim(Base):
    """One scheme's claim for a case: not_started | applied | sanctioned | paid, with the date of each step."""

    __tablename__ = "compensation_claims"
    __table_args__ = (UniqueConstraint("case_id", "scheme", name="uq_claim_scheme"),)

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    scheme = Column(String(32), nullable=False)
    stage = Column(String(16), nullable=False, default="not_started")
    applied_on = Column(Date, nullable=True)
    sanctioned_on = Column(Date, nullable=True)
    paid_on = Column(Date, nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    case = relationship("FollowupCase", back_populates="claims")


class CheckIn(Base):
    """One scheduled check-in: a row the follow-up worker fires, so nothing depends on a process staying up.

    status: scheduled -> firing (claimed, lease) -> waiting (asked; reminders follow) -> answered | missed;
    skipped (a later one was due too when the worker caught up after downtime); cancelled (opt-out, case closed).
    `prompts` counts the times the question was really sent: the action that sends it records it, so a worker that
    dies after asking Rasa does not ask again on restart.
    """

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("case_id", "sequence", name="uq_checkin_sequence"),)

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    sequence = Column(Integer, nullable=False)
    label = Column(String(8), nullable=False)  # "1w", "3m", ...
    due_at = Column(DateTime(timezone=True), nullable=False)
    status = Column(String(16), nullable=False, default="scheduled", index=True)
    next_action_at = Column(DateTime(timezone=True), nullable=False, index=True)
    lease_until = Column(DateTime(timezone=True), nullable=True)
    sends = Column(Integer, nullable=False, default=0)  # times the worker asked Rasa to start it (1 + reminders)
    prompts = Column(Integer, nullable=False, default=0)  # times the question actually went out
    fired_at = Column(DateTime(timezone=True), nullable=True)
    answered_at = Column(DateTime(timezone=True), nullable=True)
    step = Column(Integer, nullable=False, default=0)  # the question being asked (bot.followup.questions)
    answers_encrypted = Column(LargeBinary, nullable=True)  # JSON {question: answer}
    last_error = Column(String(200), nullable=True)

    case = relationship("FollowupCase", back_populates="checkins")


class JobRun(Base):
    """The last run of each background job (bot.jobs), for `helpline jobs`. Errors are kept as the class name only."""

    __tablename__ = "job_runs"

    name = Column(String(32), primary_key=True)
    started_at = Column(DateTime(timezone=True), nullable=False)
    finished_at = Column(DateTime(timezone=True), nullable=False)
    outcome = Column(String(16), nullable=False)  # ok | failed
    count = Column(Integer, nullable=False, default=0)  # what the run did (sent, escalated, pruned, ...)
    error = Column(String(64), nullable=True)  # the exception's class name, never its message


# --- The web console (issue 13) -----------------------------------------------------------------------------------


class ConsoleUser(Base):
    """A person who signs in to the web console (bot/console). The role decides the scope: `ngo_staff` sees what
    its NGO may act on (bot.reports.access), `state_coordinator` one state, `admin` everything and the accounts.
    The username is not personal data in the helpline's sense (staff choose it), but the logs still name an account
    only by its id; passwords are argon2 hashes; the TOTP secret is encrypted like all other secrets at rest."""

    __tablename__ = "console_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    role = Column(String(24), nullable=False)  # ngo_staff | state_coordinator | admin
    ngo_id = Column(Integer, ForeignKey("ngos.id"), nullable=True)
    state = Column(String(64), nullable=True)
    password_hash = Column(String(200), nullable=False)
    totp_secret_encrypted = Column(LargeBinary, nullable=True)
    totp_confirmed_at = Column(DateTime(timezone=True), nullable=True)
    last_totp_step = Column(Integer, nullable=True)  # a code is accepted once (no replay within its 30 s)
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime(timezone=True), nullable=True)
    session_epoch = Column(Integer, nullable=False, default=0)  # bumped by reset/disable: old sessions end
    language = Column(String(8), nullable=False, default="en")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    ngo = relationship("Ngo")


class Referral(Base):
    """A report referred by one NGO to another district's NGO. The message itself is an ordinary outbox forward
    (Delivery, purpose "referral"), so the receiving NGO may act on the report by the one access rule; this row
    keeps the receiving NGO's answer (pending | accepted | declined)."""

    __tablename__ = "referrals"

    id = Column(Integer, primary_key=True)
    report_id = Column(Integer, ForeignKey("reports.id"), nullable=False, index=True)
    from_ngo_id = Column(Integer, ForeignKey("ngos.id"), nullable=True)
    to_ngo_id = Column(Integer, ForeignKey("ngos.id"), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="pending")
    created_by = Column(Integer, ForeignKey("console_users.id"), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    decided_at = Column(DateTime(timezone=True), nullable=True)

    to_ngo = relationship("Ngo", foreign_keys=[to_ngo_id])
    from_ngo = relationship("Ngo", foreign_keys=[from_ngo_id])


class ReportAssignment(Base):
    """Which colleague handles a report (one row per report, replaced on re-assignment; the audit trail keeps
    the history)."""

    __tablename__ = "report_assignments"

    report_id = Column(Integer, ForeignKey("reports.id"), primary_key=True)
    user_id = Column(Integer, ForeignKey("console_users.id"), nullable=False, index=True)
    assigned_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    user = relationship("ConsoleUser")


class SentChatMessage(Base):
    """A message the helpline sent into a Telegram chat, kept so that it can delete its own messages of the
    conversation when the person asks (discreet mode, bot/discreet.py). Only ids: no text, no chat id in clear."""

    __tablename__ = "sent_chat_messages"

    id = Column(Integer, primary_key=True)
    contact_key = Column(String(64), nullable=False, index=True)  # pseudonym(channel, chat id)
    message_id = Column(Integer, nullable=False)
    sent_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


# --- Erasure and consent (issue 14) -------------------------------------------------------------------------------


class Erasure(Base):
    """One erasure of a person's data, for the audit: who asked, when, and how many rows of each kind went — never
    the number, the pseudonym or any name. `conversations_encrypted` holds the Rasa conversation ids still to be
    deleted from the tracker store (a separate database) while `status` is "pending"; it is emptied when done, and a
    job finishes an erasure whose process was killed in between."""

    __tablename__ = "erasures"

    id = Column(Integer, primary_key=True)
    requested_at = Column(DateTime(timezone=True), nullable=False)
    finished_at = Column(DateTime(timezone=True), nullable=True)
    actor = Column(String(80), nullable=False)  # person (their own request) | cli
    status = Column(String(16), nullable=False, default="pending", index=True)  # pending | done
    conversations_encrypted = Column(LargeBinary, nullable=True)
    counts = Column(String(300), nullable=False, default="")  # "contacts=1 callbacks=2 ..."


class Consent(Base):
    """A consent as given: the purpose, the exact wording shown (catalogue message id + language) and when. The
    burden of proving consent lies on the helpline (DPDP Act s.6(10)); `given_by` says who consented (the person, or
    for a child the guardian, with how the guardian was verified)."""

    __tablename__ = "consents"

    id = Column(Integer, primary_key=True)
    contact_key = Column(String(64), nullable=False, index=True)  # pseudonym(channel, address)
    purpose = Column(String(32), nullable=False)  # callback | followup | share_number | guardian
    message_id = Column(String(80), nullable=False)  # the catalogue id of the wording the person agreed to
    language = Column(String(16), nullable=True)
    given_at = Column(DateTime(timezone=True), nullable=False)
    given_by = Column(String(16), nullable=False, default="self")  # self | guardian | ngo (recorded on their word)
    verification = Column(String(80), nullable=True)  # guardian: how identity and age were checked (Rule 10)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="SET NULL"), nullable=True)
    report_id = Column(Integer, ForeignKey("reports.id", ondelete="SET NULL"), nullable=True)
