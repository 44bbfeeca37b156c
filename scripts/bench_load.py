"""`make bench-load`: the same closed-loop load on a stock `rasa init` bot and on the helpline, embedded (`make run`
shape: one Rasa process, SQLite) and production (`make run-production` shape: two Rasa processes behind nginx,
PostgreSQL tracker store, Redis lock store, from the shipped deploy/ files; its PostgreSQL and Redis are private
throw-away instances). Prints messages/s, p50, p95 and the ratios to stock, for 10 and 50 phones.

Each phone sends the 8-message script of scripts/bench_turns.py (greeting, menu numbers, a district, an age, questions
in Hindi, Hinglish and English) in a closed loop — the next message as soon as the answer arrives, a new sender for
each pass — for a bounded time after a short warm-up. The stock bot is built with `rasa init --no-prompt` (which
trains it) from the same venv in a temporary folder, or reused from --stock-dir. The three start together (loading the
models is most of the wait) and are measured one after the other, the others idle.

    scripts/bench_load.py [--seconds 40] [--phones 10 50] [--stock-dir DIR] [--only stock embedded production]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_turns import SCRIPT  # noqa: E402
from tests.servers import RASA, free_port, running_helpline, wait_for  # noqa: E402
from tests.topology import running_topology  # noqa: E402


def load(url: str, phones: int, seconds: float) -> dict[str, float]:
    """`phones` threads, each sending the script over and over (a new sender per pass) until the time is up."""
    latencies: list[float] = []
    failed = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def phone() -> None:
        session = requests.Session()
        while time.monotonic() < deadline:
            sender = f"load-{uuid.uuid4().hex[:12]}"
            for message in SCRIPT:
                if time.monotonic() >= deadline:
                    return
                start = time.perf_counter()
                try:
                    ok = session.post(url, json={"sender": sender, "message": message}, timeout=300).status_code == 200
                except requests.RequestException:
                    ok = False
                elapsed = time.perf_counter() - start
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        failed[0] += 1

    threads = [threading.Thread(target=phone, daemon=True) for _ in range(phones)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 320)
    wall = time.monotonic() - begin
    latencies.sort()
    return {
        "messages_per_s": len(latencies) / wall,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": latencies[int(len(latencies) * 0.95)] if latencies else float("nan"),
        "messages": len(latencies),
        "failed": failed[0],
    }


def stock_bot(directory: Path) -> Path:
    """A stock `rasa init --no-prompt` bot (trained) in `directory`, built once."""
    if not list((directory / "models").glob("*.tar.gz")):
        directory.mkdir(parents=True, exist_ok=True)
        print(f"building the stock bot: rasa init --no-prompt --init-dir {directory} (trains it)", flush=True)
        subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(directory)], cwd=directory, check=True,
                       stdout=subprocess.DEVNULL, env=dict(os.environ, RASA_TELEMETRY_ENABLED="false"))
    return directory


@contextmanager
def running_stock(directory: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([RASA, "run", "-i", "127.0.0.1", "-p", str(port), "--enable-api"], cwd=directory,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3"))
    try:
        wait_for(f"http://127.0.0.1:{port}/webhooks/rest/", process, timeout=1800)
        yield f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def running(profile: str, stock_dir: Path, var: Path) -> Iterator[str]:
    if profile == "stock":
        with running_stock(stock_dir) as url:
            yield url
    elif profile == "embedded":
        with running_helpline(var) as helpline:
            yield helpline.url
    else:
        with running_topology(var) as topology:
            yield f"{topology.public}/webhooks/rest/webhook"


def start_all(stack: ExitStack, profiles: list[str], stock_dir: Path, temp: Path) -> dict[str, str]:
    """Start every profile's servers at once (loading models is most of the wait), kept running by `stack`."""
    urls: dict[str, str] = {}
    lock = threading.Lock()

    def start(profile: str) -> None:
        (temp / profile).mkdir(parents=True, exist_ok=True)
        context = running(profile, stock_dir, temp / profile)
        try:
            url = context.__enter__()
        except Exception as error:  # e.g. a model that did not load in time: measure the others
            print(f"{profile}: did not start ({type(error).__name__}: {error})", flush=True)
            return
        with lock:
            stack.push(context.__exit__)
            urls[profile] = url

    with ThreadPoolExecutor(len(profiles)) as pool:
        for future in [pool.submit(start, profile) for profile in profiles]:
            future.result()
    print("all servers up: " + ", ".join(profiles), flush=True)
    return urls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=40.0, help="measured time per run")
    parser.add_argument("--phones", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--stock-dir", type=Path, help="reuse (or build once into) this stock bot folder")
    parser.add_argument("--only", nargs="+", default=["stock", "embedded", "production"],
                        choices=["stock", "embedded", "production"])
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers (the `with` blocks) on a kill too
    results: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as temp, ExitStack() as stack:
        stock_dir = stock_bot(args.stock_dir or Path(temp) / "stock")
        urls = start_all(stack, args.only, stock_dir, Path(temp))
        for profile in [profile for profile in args.only if profile in urls]:  # one at a time; the others idle
            for phones in args.phones:
                load(urls[profile], phones, min(10.0, args.seconds))  # warm-up: first predictions, pools, caches
                results[profile, phones] = figures = load(urls[profile], phones, args.seconds)
                print(f"{profile:<11} {phones:3d} phones  {figures['messages_per_s']:6.2f} messages/s  "
                      f"p50 {figures['p50']:5.2f} s  p95 {figures['p95']:5.2f} s  "
                      f"({figures['messages']:.0f} answered, {figures['failed']:.0f} failed)", flush=True)
    print("\n| profile | phones | messages/s | p50 | p95 | throughput / stock | p95 / stock |")
    print("|---|---|---|---|---|---|---|")
    for (profile, phones), figures in results.items():
        stock = results.get(("stock", phones))
        ratio = f"{figures['messages_per_s'] / stock['messages_per_s']:.2f}x" if stock else "-"
        p95 = f"{figures['p95'] / stock['p95']:.2f}x" if stock else "-"
        print(f"| {profile} | {phones} | {figures['messages_per_s']:.1f} | {figures['p50']:.2f} s | "
              f"{figures['p95']:.2f} s | {ratio} | {p95} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
