"""Kill the delivery worker (SIGKILL) again and again while it sends; after a restart every forward has gone out
exactly once through Twilio (a half-finished send is found at Twilio by its marker and not repeated). Telegram cannot
be asked what was sent, so a send cut off in flight is repeated, marked as a repeat: at least once, never silently
twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.clock import SystemClock
from bot.settings import PROJECT_ROOT
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Delivery
from tests.conftest import _reset_caches
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.reports_helpers import file_report, import_sample

DISTRICTS = ["Patna", "Siwan", "Kishanganj", "Saran", "Nalanda", "Purnia", "Gaya", "Munger"]  # sms, whatsapp, telegram


@pytest.fixture
def servers(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeTwilio, FakeTelegram]]:
    with FakeTwilio() as twilio, FakeTelegram() as telegram:
        twilio.delay_seconds = 0.25  # every send is "in flight" for a while: kills land mid-send
        telegram.delay_seconds = 0.25
        for name, value in {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": "+15005550006", "TWILIO_WHATSAPP_FROM": "+15005550006",
            "HELPLINE_TWILIO_API_BASE": twilio.url, "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
            "HELPLINE_TELEGRAM_API_BASE": telegram.url, "HELPLINE_TRANSLATOR": "off",
            "HELPLINE_DELIVERY_LEASE_SECONDS": "2", "HELPLINE_WORKER_POLL_SECONDS": "0.1",
            "HELPLINE_DELIVERY_BACKOFF_SECONDS": "0.2",
        }.items():
            monkeypatch.setenv(name, value)
        _reset_caches()
        import_sample()
        yield twilio, telegram


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], cwd=PROJECT_ROOT, env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _sending() -> bool:
    with session_scope() as session:
        return session.execute(select(Delivery.id).where(Delivery.status == "sending").limit(1)).first() is not None


def _all_sent() -> bool:
    with session_scope() as session:
        statuses = list(session.execute(select(Delivery.status)).scalars())
    return bool(statuses) and all(s == "sent" for s in statuses)


def test_killing_the_worker_mid_send_loses_nothing_and_doubles_nothing(
        servers: tuple[FakeTwilio, FakeTelegram]) -> None:
    twilio, telegram = servers
    clock = SystemClock()
    codes = [file_report(clock, district=d, destination=None).code for d in DISTRICTS for _ in range(2)]
    rng = random.Random(4829317)
    kills = 0
    for _ in range(6):
        worker = _start_worker()
        # Kill it while a send is in flight: wait (however slow start-up is on a loaded machine) until it claims
        # a message, then kill at a random moment of the fake API's 0.25 s answer.
        deadline = time.monotonic() + 60
        while not _sending() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.2))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
        if _all_sent():
            break
    worker = _start_worker()
    started = time.monotonic()
    try:
        deadline = started + 90
        while not _all_sent() and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(max(0.0, started + 5 - time.monotonic()))  # let it finish starting before asking it to stop
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    assert kills >= 1 and _all_sent()
    with session_scope() as session:
        deliveries = session.execute(select(Delivery)).scalars().all()
        markers = {d.marker: d.channel for d in deliveries}
    assert len(markers) == len(codes)
    twilio_markers = Counter(m for m in markers for message in twilio.messages if m in message["body"])
    for marker, channel in markers.items():
        if channel in ("sms", "whatsapp"):
            assert twilio_markers[marker] == 1, (marker, twilio_markers[marker])
    for marker, channel in markers.items():
        if channel == "telegram":
            copies = [m["text"] for m in telegram.sent if marker in m["text"]]
            assert copies, marker
            assert all("Sent again" in t or "दोबारा भेजा" in t for t in copies[1:]), marker
    assert worker.returncode == 0  # SIGTERM stops it cleanly
    with session_scope() as session:
        settled = [e.action for e in session.execute(select(AuditEvent)).scalars()
                   if e.action in ("reconciled", "interrupted")]
    print(f"kills={kills} settled after a kill: {Counter(settled)}")
    assert settled, "no kill landed between a claim and its result: the test did not test anything"
