"""`make bench` (second part): how long a report takes from the reporter's last message to the NGO's API call.

Runs the real servers (Rasa with the trained model, the action server, the delivery worker with its default poll
interval) against the local fake Twilio server, files reports over the REST channel, and measures, per report, the
time from sending the last answer to the moment the fake Twilio API receives the forward. Also the reply time the
reporter sees for that last message, and the reporter-side time per form turn. Medians and p95; no thresholds.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio  # noqa: E402
from tests.servers import running_helpline  # noqa: E402

REPORTS = 20
CODE = re.compile(r"(?<!\d)(\d{7})(?!\d)")
_DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
CONTACT_QUESTIONS = {v["text"] for name in ("utter_ask_report_contact", "utter_report_contact_invalid")
                     for v in _DOMAIN[name]}
FIRST = "Patna ke Danapur me dalal 4 bachchon ko 5000 advance dekar kal Delhi le ja raha hai bus se, lamba aadmi"


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    return f"median {statistics.median(ordered):7.0f} ms   p95 {ordered[int(len(ordered) * 0.95) - 1]:7.0f} ms"


def main() -> int:
    with FakeTwilio() as twilio, tempfile.TemporaryDirectory() as var:
        env = {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": "+15005550006", "TWILIO_WHATSAPP_FROM": "+15005550006",
            "HELPLINE_TWILIO_API_BASE": twilio.url, "HELPLINE_TRANSLATOR": "off",
        }
        with running_helpline(Path(var), env, worker=True) as helpline:
            helpline.send("warm-up", "namaste")
            to_api: list[float] = []
            last_reply: list[float] = []
            turns: list[float] = []
            for _ in range(REPORTS):
                sender = f"+1500555{uuid.uuid4().int % 10000:04d}"
                start = time.perf_counter()
                replies = helpline.send(sender, FIRST)
                turns.append((time.perf_counter() - start) * 1000)
                code = None
                for _ in range(10):
                    answer = "3" if replies and replies[-1] in CONTACT_QUESTIONS else "pata nahi"
                    sent_at = datetime.now().astimezone()
                    start = time.perf_counter()
                    replies = helpline.send(sender, answer)
                    turns.append((time.perf_counter() - start) * 1000)
                    found = [m.group(1) for r in replies for m in [CODE.search(r)] if m]
                    if found:
                        code = found[0]
                        last_reply.append(turns[-1])
                        break
                if code is None:
                    print("a report got no reference: see the servers' log")
                    return 1
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    hits = [m for m in twilio.messages if code in m["body"]]
                    if hits:
                        received = datetime.fromisoformat(hits[0]["date_created"])
                        to_api.append((received - sent_at).total_seconds() * 1000)
                        break
                    time.sleep(0.02)
    print(f"report delivery over {len(to_api)} reports (REST -> Rasa -> actions -> outbox -> worker -> fake Twilio):")
    print(f"  last message to the outgoing API call   {_percentiles(to_api)}")
    print(f"  reply time of that last message          {_percentiles(last_reply)}")
    print(f"  reply time per form turn ({len(turns)} turns)   {_percentiles(turns)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
