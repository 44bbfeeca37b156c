"""Custom Rasa NLU components of the helpline (loaded from config.yml by module path)."""
