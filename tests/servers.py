"""Starting the real servers for end-to-end tests: Rasa with the trained model, the action server, the worker."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "helpline.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.5)
    raise TimeoutError(url)


@dataclass
class Helpline:
    url: str
    api: str
    env: dict[str, str]
    start_rasa: object
    stop_rasa: object
    actions: str = ""  # the action server's base URL
    log: Path | None = None  # where the servers write their logs

    @property
    def token(self) -> dict[str, str]:
        """The query parameter Rasa's HTTP API needs (it runs behind --auth-token, as in make run)."""
        return {"token": self.env["HELPLINE_RASA_TOKEN"]}

    def send(self, sender: str, message: object) -> list[str]:
        response = requests.post(self.url, json={"sender": sender, "message": message}, timeout=60)
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json() if "text" in m]

    def tracker(self, sender: str) -> dict:
        return requests.get(f"{self.api}/conversations/{sender}/tracker", params=self.token, timeout=30).json()

    def parse(self, text: str) -> dict:
        """What the model reads in a text (intent, entities), through Rasa's HTTP API."""
        return requests.post(f"{self.api}/model/parse", params=self.token, json={"text": text}, timeout=30).json()


@contextmanager
def running_helpline(var: Path, extra_env: dict[str, str] | None = None, worker: bool = False) -> Iterator[Helpline]:
    """Rasa (trained model) + the action server (+ the delivery worker) on free ports, with a store under `var`."""
    assert MODEL.exists(), "train first: make train"
    rasa_port, actions_port = free_port(), free_port()
    endpoints = var / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        "  headers:\n    X-Helpline-Action-Token: ${HELPLINE_ACTION_TOKEN}\n  enable_selective_domain: true\n"
        "tracker_store:\n  type: bot.rasa_tracker_store.EncryptedSQLTrackerStore\n"
    )
    env = dict(
        os.environ,
        SANIC_HOST="127.0.0.1",
        TF_CPP_MIN_LOG_LEVEL="3",
        RASA_TELEMETRY_ENABLED="false",
        HELPLINE_ENV="development",
        HELPLINE_VAR_DIR=str(var),
        HELPLINE_SECRET_KEYS=Fernet.generate_key().decode(),
        HELPLINE_DATABASE_URL=f"sqlite:///{var / 'helpline.db'}",
        HELPLINE_TRACKER_DATABASE_URL=f"sqlite:///{var / 'tracker.db'}",
        HELPLINE_RASA_URL=f"http://127.0.0.1:{rasa_port}",
        HELPLINE_RASA_TOKEN="-" + secrets.token_urlsafe(24),  # a leading "-" once broke Rasa's argument parsing
        HELPLINE_ACTION_TOKEN=secrets.token_urlsafe(24),
    )
    env.update(extra_env or {})  # a test may name its own databases, tokens or channels
    log = open(var / "servers.log", "w")  # noqa: SIM115 - closed at teardown
    actions = subprocess.Popen(
        [RASA, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    # One argument ("--auth-token=..."), as make run passes it: the test token starts with "-" on purpose.
    rasa_cmd = [RASA, "run", "--enable-api", "--auth-token=" + env["HELPLINE_RASA_TOKEN"],
                "-i", "127.0.0.1", "-p", str(rasa_port), "--model", str(MODEL),
                "--credentials", "credentials.yml", "--endpoints", str(endpoints)]
    state: dict[str, subprocess.Popen] = {}
    if worker:
        state["worker"] = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], cwd=ROOT, env=env,
                                           stdout=log, stderr=subprocess.STDOUT)

    def start_rasa() -> None:
        state["rasa"] = subprocess.Popen(rasa_cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_for(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", state["rasa"])

    def stop_rasa() -> None:
        state["rasa"].terminate()
        state["rasa"].wait(timeout=30)

    try:
        wait_for(f"http://127.0.0.1:{actions_port}/health", actions)
        start_rasa()
        yield Helpline(
            url=f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            api=f"http://127.0.0.1:{rasa_port}",
            env=env,
            start_rasa=start_rasa,
            stop_rasa=stop_rasa,
            actions=f"http://127.0.0.1:{actions_port}",
            log=var / "servers.log",
        )
    finally:
        for process in (state.get("rasa"), state.get("worker"), actions):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        log.close()


