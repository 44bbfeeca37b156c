"""The delivery worker: sends what the outbox holds, retries, escalates, and survives being killed.

Each message moves pending → sending → sent. Claiming is a conditional UPDATE (only one worker wins a row, on SQLite
and on PostgreSQL alike), and a claim carries a lease. A worker killed mid-send leaves a `sending` row whose lease
runs out; the next worker first asks the provider whether the message went out (Twilio can list sent messages; the
marker in the text identifies it) and only sends again when it did not — or, where the provider cannot tell
(Telegram), sends again marked as a repeat. Retryable errors back off exponentially; after the last attempt, or a
permanent error, the NGO's next contact (e.g. SMS after WhatsApp) is queued.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock, as_utc
from bot.crypto import decrypt, encrypt
from bot.delivery.senders import Button, DeliveryError, Sender
from bot.reports.acknowledgement import escalate_due
from bot.reports.dialogue import submit_abandoned_drafts
from bot.reports.forward import compose_forward
from bot.reports.outbox import audit, enqueue_to_ngo
from bot.reports.service import details_of, route_unrouted
from bot.settings import get_settings
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.inbound import prune_seen
from bot.store.models import Delivery
from bot.translation import Translator

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
WHATSAPP_WINDOW = timedelta(hours=24)
SEEN_KEPT_FOR = timedelta(days=7)  # providers redeliver within hours; a week of message ids is plenty
PRUNE_EVERY = timedelta(hours=1)


class DeliveryWorker:
    """One worker; run several (processes or replicas) against the same database if needed."""

    def __init__(self, senders: dict[str, Sender], translator: Translator, clock: Clock | None = None,
                 batch_size: int = 20, whatsapp_window: bool = True) -> None:
        self.senders = senders
        self.whatsapp_window = whatsapp_window
        self._last_prune: datetime | None = None
        self.translator = translator
        self.clock = clock or SystemClock()
        self.batch_size = batch_size
        settings = get_settings()
        self.lease = timedelta(seconds=settings.delivery_lease_seconds)
        self.max_attempts = settings.delivery_max_attempts
        self.backoff = settings.delivery_backoff_seconds

    # -- one pass -----------------------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Escalate what is overdue, recover interrupted sends, send what is due. Returns messages sent."""
        route_unrouted(self.clock)
        escalate_due(self.clock)
        submit_abandoned_drafts(self.clock)
        now = self.clock.now()
        if self._last_prune is None or now - self._last_prune > PRUNE_EVERY:
            prune_seen(SEEN_KEPT_FOR, now)
            self._last_prune = now
        self.recover_interrupted()
        sent = 0
        for delivery_id in self._due_ids():
            sent += self._deliver(delivery_id)
        return sent

    def run_forever(self, stop: threading.Event, poll_seconds: float) -> None:
        logger.info("delivery worker started (channels: %s)", ", ".join(sorted(self.senders)) or "none")
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # a database restart must not kill the worker; log the class only
                logger.exception("delivery pass failed; retrying")
                busy = 0
            if not busy:
                stop.wait(poll_seconds)

    # -- steps --------------------------------------------------------------------------------------------------
    def _due_ids(self) -> list[int]:
        now = self.clock.now()
        with session_scope() as session:
            return list(session.execute(
                select(Delivery.id)
                .where(Delivery.status.in_(("pending", "failed")), Delivery.next_attempt_at <= now)
                .order_by(Delivery.id)
                .limit(self.batch_size)
            ).scalars())

    def recover_interrupted(self) -> int:
        """Settle `sending` rows whose lease ran out: a worker died between claiming and recording the result."""
        now = self.clock.now()
        with session_scope() as session:
            stale = list(session.execute(
                select(Delivery.id).where(Delivery.status == "sending", Delivery.lease_until < now)
            ).scalars())
        for delivery_id in stale:
            with session_scope() as session:
                delivery = session.get(Delivery, delivery_id)
                if delivery is None or delivery.status != "sending" or as_utc(delivery.lease_until) >= now:
                    continue
                sender = self.senders.get(delivery.channel)
                since = as_utc(delivery.last_attempt_at or delivery.created_at) - timedelta(minutes=5)
                provider_id = None
                if sender is not None:
                    try:
                        provider_id = sender.find_sent(delivery.channel, decrypt(delivery.address_encrypted),
                                                       delivery.marker, since)
                    except DeliveryError:
                        continue  # cannot ask the provider now: leave it for the next pass
                if provider_id:
                    delivery.status, delivery.provider_id, delivery.sent_at, delivery.lease_until = (
                        "sent", provider_id, now, None)
                    audit(session, delivery.report, "worker", "reconciled", f"delivery {delivery.id} had gone out",
                          now)
                else:
                    delivery.status, delivery.next_attempt_at, delivery.lease_until = "failed", now, None
                    delivery.last_error = "interrupted"
                    audit(session, delivery.report, "worker", "interrupted", f"delivery {delivery.id} sent again",
                          now)
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

    def _claim(self, delivery_id: int, now: datetime) -> bool:
        with session_scope() as session:
            claimed = session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.status.in_(("pending", "failed")),
                       Delivery.next_attempt_at <= now)
                .values(status="sending", lease_until=now + self.lease, last_attempt_at=now,
                        attempts=Delivery.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
        return claimed == 1

    def _outside_whatsapp_window(self, delivery_id: int, now: datetime) -> bool:
        """WhatsApp only lets a business start a conversation within 24 hours of the person's last message. Outside
        it, a forward goes as the configured approved template, or else by SMS to the same number; the row is
        changed before sending, so a crash cannot make it go both ways."""
        with session_scope() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.channel != "whatsapp" or delivery.status not in ("pending", "failed"):
                return False
            last = contacts.last_inbound("whatsapp", decrypt(delivery.address_encrypted))
            if last is not None and now - as_utc(last) < WHATSAPP_WINDOW:
                return False
            if get_settings().twilio_whatsapp_template_sid:
                return True  # sent as the template
            if "sms" in self.senders:
                delivery.channel = "sms"
                audit(session, delivery.report, "worker", "whatsapp_window_closed", f"delivery {delivery.id} by SMS",
                      now)
            return False

    def _deliver(self, delivery_id: int) -> int:
        self._compose_if_needed(delivery_id)
        now = self.clock.now()
        template = self.whatsapp_window and self._outside_whatsapp_window(delivery_id, now)
        if not self._claim(delivery_id, now):
            return 0
        with session_scope() as session:
            delivery = session.get(Delivery, delivery_id)
            channel, address = delivery.channel, decrypt(delivery.address_encrypted)
            body = decrypt(delivery.body_encrypted)
            if delivery.last_error == "interrupted" and delivery.channel == "telegram":
                body = body.replace("\n", "\n" + _repeat_line(delivery), 1)
            code = delivery.report.code if delivery.report else None
            marker = delivery.marker
            kind_line = body.split("\n")[1 if len(body.split("\n")) > 1 else 0][:100]
        sender = self.senders.get(channel)
        try:
            if sender is None:
                raise DeliveryError(f"channel {channel} is off (no credentials)", retryable=False)
            buttons = [Button("OK " + code, f"ack:{code}")] if code and channel == "telegram" else []
            if template:
                provider_id = sender.send_template(  # type: ignore[attr-defined]  (only Twilio sends WhatsApp)
                    channel, address, get_settings().twilio_whatsapp_template_sid, {"1": marker, "2": kind_line})
            else:
                provider_id = sender.send(channel, address, body, buttons)
        except DeliveryError as error:
            self._record_failure(delivery_id, error)
            return 0
        with session_scope() as session:
            session.execute(
                update(Delivery).where(Delivery.id == delivery_id, Delivery.status == "sending")
                .values(status="sent", provider_id=str(provider_id)[:64], sent_at=self.clock.now(), lease_until=None,
                        last_error=None)
                .execution_options(synchronize_session=False)
            )
        return 1

    def _record_failure(self, delivery_id: int, error: DeliveryError) -> None:
        now = self.clock.now()
        with session_scope() as session:
            delivery = session.get(Delivery, delivery_id)
            delivery.lease_until = None
            delivery.last_error = str(error)[:200]
            if error.retryable and delivery.attempts < self.max_attempts:
                delay = timedelta(seconds=self.backoff * (2 ** (delivery.attempts - 1)))
                if error.retry_after:
                    delay = max(delay, timedelta(seconds=error.retry_after))
                delivery.status, delivery.next_attempt_at = "failed", now + min(delay, MAX_BACKOFF)
                return
            give_up(session, delivery, now, type(error).__name__)


def give_up(session: Session, delivery: Delivery, now: datetime, reason: str) -> None:
    """This way of reaching the NGO failed for good: queue its next contact (e.g. SMS after WhatsApp), if any."""
    delivery.status = "dead"
    audit(session, delivery.report, "worker", "delivery_failed", f"delivery {delivery.id} via {delivery.channel}: "
          f"{reason}", now)
    position = _contact_position(delivery)
    if delivery.report is not None and delivery.ngo is not None and position is not None:
        level = int(delivery.dedupe_key.split(":")[2])
        enqueue_to_ngo(session, delivery.report, delivery.ngo, delivery.purpose, level, now, position + 1)


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


def _repeat_line(delivery: Delivery) -> str:
    from bot.reports.forward import labels_for

    return labels_for(delivery.ngo.language if delivery.ngo else "en")["repeat"] + "\n"


def _contact_position(delivery: Delivery) -> int | None:
    """Which of the NGO's contacts this delivery used (from its dedupe key, set by enqueue_to_ngo)."""
    try:
        return int(delivery.dedupe_key.rsplit(":c", 1)[1])
    except (IndexError, ValueError):
        return None

