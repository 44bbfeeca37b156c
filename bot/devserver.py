"""`make run`: the Rasa server, the action server, the worker (the background jobs of bot.jobs: report deliveries,
escalations, follow-up check-ins, ...) and the web console (bot/console, 127.0.0.1:8082) together, stopped together
by Ctrl-C.

The Rasa server runs with its HTTP API (`--enable-api`) behind `--auth-token`: the follow-up worker starts check-ins
through it with the same token. The action server only answers Rasa (a shared secret in a header, bot/action_auth.py).
Both tokens are generated once into `var/` (bot/settings.py) and handed to the three processes here. Both servers bind
to 127.0.0.1 only: the embedded default is for a developer's machine. Conversations live in SQLite under `var/`,
encrypted (bot/rasa_tracker_store.py, HELPLINE_TRACKER_DATABASE_URL), so they survive a restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.settings import PROJECT_ROOT, get_settings

RASA_PORT = 5005
ACTIONS_PORT = 5055
MODEL = PROJECT_ROOT / "models" / "helpline.tar.gz"


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _wait_until_up(url: str, processes: list[subprocess.Popen], timeout: float = 300.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(1)
    return False


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> int:
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    settings = get_settings()
    env = dict(os.environ, SANIC_HOST="127.0.0.1", TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false",
               HELPLINE_RASA_TOKEN=settings.rasa_token or "", HELPLINE_ACTION_TOKEN=settings.action_token or "")
    actions = subprocess.Popen(
        [_bin("rasa"), "run", "actions", "--actions", "actions", "--port", str(ACTIONS_PORT)],
        cwd=PROJECT_ROOT, env=env,
    )
    rasa = subprocess.Popen(
        [
            # One argument ("--auth-token=..."): a token that starts with "-" must not read as an option.
            _bin("rasa"), "run", "--enable-api", "--auth-token=" + env["HELPLINE_RASA_TOKEN"],
            "--interface", "127.0.0.1", "--port", str(RASA_PORT),
            "--model", str(MODEL), "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
        ],
        cwd=PROJECT_ROOT, env=env,
    )
    # Runs the job registry: sends report forwards and escalates (with no Twilio/Telegram credentials it keeps them in
    # the store), and starts due follow-up check-ins through Rasa's HTTP API.
    worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], cwd=PROJECT_ROOT, env=env)
    # The web console (bot/console) on 127.0.0.1:8082: its own process on the same store.
    console = subprocess.Popen([sys.executable, "-m", "bot.cli", "console"], cwd=PROJECT_ROOT, env=env)
    processes = [actions, rasa, worker, console]
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if _wait_until_up(f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/", processes):
            print(
                "\nThe helpline is running (Rasa on 127.0.0.1:5005, actions on 127.0.0.1:5055, worker, console).\n"
                f"Rasa's HTTP API needs ?token=... (the token is in {settings.var_dir / 'rasa-api.token'}).\n"
                "Talk to it from another terminal:  make shell\n"
                "or: curl -s localhost:5005/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"namaste\"}'\n"
                "Reports: helpline reports list / helpline reports show CODE (from another terminal).\n"
                "Follow-up: helpline cases enrol ... / helpline cases list / helpline alerts.\n"
                f"The web console: http://127.0.0.1:{settings.console_port}/ (accounts: helpline users add ...).\n"
                "Ctrl-C stops everything.\n",
                flush=True,
            )
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.5)
    finally:
        _stop(processes)
    return 0 if stopping else 1


if __name__ == "__main__":
    raise SystemExit(main())
