"""`make eval`: how well the assistant understands each language, on examples it was not trained on.

K-fold cross-validation on our own NLU data (data/nlu/<language>.yml), stratified by language x intent:

- every (language, intent) group is sorted and then shuffled by its OWN random generator, seeded from a SHA-256 of
  "SEED|language|intent" (never Python's salted hash()), and dealt round-robin into the folds. Adding or removing
  examples of one intent in one language therefore never moves the examples of any other group between folds;
- repeated K-fold (`--repeats R`): repeat r > 1 reshuffles every group with the seed "SEED|repeat r|language|intent",
  so R x K folds give the spread; repeat 1 is the split above, comparable with figures from before repeats existed;
- for each fold an NLU-only model is trained on the other folds with the project's config.yml (`rasa train nlu`)
  and parses the held-out fold;
- printed: macro F1 (over the gold intents and nlu_fallback, which counts as a wrong class, as the old `make eval`
  did) and accuracy per language and F1 per intent as mean ± std (and min-max) over the folds, each intent's mean F1
  per language, the most frequent confusions (gold -> predicted, counts summed over the folds), the whole confusion
  table, fallbacks, missed emergencies (recall) and other messages read as emergencies,
  the language detector's accuracy on the same messages, district accuracy on tests/data/district_eval.yml and on
  the held-out by-ear spellings of tests/data/district_spellings_eval.yml (accuracy and false positives);
- every misreading (text, language, gold, predicted, confidence, runner-up) is written to var/eval/misreadings.tsv.

Runtime: one fold trains an NLU model on about two thirds of the data and parses the rest: about 20 s with the linear
classifier of config.yml (it was 190-440 s with DIET), so the default 3 folds take about a minute and `--folds 5
--repeats 2` about 4 minutes; `--quick` trains and scores only the first fold.
`--config` and `--nlu` take an older config.yml or data folder, to compare before/after.
Numbers from our own data are optimistic (the held-out messages were written by the same people as the training
ones); the held-out set of issue 15 is the better guide to real-world accuracy.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.gazetteer import load_gazetteer  # noqa: E402
from bot.language import detect_language  # noqa: E402

LANGUAGE_OF_FILE = {"en": "en", "hi": "hi", "hi_latn": "hi-Latn", "bho": "bho", "mai": "mai", "ur": "ur",
                    "ur_latn": "hi-Latn"}  # Roman Urdu is Hindi in Latin letters to the helpline
SEED = 20261129
DEFAULT_FOLDS = 3
MISREADINGS = ROOT / "var" / "eval" / "misreadings.tsv"

Row = tuple[str, str, str]  # (language, intent, text)


def load_examples(nlu_dir: Path = ROOT / "data" / "nlu") -> list[Row]:
    """[(language, intent, text), ...] from <nlu_dir>/<language>.yml."""
    rows: list[Row] = []
    for stem, language in LANGUAGE_OF_FILE.items():
        path = nlu_dir / f"{stem}.yml"
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    rows.append((language, block["intent"], line[2:].strip()))
    return rows


def group_rng(language: str, intent: str, repeat: int = 0) -> random.Random:
    """A generator of its own for one (language, intent) group, the same on every machine and every run.

    Repeat 0 keeps the seed string of the first version of this script, so its folds (and figures) stay comparable
    with the notes written before repeats existed; each further repeat reshuffles every group differently."""
    key = f"{SEED}|{language}|{intent}" if repeat == 0 else f"{SEED}|repeat {repeat}|{language}|{intent}"
    digest = hashlib.sha256(key.encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def assign_folds(rows: list[Row], folds: int, repeat: int = 0) -> list[list[Row]]:
    """Stratified folds: each (language, intent) group is shuffled by its own generator and dealt round-robin,
    starting at a group-specific fold so that small groups do not all land in fold 0."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for language, intent, text in rows:
        groups[(language, intent)].append(text)
    out: list[list[Row]] = [[] for _ in range(folds)]
    for (language, intent), texts in sorted(groups.items()):
        rng = group_rng(language, intent, repeat)
        texts = sorted(set(texts))
        rng.shuffle(texts)
        start = rng.randrange(folds)
        for i, text in enumerate(texts):
            out[(start + i) % folds].append((language, intent, text))
    return out


def heldout_folds(rows: list[Row], folds: int, repeat: int, compare_to: Path | None) -> list[list[Row]]:
    """The held-out part of each fold. Normally the folds of `rows`; with `compare_to` (an older data folder) the
    folds of the OLDER data, restricted to the messages the new data still has with the same intent, so that a data
    change is measured on exactly the messages the old figures were measured on (new examples only ever train)."""
    if compare_to is None:
        return assign_folds(rows, folds, repeat)
    present = set(rows)
    return [[row for row in fold if row in present] for fold in assign_folds(load_examples(compare_to), folds, repeat)]


def write_nlu(rows: list[Row], path: Path) -> None:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for _, intent, text in rows:
        by_intent[intent].append(text)
    body = ['version: "3.1"', "nlu:"]
    for intent, texts in sorted(by_intent.items()):
        body.append(f"- intent: {intent}\n  examples: |")
        body += [f"    - {t}" for t in texts]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")


