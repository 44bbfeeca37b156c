"""Who gets a report: the escalation chain of its district, as imported from the NGO directory.

A report goes to position 0 of its district's chain; each unacknowledged step alerts the next; the state-level contact
is always last. An unknown district uses the chain stored under "*" (the default state's contact). When the children
are being taken somewhere the directory covers (e.g. Jaipur), the first NGO of that district gets a corridor alert too.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reports.directory import UNKNOWN_DISTRICT
from bot.store.models import Ngo, RouteStep


class NoRouteError(RuntimeError):
    """The store has no NGO directory: reports cannot be routed (import one with `helpline ngos import`)."""


def chain_for(session: Session, district: str | None) -> list[Ngo]:
    """Active NGOs in escalation order for a district (None: unknown)."""
    rows = session.execute(
        select(Ngo)
        .join(RouteStep, RouteStep.ngo_id == Ngo.id)
        .where(RouteStep.district == (district or UNKNOWN_DISTRICT), Ngo.active.is_(True))
        .order_by(RouteStep.position)
    ).scalars().all()
    if not rows and district:  # a district the directory was imported without (e.g. a newer gazetteer)
        return chain_for(session, None)
    if not rows:
        raise NoRouteError("no NGO directory in the store: run `helpline ngos import FILE`")
    return list(rows)


def corridor_ngo(session: Session, origin: str | None, destination: str | None) -> Ngo | None:
    """The NGO at the destination end to alert as well, or None (no destination, or the same NGO as the origin's)."""
    if not destination or destination == origin:
        return None
    rows = session.execute(
        select(Ngo)
        .join(RouteStep, RouteStep.ngo_id == Ngo.id)
        .where(RouteStep.district == destination, Ngo.active.is_(True))
        .order_by(RouteStep.position)
        .limit(1)
    ).scalars().all()
    if not rows:
        return None
    first = rows[0]
    origin_chain = chain_for(session, origin)
    return None if origin_chain and origin_chain[0].id == first.id else first
