"""Fill a store with fictitious reports and follow-up cases for the console's benchmark and for trying it out.

    PYTHONPATH=. .venv/bin/python scripts/seed_console.py [--database-url URL] [--reports 10000] [--cases 5000]

Everything goes through the store's models and `bot.crypto`, so personal columns hold real Fernet tokens under the
configured key (HELPLINE_SECRET_KEYS, or the development key in var/); rows are bulk-inserted (one executemany per
table) in one transaction. People are obviously fictitious ("Seed Guardian 0042") with Twilio test numbers; districts
are Bihar's and Rajasthan's, weighted towards the sample directory's. The data are drawn from a seeded random
generator, so the same arguments give the same figures. Refuses a store that already holds reports or cases unless
`--append` is given.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot.crypto import encrypt, pseudonym  # noqa: E402
from bot.followup.schedule import due_times  # noqa: E402
from bot.gazetteer import load_gazetteer  # noqa: E402
from bot.reports.codes import is_valid  # noqa: E402
from bot.reports.directory import import_directory, load_directory  # noqa: E402
from bot.settings import PROJECT_ROOT  # noqa: E402
from bot.store.models import (  # noqa: E402
    AuditEvent,
    CheckIn,
    CompensationClaim,
    Delivery,
    FollowupCase,
    Ngo,
    Report,
    RouteStep,
)

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)  # the bench's "now": the seed is reproducible
KINDS = (("recruitment", 45), ("missing", 20), ("emergency", 15), ("alert", 15), ("enrolment", 5))
SCHEMES = ("child_labour_fund", "clts", "bonded_labour", "back_wages", "victim_compensation")
SCHOOL = (("not_enrolled", 35), ("enrolled", 25), ("bridge_class", 10), ("attending", 30))


@dataclass
class Rows:
    """Rows per table, with explicit ids so that children can point at their parents before anything is written."""

    reports: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    checkins: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)


def weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def districts_by_weight() -> tuple[list[str], list[int]]:
    """Bihar's districts three times as likely as Rajasthan's (reports are made at home; Jaipur is the corridor)."""
    names, weights = [], []
    for district in load_gazetteer().districts():
        names.append(district.name)
        weights.append(3 if district.state == "Bihar" else (4 if district.name == "Jaipur" else 1))
    return names, weights


def chains(session: Session) -> dict[str, list[tuple[int, str]]]:
    """District -> [(ngo id, ngo key)] in escalation order, from the stored route steps."""
    result: dict[str, list[tuple[int, str]]] = {}
    query = select(RouteStep.district, Ngo.id, Ngo.key).join(Ngo, Ngo.id == RouteStep.ngo_id).order_by(
        RouteStep.district, RouteStep.position)
    for district, ngo_id, key in session.execute(query):
        result.setdefault(district, []).append((ngo_id, key))
    return result


def codes(session: Session, rng: random.Random, count: int) -> list[str]:
    """Unused valid 7-digit report codes (six digits and the check digit)."""
    taken = set(session.execute(select(Report.code)).scalars())
    result = []
    for body in rng.sample(range(10**6), count + len(taken)):
        code = next(c for c in (f"{body:06d}{digit}" for digit in range(10)) if is_valid(c))
        if code not in taken:
            result.append(code)
        if len(result) == count:
            break
    return result


def next_id(session: Session, model: Any) -> int:
    return int(session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()) + 1


def add_report(rows: Rows, rng: random.Random, ids: dict[str, int], code: str, district: str, state: str,
               chain: list[tuple[int, str]]) -> None:
    """One report with its forward, escalations (each a delivery), acknowledgement and audit trail."""
    kind = weighted(rng, KINDS)
    created = NOW - timedelta(minutes=rng.randrange(24 * 30 * 24 * 60))
    urgent = kind == "emergency"
    level = min(len(chain) - 1, rng.choices([0, 1, 2], weights=[70, 22, 8])[0])
    step = timedelta(minutes=15 if urgent else 240)
    acked = created + step * level + timedelta(minutes=rng.randrange(1, 15 if urgent else 240))
    acknowledged = rng.random() < 0.8 and acked < NOW
    report_id = ids["report"]
    ids["report"] += 1
    status = ("closed" if rng.random() < 0.5 else "acknowledged") if acknowledged else "received"
    rows.reports.append(dict(
        id=report_id, code=code, kind=kind, urgent=urgent, status=status, district=district, state=state,
        children_count=rng.randint(1, 5), language="hi", channel=rng.choice(("sms", "whatsapp", "telegram")),
        contact_consent="anonymous", details_encrypted=encrypt(json.dumps({"what": f"Seed report {code}"})),
        escalation_level=level, ack_due_at=None if acknowledged else created + step * (level + 1),
        acknowledged_at=acked if acknowledged else None, acknowledged_by=chain[level][0] if acknowledged else None,
        closed_at=acked + timedelta(days=2) if status == "closed" and acked + timedelta(days=2) < NOW else None,
        created_at=created,
    ))
    rows.audit.append(dict(report_id=report_id, at=created, actor="reporter", action="received", detail=kind))
    for position in range(level + 1):
        ngo_id, key = chain[position]
        sent = created + step * position + timedelta(seconds=rng.randint(1, 30))
        rows.deliveries.append(dict(
            dedupe_key=f"seed:{code}:{position}", report_id=report_id, ngo_id=ngo_id,
            purpose="forward" if position == 0 else "escalation", channel="sms",
            address_encrypted=encrypt(f"+1500555{1000 + ngo_id:04d}"), marker=f"{code}-{position + 1}",
            body_encrypted=encrypt(f"Seed report {code} (fictitious)"), status="sent", attempts=1,
            next_attempt_at=sent, last_attempt_at=sent, created_at=created + step * position, sent_at=sent))
        action = "queued" if position == 0 else "escalated"
        rows.audit.append(dict(report_id=report_id, at=sent, actor="worker", action=action, detail=f"ngo:{key}"))
    if acknowledged:
        rows.audit.append(dict(report_id=report_id, at=acked, actor=f"ngo:{chain[level][1]}",
                               action="acknowledged", detail="via sms"))


def add_case(rows: Rows, rng: random.Random, ids: dict[str, int], number: int, district: str, state: str,
             ngo_id: int) -> None:
    """One enrolled family: returned up to 30 months ago, check-ins answered until the family drifts away (the
    study's pattern: most are lost within months), school stage and compensation claims."""
    case_id = ids["case"]
    ids["case"] += 1
    returned = (NOW - timedelta(days=rng.randrange(30 * 30 + 1))).date()
    address = f"+1500555{number % 10000:04d}"
    channel = rng.choice(("sms", "whatsapp"))
    answers_until = rng.choices(range(9), weights=[10, 15, 15, 10, 10, 10, 10, 10, 10])[0]
    opted_out = rng.random() < 0.05
    rows.cases.append(dict(
        id=case_id, reference=f"S{case_id:07d}", status="opted_out" if opted_out else "active", ngo_id=ngo_id,
        contact_key=pseudonym(channel, address), channel=channel, address_encrypted=encrypt(address),
        guardian_name_encrypted=encrypt(f"Seed Guardian {number:04d}"),
        child_name_encrypted=encrypt(f"Seed Child {number:04d}"), place_encrypted=encrypt("Seed Village"),
        language="hi", district=district, state=state, child_age=rng.randint(8, 17), returned_on=returned,
        consent_at=datetime.combine(returned, datetime.min.time(), timezone.utc) + timedelta(days=3),
        school_stage=weighted(rng, SCHOOL), living_at_home=rng.random() < 0.9,
        created_at=datetime.combine(returned, datetime.min.time(), timezone.utc) + timedelta(days=3)))
    for sequence, (label, due) in enumerate(due_times(returned)):
        answered = due < NOW and sequence < answers_until
        status = "answered" if answered else ("missed" if due < NOW else "scheduled")
        rows.checkins.append(dict(
            case_id=case_id, sequence=sequence, label=label, due_at=due, status=status,
            next_action_at=due, sends=1 if due < NOW else 0, prompts=1 if due < NOW else 0,
            fired_at=due if due < NOW else None,
            answered_at=due + timedelta(hours=rng.randint(1, 40)) if answered else None,
            step=5 if answered else 0,
            answers_encrypted=encrypt(json.dumps({"home": True, "school": True})) if answered else None))
    for scheme in rng.sample(SCHEMES, rng.choices([0, 1, 2], weights=[30, 50, 20])[0]):
        stage = rng.choice(("not_started", "applied", "sanctioned", "paid"))
        applied = returned + timedelta(days=rng.randint(5, 60)) if stage != "not_started" else None
        sanctioned = applied + timedelta(days=rng.randint(20, 120)) if applied and stage in ("sanctioned", "paid") \
            else None
        paid = sanctioned + timedelta(days=rng.randint(10, 200)) if sanctioned and stage == "paid" else None
        rows.claims.append(dict(case_id=case_id, scheme=scheme, stage=stage, applied_on=applied,
                                sanctioned_on=sanctioned, paid_on=paid, updated_at=NOW))


def build(session: Session, reports: int, cases: int, seed: int) -> Rows:
    """Every row to insert; reads the directory's chains and the next free ids."""
    rng = random.Random(seed)
    routes = chains(session)
    gazetteer = load_gazetteer()
    names, weights = districts_by_weight()
    ids = {"report": next_id(session, Report), "case": next_id(session, FollowupCase)}
    rows = Rows()
    for code in codes(session, rng, reports):
        district = rng.choices(names, weights=weights)[0] if rng.random() > 0.03 else None
        state = gazetteer_state(gazetteer, district)
        add_report(rows, rng, ids, code, district, state, routes.get(district or "*") or routes["*"])
    for number in range(cases):
        district = rng.choices(names, weights=weights)[0]
        add_case(rows, rng, ids, number, district, gazetteer_state(gazetteer, district),
                 (routes.get(district) or routes["*"])[0][0])
    return rows


def gazetteer_state(gazetteer: Any, district: str | None) -> str:
    found = next((d for d in gazetteer.districts() if d.name == district), None) if district else None
    return found.state if found else "Bihar"


def write(session: Session, rows: Rows) -> None:
    """One executemany per table, parents first; PostgreSQL's id sequences are moved past the explicit ids."""
    for model, items in ((Report, rows.reports), (Delivery, rows.deliveries), (AuditEvent, rows.audit),
                         (FollowupCase, rows.cases), (CheckIn, rows.checkins), (CompensationClaim, rows.claims)):
        if items:
            session.execute(insert(model), items)
    if session.get_bind().dialect.name == "postgresql":
        for table in ("reports", "cases"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))


