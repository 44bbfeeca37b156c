"""Words that would tell another reader of a shared phone what a conversation with the helpline is about, in every
language we write: a discreet-mode text must contain none of them, nor a reference code (6+ digits). Used by
tests/test_discreet.py (every discreet text of the catalogue) and tests/test_discreet_e2e.py (every text sent)."""

from __future__ import annotations

import re

REVEALING_LATIN = ("agents?", r"traffick\w*", "police", "pulis", "ngos?", r"report\w*", "riport", "helplines?",
                   "complaints?", "shikayat", "fir", "cases?", "dalal", r"taskar\w*", "thana", "thane", "sanstha",
                   r"rescue\w*", "labour")
# Hindi and Bhojpuri, and Maithili's own forms (मजूरी "wages", छोड़ाओल "rescued"); matched anywhere in a word.
REVEALING_DEVANAGARI = ("एजेंट", "दलाल", "तस्कर", "पुलिस", "एनजीओ", "संस्था", "रिपोर्ट", "शिकायत", "हेल्पलाइन",
                        "थाना", "थाने", "केस", "मजदूरी", "बचाव", "बाल श्रम", "मजूरी", "मज़दूरी", "छोड़ाओल",
                        "एफआईआर", "कार्यकर्ता")
# Urdu: agent, broker, smuggler/trafficking, police, NGO, organisation (ادارہ in its forms), report, complaint,
# helpline, police station, case, (child) labour, rescue, FIR, worker. Whole words only: کیس is inside کیسا "how".
REVEALING_URDU = ("ایجنٹ", "دلال", "دلالوں", "اسمگلر", "اسمگلنگ", "تسکر", "پولیس", "این جی او", "ادارہ", "ادارے",
                  "اداروں", "رپورٹ", "شکایت", "ہیلپ لائن", "ہیلپلائن", "تھانہ", "تھانے", "تھانا", "کیس", "کیسوں",
                  "مزدوری", "ریسکیو", "چھڑائے", "چھڑایا", "ایف آئی آر", "کارکن")
_LETTER = r"[^\W\d_]"  # a letter of any script; punctuation (۔ ، ؟) and direction marks are not
REVEALING = re.compile(
    r"(?<![a-z])(?:" + "|".join(REVEALING_LATIN) + r")(?![a-z])|" + "|".join(REVEALING_DEVANAGARI)
    + rf"|(?<!{_LETTER})(?:" + "|".join(REVEALING_URDU) + rf")(?!{_LETTER})"
    + r"|(?<!\d)\d{6,}(?!\d)", re.IGNORECASE)


def revealing(texts: list[str]) -> list[str]:
    """Each revealing word or code found, with the text it is in (empty: the texts are safe on a shared phone)."""
    return [f"{match.group(0)!r} in {text!r}" for text in texts for match in REVEALING.finditer(text)]
