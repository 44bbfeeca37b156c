"""The production topology for tests and `make bench-load`: a private PostgreSQL cluster and a private Redis (never
the machine's shared services, which other people use), then the shipped systemd unit's commands — `helpline db
upgrade` and supervisord with the files `python -m bot.production render` wrote from deploy/ — with nginx, N Rasa
processes, the action server and two workers under it."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests
from cryptography.fernet import Fernet

from tests.servers import MODEL, ROOT, free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
UNIT = ROOT / "deploy" / "systemd" / "helpline.service"


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its tools as the `postgres` account."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PrivatePostgres:
    """A throw-away cluster in `directory` on its own port (trust auth, superuser `postgres`)."""

    directory: Path
    port: int

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-w", "-t", "120",
                                     "-l", str(self.directory / "postgres.log"), "-o", options, *args]),
                       check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.directory / "data"), "-A", "trust",
                                     "-U", "postgres", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
        self._ctl("start")

    def restart(self) -> None:
        """Fast shutdown (open connections are cut) and start again; returns once it accepts connections."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._ctl("stop", "-m", "immediate")

    def create_database(self, name: str) -> None:
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()


@dataclass
class PrivateRedis:
    port: int
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@dataclass
class Topology:
    """The running topology: nginx's public URL, its local API URL, each Rasa process's own URL."""

    public: str
    api: str
    rasa: list[str]
    env: dict[str, str]
    console: str
    conf: Path
    postgres: PrivatePostgres
    redis: PrivateRedis
    supervisor: subprocess.Popen | None = None
    logs: Path = field(default_factory=Path)

    @property
    def token(self) -> dict[str, str]:
        return {"token": self.env["HELPLINE_RASA_TOKEN"]}

    def supervisorctl(self, *args: str) -> str:
        return subprocess.run(["supervisorctl", "-c", str(self.conf), *args], capture_output=True, text=True,
                              env=self.env).stdout

    def program_pids(self) -> dict[str, int]:
        """Every running program's pid as supervisord reports it (nginx, Rasa, actions, workers, console)."""
        return {match.group(1): int(match.group(2)) for match in
                re.finditer(r"^(\S+)\s+RUNNING\s+pid (\d+)", self.supervisorctl("status"), re.M)}

    def rasa_pids(self) -> dict[str, int]:
        """Each Rasa process's pid as supervisord reports it (Rasa's own: the launcher execs it)."""
        pids = {}
        for line in self.supervisorctl("status").splitlines():
            match = re.match(r"helpline:(helpline-rasa-\d+)\s+RUNNING\s+pid (\d+)", line)
            if match:
                pids[match.group(1)] = int(match.group(2))
        return pids

    def user_texts(self, sender: str) -> list[str]:
        """The user messages of a conversation in the tracker store, in order (through the local API port)."""
        tracker = requests.get(f"{self.api}/conversations/{sender}/tracker", params=self.token, timeout=60).json()
        return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def _consecutive_free_ports(count: int) -> int:
    for _ in range(50):
        base = free_port()
        if base + count < 65535 and all(_is_free(base + i) for i in range(count)):
            return base
    raise RuntimeError("no run of free ports")


def _is_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def unit_environment() -> dict[str, str]:
    """The shipped unit's `Environment=` assignments (systemd sets them for ExecStartPre and ExecStart)."""
    lines = [line.split("=", 1)[1] for line in UNIT.read_text().splitlines() if line.startswith("Environment=")]
    return dict(assignment.split("=", 1) for assignment in lines)


def unit_commands(conf_dir: Path) -> tuple[list[str], list[str]]:
    """ExecStartPre and ExecStart of the shipped systemd unit, with this checkout and `conf_dir` for its paths."""
    lines = dict(line.split("=", 1) for line in UNIT.read_text().splitlines() if line.startswith("ExecStart"))
    venv_bin = str(Path(sys.executable).parent)

    def local(command: str) -> list[str]:
        command = command.replace("/etc/helpline", str(conf_dir)).replace("/opt/helpline/.venv/bin", venv_bin)
        return command.replace("/opt/helpline", str(ROOT)).split()

    return local(lines["ExecStartPre"]), local(lines["ExecStart"])


