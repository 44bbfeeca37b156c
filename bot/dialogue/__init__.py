"""The dialogue contract between our Python and the rules (data/rules/*.yml).

- `choices.Choice`: what a short reply meant, the values of the slot `menu_choice` the rules key on.
- `questions.QUESTIONS`: which question (a response name, the `last_prompt`) expects which answer, and what each
  offered number means; read by the readers, the Telegram keyboards and scripts/validate.py.
- `readers.READERS`: the ordered readers action_read_message walks; the first that recognises the message says which
  slots to set.
"""

from bot.dialogue.choices import Choice
from bot.dialogue.questions import QUESTIONS, Expects, Question

__all__ = ["QUESTIONS", "Choice", "Expects", "Question"]
