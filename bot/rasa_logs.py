"""Keeps what people write out of Rasa's own logs.

Why: Rasa's structured log events (structlog) carry the user's text under known keys (`text`, `user_text`,
`parse_data_text`, `tracker_latest_message`, ...): a tip-off naming an agent, or a phone number, would be written to
the server's log as it stands (the parse warning for a message that starts with "/" did exactly that). We put one
processor at the head of structlog's processor chain that replaces each such value by its length.

Rasa's own hook for this (`get_anonymization_pipeline`) also makes the processor read the whole tracker again after
every message, so we do not use it. The chain is extended in place: loggers that Rasa created and cached before our
channels were imported share that same list, so they are covered too. `tests/test_slash_injection_e2e.py` fails if
Rasa ever writes a number from a message to its log.
"""

from __future__ import annotations

from typing import Any

import structlog

# Every key Rasa 3.6 logs user text or parse results under (rasa/utils/log_utils.py lists most), and a few more.
TEXT_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response", "slot_candidates",
    "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states", "successes", "current_entity",
    "next_entity", "states", "entity", "token_text", "user_message", "json_message", "parse_data", "events",
    "event_info_text", "utterance", "slots", "entities", "value", "slot_value",
})


def redact_user_text(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: each text-bearing value becomes "[redacted N]"."""
    for key in TEXT_KEYS.intersection(event_dict):
        value = event_dict[key]
        size = len(value) if isinstance(value, (str, list, dict, tuple)) else 0
        event_dict[key] = f"[redacted {size}]"
    return event_dict


def install() -> None:
    """Put the redactor first in structlog's processor chain (once per process)."""
    processors = structlog.get_config()["processors"]
    if redact_user_text not in processors:
        processors.insert(0, redact_user_text)
