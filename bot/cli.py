"""`helpline` command line: database and key chores for operators. Decrypted data is shown only here."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta

from cryptography.fernet import Fernet

from bot.clock import Clock
from bot.console.cli import add_commands as console_commands


def _db_upgrade(_: argparse.Namespace) -> int:
    from bot.conversations import seal_plain_events
    from bot.store.db import upgrade_schema

    upgrade_schema()
    print("database schema is up to date")
    # Rasa's conversations written in plain text before the encrypted tracker store: sealed in batches (resumable).
    sealed = seal_plain_events(lambda done: print(f"conversations: {done} events encrypted", flush=True))
    print(f"conversations: {sealed} events encrypted, none left in plain text" if sealed
          else "conversations: every event is encrypted")
    return 0


def _new_key(_: argparse.Namespace) -> int:
    print(Fernet.generate_key().decode())
    return 0


def _callbacks(_: argparse.Namespace) -> int:
    from bot.store.contacts import open_callback_requests
    from bot.store.db import session_scope

    with session_scope() as session:
        rows = open_callback_requests(session)
    for row in rows:
        print(f"{row.id}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.channel}\t{row.address}\t{row.language or ''}")
    return 0


def _ngos_import(args: argparse.Namespace) -> int:
    from bot.reports.directory import DirectoryError, import_directory, load_directory
    from bot.store.db import session_scope

    try:
        directory = load_directory(args.file)
        with session_scope() as session:
            counts = import_directory(session, directory)
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
    from bot.store.db import session_scope

    with session_scope() as session:
        rows = list_reports(session, args.status, args.district, args.limit)
    if args.csv:
        print(export_csv(rows), end="")
        return 0
    for row in rows:
        print(f"{row.code}\t{row.created_at:%Y-%m-%d %H:%M}\t{row.kind}{' URGENT' if row.urgent else ''}\t"
              f"{row.status}\t{row.district}\tlevel {row.escalation_level}\tsent {row.deliveries_sent}"
              f"\tpending {row.deliveries_pending}")
    return 0


def _reports_show(args: argparse.Namespace) -> int:
    from bot.reports.coordinator import DISCREET_NOTICE, reporter_discreet, show_report
    from bot.store.db import session_scope

    with session_scope() as session:
        report = show_report(session, args.code)
        if report is not None:
            report["discreet"] = reporter_discreet(session, args.code)
    if report is None:
        print(f"no report {args.code}")
        return 1
    for key in ("code", "kind", "urgent", "status", "created_at", "district", "destination", "children", "language",
                "channel", "consent", "discreet", "reporter", "close_note"):
        print(f"{key}: {report[key]}")
    if report["discreet"]:
        print(DISCREET_NOTICE)
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


# Exit codes of `reports ack|close`: 0 done (or already done), 1 no such report, 2 no such active NGO, 3 refused.
_ACT_EXIT = {"acknowledged": 0, "closed": 0, "already": 0, "not_found": 1, "not_yours": 3}


def _reports_act(args: argparse.Namespace) -> int:
    """Acknowledge or close a report on behalf of an NGO (e.g. one that phoned in), through the same rule and audit
    trail as the NGO's own "OK CODE" / "CLOSE CODE note" (bot.reports.access)."""
    from bot.ngo_commands import act_as_ngo
    from bot.reports.codes import find_any_code

    verb = "ack" if args.reports_command == "ack" else "close"
    args.code = find_any_code(args.code) or args.code.strip()  # "482-9317" as NGOs write it
    result = act_as_ngo(args.ngo, verb, args.code, getattr(args, "note", None) or "", "cli", args.clock)
    if result is None:
        print(f"not done: there is no active NGO '{args.ngo}' in the directory (see `helpline ngos routes`)",
              file=sys.stderr)
        return 2
    if result.action == "not_found":
        print(f"not done: there is no report {args.code}", file=sys.stderr)
    elif result.action == "not_yours":
        print(f"refused: {args.ngo} may not act on report {args.code}: it was not sent to it, is not in its "
              "district's escalation chain and is not of its state (audited)", file=sys.stderr)
    elif result.action == "already":
        from bot.reports.service import report_status
        from bot.store.db import session_scope

        with session_scope() as session:
            status = report_status(session, args.code)
        print(f"report {args.code} was already {status}; nothing changed")
    else:
        print(f"report {args.code} {result.action} on behalf of {args.ngo}")
    return _ACT_EXIT[result.action]


