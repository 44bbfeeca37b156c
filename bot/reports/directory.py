"""The NGO directory: who receives reports for which district, how to reach them, and whom to escalate to.

It is kept as a YAML file that people can read and review (the repository ships `bot/data/ngos.sample.yml`, with
fictitious organisations and Twilio test numbers) and imported into the store with `helpline ngos import FILE`.
Import computes the escalation chain of every district in the gazetteer, so routing a report is one indexed query
and a directory with a gap (a district nobody covers) still routes to the state-level contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.crypto import encrypt, pseudonym
from bot.gazetteer import load_gazetteer
from bot.store.models import Ngo, NgoContact, RouteStep

CHANNELS = ("whatsapp", "sms", "telegram")
LANGUAGES = ("hi", "en", "bho")
UNKNOWN_DISTRICT = "*"  # the route_steps key for reports whose district is not known
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_TELEGRAM_CHAT = re.compile(r"^-?\d{1,20}$")


class DirectoryError(ValueError):
    """The directory file is not usable; the message says where and why."""


@dataclass(frozen=True)
class NgoEntry:
    key: str
    name: str
    language: str
    covers: tuple[str, ...]
    contacts: tuple[tuple[str, str], ...]  # (channel, address) in order of preference


@dataclass(frozen=True)
class Directory:
    ngos: tuple[NgoEntry, ...]
    state_contacts: dict[str, str]  # state -> ngo key
    default_state: str
    escalation: dict[str, tuple[str, ...]]  # district -> ngo keys, overriding the covers order

    def chain(self, district: str | None) -> list[str]:
        """NGO keys in escalation order for a district (None: unknown), ending with the state-level contact."""
        gazetteer = load_gazetteer()
        found = gazetteer.lookup(district) if district else None
        if found is None:
            return [self.state_contacts[self.default_state]]
        keys = list(self.escalation.get(found.name) or [n.key for n in self.ngos if found.name in n.covers])
        state_contact = self.state_contacts.get(found.state) or self.state_contacts[self.default_state]
        if state_contact in keys:
            keys.remove(state_contact)
        return keys + [state_contact]


def _district_name(raw: Any, where: str) -> str:
    district = load_gazetteer().lookup(str(raw))
    if district is None or district.name.lower() != str(raw).strip().lower():
        hint = f" (did you mean {district.name}?)" if district else ""
        raise DirectoryError(f"{where}: '{raw}' is not a district name of the gazetteer{hint}")
    return district.name


def _contacts(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not raw:
        raise DirectoryError(f"{where}: 'contacts' must be a non-empty list like [{{whatsapp: '+15005550101'}}]")
    result = []
    for item in raw:
        if not isinstance(item, dict) or len(item) != 1:
            raise DirectoryError(f"{where}: each contact is one 'channel: address' pair")
        channel, address = next(iter(item.items()))
        address = str(address).strip()
        if channel not in CHANNELS:
            raise DirectoryError(f"{where}: unknown channel '{channel}' (use {', '.join(CHANNELS)})")
        if channel in ("sms", "whatsapp") and not _E164.match(address):
            raise DirectoryError(f"{where}: {channel} address must be an international number like +15005550101")
        if channel == "telegram" and not _TELEGRAM_CHAT.match(address):
            raise DirectoryError(f"{where}: telegram address must be a numeric chat id")
        result.append((channel, address))
    return tuple(result)


def parse_directory(data: Any) -> Directory:
    """Validate the YAML structure; every error names the entry and the field."""
    if not isinstance(data, dict) or not isinstance(data.get("ngos"), list):
        raise DirectoryError("the directory needs a top-level 'ngos:' list")
    entries: list[NgoEntry] = []
    for index, raw in enumerate(data["ngos"]):
        where = f"ngos[{index}]"
        if not isinstance(raw, dict):
            raise DirectoryError(f"{where}: must be a mapping")
        key = str(raw.get("id") or "").strip()
        if not re.match(r"^[a-z0-9][a-z0-9-]{1,63}$", key):
            raise DirectoryError(f"{where}: 'id' must be lower-case letters, digits and dashes")
        where = f"ngo '{key}'"
        if any(e.key == key for e in entries):
            raise DirectoryError(f"{where}: id used twice")
        name = str(raw.get("name") or "").strip()
        if not name:
            raise DirectoryError(f"{where}: 'name' is required")
        language = str(raw.get("language") or "hi")
        if language not in LANGUAGES:
            raise DirectoryError(f"{where}: language must be one of {', '.join(LANGUAGES)}")
        covers = tuple(_district_name(d, where) for d in raw.get("covers") or [])
        entries.append(NgoEntry(key, name, language, covers, _contacts(raw.get("contacts"), where)))
    keys = {e.key for e in entries}
    state_contacts = {str(s): str(k) for s, k in (data.get("state_contacts") or {}).items()}
    for state, key in state_contacts.items():
        if key not in keys:
            raise DirectoryError(f"state_contacts: {state} names '{key}', which is not in ngos")
    default_state = str(data.get("default_state") or "Bihar")
    if default_state not in state_contacts:
        raise DirectoryError(f"state_contacts must name a contact for the default state '{default_state}'")
    escalation: dict[str, tuple[str, ...]] = {}
    for raw_district, order in (data.get("escalation") or {}).items():
        district = _district_name(raw_district, "escalation")
        if not isinstance(order, list) or any(k not in keys for k in order):
            raise DirectoryError(f"escalation: {district} must list ngo ids from 'ngos'")
        escalation[district] = tuple(order)
    return Directory(tuple(entries), state_contacts, default_state, escalation)


def load_directory(path: str | Path) -> Directory:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DirectoryError(f"cannot read {path}: {exc}") from exc
    return parse_directory(data)


def import_directory(session: Session, directory: Directory) -> dict[str, int]:
    """Replace the stored directory with this one, in the caller's transaction. NGOs no longer listed are
    deactivated (not deleted: old reports and deliveries point at them). Returns counts for the operator."""
    stored = {ngo.key: ngo for ngo in session.execute(select(Ngo)).scalars()}
    for ngo in stored.values():
        ngo.active = False
    by_key: dict[str, Ngo] = {}
    state_of = {key: state for state, key in directory.state_contacts.items()}
    for entry in directory.ngos:
        ngo = stored.get(entry.key) or Ngo(key=entry.key)
        ngo.name, ngo.language, ngo.active = entry.name, entry.language, True
        ngo.state_contact_for = state_of.get(entry.key)
        ngo.contacts = [
            NgoContact(channel=channel, address_key=pseudonym(channel, address), address_encrypted=encrypt(address),
                       position=position)
            for position, (channel, address) in enumerate(entry.contacts)
        ]
        session.add(ngo)
        by_key[entry.key] = ngo
    session.flush()
    session.execute(delete(RouteStep))
    districts = [d.name for d in load_gazetteer().districts()] + [UNKNOWN_DISTRICT]
    steps = 0
    for district in districts:
        chain = directory.chain(None if district == UNKNOWN_DISTRICT else district)
        for position, key in enumerate(chain):
            session.add(RouteStep(district=district, position=position, ngo_id=by_key[key].id))
            steps += 1
    return {"ngos": len(directory.ngos), "districts": len(districts) - 1, "route_steps": steps}


def directory_is_empty(session: Session) -> bool:
    return session.execute(select(Ngo.id).where(Ngo.active.is_(True)).limit(1)).first() is None
