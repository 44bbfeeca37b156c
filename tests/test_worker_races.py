"""Two workers racing over the same row, on SQLite and PostgreSQL: every write after a slow call is a compare-and-set
on the state the worker read (bot.store.cas), so a late answer cannot undo another worker's recovery or claim.

Slowness is controlled, never slept: the fake Twilio holds history lookups at a `Gate` (answered as of the moment
they arrived) until the test lets them go, and threads meet at a `threading.Barrier`. The clocks are manual.
A forward sent again after an interruption says so in its text, on SMS, WhatsApp and Telegram alike.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.delivery.senders import DeliveryError, build_senders
from bot.jobs import run_report_jobs
from bot.reports.forward import labels_for
from bot.reports.worker import DeliveryWorker
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Delivery, Report
from bot.translation import NoTranslator
from tests.conftest import _reset_caches
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio, Gate
from tests.reports_helpers import file_report, import_sample

HELPLINE_NUMBER = "+15005550006"  # Twilio's test "From" number
REPETITIONS = 20
REPEAT_HI = labels_for("hi")["repeat"]  # the sample NGOs used here work in Hindi (or Bhojpuri: Hindi labels)
LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)  # a history lookup from before any of these messages


class Fakes:
    def __init__(self, twilio: FakeTwilio, telegram: FakeTelegram) -> None:
        self.twilio, self.telegram = twilio, telegram

    def copies(self, marker: str) -> int:
        """How many messages carrying `marker` reached the NGO, on any channel."""
        return (sum(marker in (m["body"] or "") for m in self.twilio.messages)
                + sum(marker in m["text"] for m in self.telegram.sent))


@pytest.fixture
def fakes(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fakes]:
    with FakeTwilio() as twilio, FakeTelegram() as telegram:
        for name, value in {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": HELPLINE_NUMBER, "TWILIO_WHATSAPP_FROM": HELPLINE_NUMBER,
            "HELPLINE_TWILIO_API_BASE": twilio.url, "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
            "HELPLINE_TELEGRAM_API_BASE": telegram.url, "HELPLINE_DELIVERY_BACKOFF_SECONDS": "30",
        }.items():
            monkeypatch.setenv(name, value)
        _reset_caches()
        import_sample()
        yield Fakes(twilio, telegram)


def _worker(clock: ManualClock) -> DeliveryWorker:
    return DeliveryWorker(build_senders(), NoTranslator(), clock)


def _interrupted(clock: ManualClock, district: str = "Siwan") -> tuple[int, str, object]:
    """A forward a worker claimed and then died on: `sending`, its lease run out, nothing at the provider.
    Returns (delivery id, marker, the dead worker's lease). Siwan's NGO is reached by SMS, Patna's by WhatsApp,
    Gaya's by Telegram."""
    code = file_report(clock, district=district, destination=None).code
    with session_scope() as session:
        delivery_id, marker = session.execute(
            select(Delivery.id, Delivery.marker).join(Report, Delivery.report_id == Report.id)
            .where(Report.code == code)
        ).one()
    dead = _worker(clock)
    dead._compose_if_needed(delivery_id)
    lease = dead._claim(delivery_id, clock.now())
    assert lease is not None
    clock.advance(seconds=61)  # the lease (60 s) runs out
    return delivery_id, marker, lease


def _delivery(delivery_id: int) -> Delivery:
    with session_scope() as session:
        return session.get(Delivery, delivery_id)


def _audited(action: str) -> int:
    with session_scope() as session:
        return session.execute(select(func.count(AuditEvent.id)).where(AuditEvent.action == action)).scalar_one()


class Running:
    """A function on its own thread; `join` re-raises what it raised."""

    def __init__(self, target: Callable[[], object]) -> None:
        self.error: BaseException | None = None

        def run() -> None:
            try:
                target()
            except BaseException as error:  # noqa: BLE001 - re-raised in join
                self.error = error

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self) -> None:
        self.thread.join(60)
        assert not self.thread.is_alive(), "the worker thread did not finish"
        if self.error is not None:
            raise self.error


# --- delivery: two workers recover the same interrupted forward --------------------------------------------------


