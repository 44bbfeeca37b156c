"""The helpline's own database (not Rasa's tracker store): who opted out, who asked for a call back.

SQLAlchemy keeps the same code on SQLite (the embedded default) and PostgreSQL (production); Alembic owns the schema.
"""