def seed(session: Session, reports: int = 10_000, cases: int = 5_000, seed_value: int = 13,
         append: bool = False) -> dict[str, int]:
    """Seed the store in the caller's transaction; imports the sample NGO directory when there is none."""
    if not append and (session.execute(select(Report.id).limit(1)).first()
                       or session.execute(select(FollowupCase.id).limit(1)).first()):
        raise SystemExit("the store already holds reports or cases (use --append to add to them)")
    if not session.execute(select(Ngo.id).limit(1)).first():
        import_directory(session, load_directory(PROJECT_ROOT / "bot" / "data" / "ngos.sample.yml"))
        session.flush()
    rows = build(session, reports, cases, seed_value)
    write(session, rows)
    # The planner's statistics, as autovacuum would gather them soon after a bulk load: without them PostgreSQL takes
    # the fresh tables for a few rows and joins the coordinator's overdue check-ins by a nested loop (1 s, not 12 ms).
    session.execute(text("ANALYZE"))
    return {"reports": len(rows.reports), "deliveries": len(rows.deliveries), "audit_events": len(rows.audit),
            "cases": len(rows.cases), "checkins": len(rows.checkins), "claims": len(rows.claims)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: HELPLINE_DATABASE_URL (the embedded SQLite)")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args(argv)
    if args.database_url:
        import os

        os.environ["HELPLINE_DATABASE_URL"] = args.database_url
    from bot.store.db import session_scope

    start = time.perf_counter()
    with session_scope() as session:
        counts = seed(session, args.reports, args.cases, args.seed, args.append)
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