async def parse_all(model: Path, rows: list[Row]) -> list[dict]:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug log would print every message text

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for _, _, text in rows]


def run_fold(train: list[Row], test: list[Row],
             config: Path = ROOT / "config.yml") -> list[tuple[str, float, str | None]]:
    """Trains an NLU model on `train`, returns (predicted intent, confidence, runner-up) for each test row."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "data").mkdir()
        write_nlu(train, tmp_path / "data" / "train.yml")
        subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "train", "nlu", "--config", str(config),
             "--nlu", str(tmp_path / "data"), "--out", str(tmp_path / "models"), "--fixed-model-name", "eval",
             "--quiet"],
            check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
        )
        parses = asyncio.run(parse_all(tmp_path / "models" / "eval.tar.gz", test))
    out = []
    for parse in parses:
        ranking = [r for r in parse.get("intent_ranking", []) if r.get("name") != parse["intent"]["name"]]
        out.append((parse["intent"]["name"], float(parse["intent"].get("confidence") or 0.0),
                    ranking[0]["name"] if ranking else None))
    return out


def spread(values: list[float]) -> str:
    if not values:
        return "      -"
    mean = statistics.fmean(values)
    std = statistics.pstdev(values) if len(values) > 1 else 0.0
    return f"{mean:.3f} ± {std:.3f} ({min(values):.3f}-{max(values):.3f})"


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


def confusion_table(pairs: list[tuple[str, str]], labels: list[str]) -> list[str]:
    """Gold intents (rows) x predicted (columns, numbered as the rows), counts summed over the folds; '.' is 0.

    The diagonal is the correctly read messages; a row's off-diagonal cells are where that intent goes wrong."""
    counts = Counter(pairs)
    predicted = sorted({p for _, p in pairs} - set(labels))
    columns = labels + predicted  # nlu_fallback and any other predicted-only label come last
    width = max(4, len(str(max(counts.values(), default=0))) + 1)
    lines = [" " * 30 + "".join(f"{i + 1:>{width}d}" for i in range(len(columns)))]
    for i, gold in enumerate(labels):
        cells = "".join(f"{counts[(gold, col)] or '.':>{width}}" for col in columns)
        lines.append(f"{i + 1:>3d} {gold[:26]:26s}{cells}")
    lines += [f"{len(labels) + j + 1:>3d} {label} (predicted only)" for j, label in enumerate(predicted)]
    return lines


class Tally:
    """Figures gathered over every fold of every repeat."""

    def __init__(self, languages: list[str], intents: list[str]) -> None:
        self.languages, self.intents = languages, intents
        self.per_language: dict[str, dict[str, list[float]]] = {
            lang: {"f1": [], "acc": []} for lang in [*languages, "all"]}
        self.per_intent: dict[str, list[float]] = defaultdict(list)
        self.per_language_intent: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.misreadings: list[tuple] = []
        self.scored: list[tuple[Row, str]] = []

    def add_fold(self, test: list[Row], predictions: list[tuple[str, float, str | None]], label: str) -> None:
        from sklearn.metrics import f1_score

        y_true_all = [intent for _, intent, _ in test]
        y_pred_all = [p for p, _, _ in predictions]
        for language in [*self.languages, "all"]:
            idx = [i for i, row in enumerate(test) if language in ("all", row[0])]
            if not idx:
                continue
            y_true = [y_true_all[i] for i in idx]
            y_pred = [y_pred_all[i] for i in idx]
            # Over the gold intents and nlu_fallback: an intent the held-out part has no example of (say one
            # that is newer than the --compare-to data) counts as a wrong answer, never as a class of its own.
            labels = sorted({*y_true, "nlu_fallback"})
            self.per_language[language]["f1"].append(
                f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))
            self.per_language[language]["acc"].append(
                sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / len(idx))
            if language != "all":
                scores = f1_score(y_true, y_pred, labels=self.intents, average=None, zero_division=0)
                for intent, score in zip(self.intents, scores, strict=True):
                    if intent in y_true:
                        self.per_language_intent[(language, intent)].append(float(score))
        scores = f1_score(y_true_all, y_pred_all, labels=self.intents, average=None, zero_division=0)
        for intent, score in zip(self.intents, scores, strict=True):
            if intent in y_true_all:
                self.per_intent[intent].append(float(score))
        for row, (predicted, confidence, second) in zip(test, predictions, strict=True):
            self.scored.append((row, predicted))
            if predicted != row[1]:
                self.misreadings.append((row[2], row[0], row[1], predicted, f"{confidence:.2f}", second or "", label))


