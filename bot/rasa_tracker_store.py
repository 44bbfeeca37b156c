"""The tracker store Rasa loads (endpoints.yml `tracker_store: type: bot.rasa_tracker_store.EncryptedSQLTrackerStore`):
Rasa's own SQL tracker store, with each event's JSON sealed with the helpline's keys (bot/store/tracker_events.py).

Why a subclass of `SQLTrackerStore` and not a store of our own: Rasa's table, queries and session handling stay
exactly Rasa's (SQLite and PostgreSQL, "only the latest session" retrieval, the count-based append in `save`), so
`rasa` commands, the HTTP API and a future Rasa upgrade keep working; we change only what is written into and read
out of the `data` column. The other columns (conversation id, event type, time, intent and action names) stay plain
so Rasa's queries and our deletion by conversation and by idle time work on them.

Where the database is: `HELPLINE_TRACKER_DATABASE_URL` (bot/settings.py, default `var/tracker.db`), the one place our
retention job and erasure read it from too. Rasa 3.6 builds a custom tracker store as
`Class(host=<endpoint url>, domain=..., event_broker=..., **other keys of the endpoint)`
(rasa.core.tracker_store._load_from_module_name_in_endpoint_config); connection keys in endpoints.yml would be a
second place, so they are refused.

Written for Rasa 3.6.21: `save` and `_retrieve` repeat Rasa's code with `seal`/`unseal` around the JSON;
tests/test_tracker_store.py fails when Rasa's originals change (compared by source hash), so an upgrade forces a review.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Query, Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.settings import ConfigurationError, get_settings
from bot.store.tracker_events import create_session_indexes, seal, sqlite_pragmas, unseal

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
# sha256 of inspect.getsource(...) in Rasa 3.6.21 of the SQLTrackerStore methods repeated here, and of the two we
# rely on unchanged (which rows make up the latest session; which events `save` appends).
SOURCE_SHA256 = {
    "save": "57165e46eab3de0866e77f03df0bf7fd5eac2c1de617ed431b934c9a4edfeef6",
    "_retrieve": "c8adbf6f4b61ddd1124690944ebdf2ebc82d0723bd07c6704caab0b80120a0ef",
    "_event_query": "cd44f7901b860bfd598a813bde17d0d5b0d7bab129feaf76bb2dca87d628625b",
    "_additional_events": "d22f99eb863acb07afee63d9fe3a04ca8464251e67a43eb7d36c2d65ffc1653f",
}
CONNECTION_KEYS = ("url", "dialect", "host", "port", "db", "username", "password", "login_db", "query")


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store whose `data` column (text, slots, metadata of every event) is encrypted."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        given = [key for key in CONNECTION_KEYS if kwargs.get(key) is not None] + (["url"] if host else [])
        if given:
            raise ConfigurationError(
                f"tracker_store in endpoints.yml sets {', '.join(given)}: the tracker database is configured only by "
                "HELPLINE_TRACKER_DATABASE_URL (bot/settings.py)")
        url = get_settings().tracker_database_url
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        rasas_engine: Engine = self.engine
        if rasas_engine.dialect.name == "sqlite":
            self._pool_sqlite_connections(rasas_engine)
        create_session_indexes(self.engine)

    def _pool_sqlite_connections(self, rasas_engine: Engine) -> None:
        """SQLite through a small pool of open connections, each set up by `sqlite_pragmas` (write-ahead log).

        Rasa's engine opens a new connection for every session (SQLAlchemy 1.4's default for a file): each turn
        reopened the file, and closing its last connection checkpointed the write-ahead log to disk — an fsync per
        message on Rasa's event loop."""
        rasas_engine.dispose()
        self.engine = create_engine(rasas_engine.url, poolclass=QueuePool, pool_size=2, max_overflow=8,
                                    connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(self.engine, "connect", sqlite_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _event_query(self, session: Session, sender_id: str, fetch_events_from_all_sessions: bool) -> Query:
        """Rasa's query, in two steps: the latest session start first, then the events from it, both a range of
        SESSION_INDEXES (bot/store/tracker_events.py). Rasa's single query joins the two with an OR (`timestamp >=
        start OR start IS NULL`) that no index serves: every turn read every event of the person's whole history.
        Same rows, same order (by id)."""
        query = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            session_start = (
                session.query(sa.func.max(self.SQLEvent.timestamp))
                .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.type_name == SessionStarted.type_name)
                .scalar()
            )
            if session_start is not None:
                query = query.filter(self.SQLEvent.timestamp >= session_start)
        return query.order_by(self.SQLEvent.id)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's `_retrieve`, each event's JSON unsealed (plain rows from before the migration are read as they
        are)."""
        with self.session_scope() as session:
            serialised_events = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions,
            ).all()
            events = [json.loads(unseal(event.data)) for event in serialised_events]
            if self.domain and len(events) > 0:
                return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
            return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `save`, the event's JSON sealed; the plain columns are filled exactly as Rasa fills them."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for tracker_event in self._additional_events(session, tracker):
                data = tracker_event.as_dict()
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=tracker_event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent,
                        action_name=data.get("name"),
                        data=seal(json.dumps(data)),
                    )
                )
            session.commit()
