"""Setting an intent with certainty, for the rule-based steps that sit after the intent classifier in the pipeline."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


def set_certain_intent(message: Message, intent: str) -> None:
    """Make `intent` the prediction with confidence 1.0 and keep the others in the ranking at 0.0, so that the
    FallbackClassifier after us and anyone reading the parse see a decided, explainable result."""
    chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) != intent]
    for other in ranking:
        other[PREDICTED_CONFIDENCE_KEY] = 0.0
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
