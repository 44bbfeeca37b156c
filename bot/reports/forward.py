"""The message an NGO gets about a report: short, in the NGO's working language, only what it needs.

Free text is machine-translated into the NGO's language when the reporter wrote in another one; the translation is
marked as machine-made and the original is always included, because a wrong translation of a name or a place
must never be the only thing a field worker sees. The reporter's number is included only with their consent.
"""

from __future__ import annotations

from typing import Any

from bot.crypto import decrypt
from bot.gazetteer import load_gazetteer
from bot.store.models import Ngo, Report
from bot.translation import Translator

MAX_FIELD_CHARS = 300
_STATE_HI = {"Bihar": "बिहार", "Rajasthan": "राजस्थान"}

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "urgent": "URGENT",
        "title": "Helpline report",
        "recruitment": "Recruitment tip-off",
        "missing": "Missing child",
        "emergency": "Emergency",
        "alert": "Follow-up alert",
        "enrolment": "Family asks to be followed up",
        "case": "Case",
        "source_followup": "Told by a followed-up family during a check-in",
        "reason_away_from_home": "The child is not living at home",
        "reason_agent_approach": "Someone offered the family work or an advance for the child",
        "reason_not_in_school": "The child is not going to school",
        "reason_compensation_late": "Compensation has not arrived past its due time",
        "reason_no_reply": "No answer to a check-in after two reminders",
        "reason_opted_out": "The family stopped the check-ins",
        "reason_family_need": "The family asks for help",
        "reason_enrolment": "Returned child's family agreed to check-ins; reply OK {code} to confirm the enrolment",
        "unknown_district": "district not known",
        "place": "Block/village",
        "children": "Children",
        "ages": "ages",
        "to": "Being taken to",
        "transport": "Transport",
        "train": "train",
        "agent": "Agent",
        "agent_phone": "Agent's phone",
        "what": "What happened",
        "machine": "machine translation",
        "original": "Original",
        "reporter_share": "Reporter agreed to share their number",
        "reporter_callback": "Reporter agreed to a call from the helpline only (number not shared)",
        "reporter_anonymous": "Reporter wants to stay anonymous",
        "location": "Location pin",
        "corridor": "Heads-up for the destination: children may be on their way to you.",
        "escalation": "Not acknowledged by the previous NGO in time - please act on it.",
        "repeat": "(Sent again after an interruption: it may have reached you already.)",
        "reply": "Reply OK {code} when you act on it, CLOSE {code} and a note when it is done.",
    },
    "hi": {
        "urgent": "तुरंत",
        "title": "हेल्पलाइन रिपोर्ट",
        "recruitment": "दलाल/भर्ती की सूचना",
        "missing": "लापता बच्चा",
        "emergency": "आपातकाल",
        "alert": "फॉलो-अप चेतावनी",
        "enrolment": "परिवार फॉलो-अप चाहता है",
        "case": "केस",
        "source_followup": "फॉलो-अप वाले परिवार ने चेक-इन में बताया",
        "reason_away_from_home": "बच्चा घर पर नहीं रह रहा",
        "reason_agent_approach": "किसी ने बच्चे के लिए काम या एडवांस की पेशकश की",
        "reason_not_in_school": "बच्चा स्कूल नहीं जा रहा",
        "reason_compensation_late": "मुआवज़ा तय समय के बाद भी नहीं मिला",
        "reason_no_reply": "दो रिमाइंडर के बाद भी चेक-इन का जवाब नहीं",
        "reason_opted_out": "परिवार ने चेक-इन बंद कर दिए",
        "reason_family_need": "परिवार को मदद चाहिए",
        "reason_enrolment": "लौटे बच्चे का परिवार चेक-इन के लिए राज़ी है; पुष्टि के लिए OK {code} लिखें",
        "unknown_district": "ज़िला पता नहीं",
        "place": "प्रखंड/गाँव",
        "children": "बच्चे",
        "ages": "उम्र",
        "to": "कहाँ ले जा रहे",
        "transport": "साधन",
        "train": "ट्रेन",
        "agent": "दलाल",
        "agent_phone": "दलाल का फोन",
        "what": "क्या हुआ",
        "machine": "मशीन अनुवाद",
        "original": "मूल",
        "reporter_share": "सूचना देने वाले ने अपना नंबर देने की अनुमति दी",
        "reporter_callback": "सूचना देने वाला केवल हेल्पलाइन से बात करेगा (नंबर नहीं दिया)",
        "reporter_anonymous": "सूचना देने वाला गुमनाम रहना चाहता है",
        "location": "लोकेशन",
        "corridor": "सूचना: बच्चे आपकी ओर लाए जा सकते हैं।",
        "escalation": "पिछली संस्था ने समय पर पुष्टि नहीं की - कृपया कार्रवाई करें।",
        "repeat": "(रुकावट के बाद दोबारा भेजा: शायद पहले भी मिल चुका हो।)",
        "reply": "कार्रवाई शुरू करें तो OK {code} लिखें, पूरा होने पर CLOSE {code} और एक नोट।",
    },
}


def labels_for(language: str) -> dict[str, str]:
    """NGO working languages are hi, en or bho; Bhojpuri-speaking NGOs read Hindi labels."""
    return _LABELS["en"] if language == "en" else _LABELS["hi"]


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
    target = ngo.language if ngo.language in ("en", "hi") else "hi"
    words = labels_for(target)
    source = report.language
    heading = f"{words['title']} {marker}"
    if report.urgent:
        heading = f"{words['urgent']} · {heading}"
    lines = [heading]
    if repeat:
        lines.append(words["repeat"])
    if purpose == "corridor":
        lines.append(words["corridor"])
    elif purpose == "escalation":
        lines.append(words["escalation"])
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
