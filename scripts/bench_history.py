"""`make bench`: does a message cost more when the conversation behind it is two years long? (issue 12, item 3)

Starts the real servers (tests.servers.running_helpline: Rasa with the trained model and the encrypted tracker store,
the action server), records one real session of the 8-message script (scripts/bench_turns.SCRIPT), and writes
histories of 495 messages into the tracker database, sealed exactly as the store seals them:
- "two years": 62 sessions of that recorded session (the last one cut after 7 messages), spread over 730 days —
  check-ins and questions on separate days, as a family's follow-up brings them — each starting with the slots
  carried over as stock Rasa carries them (every SlotSet of the session before, bot/rasa_patches.py item 4);
- "one session, paused": the same 495 messages within the last day, every 10 minutes, the last ~2 hours ago: one
  session 495 messages long, which bot/rasa_patches.py ends at the next message (long, and paused);
- "one session, no pause": the same, the last message a minute ago: the session goes on.
Then, one message at a time (latency, not throughput), the script's first five messages are sent to a fresh
conversation and to each long one: message 5 of the fresh one against message 500 of the long ones (the same
message, the same point of its session). Repeated, interleaved, and the medians printed.

    scripts/bench_history.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_turns import SCRIPT  # noqa: E402
from tests.servers import Helpline, running_helpline  # noqa: E402

HISTORY_MESSAGES = 495
DAY = 86400.0


def recorded_session(helpline: Helpline) -> list[dict[str, Any]]:
    """The events of one real session of the script, as Rasa stored them."""
    sender = f"template-{uuid.uuid4().hex[:8]}"
    for text in SCRIPT:
        helpline.send(sender, text)
    tracker = requests.get(f"{helpline.api}/conversations/{sender}/tracker", params=helpline.token, timeout=60).json()
    return list(tracker["events"])


def _cut_after(events: list[dict[str, Any]], user_messages: int) -> list[dict[str, Any]]:
    """The events up to (not including) the user message after the first `user_messages` ones."""
    seen = 0
    for index, event in enumerate(events):
        if event["event"] == "user":
            if seen == user_messages:
                return events[:index]
            seen += 1
    return events


def history(session: list[dict[str, Any]], starts: list[float], one_session: bool) -> list[dict[str, Any]]:
    """Copies of the recorded session beginning at each of `starts`, 495 user messages in all."""
    per_session = sum(1 for e in session if e["event"] == "user")
    events: list[dict[str, Any]] = []
    left = HISTORY_MESSAGES
    carried: list[dict[str, Any]] = []
    for number, start in enumerate(starts):
        copy = session if left >= per_session else _cut_after(session, left)
        if one_session and number:  # no new session: drop the session start of every copy but the first
            copy = [e for e in copy if e["event"] != "session_started" and e.get("name") != "action_session_start"]
        elif carried:  # stock Rasa's carry-over: every SlotSet of the session before, right after session_started
            at = next(i for i, e in enumerate(copy) if e["event"] == "session_started") + 1
            copy = copy[:at] + [dict(e, timestamp=copy[at - 1]["timestamp"]) for e in carried] + copy[at:]
        if not one_session:
            carried = [e for e in copy if e["event"] == "slot"]
        offset = start - session[0]["timestamp"]
        events += [dict(e, timestamp=e["timestamp"] + offset) for e in copy]
        left -= sum(1 for e in copy if e["event"] == "user")
        if left <= 0:
            break
    return events


def write_history(sender: str, events: list[dict[str, Any]]) -> None:
    """Insert the events as the encrypted tracker store writes them (bot/rasa_tracker_store.py)."""
    from bot.settings import get_settings
    from bot.store.tracker_events import events as table
    from bot.store.tracker_events import seal, tracker_engine

    rows = [{"sender_id": sender, "type_name": e["event"], "timestamp": e["timestamp"],
             "intent_name": (e.get("parse_data") or {}).get("intent", {}).get("name"), "action_name": e.get("name"),
             "data": seal(json.dumps(e))} for e in events]
    with tracker_engine(get_settings().tracker_database_url).begin() as connection:
        connection.execute(table.insert(), rows)


def timed_fifth(helpline: Helpline, sender: str) -> float:
    """Send the script's first five messages; the seconds the fifth took."""
    for text in SCRIPT[:4]:
        helpline.send(sender, text)
    start = time.perf_counter()
    helpline.send(sender, SCRIPT[4])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--var", help="keep the servers' files (tracker database, log) in this directory")
    parser.add_argument("--patches", choices=["on", "off"], default="on", help="HELPLINE_RASA_PATCHES for Rasa")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary, \
            running_helpline(Path(args.var or temporary), {"HELPLINE_RASA_PATCHES": args.patches}) as helpline:
        for name in ("HELPLINE_SECRET_KEYS", "HELPLINE_TRACKER_DATABASE_URL", "HELPLINE_VAR_DIR"):
            os.environ[name] = helpline.env[name]  # seal with the servers' key, into their tracker database
        session = recorded_session(helpline)
        per_session = sum(1 for e in session if e["event"] == "user")
        sessions = -(-HISTORY_MESSAGES // per_session)
        timings: dict[str, list[float]] = {"fresh (message 5)": [], "two years (message 500)": [],
                                           "one session, paused (500)": [], "one session, no pause (500)": []}
        timed_fifth(helpline, f"warm-{uuid.uuid4().hex[:8]}")  # first predictions, connections
        for _ in range(args.rounds):
            now = time.time()
            two_years, paused, busy = (f"long-{uuid.uuid4().hex[:8]}" for _ in range(3))
            spread = [now - 730 * DAY + k * (729 * DAY / sessions) for k in range(sessions)]
            write_history(two_years, history(session, spread, one_session=False))
            recent = [now - 0.5 * DAY + k * 600 for k in range(sessions)]
            write_history(paused, history(session, recent, one_session=True))
            last_minute = [now - 60 - (sessions - k) * 60 for k in range(sessions)]
            write_history(busy, history(session, last_minute, one_session=True))
            timings["fresh (message 5)"].append(timed_fifth(helpline, f"fresh-{uuid.uuid4().hex[:8]}"))
            timings["two years (message 500)"].append(timed_fifth(helpline, two_years))
            timings["one session, paused (500)"].append(timed_fifth(helpline, paused))
            timings["one session, no pause (500)"].append(timed_fifth(helpline, busy))
        base = statistics.median(timings["fresh (message 5)"])
        print(f"Rasa patches {args.patches}; {args.rounds} rounds, one message at a time; "
              f"history {HISTORY_MESSAGES} messages ({len(session)} events a session of {per_session} messages)")
        for label, values in timings.items():
            median = statistics.median(values)
            print(f"{label:<28} median {median * 1000:7.0f} ms   ({median / base:.2f}x message 5)   "
                  f"all: {', '.join(f'{v * 1000:.0f}' for v in values)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
