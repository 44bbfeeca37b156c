"""What the helpline's own NLU steps share: they have nothing to train or persist.

So Rasa builds one from its config alone, with ``create`` at parse time and with ``load`` (GraphComponent's, which
calls ``create``) from a trained model: the gazetteer and the word lists ship with the code, not in the model.
Each step keeps its own ``@DefaultV1Recipe.register`` and class name: the trained model names them.
"""

from __future__ import annotations

from typing import Any, Dict, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

_Step = TypeVar("_Step", bound="UntrainedComponent")


class UntrainedComponent(GraphComponent):
    """A graph component built from its config only (``__init__(config)``)."""

    def __init__(self, config: Dict[str, Any] | None = None) -> None:
        """Nothing to keep by default."""

    @classmethod
    def create(
        cls: type[_Step],
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _Step:
        """Creates the component; there is nothing to train or persist."""
        return cls(config)
