"""The delivery worker: sends what the outbox holds, retries, escalates, and survives being killed.

Each message moves pending → sending → sent. Claiming is a conditional UPDATE (only one worker wins a row, on SQLite
and on PostgreSQL alike), and a claim carries a lease. A worker killed mid-send leaves a `sending` row whose lease
runs out; the next worker first asks the provider whether the message went out (Twilio can list sent messages; the
marker in the text identifies it) and only sends again when it did not — or, where the provider cannot tell
(Telegram), sends again. A forward sent again after such an interruption says so in its text on every channel
("Sent again after an interruption: it may have reached you already"), under the heading that holds the marker, so
Twilio's lookup still finds it. Retryable errors back off exponentially; after the last attempt, or a permanent
error, the NGO's next contact (e.g. SMS after WhatsApp) is queued.

Every write a worker makes after a slow call (the provider's history lookup, the send itself) is a compare-and-set
(bot.store.cas.transition) on the state it read: same row, same status, same lease. A worker that was slow enough
for its lease to run out, and whose row another worker meanwhile recovered and claimed again, therefore changes
nothing when it finally answers: its late `failed` cannot make the forward go out a second time, and its late `sent`
or failure cannot overwrite the new claim. Whatever follows a write (an audit entry, the NGO's next contact) happens
only when the write won. tests/test_worker_races.py races two workers over one row on SQLite and PostgreSQL.

Transactions: unlike the rest of bot.reports, which works in its caller's session (issue 11, item 4), this worker
opens its own short transactions (read, then the slow call with no transaction open, then a conditional write), as
the paragraph above needs: one transaction per job run would hold row locks and a connection across every send,
and would lose the claim and the `sending` mark that make a killed worker safe. It is named, with this reason, in
tests/test_layers.py's allow-list.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock, as_utc
from bot.crypto import decrypt, encrypt
from bot.delivery.senders import Button, DeliveryError, Sender
from bot.reports.forward import compose_forward
from bot.reports.outbox import audit, enqueue_to_ngo
from bot.reports.service import details_of
from bot.settings import get_settings
from bot.store import contacts
from bot.store.cas import transition
from bot.store.db import session_scope
from bot.store.lease import Lease
from bot.store.models import Delivery
from bot.translation import Translator

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
WHATSAPP_WINDOW = timedelta(hours=24)


def delivery_lease() -> Lease:
    """How forwards are claimed: a due `pending`/`failed` row becomes `sending` for HELPLINE_DELIVERY_LEASE_SECONDS."""
    return Lease(Delivery, free=("pending", "failed"), held="sending", due_column="next_attempt_at",
                 length=timedelta(seconds=get_settings().delivery_lease_seconds))


class DeliveryWorker:
    """The `deliveries` job (bot.jobs): one worker; run several (processes or replicas) against the same database
    if needed. `run_once` is one pass of all the report jobs (routing, escalations, draft expiry, pruning,
    deliveries), as `helpline worker --once` runs them."""

    def __init__(self, senders: dict[str, Sender], translator: Translator, clock: Clock | None = None,
                 batch_size: int = 20, whatsapp_window: bool = True) -> None:
        self.senders = senders
        self.whatsapp_window = whatsapp_window
        self.translator = translator
        self.clock = clock or SystemClock()
        self.batch_size = batch_size
        settings = get_settings()
        self.lease = timedelta(seconds=settings.delivery_lease_seconds)
        self.leases = delivery_lease()
        self.max_attempts = settings.delivery_max_attempts
        self.backoff = settings.delivery_backoff_seconds

    # -- one pass -----------------------------------------------------------------------------------------------
    def deliver_due(self, now: datetime | None = None) -> int:
        """The `deliveries` job: recover interrupted sends, then send what is due. Returns messages sent. (Each step
        reads the worker's clock, the runner's too: a send's `sent_at` is when it went out, not when the run began.)"""
        self.recover_interrupted()
        sent = 0
        for delivery_id in self._due_ids():
            sent += self._deliver(delivery_id)
        return sent

    # -- steps --------------------------------------------------------------------------------------------------
    def _due_ids(self) -> list[int]:
        now = self.clock.now()
        with session_scope() as session:
            return list(session.execute(
                select(Delivery.id).where(*self.leases.due_filter(now)).order_by(Delivery.id).limit(self.batch_size)
            ).scalars())

    def recover_interrupted(self) -> int:
        """Settle `sending` rows whose lease ran out: a worker died between claiming and recording the result.

        The row is read, the provider asked (slow: an HTTP call to Twilio), and the outcome written only if the row
        is still `sending` under the very lease that was read: another worker may have recovered it and claimed it
        again in the meantime, and an unconditional `failed` would then send the forward a second time."""
        now = self.clock.now()
        with session_scope() as session:
            stale = self.leases.expired_ids(session, now)
        for delivery_id in stale:
            with session_scope() as session:  # read, then let the connection go before the slow call
                delivery = session.get(Delivery, delivery_id)
                if not self.leases.is_expired(delivery, now):
                    continue
                lease, channel, marker = delivery.lease_until, delivery.channel, delivery.marker
                address = decrypt(delivery.address_encrypted)
                since = as_utc(delivery.last_attempt_at or delivery.created_at) - timedelta(minutes=5)
            sender = self.senders.get(channel)
            provider_id = None
            if sender is not None:
                try:
                    provider_id = sender.find_sent(channel, address, marker, since)
                except DeliveryError:
                    continue  # cannot ask the provider now: leave it for the next pass
            with session_scope() as session:
                if provider_id:
                    if self.leases.settle(session, delivery_id, lease,
                                          {"status": "sent", "provider_id": provider_id, "sent_at": now,
                                           "lease_until": None}):
                        audit(session, session.get(Delivery, delivery_id).report, "worker", "reconciled",
                              f"delivery {delivery_id} had gone out", now)
                elif self.leases.settle(session, delivery_id, lease,
                                        {"status": "failed", "next_attempt_at": now, "lease_until": None,
                                         "last_error": INTERRUPTED}):
                    audit(session, session.get(Delivery, delivery_id).report, "worker", "interrupted",
                          f"delivery {delivery_id} sent again", now)
        return len(stale)

    def _compose_if_needed(self, delivery_id: int) -> None:
        with session_scope() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.body_encrypted is not None:
                return
            body = compose_forward(delivery.report, details_of(delivery.report), delivery.ngo, delivery.purpose,
                                   delivery.marker, self.translator)
            session.execute(
                update(Delivery).where(Delivery.id == delivery_id, Delivery.body_encrypted.is_(None))
                .values(body_encrypted=encrypt(body)).execution_options(synchronize_session=False)
            )

    def _claim(self, delivery_id: int, now: datetime) -> datetime | None:
        """Take the row for one attempt. Returns the lease this worker now holds (every later write of this attempt
        is conditional on it), or None when another worker has it or it is not due."""
        with session_scope() as session:
            return self.leases.claim(session, delivery_id, now, last_attempt_at=now, attempts=Delivery.attempts + 1)

    def _outside_whatsapp_window(self, delivery_id: int, now: datetime) -> bool:
        """WhatsApp only lets a business start a conversation within 24 hours of the person's last message. Outside
        it, a forward goes as the configured approved template, or else by SMS to the same number; the row is
        changed before sending, so a crash cannot make it go both ways. The switch is conditional on the row being
        as read (still WhatsApp, still waiting to be claimed): a worker that claimed it meanwhile keeps its claim."""
        with session_scope() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.channel != "whatsapp" or delivery.status not in ("pending", "failed"):
                return False
            status = delivery.status
            last = contacts.last_inbound(session, "whatsapp", decrypt(delivery.address_encrypted))
            if last is not None and now - as_utc(last) < WHATSAPP_WINDOW:
                return False
            if get_settings().twilio_whatsapp_template_sid:
                return True  # sent as the template
            if "sms" in self.senders and transition(session, Delivery, delivery_id,
                                                    {"status": status, "channel": "whatsapp"}, {"channel": "sms"}):
                audit(session, delivery.report, "worker", "whatsapp_window_closed", f"delivery {delivery_id} by SMS",
                      now)
            return False

    def _deliver(self, delivery_id: int) -> int:
        self._compose_if_needed(delivery_id)
        now = self.clock.now()
        template = self.whatsapp_window and self._outside_whatsapp_window(delivery_id, now)
        lease = self._claim(delivery_id, now)
        if lease is None:
            return 0
        with session_scope() as session:
            delivery = session.get(Delivery, delivery_id)
            channel, address = delivery.channel, decrypt(delivery.address_encrypted)
            body = decrypt(delivery.body_encrypted)
            lines = body.split("\n")
            kind_line = lines[1 if len(lines) > 1 else 0][:100]
            if was_interrupted(delivery):
                # An earlier attempt ended without a known outcome: it may have reached the NGO, so say this is a
                # repeat, on every channel. The line goes under the heading, which keeps the marker. (A WhatsApp
                # template is fixed approved text and cannot carry it; the audit trail still records the repeat.)
                body = with_repeat_line(body, delivery)
            code = delivery.report.code if delivery.report else None
            marker = delivery.marker
        sender = self.senders.get(channel)
        try:
            if sender is None:
                raise DeliveryError(f"channel {channel} is off (no credentials)", retryable=False)
            buttons = [Button("OK " + code, f"ack:{code}")] if code and channel == "telegram" else []
            if template:
                # Only the Twilio sender sends WhatsApp, and only it has templates.
                provider_id = sender.send_template(  # type: ignore[attr-defined]
                    channel, address, get_settings().twilio_whatsapp_template_sid, {"1": marker, "2": kind_line})
            else:
                provider_id = sender.send(channel, address, body, buttons)
        except DeliveryError as error:
            self._record_failure(delivery_id, lease, error)
            return 0
        with session_scope() as session:
            # Only under this worker's own lease: if the send took so long that the lease ran out and another worker
            # recovered the row, that worker decides (it finds the message at Twilio, or sends it marked as a repeat).
            if not self.leases.settle(session, delivery_id, lease,
                                      {"status": "sent", "provider_id": str(provider_id)[:64],
                                       "sent_at": self.clock.now(), "lease_until": None, "last_error": None}):
                logger.warning("delivery %s went out after its lease was taken over; left to the new owner",
                               delivery_id)
        return 1

    def _record_failure(self, delivery_id: int, lease: datetime, error: DeliveryError) -> None:
        """Back off or give up, if the row is still this worker's (status `sending` under its lease)."""
        now = self.clock.now()
        with session_scope() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None:
                return
            message = str(error)
            if was_interrupted(delivery):  # still unconfirmed whether an earlier attempt reached the NGO
                message = f"{INTERRUPTED}; {message}"
            if error.retryable and delivery.attempts < self.max_attempts:
                delay = timedelta(seconds=self.backoff * (2 ** (delivery.attempts - 1)))
                if error.retry_after:
                    delay = max(delay, timedelta(seconds=error.retry_after))
                self.leases.settle(session, delivery_id, lease,
                                   {"status": "failed", "next_attempt_at": now + min(delay, MAX_BACKOFF),
                                    "lease_until": None, "last_error": message[:200]})
                return
            if self.leases.settle(session, delivery_id, lease, {"lease_until": None, "last_error": message[:200]}):
                session.refresh(delivery)
                give_up(session, delivery, now, type(error).__name__)


def give_up(session: Session, delivery: Delivery, now: datetime, reason: str) -> bool:
    """This way of reaching the NGO failed for good: queue its next contact (e.g. SMS after WhatsApp), if any.

    Conditional on the row's status as the caller read it, so two callers (two workers, two status callbacks for
    one message) give up once: the audit entry and the next contact follow only the write that won."""
    if not transition(session, Delivery, delivery.id, {"status": delivery.status}, {"status": "dead"}):
        return False
    audit(session, delivery.report, "worker", "delivery_failed", f"delivery {delivery.id} via {delivery.channel}: "
          f"{reason}", now)
    position = _contact_position(delivery)
    if delivery.report is not None and delivery.ngo is not None and position is not None:
        level = int(delivery.dedupe_key.split(":")[2])
        enqueue_to_ngo(session, delivery.report, delivery.ngo, delivery.purpose, level, now, position + 1)
    return True


def provider_failed(provider_id: str, clock: Clock | None = None) -> bool:
    """Twilio reported a forward it had accepted as failed/undelivered (status callback): try the NGO's next contact.
    Returns True when the message was one of our forwards."""
    now = (clock or SystemClock()).now()
    with session_scope() as session:
        delivery = session.execute(
            select(Delivery).where(Delivery.provider_id == provider_id, Delivery.status == "sent")
        ).scalar_one_or_none()
        if delivery is None:
            return False
        give_up(session, delivery, now, "provider reported failure")
        return True


INTERRUPTED = "interrupted"  # last_error of a forward whose earlier attempt ended without a known outcome


def was_interrupted(delivery: Delivery) -> bool:
    return (delivery.last_error or "").startswith(INTERRUPTED)


def with_repeat_line(body: str, delivery: Delivery) -> str:
    """The forward with "Sent again after an interruption" under its first line (the heading, with the marker)."""
    from bot.reports.forward import labels_for

    line = labels_for(delivery.ngo.language if delivery.ngo else "en")["repeat"]
    heading, newline, rest = body.partition("\n")
    return heading + "\n" + line + newline + rest


def _contact_position(delivery: Delivery) -> int | None:
    """Which of the NGO's contacts this delivery used (from its dedupe key, set by enqueue_to_ngo)."""
    try:
        return int(delivery.dedupe_key.rsplit(":c", 1)[1])
    except (IndexError, ValueError):
        return None

