"""Rasa custom actions. Kept thin: each one reads the tracker and calls into `bot/`."""
