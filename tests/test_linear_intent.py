"""The intent classifier (bot/nlu/linear_intent.py) and its sound keys (bot/nlu/sound_keys.py): trained, persisted
and loaded the way Rasa does it, on a small made-up training set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.familiarity import LetterModel
from bot.nlu.linear_intent import LinearIntentClassifier
from bot.nlu.sound_keys import skeleton, sound_key, urdu_to_latin

EXAMPLES = {
    "ask_compensation_status": ["paisa nahi aaya", "muavza abhi tak nahi mila", "पैसा नहीं आया", "मुआवजा नहीं मिला",
                                "money has not come", "compensation not received yet"],
    "ask_school_enrolment": ["school me admission chahiye", "बेटे का स्कूल में दाखिला", "school admission for my son",
                             "school wale dakhila nahi de rahe", "स्कूल में नाम लिखवाना है", "enrol him in school"],
    "greet": ["namaste", "नमस्ते", "hello", "pranam", "प्रणाम", "good morning"],
}


def _train(tmp_path: Path, config: dict | None = None) -> tuple[LinearIntentClassifier, LocalModelStorage, Resource]:
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    resource = Resource("linear")
    context = ExecutionContext(GraphSchema({}), "test")
    component = LinearIntentClassifier.create({**LinearIntentClassifier.get_default_config(), **(config or {})},
                                              storage, resource, context)
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in EXAMPLES.items() for text in texts])
    component.train(data)
    return component, storage, resource


def _read(component: LinearIntentClassifier, text: str) -> tuple[str, float, list[dict]]:
    message = Message(data={"text": text})
    component.process([message])
    intent = message.get("intent")
    return intent["name"], intent["confidence"], message.get("intent_ranking")


def test_sound_keys_meet_across_scripts() -> None:
    assert sound_key("paisa") == sound_key("पैसा") == sound_key("pesa")
    assert sound_key("nahi") == sound_key("नहीं")
    # Urdu writes no short vowels: its key differs from the Hindi one, its skeleton does not.
    assert urdu_to_latin("پیسہ") == "pish"
    assert skeleton(sound_key("پیسہ")) == skeleton(sound_key("paisa")) == "ps"
    assert skeleton(sound_key("اسکول")) != skeleton(sound_key("paisa"))
    assert sound_key("123") == "123"  # nothing to key: the word itself


def test_it_reads_unseen_spellings_and_scripts_of_known_words(tmp_path: Path) -> None:
    component, _, _ = _train(tmp_path)
    assert _read(component, "pesa nhi aya")[0] == "ask_compensation_status"  # by ear, SMS spelling
    assert _read(component, "اسکول میں داخلہ")[0] == "ask_school_enrolment"  # Urdu, no Urdu example at all
    assert _read(component, "NAMASTE ji")[0] == "greet"


def test_confidences_are_a_ranking_that_sums_to_one(tmp_path: Path) -> None:
    component, _, _ = _train(tmp_path)
    name, confidence, ranking = _read(component, "school admission")
    assert name == ranking[0]["name"] == "ask_school_enrolment"
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert confidence == ranking[0]["confidence"]


def test_a_keyboard_mash_gets_no_confident_reading(tmp_path: Path) -> None:
    component, _, _ = _train(tmp_path)
    for mash in ("xqzv plokm trrr", "hjkl", "zzkx vvbn"):
        assert _read(component, mash)[1] < 0.35, mash  # the FallbackClassifier's threshold in config.yml
    assert _read(component, "paisa nahi aaya")[1] > 0.35


def test_letter_model_scores_familiar_text_above_a_mash() -> None:
    model = LetterModel.fit(["paisa nahi aaya", "school me admission", "namaste ji"])
    familiar, mash = model.score("paisa nahi"), model.score("xqzv plokm")
    assert familiar is not None and mash is not None and familiar > -5.0 > mash
    assert model.score("ok") is None  # too short to judge


def test_persisted_as_json_and_arrays_and_loaded_to_the_same_readings(tmp_path: Path) -> None:
    component, storage, resource = _train(tmp_path)
    with storage.read_from(resource) as directory:
        files = sorted(p.name for p in directory.iterdir())
        meta = json.loads((directory / "linear_intent.json").read_text(encoding="utf-8"))
    assert files == ["linear_intent.json", "linear_intent.npz"]
    assert sorted(meta["classes"]) == sorted(EXAMPLES)
    loaded = LinearIntentClassifier.load(LinearIntentClassifier.get_default_config(), storage, resource,
                                        ExecutionContext(GraphSchema({}), "test"))
    for text in ("pesa nhi aya", "اسکول میں داخلہ", "hello ji", "xqzv plokm trrr"):
        assert _read(loaded, text)[2] == _read(component, text)[2]


def test_an_untrained_component_leaves_messages_unclassified(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path / "empty")
    loaded = LinearIntentClassifier.load({}, storage, Resource("missing"), ExecutionContext(GraphSchema({}), "test"))
    message = Message(data={"text": "namaste"})
    loaded.process([message])
    assert message.get("intent") is None
