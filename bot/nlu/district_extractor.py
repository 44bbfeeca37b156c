"""Rasa NLU step that tags Bihar and Rajasthan districts in a message.

The intent classifier learns no entities (config.yml), because a few hundred examples
cannot teach 79 districts in three scripts with typos. This rule-based step uses the
gazetteer (bot/gazetteer.py, data in bot/data/districts.yml) instead and adds, for each
district found, a ``district`` entity (canonical English name, e.g. "East Champaran" for
"Motihari") and a ``state`` entity ("Bihar"/"Rajasthan") over the same span.

It needs no training, so it is registered with ``is_trainable=False``: the default recipe
then leaves it out of the training graph and builds it with ``create`` at parse time.
Nothing from the message is logged: texts and place names can identify a family.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.gazetteer import Gazetteer, load_gazetteer
from bot.nlu.component import UntrainedComponent

DISTRICT_ENTITY = "district"
STATE_ENTITY = "state"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class DistrictExtractor(UntrainedComponent, EntityExtractorMixin):
    """Adds ``district`` and ``state`` entities found by the district gazetteer."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config.

        - ``gazetteer_path``: YAML file to use instead of bot/data/districts.yml (tests).
        - ``add_state_entity``: also emit a ``state`` entity next to each ``district``.
        - ``district_entity`` / ``state_entity``: entity names, as declared in domain.yml.
        """
        return {
            "gazetteer_path": None,
            "add_state_entity": True,
            "district_entity": DISTRICT_ENTITY,
            "state_entity": STATE_ENTITY,
        }

    def __init__(self, config: Dict[str, Any], gazetteer: Gazetteer | None = None) -> None:
        """Keeps the (cached) gazetteer so the YAML is read once per process."""
        self._config = {**self.get_default_config(), **config}
        self._gazetteer = gazetteer or load_gazetteer(self._config["gazetteer_path"])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data untouched.

        Annotated training examples already carry their entities; adding gazetteer
        guesses to them would only blur what the annotators wrote.
        """
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends district/state entities to each message (existing entities are kept)."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            extracted = self.add_extractor_name(self._extract(text))
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages

    def _extract(self, text: str) -> List[Dict[str, Any]]:
        entities: List[Dict[str, Any]] = []
        for match in self._gazetteer.find(text):
            values = [(self._config["district_entity"], match.district.name)]
            if self._config["add_state_entity"]:
                values.append((self._config["state_entity"], match.district.state))
            for entity_type, value in values:
                entities.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: entity_type,
                        ENTITY_ATTRIBUTE_VALUE: value,
                        ENTITY_ATTRIBUTE_START: match.start,
                        ENTITY_ATTRIBUTE_END: match.end,
                        ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: round(match.score, 4),
                    }
                )
        return entities