@pytest.mark.parametrize("order", ["late_after_resend", "late_after_recovery", "slow_one_first"])
def test_two_workers_recovering_one_forward_send_it_once(fakes: Fakes, order: str) -> None:
    """A reads the interrupted row and waits for Twilio; B reads it too. Both are told "not sent" (true when asked).
    Whatever order their answers come back in — even when A's arrives after B has recovered, claimed and sent the
    forward — it goes out once: A's late `failed` would have made it go out again."""
    clock = ManualClock()
    delivery_id, marker, _ = _interrupted(clock)
    a, b = _worker(clock), _worker(clock)
    gate = fakes.twilio.lookup_gate = Gate()
    slow = Running(a.recover_interrupted)
    gate.wait_for_arrivals(1)  # A has read the row and is waiting for Twilio
    quick = Running(b.recover_interrupted)
    gate.wait_for_arrivals(2)  # so is B
    if order == "slow_one_first":
        gate.release(0)
        slow.join()
        gate.release(0)
        quick.join()
    else:
        gate.release(-1)  # B's answer first
        quick.join()
        if order == "late_after_resend":
            assert run_report_jobs(b) == 1  # B claims the forward again and sends it
        gate.release(0)  # now A's answer ("not sent", as it was when A asked)
        slow.join()
    for _ in range(2):
        run_report_jobs(a)
        run_report_jobs(b)
    assert fakes.copies(marker) == 1
    assert _delivery(delivery_id).status == "sent"
    assert _audited("interrupted") == 1  # one recovery won; the loser wrote nothing, not even an audit entry


