"""The helpline's own code: language, districts, store, channels. Rasa custom actions call into it."""