def print_intent_figures(tally: Tally, folds_run: int, top: int) -> None:
    print(f"\nIntent classification, {folds_run} fold(s), {len(tally.scored)} held-out readings "
          "(mean ± std (min-max) over folds):")
    print(f"  {'language':8s} {'macro F1':27s} {'accuracy':27s}")
    for language in [*tally.languages, "all"]:
        figures = tally.per_language[language]
        print(f"  {language:8s} {spread(figures['f1']):27s} {spread(figures['acc'])}")

    print("\nF1 per intent (all languages), then the mean per language:")
    print(f"  {'intent':42s} {'all':27s} " + " ".join(f"{lang:>7s}" for lang in tally.languages))
    for intent in tally.intents:
        by_language = [tally.per_language_intent.get((lang, intent)) for lang in tally.languages]
        cells = " ".join(f"{statistics.fmean(v):7.3f}" if v else "      -" for v in by_language)
        print(f"  {intent:42s} {spread(tally.per_intent[intent]):27s} {cells}")

    confusions = Counter((row[1], predicted) for row, predicted in tally.scored if predicted != row[1])
    print(f"\nMost frequent confusions (gold -> predicted: count, over {folds_run} fold(s)):")
    for (gold, predicted), count in confusions.most_common(top):
        print(f"  {gold:42s} -> {predicted:42s} {count}")
    print("\nConfusion table (rows gold, columns predicted, same numbering):")
    for line in confusion_table([(row[1], predicted) for row, predicted in tally.scored], tally.intents):
        print("  " + line)


def write_misreadings(tally: Tally, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write("text\tlanguage\tgold\tpredicted\tconfidence\trunner_up\tfold\n")
        for text, *rest in sorted(tally.misreadings, key=lambda m: (m[1], m[2], m[3], m[0])):
            out.write("\t".join([text.replace("\t", " "), *map(str, rest)]) + "\n")
    print(f"  {len(tally.misreadings)} misreadings written to {path}")


def print_safety_and_language(tally: Tally) -> None:
    n_scored = len(tally.scored)
    fallback = sum(predicted == "nlu_fallback" for _, predicted in tally.scored)
    print(f"  sent to fallback (asked again): {fallback}/{n_scored}")
    emergencies = [predicted for row, predicted in tally.scored if row[1] == "report_emergency"]
    missed = sum(predicted != "report_emergency" for predicted in emergencies)
    false_alarms = sum(predicted == "report_emergency" and row[1] != "report_emergency"
                       for row, predicted in tally.scored)
    print(f"  emergencies not recognised as emergencies: {missed}/{len(emergencies)} "
          f"(recall {1 - missed / max(len(emergencies), 1):.3f}); other messages read as emergencies: {false_alarms}")

    print("\nLanguage detection on the same held-out messages (accuracy; undecided counted wrong):")
    for language in tally.languages:
        texts = [row[2] for row, _ in tally.scored if row[0] == language]
        hits = sum(detect_language(text).language == language for text in texts)
        print(f"  {language:8s} {hits / max(len(texts), 1):.3f}  ({hits}/{len(texts)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help=f"number of folds (default {DEFAULT_FOLDS})")
    parser.add_argument("--repeats", type=int, default=1,
                        help="repeated K-fold: reshuffle and run all folds this many times (default 1)")
    parser.add_argument("--quick", action="store_true", help="train and score only the first fold")
    parser.add_argument("--top", type=int, default=20, help="confused pairs to print (default 20)")
    parser.add_argument("--nlu", type=Path, default=ROOT / "data" / "nlu",
                        help="folder of <language>.yml files (default data/nlu; e.g. an older commit's, to compare)")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml",
                        help="the Rasa config each fold trains with (default config.yml; an older one, to compare)")
    parser.add_argument("--compare-to", type=Path, default=None,
                        help="an older data/nlu folder: hold out ITS folds (the messages still in the data, same "
                             "intent), train on everything else, so before/after figures score the same messages")
    parser.add_argument("--misreadings", type=Path, default=MISREADINGS,
                        help=f"where to write the misreadings (default {MISREADINGS.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.folds < 2 or args.repeats < 1:
        parser.error("--folds must be at least 2 and --repeats at least 1")

    rows = load_examples(args.nlu)
    tally = Tally(list(dict.fromkeys(LANGUAGE_OF_FILE.values())), sorted({intent for _, intent, _ in rows}))
    folds_run = 0
    for repeat in range(1 if args.quick else args.repeats):
        folds = heldout_folds(rows, args.folds, repeat, args.compare_to)
        for k in [0] if args.quick else range(args.folds):
            test = folds[k]
            held_out = set(test)
            train = [row for row in rows if row not in held_out]
            label = f"{repeat + 1}.{k + 1}"
            print(f"repeat {repeat + 1}, fold {k + 1}/{args.folds}: training on {len(train)} examples, "
                  f"holding out {len(test)}...", flush=True)
            started = time.monotonic()
            predictions = run_fold(train, test, args.config)
            print(f"  fold {label} took {time.monotonic() - started:.0f} s", flush=True)
            tally.add_fold(test, predictions, label)
            folds_run += 1

    print_intent_figures(tally, folds_run, args.top)
    write_misreadings(tally, args.misreadings)
    print_safety_and_language(tally)
    print_district_figures()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--districts"]:  # the district figures alone: no training, a second
        print_district_figures()
        raise SystemExit(0)
    raise SystemExit(main())
