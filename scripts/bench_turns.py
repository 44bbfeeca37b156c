"""`make bench`: whole conversation turns through the real servers — messages per second, p50 and p95 latency.

Starts Rasa (trained model, --auth-token) and the action server as the tests do (tests.servers.running_helpline),
then 10 simulated phones each send an 8-message script (greeting, menu numbers, a district, an age, questions in
Hindi, Hinglish and English) in a closed loop — the next message goes as soon as the reply arrives, a new phone
number for each pass of the script — for a bounded time and message count. Prints figures only.

    scripts/bench_turns.py                 one run, Rasa as configured (bot/rasa_patches.py on)
    scripts/bench_turns.py --compare 3     Rasa restarted 6 times, alternately with HELPLINE_RASA_PATCHES=off and on,
                                           then the medians of each and their ratio
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import Helpline, running_helpline  # noqa: E402

SCRIPT = [
    "namaste",                                              # greeting -> main menu
    "1",                                                    # compensation -> where was the child rescued?
    "Jaipur",                                               # a district
    "12",                                                   # the child's age -> the amount owed
    "1",                                                    # the papers for it
    "मेरा बेटा लौट आया है, स्कूल में दाखिला कैसे होगा",          # Hindi: school admission
    "school wale mere bete ka dakhila nahi kar rahe hain",  # Hinglish: school admission
    "how much compensation will my child get",              # English: compensation
]


def run(helpline: Helpline, phones: int, seconds: float, max_messages: int) -> dict[str, float]:
    """Closed loop: `phones` threads, each sending the script over and over until time or the message budget is up."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    sent = [0]
    deadline = time.monotonic() + seconds

    def phone() -> None:
        session = requests.Session()
        while True:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            for text in SCRIPT:
                with lock:
                    if time.monotonic() >= deadline or sent[0] >= max_messages:
                        return
                    sent[0] += 1
                start = time.perf_counter()
                try:
                    response = session.post(helpline.url, json={"sender": sender, "message": text}, timeout=120)
                    ok = response.status_code == 200 and bool(response.json())
                except requests.RequestException as error:
                    ok, response = False, error
                elapsed = time.perf_counter() - start
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors.append(str(getattr(response, "status_code", response)))

    threads = [threading.Thread(target=phone, daemon=True) for _ in range(phones)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    wall = time.monotonic() - begin
    if errors:
        print(f"  {len(errors)} failed messages, e.g. {errors[:3]}")
    latencies.sort()
    return {
        "messages_per_s": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else float("nan"),
        "messages": len(latencies),
        "failed": len(errors),
    }


def show(label: str, figures: dict[str, float]) -> None:
    print(f"{label:<14} {figures['messages_per_s']:6.2f} messages/s   p50 {figures['p50_ms']:7.0f} ms   "
          f"p95 {figures['p95_ms']:7.0f} ms   ({figures['messages']:.0f} messages, {figures['failed']:.0f} failed, "
          f"{figures.get('patched', 0):.0f} patches logged so far)",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40.0, help="measured time per run")
    parser.add_argument("--max-messages", type=int, default=5000, help="message budget per run")
    parser.add_argument("--compare", type=int, default=0, metavar="N",
                        help="N rounds of (patches off, patches on), Rasa restarted for each run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var, running_helpline(Path(var)) as helpline:
        def measured(switch: str | None) -> dict[str, float]:
            if switch is not None:
                helpline.stop_rasa()
                helpline.env["HELPLINE_RASA_PATCHES"] = switch  # read by bot.rasa_patches.install() in Rasa
                helpline.start_rasa()
            run(helpline, args.phones, 3, 10 * args.phones)  # warm up: first predictions, connections, caches
            figures = run(helpline, args.phones, args.seconds, args.max_messages)
            log = helpline.log.read_text(errors="replace") if helpline.log else ""
            figures["patched"] = log.count("patched (bot/rasa_patches.py)")  # over all Rasa starts so far
            return figures

        print(f"{args.phones} phones, the {len(SCRIPT)}-message script in a closed loop, {args.seconds:.0f} s a run")
        if not args.compare:
            show("as configured", measured(None))
            return 0
        results: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
        for round_ in range(args.compare):
            for switch in ("off", "on"):
                results[switch].append(measured(switch))
                show(f"{round_ + 1}: patches {switch}", results[switch][-1])
        medians = {switch: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                   for switch, runs in results.items()}
        for switch in ("off", "on"):
            show(f"median {switch}", medians[switch])
        print(f"ratio on/off: {medians['on']['messages_per_s'] / medians['off']['messages_per_s']:.2f}x messages/s, "
              f"p50 {medians['on']['p50_ms'] / medians['off']['p50_ms']:.2f}x, "
              f"p95 {medians['on']['p95_ms'] / medians['off']['p95_ms']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
