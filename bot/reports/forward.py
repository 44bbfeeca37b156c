"""The message an NGO gets about a report: short, in the NGO's working language, only what it needs.

Free text is machine-translated into the NGO's language when the reporter wrote in another one; the translation is
marked as machine-made and the original is always included, because a wrong translation of a name or a place
must never be the only thing a field worker sees. The reporter's number is included only with their consent.
"""

from __future__ import annotations

from typing import Any

from bot.crypto import decrypt
from bot.gazetteer import load_gazetteer
from bot.replies import language_for, texts
from bot.store.models import Ngo, Report
from bot.translation import Translator

MAX_FIELD_CHARS = 300
_STATE_HI = {"Bihar": "बिहार", "Rajasthan": "राजस्थान"}  # state names as a Hindi label gives them


def labels_for(language: str) -> dict[str, str]:
    """The forward's labels (the catalogue's `ngo.forward.*`): NGO working languages are hi, en or bho;
    Bhojpuri-speaking NGOs read Hindi labels."""
    return texts("ngo.forward.", language)


def _district_label(name: str | None, language: str) -> str | None:
    if not name:
        return None
    district = load_gazetteer().lookup(name)
    if district is None:
        return name
    if language != "en" and district.hindi:
        return f"{district.hindi[0]} ({_STATE_HI.get(district.state, district.state)})"
    return f"{district.name} ({district.state})"


def _clip(text: Any) -> str:
    value = " ".join(str(text).split())
    return value if len(value) <= MAX_FIELD_CHARS else value[: MAX_FIELD_CHARS - 1] + "…"


def _free_text(label: str, original: str, source: str | None, target: str, translator: Translator,
               words: dict[str, str]) -> list[str]:
    translation = translator.translate(original, target=target, source=source)
    if translation is None or translation.text.strip() == original.strip():
        return [f"{label}: {original}"]
    return [f"{label} ({words['machine']}): {_clip(translation.text)}", f"{words['original']}: {original}"]


def compose_forward(report: Report, details: dict[str, Any], ngo: Ngo, purpose: str, marker: str,
                    translator: Translator, repeat: bool = False) -> str:
    """The text of one forward (the marker identifies this very message at the provider)."""
    target = language_for("ngo.forward.", ngo.language)
    words = labels_for(target)
    source = report.language
    heading = f"{words['title']} {marker}"
    if report.urgent:
        heading = f"{words['urgent']} · {heading}"
    lines = [heading]
    if report.reporter_discreet:  # first, so nobody reads past it before calling the number below
        lines.append(words["discreet"])
    if repeat:
        lines.append(words["repeat"])
    if purpose == "corridor":
        lines.append(words["corridor"])
    elif purpose == "escalation":
        lines.append(words["escalation"])
    elif purpose == "referral":
        lines.append(words["referral"])
    where = _district_label(report.district, target) or words["unknown_district"]
    lines.append(f"{words[report.kind]} · {where}")
    if details.get("case"):
        lines.append(f"{words['case']}: {details['case']}")
    if details.get("reason"):
        lines.append(words[f"reason_{details['reason']}"].format(code=report.code))
    if details.get("source") == "followup":
        lines.append(words["source_followup"])
    if details.get("place"):
        lines += _free_text(words["place"], _clip(details["place"]), source, target, translator, words)
    children = []
    if report.children_count:
        children.append(str(report.children_count))
    if details.get("children_ages"):
        children.append(f"{words['ages']} " + ", ".join(str(a) for a in details["children_ages"]))
    if children:
        lines.append(f"{words['children']}: " + ", ".join(children))
    elif details.get("children_text"):
        lines.append(f"{words['children']}: {_clip(details['children_text'])}")
    destination = _district_label(report.destination_district, target) or details.get("destination_text")
    if destination:
        lines.append(f"{words['to']}: {_clip(destination)}")
    transport = [t for t in (details.get("transport"), details.get("train_number")) if t]
    if details.get("train_number"):
        transport = [f"{words['train']} {details['train_number']}"] + (
            [details["transport"]] if details.get("transport") else [])
    if transport:
        lines.append(f"{words['transport']}: {_clip(' · '.join(str(t) for t in transport))}")
    if details.get("agent"):
        lines += _free_text(words["agent"], _clip(details["agent"]), source, target, translator, words)
    if details.get("agent_phone"):
        lines.append(f"{words['agent_phone']}: {details['agent_phone']}")
    if details.get("what"):
        lines += _free_text(words["what"], _clip(details["what"]), source, target, translator, words)
    if details.get("location"):
        lines.append(f"{words['location']}: {details['location']}")
    if report.contact_consent == "share" and report.reporter_address_encrypted:
        lines.append(f"{words['reporter_share']}: {decrypt(report.reporter_address_encrypted)}")
    else:
        lines.append(words[f"reporter_{report.contact_consent}"])
    lines.append(words["reply"].format(code=report.code))
    return "\n".join(lines)
