"""The production topology under faults (issue 12): two Rasa processes behind nginx, Rasa's tracker store on a
private PostgreSQL cluster and its lock store on a private Redis, the action server and two workers, all started
from the shipped files (deploy/: the systemd unit's commands, supervisor programs, nginx site) as a server would.

The servers start once for the module. Synchronisation is explicit: a thread waits on a condition for a number of
answers, or polls Redis for a conversation's lock tickets; no sleep stands in for an assertion.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
import redis
import requests

from bot.channels.gate import language_of
from bot.console.app import SECURITY_HEADERS
from bot.replies import text as reply_text
from tests.topology import Topology, running_topology

SCRIPT = ["namaste", "1", "Jaipur", "12", "1", "मेरा बेटा लौट आया है, स्कूल में दाखिला कैसे होगा",
          "school wale mere bete ka dakhila nahi kar rahe hain", "how much compensation will my child get"]
WAIT = 300.0  # seconds any one wait may take on a loaded 2-core machine before the test fails


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    with running_topology(tmp_path_factory.mktemp("production")) as running:
        yield running


class Phones:
    """A closed loop of simulated phones through nginx: each sends the script under a new sender id for every pass,
    and after a failed message (the process it reached was killed, the database was restarting) starts a new pass,
    as a person would write again later. Records every answered (200) message per sender, in order."""

    def __init__(self, url: str, phones: int = 4) -> None:
        self.url = url
        self.answered: dict[str, list[str]] = {}
        self.count = 0
        self.failures: list[int] = []
        self.condition = threading.Condition()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._phone, daemon=True) for _ in range(phones)]

    def __enter__(self) -> Phones:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=WAIT)

    def _phone(self) -> None:
        session = requests.Session()
        while not self.stopping.is_set():
            sender = f"phone-{uuid.uuid4().hex[:12]}"
            for message in SCRIPT:
                if self.stopping.is_set():
                    return
                try:
                    status = session.post(self.url, json={"sender": sender, "message": message}, timeout=WAIT
                                          ).status_code
                except requests.RequestException:
                    status = 0
                with self.condition:
                    if status == 200:
                        self.answered.setdefault(sender, []).append(message)
                        self.count += 1
                    else:
                        self.failures.append(status)
                    self.condition.notify_all()
                if status != 200:
                    break

    def wait_for(self, answers: int) -> bool:
        """Wait until `answers` messages in all were answered 200."""
        with self.condition:
            return self.condition.wait_for(lambda: self.count >= answers, timeout=WAIT)


def assert_nothing_answered_is_missing(topology: Topology, answered: dict[str, list[str]]) -> None:
    """Each answered message is in the tracker store, in the order sent, once; at most one more message (handled,
    but its answer lost with the process or connection) may follow."""
    for sender, messages in answered.items():
        stored = topology.user_texts(sender)
        assert stored[: len(messages)] == messages, sender
        assert len(stored) - len(messages) <= 1, sender


def test_only_the_webhooks_and_health_are_public(topology: Topology) -> None:
    assert requests.get(f"{topology.public}/health", timeout=30).json() == {"status": "ok"}
    reply = requests.post(f"{topology.public}/webhooks/rest/webhook", json={"sender": "public-1", "message": "namaste"},
                          timeout=WAIT)
    assert reply.status_code == 200 and reply.json()
    for path in ("/conversations/public-1/tracker", "/model/parse", "/status", "/", "/version",
                 "/webhooks/../conversations/public-1/tracker", "/webhooks/%2e%2e/conversations/public-1/tracker"):
        response = requests.get(f"{topology.public}{path}", params=topology.token, timeout=30)
        assert response.status_code == 404, path
    # Rasa's HTTP API only on the local API port, still behind its token.
    assert requests.get(f"{topology.api}/conversations/public-1/tracker", timeout=30).status_code == 401
    assert topology.user_texts("public-1") == ["namaste"]


def test_the_console_answers_through_nginx_on_its_own_port(topology: Topology) -> None:
    login = requests.get(f"{topology.console}/login", timeout=60)
    assert login.status_code == 200 and "<form" in login.text
    for name, value in SECURITY_HEADERS.items():
        assert login.headers.get(name) == value, name
    assert login.headers["Cache-Control"] == "no-store"
    # The console's port is the console only: Rasa's API is not behind it, nor behind the webhooks' port.
    for path in ("/conversations/public-1/tracker", "/model/parse", "/status", "/webhooks/rest/webhook"):
        assert requests.get(f"{topology.console}{path}", params=topology.token, timeout=30).status_code == 404, path
    assert requests.get(f"{topology.public}/login", timeout=30).status_code == 404


def test_every_program_runs_with_rasa_telemetry_off_from_the_shipped_files(topology: Topology) -> None:
    """The test's own environment does not set RASA_TELEMETRY_ENABLED (tests/topology.py drops it): the systemd
    unit and supervisord.conf must, for every program (Rasa refuses to start without it)."""
    pids = topology.program_pids()
    assert {"helpline:helpline-actions", "helpline:helpline-console", "nginx"} <= set(pids), pids
    assert "RASA_TELEMETRY_ENABLED" not in topology.env
    helpline = {name: pid for name, pid in pids.items() if name.startswith("helpline:")}  # nginx reuses its environ
    assert len(helpline) == 2 + 1 + 2 + 1, helpline  # Rasa x2, actions, workers x2, console
    for name, pid in helpline.items():
        environ = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        assert b"RASA_TELEMETRY_ENABLED=false" in environ, name


def test_the_postgresql_tracker_rows_hold_no_plain_text(topology: Topology) -> None:
    """Rasa's conversations in PostgreSQL go through the encrypted store of HELPLINE_TRACKER_DATABASE_URL, the
    database the retention job and erasure use too."""
    word = "Quibblefrotz"  # fictitious: in no reply, no model, no name
    sender = f"sealed-{uuid.uuid4().hex[:8]}"
    reply = requests.post(f"{topology.public}/webhooks/rest/webhook",
                          json={"sender": sender, "message": f"mera naam {word} hai"}, timeout=WAIT)
    assert reply.status_code == 200
    assert topology.user_texts(sender) == [f"mera naam {word} hai"]  # read back through Rasa: decrypted
    connection = psycopg2.connect(host="127.0.0.1", port=topology.postgres.port, user="postgres",
                                  dbname="helpline_rasa")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sender_id, type_name, intent_name, action_name, data FROM events")
            rows = cursor.fetchall()
    finally:
        connection.close()
    assert any(row[0] == sender and row[1] == "user" for row in rows)
    assert all(str(row[4]).startswith("fernet:") for row in rows)
    assert not [row for row in rows if any(word.lower() in str(column).lower() for column in row)]


def test_one_senders_messages_to_both_processes_are_handled_once_in_order(topology: Topology) -> None:
    """Message k+1 goes (to the other process) only once message k holds a ticket of the conversation's lock in
    Redis or was answered; the lock store must then serve them in that order, one at a time."""
    sender = f"both-{uuid.uuid4().hex[:8]}"
    locks = redis.Redis(host="127.0.0.1", port=topology.redis.port, db=1)
    answered: list[int] = []
    results: dict[int, int] = {}
    done = threading.Condition()

    def send(index: int, message: str) -> None:
        url = topology.rasa[index % 2] + "/webhooks/rest/webhook"
        status = requests.post(url, json={"sender": sender, "message": message}, timeout=WAIT).status_code
        with done:
            results[index] = status
            answered.append(index)
            done.notify_all()

    def ticketed(count: int) -> bool:
        raw = locks.get(f"lock:{sender}")
        tickets = len(json.loads(raw)["tickets"]) if raw else 0
        with done:
            return tickets + len(answered) >= count

    threads = []
    for index, message in enumerate(SCRIPT):
        thread = threading.Thread(target=send, args=(index, message))
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + WAIT
        while not ticketed(index + 1):  # polling Redis: an explicit wait for the ticket, bounded
            assert time.monotonic() < deadline, "no lock ticket issued"
            time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=WAIT)
    assert results == {index: 200 for index in range(len(SCRIPT))}
    tracker = requests.get(f"{topology.api}/conversations/{sender}/tracker", params=topology.token,
                           timeout=60).json()
    kinds = [event["event"] for event in tracker["events"] if event["event"] in ("user", "bot")]
    assert [e.get("text") for e in tracker["events"] if e["event"] == "user"] == SCRIPT
    # One turn at a time: every message is answered before the next one is read.
    turns = "".join("u" if kind == "user" else "b" for kind in kinds)
    assert "uu" not in turns and turns.endswith("b"), turns


def test_postgres_restarted_under_load_the_processes_recover_without_a_restart(topology: Topology) -> None:
    pids = topology.rasa_pids()
    assert len(pids) == 2
    with Phones(f"{topology.public}/webhooks/rest/webhook") as phones:
        assert phones.wait_for(8)
        topology.postgres.restart()  # returns once PostgreSQL accepts connections again
        after_restart = phones.count
        assert phones.wait_for(after_restart + 16), "no answers after PostgreSQL came back"
    assert topology.rasa_pids() == pids  # recovered, not restarted
    assert_nothing_answered_is_missing(topology, phones.answered)


def test_a_killed_rasa_process_leaves_the_other_answering_and_loses_nothing_answered(topology: Topology) -> None:
    pids = topology.rasa_pids()
    with Phones(f"{topology.public}/webhooks/rest/webhook") as phones:
        assert phones.wait_for(8)
        os.kill(pids["helpline-rasa-0"], signal.SIGKILL)
        after_kill = phones.count
        assert phones.wait_for(after_kill + 16), "the other process stopped answering"
    assert_nothing_answered_is_missing(topology, phones.answered)


def test_redis_down_fails_clearly_and_an_emergency_still_gets_the_numbers(topology: Topology) -> None:
    topology.redis.stop()
    url = f"{topology.public}/webhooks/rest/webhook"
    plain = requests.post(url, json={"sender": "redis-down-1", "message": "namaste"}, timeout=WAIT)
    assert plain.status_code == 503
    body = plain.json()
    assert body["error"] == "unavailable" and "later" in body["detail"]
    assert [m["text"] for m in body["messages"]] == [reply_text("notice.error", language_of("namaste"))]

    cry = "bachao, mera beta maar rahe hain"
    emergency = requests.post(url, json={"sender": "redis-down-2", "message": cry}, timeout=WAIT)
    assert emergency.status_code == 503
    texts = [m["text"] for m in emergency.json()["messages"]]
    language = language_of(cry)
    assert texts == [reply_text("utter_emergency_numbers", language), reply_text("notice.error", language)]
    assert "112" in texts[0] and "1098" in texts[0] and "139" in texts[0]
