"""Fill the shipped templates of deploy/ (nginx site, supervisor programs) from the settings into one directory.

Templates use `@NAME@` fields (nginx's own `$variables` stay untouched). The rendered directory holds:
`supervisord.conf` (main file), `programs/helpline.conf` (the helpline's processes), `helpline-site.conf` (the nginx
site) and, for a machine without Debian's nginx service (`standalone`), `nginx.conf` plus `programs/nginx.conf`, so
supervisord runs nginx as a child. Nothing secret is written: the processes read secrets from their environment.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

DEPLOY = PROJECT_ROOT / "deploy"
ENDPOINTS = DEPLOY / "endpoints.production.yml"
NGINX = "/usr/sbin/nginx"
_FIELD = re.compile(r"@([A-Z][A-Z_]*)@")


class RenderError(RuntimeError):
    """A template names a field the settings do not give (a typo in deploy/ must not ship half-filled)."""


def fields(settings: Settings, run_dir: Path, log_dir: Path) -> dict[str, str]:
    """Every `@NAME@` the templates may use."""
    upstreams = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in rasa_ports(settings)
    )
    python = Path(sys.executable)
    return {
        "PROJECT": str(PROJECT_ROOT),
        "PYTHON": str(python),
        "BIN": str(python.parent),
        "RUN_DIR": str(run_dir),
        "LOG_DIR": str(log_dir),
        "NGINX": shutil.which("nginx", path="/usr/sbin:/usr/bin:/sbin:/bin") or NGINX,
        "RASA_PROCESSES": str(settings.rasa_processes),
        "RASA_PORT": str(settings.rasa_port),
        "ACTIONS_PORT": str(settings.actions_port),
        "WORKERS": str(settings.workers),
        "HTTP_INTERFACE": settings.http_interface,
        "HTTP_PORT": str(settings.http_port),
        "API_PORT": str(settings.api_port),
        "CONSOLE_PORT": str(settings.console_port),
        "CONSOLE_HTTP_PORT": str(settings.console_http_port),
        "UPSTREAM_SERVERS": upstreams,
    }


def rasa_ports(settings: Settings) -> list[int]:
    """The ports of the Rasa processes, one after another from `rasa_port` (bot/production/rasa_process.py)."""
    return [settings.rasa_port + index for index in range(settings.rasa_processes)]


def fill(template: str, values: dict[str, str]) -> str:
    """The template with every `@NAME@` replaced; a name without a value is an error, not a silent blank."""

    def value(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            raise RenderError(f"no value for @{match.group(1)}@")
        return values[match.group(1)]

    return _FIELD.sub(value, template)


def render(settings: Settings, run_dir: Path, log_dir: Path | None = None, standalone: bool = True) -> Path:
    """Write the configuration into `run_dir`; returns the supervisord main file to run."""
    run_dir = run_dir.resolve()
    log_dir = (log_dir or run_dir / "logs").resolve()
    (run_dir / "programs").mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    values = fields(settings, run_dir, log_dir)
    outputs = {
        "supervisord.conf": DEPLOY / "supervisor" / "supervisord.conf",
        "programs/helpline.conf": DEPLOY / "supervisor" / "helpline.conf",
        "helpline-site.conf": DEPLOY / "nginx" / "helpline.conf",
    }
    if standalone:
        outputs["nginx.conf"] = DEPLOY / "nginx" / "standalone.conf"
        outputs["programs/nginx.conf"] = DEPLOY / "supervisor" / "nginx.conf"
    else:
        (run_dir / "programs" / "nginx.conf").unlink(missing_ok=True)
    for name, template in outputs.items():
        (run_dir / name).write_text(fill(template.read_text(), values))
    return run_dir / "supervisord.conf"
