"""`make run-production` (`python -m bot.production`) and `python -m bot.production render DIR [--server]`.

run: renders deploy/ into `var/production/` (HELPLINE_VAR_DIR), applies the database migrations once, then becomes
supervisord in the foreground, which starts nginx (a child, not the system service), N Rasa processes, the action
server, the workers and the web console; Ctrl-C stops them all. PostgreSQL and Redis must be running (their
addresses come from HELPLINE_TRACKER_DATABASE_URL, default bot/settings.PRODUCTION_TRACKER_DATABASE_URL, created if
missing, and HELPLINE_LOCK_REDIS_*, see bot/settings.RASA_ENDPOINT_DEFAULTS).

render: writes the same files for a server (`--server`: without nginx as a child; Debian's nginx serves the site).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.production.render import render
from bot.settings import PRODUCTION_TRACKER_DATABASE_URL, PROJECT_ROOT, get_settings, rasa_endpoint_environment

SUPERVISORD = "/usr/bin/supervisord"


def _missing_programs() -> list[str]:
    return [name for name in ("supervisord", "nginx")
            if not shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin")]


def create_database(url: str) -> None:
    """A PostgreSQL database that does not exist yet is created (Rasa's `login_db` did this for its plain store;
    ours takes no connection keys, and `helpline db upgrade` reaches the tracker database before Rasa does)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        return
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                        {"name": target.database}).first()
            if not exists:
                quoted = engine.dialect.identifier_preparer.quote(target.database)
                connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()


def run() -> int:
    """Render into var/production, migrate, then exec supervisord (it runs and supervises everything)."""
    missing = _missing_programs()
    if missing:
        print(f"needs {' and '.join(missing)} (Debian: apt-get install supervisor nginx)", file=sys.stderr)
        return 1
    settings = get_settings()
    conf = render(settings, settings.var_dir / "production")
    # One tracker database for every process under supervisord: Rasa's store, the retention job, erasure.
    env = dict(os.environ, **rasa_endpoint_environment())
    env.setdefault("HELPLINE_TRACKER_DATABASE_URL", PRODUCTION_TRACKER_DATABASE_URL)
    create_database(env["HELPLINE_TRACKER_DATABASE_URL"])
    upgrade = subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], cwd=PROJECT_ROOT, env=env)
    if upgrade.returncode != 0:
        print("helpline db upgrade failed: is the database of HELPLINE_DATABASE_URL reachable?", file=sys.stderr)
        return 1
    print(
        f"\nStarting the production topology: nginx on {settings.http_interface}:{settings.http_port} (webhooks and "
        f"/health only), Rasa's HTTP API through nginx on 127.0.0.1:{settings.api_port}, {settings.rasa_processes} "
        f"Rasa processes from 127.0.0.1:{settings.rasa_port}, actions on 127.0.0.1:{settings.actions_port}, "
        f"{settings.workers} workers, the console through nginx on {settings.http_interface}:"
        f"{settings.console_http_port}.\nLogs: {conf.parent / 'logs'}.  Status: supervisorctl -c {conf} status\n"
        f"Try: curl -s {settings.http_interface}:{settings.http_port}/webhooks/rest/webhook "
        "-d '{\"sender\":\"me\",\"message\":\"namaste\"}'\nCtrl-C stops everything.\n",
        flush=True,
    )
    supervisord = shutil.which("supervisord") or SUPERVISORD
    os.chdir(PROJECT_ROOT)
    os.execve(supervisord, [supervisord, "--nodaemon", "-c", str(conf)], env)
    return 0  # not reached


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.production", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the topology in the foreground (the default)")
    render_command = commands.add_parser("render", help="write the configuration into a directory")
    render_command.add_argument("directory", type=Path)
    render_command.add_argument("--server", action="store_true",
                                help="for a server with Debian's nginx service: no nginx child process")
    args = parser.parse_args(argv)
    if args.command == "render":
        conf = render(get_settings(), args.directory, standalone=not args.server)
        print(conf)
        return 0
    return run()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