def _deliveries(_: argparse.Namespace) -> int:
    from bot.store.db import session_scope
    from bot.store.inbound import recent_failures, status_counts

    with session_scope() as session:
        counts, failures = status_counts(session), recent_failures(session)
    print("provider statuses of sent messages: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                                                    or "none recorded (status callbacks need HELPLINE_PUBLIC_URL)"))
    for when, channel, provider_id, error_code in failures:
        print(f"{when:%Y-%m-%d %H:%M}\t{channel}\t{provider_id}\terror {error_code or '-'}")
    return 0


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-01") from None


def _claims(values: list[str] | None, dated: bool) -> list[tuple[str, str, date | None]]:
    """"clts:applied" (and, for updates, "clts:paid:2027-01-15") -> (scheme, stage, date)."""
    from bot.followup.cases import EnrolmentError

    claims = []
    for value in values or []:
        parts = value.split(":")
        if len(parts) not in ((2, 3) if dated else (2,)):
            raise EnrolmentError(f"--claim {value!r}: write scheme:stage" + ("[:YYYY-MM-DD]" if dated else ""))
        try:
            on = date.fromisoformat(parts[2]) if len(parts) == 3 else None
        except ValueError:
            raise EnrolmentError(f"--claim {value!r}: {parts[2]!r} is not a date like 2027-01-15") from None
        claims.append((parts[0].strip(), parts[1].strip(), on))
    return claims


def _cases_enrol(args: argparse.Namespace) -> int:
    from bot.followup.cases import Enrolment, EnrolmentError
    from bot.followup.coordinator import enrol_case
    from bot.store.db import session_scope

    try:
        enrolment = Enrolment(
            channel=args.channel, address=args.contact, district=args.district, returned_on=args.returned,
            language=args.language, child_age=args.age, guardian_name=args.guardian, child_name=args.child,
            place=args.place, school_stage=args.school_stage, school_name=args.school,
            guardian_consent=args.guardian_consent,
            claims={scheme: stage for scheme, stage, _ in _claims(args.claim, dated=False)},
        )
        with session_scope() as session:
            enrolled = enrol_case(session, enrolment, args.ngo, args.clock)
    except EnrolmentError as error:
        print(f"not enrolled: {error}", file=sys.stderr)
        return 2
    first = enrolled.first_contact
    print(f"enrolled case {enrolled.reference} ({enrolled.district})")
    print("check-ins (dates in India; sent in daytime):")
    for label, day in enrolled.checkins:
        print(f"  {label:>4}  {day.isoformat()}{'  (past)' if first and day < first else ''}")
    if first:
        past = any(day < first for _, day in enrolled.checkins)
        print(f"first check-in sent on {first.isoformat()}" + (" (only the latest past one is asked)" if past else ""))
    return 0


def _cases_update(args: argparse.Namespace) -> int:
    from bot.followup.cases import EnrolmentError
    from bot.followup.coordinator import update_case
    from bot.store.db import session_scope

    if not (args.school_stage or args.school or args.claim or args.close):
        print("nothing to change: give --school-stage, --school, --claim or --close", file=sys.stderr)
        return 2
    try:
        with session_scope() as session:
            status = update_case(session, args.reference, args.school_stage, args.school,
                                 _claims(args.claim, dated=True), args.close, args.clock)
    except EnrolmentError as error:
        print(f"not changed: {error}", file=sys.stderr)
        return 2
    print(f"case {args.reference} updated ({status})")
    return 0


def _stages(claims: tuple[tuple[str, str], ...]) -> str:
    return ",".join(f"{scheme}:{stage}" for scheme, stage in claims) or "-"


def _cases_list(args: argparse.Namespace) -> int:
    from bot.followup.coordinator import export_csv, list_cases
    from bot.store.db import session_scope

    with session_scope() as session:
        rows = list_cases(session, args.district, args.overdue, args.alerts, args.clock)
    if args.csv:
        text = export_csv(rows)
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            print(f"{len(rows)} case(s) written to {args.out}")
        else:
            print(text, end="")
        return 0
    if not rows:
        print("no cases")
        return 0
    header = ("reference", "district", "status", "school", "compensation", "next check-in", "overdue", "alerts")
    table = [header] + [
        (row.reference, row.district, row.status, row.school_stage, _stages(row.claims),
         row.next_checkin.isoformat() if row.next_checkin else "-", str(row.overdue), str(row.open_alerts))
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for number, line in enumerate(table):
        if number > 1 and line[1] != table[number - 1][1]:
            print()  # a blank line between districts
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    return 0


def _cases_show(args: argparse.Namespace) -> int:
    from bot.followup.coordinator import show_case
    from bot.store.db import session_scope

    with session_scope() as session:
        case = show_case(session, args.reference, args.clock)
    if case is None:
        print(f"no case {args.reference}")
        return 1
    for key in ("reference", "status", "ngo", "district", "state", "place", "channel", "contact", "discreet",
                "language", "guardian", "child", "child_age", "returned_on", "enrolled_at", "school_stage", "school",
                "school_updated_on", "living_at_home", "money_reported_on", "opted_out_at"):
        value = case[key]
        print(f"{key}: {_ist(value)}" if isinstance(value, datetime) else f"{key}: {value}")
    for claim in case["claims"]:
        print(f"claim {claim['scheme']}: {claim['stage']} (applied {claim['applied_on'] or '-'}, "
              f"sanctioned {claim['sanctioned_on'] or '-'}, paid {claim['paid_on'] or '-'})")
    for checkin in case["checkins"]:
        answers = ", ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={'yes' if v else 'no'}"
                            for k, v in checkin["answers"].items())
        print(f"check-in {checkin['label']:>4} due {_ist(checkin['due_at'])}: {checkin['status']}"
              f"{' OVERDUE' if checkin['overdue'] else ''}, sent {checkin['prompts']}x"
              + (f", answered {checkin['answered_at']:%Y-%m-%d}" if checkin["answered_at"] else "")
              + (f": {answers}" if answers else "") + (f" [{checkin['error']}]" if checkin["error"] else ""))
    for alert in case["alerts"]:
        print(f"{alert['kind']} {alert['code']}: {alert['reason']}{' URGENT' if alert['urgent'] else ''}, "
              f"{alert['status']}{' by ' + alert['acknowledged_by'] if alert['acknowledged_by'] else ''}, "
              f"raised {_ist(alert['created_at'])}")
    return 0


def _ist(moment: datetime) -> str:
    from bot.followup.schedule import IST

    return f"{moment.astimezone(IST):%Y-%m-%d %H:%M} IST"


def _age(hours: float) -> str:
    return f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"


def _alerts(args: argparse.Namespace) -> int:
    from bot.followup.coordinator import list_alerts
    from bot.store.db import session_scope

    with session_scope() as session:
        rows = list_alerts(session, args.clock)
    if not rows:
        print("no open follow-up alerts")
    for row in rows:
        print(f"{row.code}\tcase {row.case}\t{row.reason}{' URGENT' if row.urgent else ''}\t{row.status}\t"
              f"{row.district}\t{_age(row.age_hours)}")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from bot.jobs.worker import run_worker

    return run_worker(once=args.once)


def _every(interval: timedelta) -> str:
    seconds = interval.total_seconds()
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:.0f}h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:.0f}m"
    return f"{seconds:g}s"


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds}s ago"
    if seconds < 7200:
        return f"{seconds // 60}m ago"
    return f"{_age(seconds / 3600)} ago"


