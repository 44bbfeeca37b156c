"""One Rasa server of the production topology: `python -m bot.production.rasa_process INDEX` becomes (exec)
`rasa run` on 127.0.0.1, port HELPLINE_RASA_PORT + INDEX, with deploy/endpoints.production.yml.

supervisord starts N of these (`numprocs`, `%(process_num)d`) and cannot add numbers in its files; this shim does
the arithmetic and fills in the endpoint variables that are not set, then replaces itself with Rasa, so the pid
supervisord reports (and signals) is Rasa's own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.production.render import ENDPOINTS
from bot.settings import PROJECT_ROOT, get_settings, rasa_endpoint_environment

MODEL = PROJECT_ROOT / "models" / "helpline.tar.gz"


def command(index: int) -> list[str]:
    """`rasa run` for process `index`; the API token as one argument (a token starting with "-" is not an option)."""
    settings = get_settings()
    return [
        str(Path(sys.executable).parent / "rasa"), "run", "--enable-api", "--auth-token=" + (settings.rasa_token or ""),
        "--interface", "127.0.0.1", "--port", str(settings.rasa_port + index),
        "--model", str(MODEL), "--credentials", str(PROJECT_ROOT / "credentials.yml"),
        "--endpoints", str(ENDPOINTS),
    ]


def environment() -> dict[str, str]:
    """The process's environment plus what the production endpoints file reads."""
    settings = get_settings()
    return dict(
        os.environ, **rasa_endpoint_environment(),
        HELPLINE_ACTIONS_PORT=str(settings.actions_port),
        HELPLINE_ACTION_TOKEN=settings.action_token or "",
        HELPLINE_RASA_TOKEN=settings.rasa_token or "",
        TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
        RASA_TELEMETRY_ENABLED="false",
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: python -m bot.production.rasa_process INDEX", file=sys.stderr)
        return 2
    args = command(int(argv[0]))
    os.chdir(PROJECT_ROOT)
    os.execve(args[0], args, environment())
    return 0  # not reached: execve replaced this process


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
