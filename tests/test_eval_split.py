"""`make eval`'s split (scripts/eval.py): stratified by language x intent, fixed, stable when other groups change,
and reshuffled by each repeat of repeated K-fold; its confusion table."""

from __future__ import annotations

from collections import Counter

from scripts.eval import assign_folds, confusion_table

ROWS = [(language, intent, f"{language} {intent} example {i}")
        for language in ("en", "hi") for intent in ("greet", "deny", "inform") for i in range(7)]


def test_every_language_intent_group_is_spread_evenly_over_the_folds() -> None:
    folds = assign_folds(ROWS, 3)
    assert sorted(row for fold in folds for row in fold) == sorted(ROWS)
    for fold in folds:
        sizes = Counter((language, intent) for language, intent, _ in fold)
        assert set(sizes) == {(language, intent) for language, intent, _ in ROWS}
        assert set(sizes.values()) <= {2, 3}  # 7 examples over 3 folds


def test_the_split_is_fixed_and_other_groups_do_not_move_it() -> None:
    assert assign_folds(ROWS, 3) == assign_folds(list(reversed(ROWS)), 3)
    more = [*ROWS, *[("en", "thank", f"thanks {i}") for i in range(5)], ("hi", "deny", "one more no")]
    before = [{row for row in fold if row[1] == "greet"} for fold in assign_folds(ROWS, 3)]
    after = [{row for row in fold if row[1] == "greet"} for fold in assign_folds(more, 3)]
    assert before == after


def test_each_repeat_reshuffles_and_repeat_zero_is_the_original_split() -> None:
    assert assign_folds(ROWS, 3, repeat=0) == assign_folds(ROWS, 3)
    assert assign_folds(ROWS, 3, repeat=1) != assign_folds(ROWS, 3)
    assert assign_folds(ROWS, 3, repeat=1) == assign_folds(ROWS, 3, repeat=1)


def test_the_confusion_table_counts_gold_against_predicted() -> None:
    lines = confusion_table([("deny", "deny"), ("deny", "affirm"), ("affirm", "affirm"), ("affirm", "nlu_fallback"),
                             ("affirm", "nlu_fallback")], ["affirm", "deny"])
    assert lines[1].split()[1:] == ["affirm", "1", ".", "2"]
    assert lines[2].split()[1:] == ["deny", "1", "1", "."]
    assert lines[3].endswith("nlu_fallback (predicted only)")


def test_compare_to_holds_out_the_older_data_folds_only(tmp_path) -> None:
    from scripts.eval import LANGUAGE_OF_FILE, heldout_folds, load_examples

    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    for folder, extra in ((old_dir, ""), (new_dir, "    - a new hello\n    - another new hello\n")):
        folder.mkdir()
        for stem in LANGUAGE_OF_FILE:
            body = "".join(f"    - {stem} hello {i}\n" for i in range(6)) + (extra if stem == "en" else "")
            (folder / f"{stem}.yml").write_text(f'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n{body}')
    new_rows = load_examples(new_dir)
    compared = heldout_folds(new_rows, 3, 0, old_dir)
    assert compared == assign_folds(load_examples(old_dir), 3)
    assert all("new hello" not in text for fold in compared for _, _, text in fold)
