"""The intent classifier: a linear model over words, word-pieces and how words sound, trained in seconds.

Why not DIET (Rasa's default, which we used until this round): on our data the linear model scores better (fold 1:
macro-F1 0.836 -> 0.875; README "Understanding"), and DIET took ~4 of the 5 minutes of `rasa train` on 2 cores, which
a newcomer waited through before the first reply. Messages from families are short, misspelt, code-mixed and
written in three scripts; what separates intents is which words and word-pieces occur ("paisa", "muavza", "मुआवजा",
"स्कूल", "دلال", "bachao"), whatever the spelling or script.

- Features (`VIEWS`): TF-IDF (sublinear) of word 1-2-grams, of character 2-5-grams within words (SMS spellings,
  run-together words), and of the same through each word's sound key and its consonant skeleton
  (bot/nlu/sound_keys.py), so that an example in one script teaches the others. Text normalised as everywhere else
  (bot/text/normalise.py). Built from the training text alone: no featurizer is needed before this step.
- Model: a one-vs-rest linear SVM (scikit-learn's LinearSVC, liblinear: deterministic for a fixed `random_seed`).
- Confidence: a softmax over the SVM's decision values with `temperature` (default 5), so the FallbackClassifier
  after us (0.35, ambiguity 0.05) asks again mostly where the model would have been wrong; a message whose letter
  sequences are unfamiliar (bot/nlu/familiarity.py: a keyboard mash) has its confidences cut to `unfamiliar_factor`.
- Multi-intents ("a+b") are classes of their own.
- Persisted as plain JSON and NumPy arrays (vocabularies, IDF weights, coefficients, letter counts), never a pickle:
  a model file cannot run code when loaded.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.nlu.familiarity import LetterModel
from bot.nlu.sound_keys import skeleton, sound_key
from bot.text.normalise import normalise

logger = logging.getLogger(__name__)

WORD_TOKENS = r"[\w\u0900-\u097f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u200c\u200d]+"  # \w alone: split at vowel signs
_WORDS = re.compile(WORD_TOKENS)
RANKING_LENGTH = 10


def _normalise(text: str) -> str:
    return normalise(text or "")


def _keyed(text: str) -> str:
    return " ".join(sound_key(word) for word in _WORDS.findall(text))


def _skeletons(text: str) -> str:
    return " ".join(skeleton(sound_key(word)) for word in _WORDS.findall(text))


# The views of a message the model reads, each a TF-IDF (sublinear) built from the training text: name -> how.
# Measured on our 3 folds (README "Understanding"): words + pieces alone 0.873 macro-F1; with the sound keys 0.915;
# with the skeletons too 0.920 (Urdu 0.81 -> 0.88, Bhojpuri 0.89 -> 0.96).
VIEWS: dict[str, dict[str, Any]] = {
    "words": {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": WORD_TOKENS},
    "pieces": {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2},
    "sound_words": {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": WORD_TOKENS, "preprocessor": _keyed},
    "sound_pieces": {"analyzer": "char_wb", "ngram_range": (2, 4), "min_df": 2, "preprocessor": _keyed},
    "skeleton_words": {"analyzer": "word", "ngram_range": (1, 2), "token_pattern": WORD_TOKENS,
                       "preprocessor": _skeletons},
}


def _vectorizers() -> dict[str, TfidfVectorizer]:
    return {name: TfidfVectorizer(sublinear_tf=True, lowercase=False, dtype=np.float64, **how)
            for name, how in VIEWS.items()}


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    scaled = temperature * (scores - scores.max(axis=1, keepdims=True))
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """TF-IDF of words, word-pieces and their sound keys (`VIEWS`), a linear SVM, softmax confidences."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"C": 1.0, "temperature": 5.0, "random_seed": 42, "min_familiarity": -5.0, "unfamiliar_factor": 0.3}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.views: dict[str, TfidfVectorizer] = {}
        self.letters = LetterModel()
        self.classes: list[str] = []
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls(config, model_storage, resource)

    # -- training ----------------------------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("LinearIntentClassifier: no intent examples; nothing trained")
            return self._resource
        texts = [_normalise(e.get(TEXT)) for e in examples]
        labels = [e.get(INTENT) for e in examples]
        self.views = _vectorizers()
        self.letters = LetterModel.fit(texts)
        features = hstack([view.fit_transform(texts) for view in self.views.values()]).tocsr()
        svm = LinearSVC(C=float(self.config["C"]), random_state=int(self.config["random_seed"]))
        svm.fit(features, labels)
        self.classes = [str(c) for c in svm.classes_]
        self.coef = np.asarray(svm.coef_, dtype=np.float64)
        self.intercept = np.asarray(svm.intercept_, dtype=np.float64)
        if len(self.classes) == 2:  # binary SVM: one row of coefficients, for the second class
            self.coef = np.vstack([-self.coef, self.coef])
            self.intercept = np.array([-self.intercept[0], self.intercept[0]])
        self.persist()
        return self._resource

    # -- parsing -----------------------------------------------------------------------------------------------

    def _features(self, texts: list[str]) -> csr_matrix:
        return hstack([view.transform(texts) for view in self.views.values()]).tocsr()

    def process(self, messages: List[Message]) -> List[Message]:
        if self.coef is None or not messages:
            return messages
        texts = [_normalise(m.get(TEXT) or "") for m in messages]
        scores = self._features(texts) @ self.coef.T + self.intercept
        confidences = _softmax(np.asarray(scores), float(self.config["temperature"]))
        for index, text in enumerate(texts):
            if self._unfamiliar(text):  # nothing to base a reading on: let the FallbackClassifier ask again
                confidences[index] *= float(self.config["unfamiliar_factor"])
        for message, row in zip(messages, confidences, strict=True):
            order = np.argsort(-row, kind="stable")[:RANKING_LENGTH]
            ranking = [{INTENT_NAME_KEY: self.classes[i], PREDICTED_CONFIDENCE_KEY: float(row[i])} for i in order]
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _unfamiliar(self, text: str) -> bool:
        familiarity = self.letters.score(text)
        return familiarity is not None and familiarity < float(self.config["min_familiarity"])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # nothing later in the pipeline reads our output while training

    # -- persistence: JSON and arrays, no pickle ----------------------------------------------------------------

    def persist(self) -> None:
        assert self.coef is not None and self.intercept is not None
        with self._model_storage.write_to(self._resource) as directory:
            meta = {"classes": self.classes,
                    "letters": {"trigrams": self.letters.trigrams, "bigrams": self.letters.bigrams},
                    "vocabularies": {name: {term: int(i) for term, i in view.vocabulary_.items()}
                                     for name, view in self.views.items()}}
            (directory / "linear_intent.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            idf = {f"idf_{name}": view.idf_ for name, view in self.views.items()}
            np.savez_compressed(directory / "linear_intent.npz", coef=self.coef, intercept=self.intercept, **idf)

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / "linear_intent.json").read_text(encoding="utf-8"))
                with np.load(directory / "linear_intent.npz", allow_pickle=False) as arrays:
                    stored = {name: arrays[name] for name in arrays.files}
        except (ValueError, FileNotFoundError):
            logger.warning("LinearIntentClassifier: no trained model in the resource; every message unclassified")
            return component
        component.views = _vectorizers()
        for name, view in component.views.items():
            view.vocabulary_ = meta["vocabularies"][name]
            view.idf_ = stored[f"idf_{name}"]
        component.letters = LetterModel(**meta["letters"])
        component.classes, component.coef, component.intercept = meta["classes"], stored["coef"], stored["intercept"]
        return component
