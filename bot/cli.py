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


def _ngos_import(args: argparse.Namespace) -> int:
    from bot.reports.directory import DirectoryError, import_directory, load_directory

    try:
        counts = import_directory(load_directory(args.file))
    except DirectoryError as error:
        print(f"not imported: {error}")
        return 2
    print(f"imported {counts['ngos']} NGOs; escalation chains for {counts['districts']} districts "
          f"and unknown districts ({counts['route_steps']} steps)")
    return 0


def _ngos_routes(_: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import RouteStep

    with session_scope() as session:
        chains: dict[str, list[str]] = {}
        for step in session.execute(select(RouteStep).order_by(RouteStep.district, RouteStep.position)).scalars():
            chains.setdefault(step.district, []).append(step.ngo.key)
    for district, chain in chains.items():
        print(f"{'(unknown)' if district == '*' else district}\t{' > '.join(chain)}")
    return 0


def _reports_list(args: argparse.Namespace) -> int:
    from bot.reports.coordinator import export_csv, list_reports

    rows = list_reports(args.status, args.district, args.limit)
    if args.csv:
        print(export_csv(rows), end="")
        return 0
    for row in rows:
        print(f"{row.code}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.kind}{' URGENT' if row.urgent else ''}\t"
              f"{row.status}\t{row.district}\tlevel {row.escalation_level}\tsent {row.deliveries_sent}"
              f"\tpending {row.deliveries_pending}")
    return 0


def _reports_show(args: argparse.Namespace) -> int:
    from bot.reports.coordinator import show_report

    report = show_report(args.code)
    if report is None:
        print(f"no report {args.code}")
        return 1
    for key in ("code", "kind", "urgent", "status", "created_at", "district", "destination", "children", "language",
                "channel", "consent", "reporter", "close_note"):
        print(f"{key}: {report[key]}")
    for key, value in report["details"].items():
        print(f"  {key}: {value}")
    for delivery in report["deliveries"]:
        print(f"-- {delivery['marker']} {delivery['purpose']} to {delivery['ngo']} via {delivery['channel']}: "
              f"{delivery['status']} after {delivery['attempts']} attempt(s) {delivery['error'] or ''}")
        if delivery["text"]:
            print("   " + delivery["text"].replace("\n", "\n   "))
    for at, actor, action, detail in report["audit"]:
        print(f"{at:%Y-%m-%d %H:%M:%S}  {actor}  {action}  {detail or ''}")
    return 0


def _deliveries(_: argparse.Namespace) -> int:
    from bot.store.inbound import recent_failures, status_counts

    counts = status_counts()
    print("provider statuses of sent messages: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                                                    or "none recorded (status callbacks need HELPLINE_PUBLIC_URL)"))
    for when, channel, provider_id, error_code in recent_failures():
        print(f"{when:%Y-%m-%d %H:%M}\t{channel}\t{provider_id}\terror {error_code or '-'}")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from bot.reports.runner import run_worker

    return run_worker(once=args.once)


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
    ngos = commands.add_parser("ngos", help="the NGO directory").add_subparsers(dest="ngos_command", required=True)
    ngo_import = ngos.add_parser("import", help="replace the directory with a YAML file (see bot/data/ngos.sample.yml)")
    ngo_import.add_argument("file")
    ngo_import.set_defaults(handler=_ngos_import)
    ngos.add_parser("routes", help="print every district's escalation chain").set_defaults(handler=_ngos_routes)
    reports = commands.add_parser("reports", help="reports (decrypted only by `show`)").add_subparsers(
        dest="reports_command", required=True)
    for name, help_text in (("list", "newest reports, one line each"), ("export", "CSV for coordinators")):
        listing = reports.add_parser(name, help=help_text)
        listing.add_argument("--status", choices=["received", "acknowledged", "closed"])
        listing.add_argument("--district")
        listing.add_argument("--limit", type=int, default=200 if name == "list" else 100000)
        listing.set_defaults(handler=_reports_list, csv=name == "export")
    show = reports.add_parser("show", help="one report in full: details, forwards, audit trail")
    show.add_argument("code")
    show.set_defaults(handler=_reports_show)
    commands.add_parser("deliveries", help="delivery statuses reported by Twilio, latest failures").set_defaults(
        handler=_deliveries)
    worker = commands.add_parser("worker", help="run the delivery worker (sends forwards, escalates)")
    worker.add_argument("--once", action="store_true", help="one pass, then exit")
    worker.set_defaults(handler=_worker)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
