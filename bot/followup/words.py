"""Plain words for a family's case, in the four languages the helpline speaks (stages, dates, the status line).

Kept apart from the logic so a reviewer can read every sentence a family will see in one place."""

from __future__ import annotations

from datetime import date

LANGUAGES = ("en", "hi", "hi-Latn", "bho")

SCHOOL_STAGES = ("not_enrolled", "enrolled", "bridge_class", "attending")
CLAIM_STAGES = ("not_started", "applied", "sanctioned", "paid")

_SCHOOL: dict[str, dict[str, str]] = {
    "en": {"not_enrolled": "not enrolled yet", "enrolled": "enrolled", "bridge_class": "in a bridge class",
           "attending": "going to school"},
    "hi": {"not_enrolled": "अभी दाखिला नहीं", "enrolled": "दाखिला हो गया", "bridge_class": "ब्रिज कक्षा में",
           "attending": "स्कूल जा रहा है"},
    "hi-Latn": {"not_enrolled": "abhi daakhila nahi", "enrolled": "daakhila ho gaya",
                "bridge_class": "bridge class mein", "attending": "school ja raha hai"},
    "bho": {"not_enrolled": "अबहीं दाखिला ना भइल", "enrolled": "दाखिला हो गइल", "bridge_class": "ब्रिज कक्षा में",
            "attending": "स्कूल जात बा"},
}

_CLAIM: dict[str, dict[str, str]] = {
    "en": {"not_started": "not applied yet", "applied": "applied", "sanctioned": "sanctioned, not paid yet",
           "paid": "paid", "none": "no claim recorded yet"},
    "hi": {"not_started": "अभी आवेदन नहीं", "applied": "आवेदन हो गया", "sanctioned": "मंज़ूर, अभी मिला नहीं",
           "paid": "मिल गया", "none": "अभी कोई दावा दर्ज नहीं"},
    "hi-Latn": {"not_started": "abhi aavedan nahi", "applied": "aavedan ho gaya",
                "sanctioned": "manzoor, abhi mila nahi", "paid": "mil gaya", "none": "abhi koi daava darj nahi"},
    "bho": {"not_started": "अबहीं आवेदन ना भइल", "applied": "आवेदन हो गइल", "sanctioned": "मंजूर, अबहीं मिलल ना",
            "paid": "मिल गइल", "none": "अबहीं कवनो दावा दर्ज नइखे"},
}

# Scheme names as families know them.
_SCHEME: dict[str, dict[str, str]] = {
    "en": {"child_labour_fund": "Child Labour Fund", "clts": "Bihar Rs 25,000 (CLTS)", "bonded_labour": "bonded labour",
           "back_wages": "unpaid wages", "victim_compensation": "victim compensation", "other": "other"},
    "hi": {"child_labour_fund": "बाल श्रम कोष", "clts": "बिहार 25,000 रुपये (CLTS)", "bonded_labour": "बंधुआ मज़दूरी",
           "back_wages": "बकाया मज़दूरी", "victim_compensation": "पीड़ित मुआवज़ा", "other": "अन्य"},
    "hi-Latn": {"child_labour_fund": "Baal Shram Kosh", "clts": "Bihar Rs 25,000 (CLTS)",
                "bonded_labour": "bandhua mazdoori", "back_wages": "bakaya mazdoori",
                "victim_compensation": "peedit muavza", "other": "anya"},
    "bho": {"child_labour_fund": "बाल श्रम कोष", "clts": "बिहार 25,000 रुपया (CLTS)", "bonded_labour": "बंधुआ मजूरी",
            "back_wages": "बकाया मजूरी", "victim_compensation": "पीड़ित मुआवजा", "other": "अउरी"},
}
SCHEMES = tuple(_SCHEME["en"])

_NO_CHECKIN = {"en": "none planned", "hi": "कोई तय नहीं", "hi-Latn": "koi tay nahi", "bho": "कवनो तय नइखे"}
_PAUSED = {"en": "stopped at your request (write START to restart)",
           "hi": "आपके कहने पर बंद (फिर शुरू करने के लिए START लिखें)",
           "hi-Latn": "aapke kehne par band (phir shuru karne ke liye START likhein)",
           "bho": "रउआ कहला पर बंद (फेर सुरु करे खातिर START लिखीं)"}
_PENDING = {"en": "waiting for the NGO to confirm", "hi": "संस्था की पुष्टि का इंतज़ार",
            "hi-Latn": "sanstha ki pushti ka intezaar", "bho": "संस्था के पुष्टि के इंतजार"}


def _lang(language: str | None) -> str:
    return language if language in LANGUAGES else "hi"


def school_words(stage: str, language: str | None) -> str:
    return _SCHOOL[_lang(language)].get(stage, stage)


def claims_words(claims: list[tuple[str, str]], language: str | None) -> str:
    """"Child Labour Fund: applied, Bihar Rs 25,000 (CLTS): paid" — or "no claim recorded yet"."""
    lang = _lang(language)
    if not claims:
        return _CLAIM[lang]["none"]
    return ", ".join(f"{_SCHEME[lang].get(scheme, scheme)}: {_CLAIM[lang].get(stage, stage)}"
                     for scheme, stage in claims)


def date_words(day: date | None, language: str | None) -> str:
    """Dates as digits (day-month-year), which every family reads whatever the script."""
    return day.strftime("%d-%m-%Y") if day else _NO_CHECKIN[_lang(language)]


def followup_words(status: str, next_day: date | None, language: str | None) -> str:
    if status == "opted_out":
        return _PAUSED[_lang(language)]
    if status == "pending":
        return _PENDING[_lang(language)]
    return date_words(next_day, language)
