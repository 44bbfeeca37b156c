"""One text layer: how every part of the assistant reads a user's message.

`normalise` folds what phones type inconsistently (Unicode forms, digits of any script, nukta, chandrabindu,
zero-width joiners, curly apostrophes); `tokens` splits a message into words; `lexicon` gives the multilingual word
lists, which live in reviewed data files (bot/data/lexicon/*.yml), not in Python. Language detection, menu replies,
the report form, check-in answers and NGO commands all read through here, so a fix is made once.
"""
