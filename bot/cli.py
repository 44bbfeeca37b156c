"""`helpline` command line: database and key chores for operators. Decrypted data is shown only here."""

from __future__ import annotations

import argparse

from cryptography.fernet import Fernet


def _db_upgrade(_: argparse.Namespace) -> int:
    from bot.store.db import upgrade_schema

    upgrade_schema()
    print("database schema is up to date")
    return 0


def _new_key(_: argparse.Namespace) -> int:
    print(Fernet.generate_key().decode())
    return 0


def _callbacks(_: argparse.Namespace) -> int:
    from bot.store.contacts import open_callback_requests

    for row in open_callback_requests():
        print(f"{row.id}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.channel}\t{row.address}\t{row.language or ''}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="helpline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(handler=_db_upgrade)
    commands.add_parser("new-key", help="print a new encryption key for HELPLINE_SECRET_KEYS").set_defaults(
        handler=_new_key
    )
    commands.add_parser("callbacks", help="list open call-back requests (decrypted)").set_defaults(
        handler=_callbacks
    )
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
