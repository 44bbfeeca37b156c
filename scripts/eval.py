"""`make eval`: how well the assistant understands each language, on examples it was not trained on.

Splits our own NLU data (stratified by language file and intent, fixed seed) into 80% train / 20% held out, trains an
NLU-only model on the 80% with the project's config.yml, and prints intent F1 per language on the 20%, the language
detector's accuracy on the same held-out messages, district accuracy on tests/data/district_eval.yml, and the
held-out by-ear district spellings of tests/data/district_spellings_eval.yml (accuracy and false positives).
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.gazetteer import load_gazetteer  # noqa: E402
from bot.language import detect_language  # noqa: E402

LANGUAGE_OF_FILE = {"en": "en", "hi": "hi", "hi_latn": "hi-Latn", "bho": "bho", "mai": "mai"}
SEED = 20261129
HELD_OUT = 0.2


def load_examples() -> dict[str, list[tuple[str, str]]]:
    """{language: [(text, intent), ...]} from data/nlu/<language>.yml."""
    examples: dict[str, list[tuple[str, str]]] = {}
    for stem, language in LANGUAGE_OF_FILE.items():
        path = ROOT / "data" / "nlu" / f"{stem}.yml"
        rows = []
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    rows.append((line[2:].strip(), block["intent"]))
        examples[language] = rows
    return examples


def split(examples: dict[str, list[tuple[str, str]]]) -> tuple[list, dict[str, list]]:
    rng = random.Random(SEED)
    train, test = [], defaultdict(list)
    for language, rows in examples.items():
        by_intent = defaultdict(list)
        for text, intent in rows:
            by_intent[intent].append(text)
        for intent, texts in sorted(by_intent.items()):
            texts = sorted(texts)
            rng.shuffle(texts)
            cut = max(1, round(len(texts) * HELD_OUT))
            test[language] += [(t, intent) for t in texts[:cut]]
            train += [(t, intent) for t in texts[cut:]]
    return train, test


def write_nlu(rows: list[tuple[str, str]], path: Path) -> None:
    by_intent = defaultdict(list)
    for text, intent in rows:
        by_intent[intent].append(text)
    body = ['version: "3.1"', "nlu:"]
    for intent, texts in sorted(by_intent.items()):
        body.append(f"- intent: {intent}\n  examples: |")
        body += [f"    - {t}" for t in texts]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")


async def parse_all(model: Path, test: dict[str, list]) -> dict[str, list[tuple[str, dict, str]]]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug log would print every message text

    agent = Agent.load(str(model))
    results = {}
    for language, rows in test.items():
        results[language] = [(intent, (await agent.parse_message(text)), text) for text, intent in rows]
    return results


def _districts_found(gazetteer, text: str) -> list[str]:
    found: list[str] = []
    for match in gazetteer.find(text):  # "bhabua kaimur" names one district twice
        if match.district.name not in found:
            found.append(match.district.name)
    return found


def _score(cases: list[dict]) -> tuple[int, list[str]]:
    gazetteer = load_gazetteer()
    correct, misses = 0, []
    for case in cases:
        found = _districts_found(gazetteer, case["text"])
        if found == list(case.get("districts", [])):
            correct += 1
        else:
            misses.append(f"{case['text']!r}: expected {case.get('districts', [])}, got {found}")
    return correct, misses


def district_accuracy() -> tuple[int, int, list[str]]:
    cases = yaml.safe_load((ROOT / "tests" / "data" / "district_eval.yml").read_text(encoding="utf-8"))["cases"]
    correct, misses = _score(cases)
    return correct, len(cases), misses


def spelling_accuracy() -> dict[str, object]:
    """Held-out by-ear spellings: accuracy on the positives, false positives on the negatives."""
    data = yaml.safe_load((ROOT / "tests" / "data" / "district_spellings_eval.yml").read_text(encoding="utf-8"))
    correct, misses = _score(data["positives"])
    clean, false_positives = _score(data["negatives"])
    return {"correct": correct, "total": len(data["positives"]), "misses": misses,
            "false_positives": false_positives, "negatives": len(data["negatives"])}


def print_district_figures() -> None:
    correct, total, misses = district_accuracy()
    print(f"\nDistrict extraction: {correct}/{total} = {correct / total:.3f}")
    for miss in misses[:15]:
        print(f"  miss: {miss}")
    spell = spelling_accuracy()
    print(f"District spellings (held out): {spell['correct']}/{spell['total']} = "
          f"{spell['correct'] / spell['total']:.3f}; false positives on ordinary messages: "
          f"{len(spell['false_positives'])}/{spell['negatives']}")
    for miss in spell["misses"][:15] + spell["false_positives"][:15]:
        print(f"  miss: {miss}")


def main() -> int:
    from sklearn.metrics import f1_score

    examples = load_examples()
    train, test = split(examples)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "data").mkdir()
        write_nlu(train, tmp_path / "data" / "train.yml")
        print(f"training an NLU model on {len(train)} examples, holding out {sum(map(len, test.values()))}...",
              flush=True)
        subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "train", "nlu", "--config", str(ROOT / "config.yml"),
             "--nlu", str(tmp_path / "data"), "--out", str(tmp_path / "models"), "--fixed-model-name", "eval",
             "--quiet"],
            check=True, cwd=ROOT,
        )
        results = asyncio.run(parse_all(tmp_path / "models" / "eval.tar.gz", test))

    print("\nIntent classification on held-out examples (macro F1 / weighted F1 / accuracy / n):")
    all_true, all_pred = [], []
    for language in LANGUAGE_OF_FILE.values():
        rows = results[language]
        y_true = [intent for intent, _, _ in rows]
        y_pred = [parse["intent"]["name"] for _, parse, _ in rows]
        all_true += y_true
        all_pred += y_pred
        accuracy = sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / len(rows)
        print(f"  {language:8s} {f1_score(y_true, y_pred, average='macro', zero_division=0):.3f} / "
              f"{f1_score(y_true, y_pred, average='weighted', zero_division=0):.3f} / {accuracy:.3f} / {len(rows)}")
    print(f"  {'all':8s} {f1_score(all_true, all_pred, average='macro', zero_division=0):.3f} / "
          f"{f1_score(all_true, all_pred, average='weighted', zero_division=0):.3f} / "
          f"{sum(t == p for t, p in zip(all_true, all_pred, strict=True)) / len(all_true):.3f} / {len(all_true)}")
    errors_file = ROOT / "var" / "eval_errors.tsv"
    errors_file.parent.mkdir(exist_ok=True)
    with errors_file.open("w", encoding="utf-8") as out:
        for language, rows in results.items():
            for intent, parse, text in rows:
                if parse["intent"]["name"] != intent:
                    second = parse.get("intent_ranking", [{}, {}])[1:2] or [{}]
                    out.write(f"{language}\t{intent}\t{parse['intent']['name']}\t"
                              f"{parse['intent'].get('confidence', 0):.2f}\t{second[0].get('name')}\t{text}\n")
    print(f"  misclassified examples written to {errors_file.relative_to(ROOT)}")
    fallback = sum(p == "nlu_fallback" for p in all_pred)
    print(f"  sent to fallback (asked again): {fallback}/{len(all_pred)}")

    emergency_missed = [text for intent, parse, text in sum(results.values(), [])
                        if intent == "report_emergency" and parse["intent"]["name"] != "report_emergency"]
    print(f"  emergencies not recognised as emergencies: {len(emergency_missed)}")

    print("\nLanguage detection on the same held-out messages (accuracy; undecided counted wrong):")
    for language in LANGUAGE_OF_FILE.values():
        rows = [text for text, _ in test[language]]
        hits = sum(detect_language(text).language == language for text in rows)
        print(f"  {language:8s} {hits / len(rows):.3f}  ({hits}/{len(rows)})")

    print_district_figures()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--districts"]:  # the district figures alone: no training, a second
        print_district_figures()
        raise SystemExit(0)
    raise SystemExit(main())