def _jobs(args: argparse.Namespace) -> int:
    """The background jobs `helpline worker` runs: interval, last run (by any worker), its result, and the backlog."""
    from bot.clock import SystemClock, as_utc
    from bot.jobs import registry
    from bot.jobs.runner import last_runs
    from bot.store.db import session_scope

    now = (args.clock or SystemClock()).now()
    table = [("job", "every", "last run", "result", "backlog")]
    with session_scope() as session:
        runs = last_runs(session)
        for job in registry():
            run = runs.get(job.name)
            if run is None:
                last, result = "never", "-"
            else:
                last = _ago(now - as_utc(run.started_at))
                result = f"ok, {run.count}" if run.outcome == "ok" else f"failed ({run.error})"
            table.append((job.name, _every(job.interval), last, result, str(job.backlog(session, now))))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    return 0


def _case_commands(commands: argparse._SubParsersAction) -> None:
    from bot.followup.cases import CHANNELS, LANGUAGES
    from bot.followup.words import SCHOOL_STAGES

    cases = commands.add_parser("cases", help="follow-up of returned children (decrypted only by `show`)"
                                ).add_subparsers(dest="cases_command", required=True)
    enrol = cases.add_parser("enrol", help="enrol a returned child's family: check-ins start at once")
    enrol.add_argument("--channel", required=True, choices=CHANNELS, help="how the family is reached")
    enrol.add_argument("--contact", required=True, help="+<country code><number>, a Telegram chat id, or a REST id")
    enrol.add_argument("--district", required=True)
    enrol.add_argument("--returned", required=True, type=_day, help="date the child came home, YYYY-MM-DD")
    enrol.add_argument("--language", choices=LANGUAGES, default="hi")
    enrol.add_argument("--age", type=int, help="the child's age")
    enrol.add_argument("--guardian", help="guardian's name (stored encrypted)")
    enrol.add_argument("--guardian-consent", metavar="HOW", help="required for a child under 18: how the guardian's "
                       "identity, age and consent were checked, e.g. 'CWC file' or 'DigiLocker' (DPDP Rule 10)")
    enrol.add_argument("--child", help="child's name (stored encrypted)")
    enrol.add_argument("--place", help="block / village (stored encrypted)")
    enrol.add_argument("--school-stage", choices=SCHOOL_STAGES, default="not_enrolled")
    enrol.add_argument("--school", help="school name (stored encrypted)")
    enrol.add_argument("--claim", action="append", metavar="SCHEME:STAGE", help="a compensation claim; repeatable")
    enrol.add_argument("--ngo", metavar="NGO_KEY", help="the enrolling NGO's id in the directory")
    enrol.set_defaults(handler=_cases_enrol)
    update = cases.add_parser("update", help="change a case's school or compensation stage, or close it")
    update.add_argument("reference")
    update.add_argument("--school-stage", choices=SCHOOL_STAGES)
    update.add_argument("--school", help="school name")
    update.add_argument("--claim", action="append", metavar="SCHEME:STAGE[:YYYY-MM-DD]", help="repeatable")
    update.add_argument("--close", action="store_true", help="close the case: no more check-ins")
    update.set_defaults(handler=_cases_update)
    for name, help_text in (("list", "cases by district: stages, next check-in, overdue check-ins, open alerts"),
                            ("export", "CSV for coordinators: no names or phone numbers")):
        listing = cases.add_parser(name, help=help_text)
        listing.add_argument("--district")
        listing.add_argument("--overdue", action="store_true", help="only cases with overdue check-ins")
        listing.add_argument("--alerts", action="store_true", help="only cases with open alerts")
        if name == "export":
            listing.add_argument("--out", metavar="FILE", help="write here instead of standard output")
        else:
            listing.set_defaults(out=None)
        listing.set_defaults(handler=_cases_list, csv=name == "export")
    show = cases.add_parser("show", help="one case in full (decrypted): contact, names, check-ins, alerts")
    show.add_argument("reference")
    show.set_defaults(handler=_cases_show)


