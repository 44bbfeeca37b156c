"""`make bench` (third part): the follow-up worker — starting check-ins through the real Rasa server, and the cost of
a worker pass over a large number of enrolled families when nothing is due.

1. Starting: FAMILIES families on SMS, all due now; the worker (in this process, the real RasaStarter) asks the
   real Rasa server (trained model + action server) to start each check-in; the question goes out through Twilio's
   SDK to the local fake Twilio. Measured per family: worker asks Rasa -> question received by the fake Twilio API.
2. Idle pass: IDLE_FAMILIES enrolled families, none due (the usual state of a two-year schedule): time of one
   `run_once`, which every worker replica does every poll.
Medians and p95; no thresholds (shared, noisy machines).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio  # noqa: E402
from tests.servers import running_helpline  # noqa: E402

FAMILIES = 30
IDLE_FAMILIES = 2000


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    return f"median {statistics.median(ordered):7.1f} ms   p95 {ordered[max(0, int(len(ordered) * 0.95) - 1)]:7.1f} ms"


def _use_store_of(env: dict[str, str]) -> None:
    for name in ("HELPLINE_ENV", "HELPLINE_VAR_DIR", "HELPLINE_SECRET_KEYS", "HELPLINE_DATABASE_URL"):
        os.environ[name] = env[name]
    from bot.settings import get_settings
    from bot.store import db

    get_settings.cache_clear()
    db.engine_for.cache_clear()


def _enrol(count: int, returned_on: date, first_number: int) -> None:
    from bot.clock import SystemClock
    from bot.followup.cases import Enrolment, create_case
    from bot.store.db import session_scope

    now = SystemClock().now()
    with session_scope() as session:
        for index in range(count):
            create_case(session, Enrolment(channel="sms", address=f"+1500{first_number + index:07d}",
                                           district="Gaya", returned_on=returned_on, language="hi-Latn"),
                        None, "active", now, "bench")


def main() -> int:
    from bot.clock import ManualClock
    from bot.followup.schedule import IST

    with FakeTwilio() as twilio, tempfile.TemporaryDirectory() as var:
        env = {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": "+15005550006", "HELPLINE_TWILIO_API_BASE": twilio.url,
            "HELPLINE_TRANSLATOR": "off",
        }
        with running_helpline(Path(var), env) as helpline:
            _use_store_of(helpline.env)
            from bot.followup.starter import RasaStarter
            from bot.followup.worker import FollowupWorker
            from bot.reports.directory import import_directory, load_directory

            import_directory(load_directory(ROOT / "bot" / "data" / "ngos.sample.yml"))
            today = datetime.now(IST).date()
            _enrol(FAMILIES, today - timedelta(days=10), 5550200)  # the one-week check-in is due
            # A daytime clock after every first check-in fell due: each family has one check-in to start.
            clock = ManualClock(datetime.now(timezone.utc))
            clock._now = datetime.combine(today, datetime.min.time(), IST).replace(hour=15).astimezone(timezone.utc)
            starter = RasaStarter(helpline.api, token=helpline.env["HELPLINE_RASA_TOKEN"])
            worker = FollowupWorker(starter, clock, batch_size=1)
            latencies: list[float] = []
            started = time.perf_counter()
            for _ in range(FAMILIES):
                before = len(twilio.messages)
                asked = time.perf_counter()
                if worker.run_once() != 1:
                    break
                deadline = time.monotonic() + 30
                while len(twilio.messages) == before and time.monotonic() < deadline:
                    time.sleep(0.005)
                latencies.append((time.perf_counter() - asked) * 1000)
            total = time.perf_counter() - started
    print(f"check-ins started through Rasa ({len(latencies)} families, SMS, fake Twilio):")
    print(f"  worker asks Rasa -> question at the Twilio API   {_percentiles(latencies)}")
    print(f"  throughput, one worker                           {len(latencies) / total:7.1f} check-ins/s")

    with tempfile.TemporaryDirectory() as var:
        from cryptography.fernet import Fernet

        _use_store_of({"HELPLINE_ENV": "development", "HELPLINE_VAR_DIR": var,
                       "HELPLINE_SECRET_KEYS": Fernet.generate_key().decode(),
                       "HELPLINE_DATABASE_URL": f"sqlite:///{var}/helpline.db"})
        from bot.followup.worker import FollowupWorker
        from tests.followup_helpers import RecordingStarter

        _enrol(IDLE_FAMILIES, datetime.now(IST).date(), 5560000)
        worker = FollowupWorker(RecordingStarter(), ManualClock(datetime.now(timezone.utc)))
        passes = []
        for _ in range(50):
            start = time.perf_counter()
            worker.run_once()
            passes.append((time.perf_counter() - start) * 1000)
    print(f"idle worker pass over {IDLE_FAMILIES} enrolled families ({IDLE_FAMILIES * 8} check-in rows, SQLite):")
    print(f"  run_once                                         {_percentiles(passes)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