def _wait_until(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"supervisord exited with {process.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


@contextmanager
def running_topology(var: Path, rasa_processes: int = 2, extra_env: dict[str, str] | None = None,
                     ) -> Iterator[Topology]:
    """PostgreSQL, Redis, then the shipped unit's commands; stopped (all of it) on exit."""
    assert MODEL.exists(), "train first: make train"
    # Its own directory under /tmp: the cluster runs as `postgres`, who may not enter `var` (a private temp dir).
    postgres = PrivatePostgres(Path(tempfile.mkdtemp(prefix="helpline-pg-")), free_port())
    redis = PrivateRedis(free_port())
    rasa_port = _consecutive_free_ports(rasa_processes)
    http_port, api_port, actions_port = free_port(), free_port(), free_port()
    console_port, console_http_port = free_port(), free_port()
    # Not from the test's own environment (tests/conftest.py sets it): the shipped unit and supervisor files must.
    inherited = {name: value for name, value in os.environ.items() if name != "RASA_TELEMETRY_ENABLED"}
    env = dict(
        inherited,
        PYTHONPATH=str(ROOT),  # this checkout, also for the rasa and helpline entry points
        TF_CPP_MIN_LOG_LEVEL="3",
        HELPLINE_ENV="production", HELPLINE_VAR_DIR=str(var),
        HELPLINE_SECRET_KEYS=Fernet.generate_key().decode(),
        HELPLINE_RASA_TOKEN="-" + secrets.token_urlsafe(24),  # a leading "-" once broke Rasa's argument parsing
        HELPLINE_ACTION_TOKEN=secrets.token_urlsafe(24),
        HELPLINE_DATABASE_URL=f"postgresql+psycopg2://postgres@127.0.0.1:{postgres.port}/helpline",
        HELPLINE_TRANSLATOR="off",
        HELPLINE_RASA_PROCESSES=str(rasa_processes), HELPLINE_RASA_PORT=str(rasa_port),
        HELPLINE_ACTIONS_PORT=str(actions_port), HELPLINE_HTTP_PORT=str(http_port), HELPLINE_API_PORT=str(api_port),
        HELPLINE_TRACKER_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{postgres.port}/helpline_rasa",
        HELPLINE_CONSOLE_SECRET_KEY=secrets.token_hex(32),
        HELPLINE_CONSOLE_PORT=str(console_port), HELPLINE_CONSOLE_HTTP_PORT=str(console_http_port),
        HELPLINE_LOCK_REDIS_PORT=str(redis.port),
        **(extra_env or {}),
    )
    conf_dir = var / "etc"
    topology = Topology(public=f"http://127.0.0.1:{http_port}", api=f"http://127.0.0.1:{api_port}",
                        rasa=[f"http://127.0.0.1:{rasa_port + i}" for i in range(rasa_processes)],
                        env=env, console=f"http://127.0.0.1:{console_http_port}",
                        conf=conf_dir / "supervisord.conf", postgres=postgres, redis=redis,
                        logs=conf_dir / "logs")
    try:
        postgres.start()
        postgres.create_database("helpline")
        postgres.create_database("helpline_rasa")
        redis.start()
        subprocess.run([sys.executable, "-m", "bot.production", "render", str(conf_dir)], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        upgrade, supervisord = unit_commands(conf_dir)
        unit_env = dict(env, **unit_environment())
        subprocess.run(upgrade, cwd=ROOT, env=unit_env, check=True, stdout=subprocess.DEVNULL)
        topology.supervisor = subprocess.Popen(supervisord, cwd=ROOT, env=unit_env, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL)
        for url in topology.rasa:
            _wait_until(f"{url}/webhooks/rest/", topology.supervisor, timeout=900)
        _wait_until(f"{topology.public}/health", topology.supervisor, timeout=60)
        _wait_until(f"{topology.console}/login", topology.supervisor, timeout=120)
        # The action server loads our package and its data after supervisord starts it: a message sent before it
        # answers would make the first turns wait on a connection that is not there yet.
        _wait_until(f"http://127.0.0.1:{actions_port}/health", topology.supervisor, timeout=900)
        yield topology
    finally:
        if topology.supervisor and topology.supervisor.poll() is None:
            topology.supervisor.send_signal(signal.SIGTERM)
            topology.supervisor.wait(timeout=120)
        redis.stop()
        if (postgres.directory / "data" / "postmaster.pid").exists():
            postgres.stop()
        shutil.rmtree(postgres.directory, ignore_errors=True)
