"""`make bench`: how fast the per-message work is, as medians over repeated runs (machines here are shared).

Measures, on messages from our own NLU data: language detection, district finding and reply reading (our code on
every message), and a full NLU parse by the trained model; plus the model's resident memory. Prints figures only —
targets are judged by people reading them, never by timed assertions in tests.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.gazetteer import load_gazetteer  # noqa: E402
from bot.language import detect_language  # noqa: E402
from bot.menu import read_reply  # noqa: E402
from scripts.eval import load_examples  # noqa: E402

MODEL = ROOT / "models" / "helpline.tar.gz"


def per_call_us(function, texts: list[str], repeats: int = 5) -> tuple[float, float]:
    """(median, p95) microseconds per call over `repeats` passes of all texts."""
    samples = []
    for _ in range(repeats):
        for text in texts:
            start = time.perf_counter_ns()
            function(text)
            samples.append((time.perf_counter_ns() - start) / 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


async def parse_latency_ms(texts: list[str]) -> tuple[float, float, float]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    agent = Agent.load(str(MODEL))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for text in texts[:20]:  # warm up
        await agent.parse_message(text)
    samples = []
    for text in texts:
        start = time.perf_counter()
        await agent.parse_message(text)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)], (after - before) / 1024


def main() -> int:
    texts = [text for rows in load_examples().values() for text, _ in rows][::3]
    gazetteer = load_gazetteer()
    print(f"{len(texts)} messages from data/nlu, medians (p95):")
    for name, function in [
        ("language detection", detect_language),
        ("district finding", gazetteer.find),
        ("reply reading", lambda t: read_reply(t, "inform", "utter_ask_rescue_place")),
    ]:
        median, p95 = per_call_us(function, texts)
        print(f"  {name:20s} {median:8.1f} µs  ({p95:.1f})")
    if not MODEL.exists():
        print("  (no trained model: run make train for the NLU figures)")
        return 0
    median, p95, rss_mb = asyncio.run(parse_latency_ms(texts))
    print(f"  {'NLU parse (model)':20s} {median:8.2f} ms  ({p95:.2f})")
    print(f"  model load added {rss_mb:.0f} MB resident memory")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