@pytest.mark.parametrize("lookups", ["held_together", "free"])
def test_released_together_over_and_over_two_workers_send_each_forward_once(fakes: Fakes, lookups: str) -> None:
    """The same race without choosing the order: both workers start a pass at one barrier; their lookups are either
    held until both have arrived and then answered together, or left to the fake's own pace; the threads decide the
    rest. Repeated REPETITIONS times (the unconditional writes this replaced doubled a forward in several)."""
    clock = ManualClock()
    a, b = _worker(clock), _worker(clock)
    copies: dict[str, int] = {}
    for _ in range(REPETITIONS):
        _, marker, _ = _interrupted(clock)
        gate = fakes.twilio.lookup_gate = Gate() if lookups == "held_together" else None
        barrier = threading.Barrier(2)

        def one_pass(worker: DeliveryWorker, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            run_report_jobs(worker)

        running = [Running(lambda w=w: one_pass(w)) for w in (a, b)]
        if gate is not None:
            gate.wait_for_arrivals(2)  # nobody writes before its lookup returns, so both get here
            gate.open()
        for thread in running:
            thread.join()
        fakes.twilio.lookup_gate = None
        for worker in (a, b, a, b):  # whatever a late write left due goes out now
            run_report_jobs(worker)
        copies[marker] = fakes.copies(marker)
    doubled = sum(1 for count in copies.values() if count > 1)
    print(f"lookups {lookups}: doubled {doubled}/{REPETITIONS}")
    assert doubled == 0 and all(count == 1 for count in copies.values()), copies


def test_a_late_failure_does_not_release_another_workers_claim(fakes: Fakes) -> None:
    """The worker whose lease ran out mid-send finally hears that its send failed for good. Meanwhile another worker
    recovered the forward and claimed it again: the late failure changes nothing — no `dead`, no message to the NGO's
    next contact on top of the one in flight."""
    clock = ManualClock()
    delivery_id, _, dead_lease = _interrupted(clock, "Patna")
    with session_scope() as session:
        contacts.remember_inbound(session, "whatsapp", "+15005550101", clock.now())
    dead, b = _worker(clock), _worker(clock)
    b.recover_interrupted()
    new_lease = b._claim(delivery_id, clock.now())
    assert new_lease is not None
    dead._record_failure(delivery_id, dead_lease, DeliveryError("twilio: HTTP 400, error 21211", retryable=False))
    dead._record_failure(delivery_id, dead_lease, DeliveryError("twilio: ReadTimeout", retryable=True))
    row = _delivery(delivery_id)
    assert row.status == "sending" and row.lease_until is not None
    with session_scope() as session:
        assert session.execute(select(func.count(Delivery.id))).scalar_one() == 1  # no next contact queued
    assert _audited("delivery_failed") == 0


# --- a forward sent again says so, on every channel ---------------------------------------------------------------


@pytest.mark.parametrize("district, channel", [("Siwan", "sms"), ("Patna", "whatsapp"), ("Gaya", "telegram")])
def test_a_forward_sent_again_after_an_interruption_says_so(fakes: Fakes, district: str, channel: str) -> None:
    clock = ManualClock()
    with session_scope() as session:
        # Patna: WhatsApp's 24 hours are open
        contacts.remember_inbound(session, "whatsapp", "+15005550101", clock.now())
    delivery_id, marker, _ = _interrupted(clock, district)
    assert run_report_jobs(_worker(clock)) == 1
    if channel == "telegram":
        [sent] = fakes.telegram.sent
        text = sent["text"]
    else:
        [sent] = fakes.twilio.messages
        text = sent["body"]
        assert sent["to"] == ("whatsapp:+15005550101" if channel == "whatsapp" else "+15005550104")
    heading, repeat = text.split("\n")[:2]
    assert marker in heading and repeat == REPEAT_HI
    assert _delivery(delivery_id).channel == channel
    if channel != "telegram":  # the marker is still where Twilio's lookup finds it
        address = "+15005550101" if channel == "whatsapp" else "+15005550104"
        assert build_senders()[channel].find_sent(channel, address, marker, LONG_AGO) == sent["sid"]


def test_a_repeat_stays_marked_when_its_first_resend_fails(fakes: Fakes) -> None:
    clock = ManualClock()
    _, marker, _ = _interrupted(clock)
    fakes.twilio.fail_next(1, 503)
    worker = _worker(clock)
    assert run_report_jobs(worker) == 0
    clock.advance(seconds=31)
    assert run_report_jobs(worker) == 1
    [sent] = fakes.twilio.messages
    assert sent["body"].split("\n")[1] == REPEAT_HI and marker in sent["body"]


def test_an_interrupted_whatsapp_template_is_sent_again_as_the_template(
        fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside WhatsApp's 24 hours only an approved template may go: its text is fixed, so it cannot say it is a
    repeat (the audit trail does). Its variables stay the marker and the kind of report."""
    monkeypatch.setenv("TWILIO_WHATSAPP_TEMPLATE_SID", "HX" + "0" * 32)
    _reset_caches()
    clock = ManualClock()
    _, marker, _ = _interrupted(clock, "Patna")
    assert run_report_jobs(_worker(clock)) == 1
    [sent] = fakes.twilio.messages
    variables = json.loads(sent["content_variables"])
    assert variables["1"] == marker and REPEAT_HI not in variables["2"] and variables["2"]
    assert _audited("interrupted") == 1


# --- follow-up: a check-in whose first start timed out while another worker took it over --------------------------


def test_a_late_rasa_failure_does_not_give_back_another_workers_check_in(store_url: str) -> None:
    """Worker A asks Rasa to start a check-in; Rasa is so slow that A's lease runs out. Worker B recovers the check-in
    (nothing went out) and starts it again. A's request then fails: A must not give the check-in back — B's start is
    in flight and asks the family — or it would be claimed and asked a third time. One question reaches the family."""
    from bot.followup.schedule import IST
    from bot.followup.starter import StartError
    from bot.followup.worker import FollowupWorker
    from bot.store.models import CheckIn
    from tests.followup_helpers import enrol, prompt_checkin

    clock = ManualClock(datetime(2026, 11, 27, 10, 0, tzinfo=IST).astimezone(timezone.utc))
    enrol(clock, date(2026, 11, 20))  # the first check-in is due at 10:00 IST on 27-11-2026
    asked: list[str] = []  # questions that really went out (the check-in action found the check-in to ask)
    starts: list[str] = []

    class SlowRasa:
        """Holds each start until the test lets it go; then it fails (A) or runs the check-in action (B)."""

        def __init__(self, fails: bool) -> None:
            self.fails, self.entered, self.go = fails, threading.Event(), threading.Event()

        def start(self, conversation: str, channel: str) -> None:
            starts.append(conversation)
            self.entered.set()
            assert self.go.wait(60)
            if self.fails:
                raise StartError("rasa unreachable: ReadTimeout")
            if prompt_checkin("twilio", conversation) is not None:
                asked.append(conversation)

    rasa_a, rasa_b = SlowRasa(fails=True), SlowRasa(fails=False)
    a = Running(FollowupWorker(rasa_a, clock).run_once)
    assert rasa_a.entered.wait(60)
    clock.advance(minutes=6)  # A's lease (5 minutes) runs out while Rasa keeps it waiting
    b = Running(FollowupWorker(rasa_b, clock).run_once)
    assert rasa_b.entered.wait(60)  # B recovered the check-in and claimed it again
    first = select(CheckIn).order_by(CheckIn.sequence).limit(1)
    with session_scope() as session:
        b_lease = session.execute(first).scalar_one().lease_until
    rasa_a.go.set()
    a.join()  # A's late failure
    with session_scope() as session:
        row = session.execute(first).scalar_one()
        assert (row.status, row.lease_until) == ("firing", b_lease)  # still B's
    rasa_b.go.set()
    b.join()
    clock.advance(minutes=11)  # past the retry time a given-back check-in would have had
    later = SlowRasa(fails=False)
    later.go.set()
    FollowupWorker(later, clock).run_once()
    assert len(asked) == 1 and len(starts) == 2
    with session_scope() as session:
        assert session.execute(first).scalar_one().status == "waiting"
