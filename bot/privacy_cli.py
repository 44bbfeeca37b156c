"""`helpline erase`, `helpline erasures` and `helpline consents`: a coordinator's side of erasure and consent.

Registered by bot/cli.py. `erase` does exactly what a person's own "delete my data" does (bot/erasure.py), for a
family who asked by phone or in person; `consents` shows what a number agreed to, with the wording's message id and
language and the date (the helpline must be able to prove consent: DPDP Act s.6(10)).
"""

from __future__ import annotations

import argparse

from bot.followup.cases import CHANNELS, EnrolmentError


def _erase(args: argparse.Namespace) -> int:
    from bot.erasure import erase, finish_pending
    from bot.followup.erasure import identities_of

    try:
        identities = identities_of(args.contact, args.channel)
    except EnrolmentError as error:
        print(f"not erased: {error}")
        return 2
    finish_pending(args.clock)
    result = erase(identities, f"cli:{args.by}" if args.by else "cli", args.clock)
    print(f"erasure {result.erasure_id} done: {result.counts}")
    return 0


def _erasures(_: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import Erasure

    with session_scope() as session:
        for row in session.execute(select(Erasure).order_by(Erasure.id)).scalars():
            print(f"{row.id}\t{row.requested_at:%Y-%m-%d %H:%M}\t{row.actor}\t{row.status}\t{row.counts}")
    return 0


def _consents(args: argparse.Namespace) -> int:
    from bot.followup.erasure import identities_of
    from bot.store.consents import consents_of
    from bot.store.db import session_scope

    try:
        keys = [identity.key for identity in identities_of(args.contact, args.channel)]
    except EnrolmentError as error:
        print(f"no such contact: {error}")
        return 2
    with session_scope() as session:
        rows = consents_of(session, keys)
    if not rows:
        print("no consent recorded for this contact")
    for row in rows:
        print(row.line())
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    erase = commands.add_parser("erase", help="erase a person's data (as their own 'delete my data' does)")
    erase.add_argument("--contact", required=True, help="phone number (+91...), Telegram chat id or local sender id")
    erase.add_argument("--channel", choices=CHANNELS, help="only this channel (default: SMS and WhatsApp for a "
                       "phone number, Telegram for a chat id)")
    erase.add_argument("--by", help="who asked for it, for the audit (a role, not a name), e.g. 'phone-call'")
    erase.set_defaults(handler=_erase)
    commands.add_parser("erasures", help="the erasure audit: when, by whom, how many rows of each kind"
                        ).set_defaults(handler=_erasures)
    consents = commands.add_parser("consents", help="what a contact consented to: purpose, wording, language, date")
    consents.add_argument("--contact", required=True)
    consents.add_argument("--channel", choices=CHANNELS)
    consents.set_defaults(handler=_consents)
