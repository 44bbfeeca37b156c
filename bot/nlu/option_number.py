"""An NLU step that recognises a bare menu number ("2", "५", "option 3", "नंबर दो") with certainty.

A statistical classifier guesses at one-character messages; a helpline on SMS lives on them. This rule-based step runs
after the intent classifier and before the FallbackClassifier and, only when the whole message is a menu number, sets
intent `choose_option` with confidence 1.0. What the number means is decided later from the question asked
(bot/menu.py).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.menu import parse_option_number
from bot.nlu.component import UntrainedComponent
from bot.nlu.intent_override import set_certain_intent

OPTION_INTENT = "choose_option"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OptionNumberClassifier(UntrainedComponent, IntentClassifier):
    """Sets `choose_option` for messages that are only a menu number."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"intent": OPTION_INTENT}

    def __init__(self, config: Dict[str, Any]) -> None:
        self.intent = config.get("intent", OPTION_INTENT)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or parse_option_number(text) is None:
                continue
            set_certain_intent(message, self.intent)
        return messages