def main(argv: list[str] | None = None, clock: Clock | None = None) -> int:
    """`clock`: the time the follow-up, `jobs` and `reports ack|close` commands take as now (tests pass a ManualClock;
    default the system's)."""
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
    ack = reports.add_parser("ack", help="acknowledge a report on behalf of an NGO (only one that may act on it)")
    close = reports.add_parser("close", help="close a report on behalf of an NGO (only one that may act on it)")
    for parser_ in (ack, close):
        parser_.add_argument("code")
        parser_.add_argument("--ngo", required=True, metavar="NGO_KEY", help="the NGO's id in the directory")
        parser_.set_defaults(handler=_reports_act)
    close.add_argument("--note", help="what was done (stored encrypted)")
    commands.add_parser("deliveries", help="delivery statuses reported by Twilio, latest failures").set_defaults(
        handler=_deliveries)
    _case_commands(commands)
    commands.add_parser("alerts", help="open follow-up alerts: code, case, reason, status, district, age"
                        ).set_defaults(handler=_alerts)
    worker = commands.add_parser("worker", help="run the background jobs (sends forwards, escalates, fires "
                                 "check-ins, ...; see `helpline jobs`)")
    worker.add_argument("--once", action="store_true", help="every job once, then exit")
    worker.set_defaults(handler=_worker)
    commands.add_parser("jobs", help="the background jobs: interval, last run, result, backlog").set_defaults(
        handler=_jobs)
    console_commands(commands)  # users add|disable|reset, console
    from bot.privacy_cli import add_commands as add_privacy_commands

    add_privacy_commands(commands)
    args = parser.parse_args(argv)
    args.clock = clock
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
