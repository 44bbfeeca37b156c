"""Reading report details out of free text: first messages, answers to each question, don't-knows, stops, corrections.

Messages are written the way families, teachers and volunteers on the Bihar-Jaipur corridor type them on cheap phones:
Hindi (Devanagari), Hindi in Latin letters, English, Bhojpuri and Maithili in both scripts, with typos, without
punctuation and in mixed scripts. Every name, village and phone number here is made up (99999 99999 style).

Each case lists every field the reader must set; all other fields must stay empty. `SAME` stands for the message
itself (whitespace-collapsed), which is what a free-text answer holds.
"""

from __future__ import annotations

import time
from dataclasses import fields as dataclass_fields
from typing import Any

import pytest

from bot.reports.intake import (
    FIELDS,
    UNKNOWN,
    Children,
    Intake,
    is_dont_know,
    is_stop,
    read_intake,
)

SAME = object()  # "the whole message" (trimmed and whitespace-collapsed)
AGENT = "+919999999999"  # the made-up agent number used throughout


def _check(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    intake = read_intake(text, asked, kind)
    want = {name: (" ".join(text.split()) if value is SAME else value) for name, value in expected.items()}
    got = {f.name: getattr(intake, f.name) for f in dataclass_fields(Intake)}
    defaults = {f.name: f.default for f in dataclass_fields(Intake)}
    set_fields = {name: value for name, value in got.items() if value != defaults[name]}
    assert set_fields == want


def kids(count: int | None, *ages: int) -> Children:
    return Children(count, tuple(ages))


def case(text: str, expected: dict[str, Any], case_id: str, asked: str | None = None, kind: str = "recruitment"):
    return pytest.param(text, asked, kind, expected, id=case_id)


# ----------------------------------------------------------------------------------------- the first message
FIRST_MESSAGES = [
    case(
        "Gaya ke Rampur gaon se 3 bachche, 12-14 saal, kal Jaipur le ja rahe hain train 12394 se",
        {"district": "Gaya", "district_state": "Bihar", "what": SAME, "children": kids(3, 12, 14),
         "destination": "Jaipur", "transport": "train 12394", "train_number": "12394"},
        "hinglish-everything-at-once",
    ),
    case("report karna hai", {}, "hinglish-bare-request"),
    case("शिकायत करनी है", {}, "hindi-bare-request"),
    case("I want to report", {}, "english-bare-request"),
    case("dalal ki report karni hai", {}, "hinglish-request-naming-dalal"),
    case("bal taskar ki shikayat", {}, "hinglish-short-complaint"),
    case("dalal aaya hai", {}, "three-words-is-not-a-description"),
    case("thekedar bachchon ko jaipur le jane aaya hai", {"what": SAME, "destination": "Jaipur"},
         "hinglish-thekedar-to-jaipur"),
    case(
        "Nawada ke ek block me dalal sakriya hai, 3 parivar ko advance diya hai",
        {"district": "Nawada", "district_state": "Bihar", "what": SAME},
        "families-are-not-children",
    ),
    case("एक आदमी 5000 एडवांस दे रहा है लड़कों को जयपुर ले जाने के लिए", {"what": SAME, "destination": "Jaipur"},
         "hindi-advance-money-is-not-a-train"),
    case(
        "ठेकेदार 10 से 14 साल के बच्चों को कोटा ले जा रहा है",
        {"what": SAME, "children": kids(None, 10, 14), "destination": "Kota"},
        "hindi-kota-as-destination-and-age-range",
    ),
    case(
        "गाँव में दलाल आइल बा लइकन के ले जाए खातिर",
        {"what": SAME},
        "bhojpuri-deva-dalal-in-village",
    ),
    case(
        "दू गो लइका आ एगो लइकी के ठीकेदार जयपुर ले गइल",
        {"what": SAME, "children": kids(3), "destination": "Jaipur"},
        "bhojpuri-deva-two-boys-and-a-girl",
    ),
    case(
        "ek aadmi laikan ke jaipur le jaye ke baat karat ba",
        {"what": SAME, "destination": "Jaipur"},
        "bhojpuri-latin-jaipur",
    ),
    case(
        "gaam me keo bachcha sab ke jaipur pathebak lel paisa baanti rahal achhi",
        {"what": SAME, "destination": "Jaipur"},
        "maithili-latin-sending-to-jaipur",
    ),
    case(
        "हमर पंचायत मे दू दिन सँ एकटा आदमी आबि रहल अछि कहैत अछि जयपुर मे लाहक चूड़ी बनेबाक काज अछि",
        {"what": SAME, "destination": "Jaipur"},
        "maithili-deva-two-days-is-not-two-children",
    ),
    case(
        "taking 5 kids to Jaipur by bus tomorrow from Gaya",
        {"district": "Gaya", "district_state": "Bihar", "what": SAME, "children": kids(5), "destination": "Jaipur",
         "transport": "bus"},
        "english-kids-by-bus",
    ),
    case(
        "a man from Sitamarhi is sending boys to Surat",
        {"district": "Sitamarhi", "district_state": "Bihar", "what": SAME, "destination": "Surat"},
        "english-surat-after-to",
    ),
    case("uski surat yaad hai lamba tha", {"what": SAME}, "surat-as-face-is-not-a-place"),
    case(
        "Patna se Kota le gaye 4 bachche",
        {"district": "Patna", "district_state": "Bihar", "what": SAME, "children": kids(4), "destination": "Kota"},
        "route-from-bihar-to-rajasthan",
    ),
    case(
        "ajmer le ja rahe hai 6 ladko ko",
        {"what": SAME, "children": kids(6), "destination": "Ajmer"},
        "rajasthan-district-with-le-ja-is-destination",
    ),
    case(
        "sikar ke seth ke liye bachche ja rahe, madhubani se",
        {"district": "Madhubani", "district_state": "Bihar", "what": SAME, "destination": "Sikar"},
        "rajasthan-seth-bihar-origin",
    ),
    case(
        "dalal ka number 99999 99999 hai, Muzaffarpur se 5 ladke bus se Delhi le gaya",
        {"district": "Muzaffarpur", "district_state": "Bihar", "what": SAME, "children": kids(5),
         "destination": "Delhi", "transport": "bus", "agent_phone": AGENT},
        "agent-number-delhi-bus",
    ),
    case("mera number 99999 99999 hai, dalal gaon me aaya hai", {"what": SAME}, "reporter-number-is-not-agent"),
    case("mera beta gayab hai", {"what": SAME}, "missing-short-description", kind="missing"),
    case(
        "Rampur se 12 saal ka ladka ravivar se gayab hai",
        {"what": SAME, "children": kids(None, 12)},
        "missing-age-of-one-boy",
        kind="missing",
    ),
    case(
        "beta 2 saal pehle jaipur gaya tha ab tak nahi aaya",
        {"what": SAME, "destination": "Jaipur"},
        "missing-two-years-ago-is-not-an-age",
        kind="missing",
    ),
    case(
        "beta Patna gaya tha kaam karne, 10 din se phone band",
        {"what": SAME, "destination": "Patna"},
        "missing-bihar-district-after-went-is-destination",
        kind="missing",
    ),
    case(
        "patna station pe bachcha kho gaya",
        {"district": "Patna", "district_state": "Bihar", "what": SAME},
        "missing-lost-at-patna-station",
        kind="missing",
    ),
    case(
        "urgent, gaya junction pe abhi ek aadmi 8 chhote bachchon ko jaipur wali train me chadha raha hai",
        {"district": "Gaya", "district_state": "Bihar", "what": SAME, "children": kids(8), "destination": "Jaipur",
         "transport": "train"},
        "emergency-gaya-junction",
        kind="emergency",
    ),
    case(
        "गया से अभी ट्रेन छूटी है 10 छोटे बच्चे और 2 दलाल साथ में",
        {"district": "Gaya", "district_state": "Bihar", "what": SAME, "children": kids(10), "transport": "train"},
        "emergency-hindi-train-left-gaya",
        kind="emergency",
    ),
    case(
        "nawada bus stand se abhi bus nikli hai bachchon ke saath",
        {"district": "Nawada", "district_state": "Bihar", "what": SAME, "transport": "bus"},
        "emergency-bus-stand",
        kind="emergency",
    ),
    case("bachao", {}, "emergency-one-word", kind="emergency"),
    case("jaldi madad karo", {}, "emergency-plea-is-not-a-description", kind="emergency"),
    case("main jaipur me band hu bachao", {"what": SAME, "destination": "Jaipur"}, "emergency-child-locked-in-jaipur",
         kind="emergency"),
    case(
        "abhi train me hai bachche S4 dibba, saath wala aadmi dalal hai",
        {"what": SAME, "transport": "train"},
        "emergency-coach-number-is-not-a-count",
        kind="emergency",
    ),
    case(
        "pichhle 2 saal se dalal aata hai, 4000 mahina bolta hai",
        {"what": SAME},
        "years-and-money-are-not-ages-or-counts",
    ),
    case(
        "safed bolero me aadmi aaya tha mangalvar ko ladko ko kaam ke liye puchh raha tha",
        {"what": SAME, "transport": "Bolero"},
        "white-bolero",
    ),
    case("गया नहीं", {}, "gaya-verb-went-not", kind="missing"),
    case("bachchon ko pali le gaye", {"what": SAME, "destination": "Pali"}, "pali-before-le-gaye-is-the-district"),
    case("do pali me kaam karte hai bachche", {"what": SAME}, "do-pali-is-two-shifts"),
    case("bachchon ko karmauli le gaye", {"what": SAME}, "village-near-karauli-is-not-a-typo-in-a-sentence"),
    case(
        "muzaffarpr se 3 bachche le gaye",
        {"district": "Muzaffarpur", "district_state": "Bihar", "what": SAME, "children": kids(3)},
        "typo-bihar-district-in-a-sentence",
    ),
    case(
        "abhi bolero me karmauli se bachche le ja rahe highway ki taraf",
        {"what": SAME, "transport": "Bolero"},
        "village-close-to-karauli-is-not-invented",
        kind="emergency",
    ),
    case(
        "अर्जेंट बा बेलवा टोला के छव गो बच्चा अबहीं एगो आदमी के साथे पटना वाला बस में बइठल बाड़े",
        {"what": SAME, "children": kids(6), "destination": "Patna", "transport": "bus"},
        "bhojpuri-bus-to-patna",
        kind="emergency",
    ),
    case(
        "muzaffarpur station pe abhi ek aadmi 8 10 go chhot laikan ke le ke general dabba me baitha",
        {"district": "Muzaffarpur", "district_state": "Bihar", "what": SAME, "children": kids(10),
         "transport": "train"},
        "bhojpuri-latin-general-coach",
        kind="emergency",
    ),
]


@pytest.mark.parametrize("text, asked, kind, expected", FIRST_MESSAGES)
def test_first_message(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    _check(text, asked, kind, expected)


# ----------------------------------------------------------------------------------------- district
DISTRICT_ANSWERS = [
    case("Gaya", {"district": "Gaya", "district_state": "Bihar"}, "bare-gaya", asked="district"),
    case("gaya ji", {"district": "Gaya", "district_state": "Bihar"}, "gaya-ji", asked="district"),
    case("गया जिला से हैं", {"district": "Gaya", "district_state": "Bihar"}, "hindi-gaya-jila", asked="district"),
    case("nawda", {"district": "Nawada", "district_state": "Bihar"}, "typo-looked-up", asked="district"),
    case("motihari", {"district": "East Champaran", "district_state": "Bihar"}, "hq-town", asked="district"),
    case("chhapra ke hai", {"district": "Saran", "district_state": "Bihar"}, "hq-town-with-ke", asked="district"),
    case("मधुबनी जिला सँ छी", {"district": "Madhubani", "district_state": "Bihar"}, "maithili-madhubani",
         asked="district"),
    case("हम मोतिहारी के बानी", {"district": "East Champaran", "district_state": "Bihar"}, "bhojpuri-motihari",
         asked="district"),
    case("darbhanga jila", {"district": "Darbhanga", "district_state": "Bihar"}, "darbhanga-jila", asked="district"),
    case("jaipur", {"district": "Jaipur", "district_state": "Rajasthan"}, "rajasthan-asked-district-is-district",
         asked="district", kind="emergency"),
    case("Rampur", {"unreadable": True}, "village-not-in-gazetteer", asked="district"),
    case("Jharkhand ke Dhanbad se", {"unreadable": True}, "district-outside-gazetteer", asked="district"),
    case("Barauni", {"unreadable": True}, "fuzzy-guess-outside-bihar-refused", asked="district"),
    case("Delhi", {"destination": "Delhi", "unreadable": True}, "delhi-is-not-a-district", asked="district"),
    case("Jaipur le gaye", {"destination": "Jaipur", "unreadable": True}, "destination-answer-to-district",
         asked="district"),
    case("12394", {"unreadable": True}, "train-number-is-not-a-district", asked="district"),
    case("3", {"unreadable": True}, "digit-is-not-a-district", asked="district"),
    case("teen", {"unreadable": True}, "number-word-is-not-a-district", asked="district"),
    case("haan", {"unreadable": True}, "yes-is-not-a-district", asked="district"),
    case("muzaffarpr", {"district": "Muzaffarpur", "district_state": "Bihar"}, "typo-in-long-name",
         asked="district"),
    case("pata nahi", {"district": UNKNOWN}, "dont-know", asked="district"),
    case("ham na jaanila", {"district": UNKNOWN}, "bhojpuri-dont-know", asked="district"),
    case("nai jaanai chhi", {"district": UNKNOWN}, "maithili-latin-dont-know", asked="district"),
    case(
        "Rampur gaon ke 3 ladke, jila Nawada",
        {"district": "Nawada", "district_state": "Bihar", "children": kids(3)},
        "district-with-children",
        asked="district",
    ),
]


@pytest.mark.parametrize("text, asked, kind, expected", DISTRICT_ANSWERS)
def test_district_answer(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    _check(text, asked, kind, expected)


# ----------------------------------------------------------------------------------------- children
CHILDREN_ANSWERS = [
    case("3 bachche, 12-14 saal", {"children": kids(3, 12, 14), "children_text": SAME}, "count-and-age-range",
         asked="children"),
    case("teen ladke", {"children": kids(3), "children_text": SAME}, "hinglish-number-word", asked="children"),
    case("तीन बच्चे", {"children": kids(3), "children_text": SAME}, "hindi-number-word", asked="children"),
    case("do baccha", {"children": kids(2), "children_text": SAME}, "do-is-two", asked="children"),
    case("4 children", {"children": kids(4), "children_text": SAME}, "english", asked="children"),
    case("१२ और १४ साल", {"children": kids(None, 12, 14), "children_text": SAME}, "devanagari-digit-ages",
         asked="children"),
    case("do ladke aur ek ladki", {"children": kids(3), "children_text": SAME}, "boys-plus-girl", asked="children"),
    case("5 bachche, 3 ladke 2 ladki", {"children": kids(5), "children_text": SAME}, "breakdown-not-added-twice",
         asked="children"),
    case("3", {"children": kids(3), "children_text": SAME}, "bare-digit-is-a-count", asked="children"),
    case("पाँच", {"children": kids(5), "children_text": SAME}, "bare-hindi-number-word", asked="children"),
    case("3, 12-14 saal", {"children": kids(3, 12, 14), "children_text": SAME}, "count-comma-ages",
         asked="children"),
    case("ek 12 ka, ek 14 ka", {"children": kids(None, 12, 14), "children_text": SAME}, "one-is-12-one-is-14",
         asked="children"),
    case("12, 13 aur 14 saal", {"children": kids(None, 12, 13, 14), "children_text": SAME}, "list-of-ages",
         asked="children"),
    case("umar 12 aur 14", {"children": kids(None, 12, 14), "children_text": SAME}, "umar-before-ages",
         asked="children"),
    case("he is 13", {"children": kids(None, 13), "children_text": SAME}, "english-he-is-13", asked="children"),
    case("tin go laika 10-12 barakh", {"children": kids(3, 10, 12), "children_text": SAME},
         "maithili-bhojpuri-go-and-barakh", asked="children"),
    case("चारि टा धिया-पुता", {"children": kids(4), "children_text": SAME}, "maithili-deva-four", asked="children"),
    case("तेरह साल के छै", {"children": kids(None, 13), "children_text": SAME}, "maithili-age-word",
         asked="children"),
    case("do, dono 12 saal ke", {"children": kids(2, 12), "children_text": SAME}, "both-is-not-an-age",
         asked="children"),
    case("bahut saare", {"children_text": SAME}, "no-number-keeps-text", asked="children"),
    case("kitne the pata nahi", {"children_text": UNKNOWN}, "dont-know-how-many", asked="children"),
    case("bachche: 5", {"children": kids(5), "children_text": SAME}, "noun-then-number", asked="children"),
    case("10 bachche 3 din se gayab", {"children": kids(10), "children_text": SAME}, "days-are-not-counted",
         asked="children", kind="missing"),
]


@pytest.mark.parametrize("text, asked, kind, expected", CHILDREN_ANSWERS)
def test_children_answer(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    _check(text, asked, kind, expected)


# ----------------------------------------------------------------------------------------- contact consent
CONTACT_ANSWERS = [
    ("1", "share", "digit-1"),
    ("२", "callback", "devanagari-2"),
    ("teen", "anonymous", "number-word-3"),
    ("option 2", "callback", "option-2"),
    ("2 wala", "callback", "2-wala"),
    ("नंबर एक", "share", "hindi-number-one"),
    ("haan number de do", "share", "haan-number-de-do"),
    ("हाँ नंबर दे दो", "share", "hindi-haan"),
    ("ha", "share", "ha"),
    ("yes", "share", "yes"),
    ("sirf helpline", "callback", "sirf-helpline"),
    ("only you", "callback", "only-you"),
    ("number mat do", "callback", "number-mat-do"),
    ("नंबर मत देना", "callback", "hindi-number-mat"),
    ("sirf aap call karna, NGO ko mat dena", "callback", "not-to-ngo"),
    ("नंबर नहि दियौ", "callback", "maithili-number-nahi"),
    ("nahi", "anonymous", "nahi"),
    ("no", "anonymous", "no"),
    ("ना", "anonymous", "bhojpuri-na"),
    ("नै", "anonymous", "maithili-nai"),
    ("naam mat batana", "anonymous", "naam-mat-batana"),
    ("gupt rakhna", "anonymous", "gupt"),
    ("गुमनाम", "anonymous", "gumnaam"),
    ("anonymous", "anonymous", "anonymous"),
    ("call mat karo", "anonymous", "call-mat-karo"),
    ("no i dont want that", "anonymous", "dont-want-is-consent-not-stop"),
    ("nahi chahiye", "anonymous", "nahi-chahiye"),
    ("1 number de do", "share", "one-and-de-do"),
]


@pytest.mark.parametrize("text, choice", [pytest.param(t, c, id=i) for t, c, i in CONTACT_ANSWERS])
def test_contact_answer(text: str, choice: str) -> None:
    _check(text, "contact", "recruitment", {"contact": choice})


@pytest.mark.parametrize(
    "text",
    [pytest.param("4", id="number-out-of-range"), pytest.param("kal bataenge", id="not-an-answer"),
     pytest.param("pata nahi", id="dont-know-is-not-consent"), pytest.param("99999 99999", id="a-phone-number")],
)
def test_contact_not_understood(text: str) -> None:
    _check(text, "contact", "missing", {"unreadable": True})


def test_contact_correction() -> None:
    _check("sorry, 2", "contact", "recruitment", {"contact": "callback", "correction": True})


# ----------------------------------------------------------------------------------------- destination, place, what
OTHER_ANSWERS = [
    case("Jaipur", {"destination": "Jaipur"}, "destination-jaipur", asked="destination"),
    case("dilli", {"destination": "Delhi"}, "destination-dilli", asked="destination"),
    case("Surat", {"destination": "Surat"}, "destination-surat-when-asked", asked="destination"),
    case("Patna", {"destination": "Patna"}, "destination-bihar-district-when-asked", asked="destination"),
    case("Nawada se Jaipur", {"district": "Nawada", "district_state": "Bihar", "destination": "Jaipur"},
         "destination-route", asked="destination"),
    case("kisi shahar me", {"destination": SAME}, "destination-free-text", asked="destination"),
    case("karmauli", {"destination": SAME}, "destination-near-miss-stays-free-text", asked="destination"),
    case("block tekari gaon karmauli", {"place": SAME}, "village-name-is-not-a-destination", asked="place"),
    case("pata nahi", {"destination": UNKNOWN}, "destination-dont-know", asked="destination"),
    case("जयपुर ले जा रहे हैं", {"destination": "Jaipur"}, "destination-hindi", asked="destination"),
    case(
        "Rampur gaon, block Tekari, Gaya",
        {"district": "Gaya", "district_state": "Bihar", "place": SAME},
        "place-with-district",
        asked="place",
    ),
    case("Sonpur tola", {"place": SAME}, "place-tola", asked="place"),
    case("गाम धनौली टोल", {"place": SAME}, "place-maithili", asked="place"),
    case("surat nagar", {"place": SAME}, "place-named-surat-nagar-is-not-surat-city", asked="place"),
    case("  pata   nahi  ", {"place": UNKNOWN}, "place-dont-know-with-spaces", asked="place"),
    case("kal raat 3 bachche le gaye", {"what": SAME, "children": kids(3)}, "what-with-count", asked="what"),
    case("   kal   raat\n  le gaye ", {"what": "kal raat le gaye"}, "what-whitespace-collapsed", asked="what"),
    case("-", {"what": UNKNOWN}, "what-dash", asked="what"),
    case("skip", {"what": UNKNOWN}, "what-skip", asked="what"),
    case("नै जानै छी", {"what": UNKNOWN}, "what-maithili-dont-know", asked="what"),
    case("train roko", {"what": SAME, "transport": "train"}, "train-roko-is-not-a-stop", asked="what",
         kind="emergency"),
    case("bachchon ko kamre me band kar diya", {"what": SAME}, "band-kar-diya-is-not-a-stop", asked="what",
         kind="emergency"),
]


@pytest.mark.parametrize("text, asked, kind, expected", OTHER_ANSWERS)
def test_other_answers(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    _check(text, asked, kind, expected)


# ----------------------------------------------------------------------------------------- transport and trains
TRANSPORT_ANSWERS = [
    case("12394", {"transport": SAME, "train_number": "12394"}, "bare-train-number", asked="transport"),
    case("gaadi 13006 se", {"transport": SAME, "train_number": "13006"}, "gaadi-number", asked="transport"),
    case("ट्रेन नंबर १२३९४", {"transport": SAME, "train_number": "12394"}, "hindi-devanagari-digits",
         asked="transport"),
    case("train se, number nahi pata", {"transport": SAME}, "train-without-number", asked="transport"),
    case("safed bolero", {"transport": SAME}, "bolero", asked="transport"),
    case("बस से गए", {"transport": SAME}, "hindi-bus", asked="transport"),
    case("पता नहीं", {"transport": UNKNOWN}, "transport-dont-know", asked="transport"),
    case(
        "station pe dalal ne bachche jama kiye hai kal ki train 12394 se le jayega",
        {"what": SAME, "transport": "train 12394", "train_number": "12394"},
        "train-number-in-first-message",
    ),
    case("10000 advance diya hai, jaipur bhejega", {"what": SAME, "destination": "Jaipur"},
         "five-digit-money-is-not-a-train"),
    case("12 saal ke 3 ladke, thekedar 9999999999", {"what": SAME, "children": kids(3, 12), "agent_phone": AGENT},
         "ages-counts-and-phone-apart"),
]


@pytest.mark.parametrize("text, asked, kind, expected", TRANSPORT_ANSWERS)
def test_transport(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    _check(text, asked, kind, expected)


# ----------------------------------------------------------------------------------------- agent and phone numbers
AGENT_ANSWERS = [
    case("lamba aadmi, kala chashma, 99999 99999", {"agent": SAME, "agent_phone": AGENT}, "description-and-number",
         asked="agent"),
    case("+91-99999-99999", {"agent": SAME, "agent_phone": AGENT}, "plus-91-with-dashes", asked="agent"),
    case("919999999999", {"agent": SAME, "agent_phone": AGENT}, "twelve-digits-with-91", asked="agent"),
    case("0" + "9" * 10, {"agent": SAME, "agent_phone": AGENT}, "leading-zero", asked="agent"),  # placeholder
    case("99 999 999 99", {"agent": SAME, "agent_phone": AGENT}, "spaces-inside", asked="agent"),
    case("आदमी का नंबर ९९९९९ ९९९९९", {"agent": SAME, "agent_phone": AGENT}, "devanagari-digits", asked="agent"),
    case("uska number 99999 99999", {"agent": SAME, "agent_phone": AGENT}, "uska-number", asked="agent"),
    case("mera number 99999 99999 hai, dalal ka pata nahi", {"agent": SAME}, "reporter-number-not-agent",
         asked="agent"),
    case("9999999999 ye mera number hai", {"agent": SAME}, "reporter-number-after", asked="agent"),
    case("12345 67890", {"agent": SAME}, "not-a-mobile-starts-with-1", asked="agent"),
    case("999999999", {"agent": SAME}, "nine-digits", asked="agent"),
    case("99999999991", {"agent": SAME}, "eleven-digits", asked="agent"),
    case("1098", {"agent": SAME}, "childline-number", asked="agent"),
    case(
        "1098 pe call kiya tha, dalal ka number 0 99999-99999",
        {"agent": SAME, "agent_phone": AGENT},
        "childline-then-agent",
        asked="agent",
    ),
    case("pata nahi", {"agent": UNKNOWN}, "dont-know", asked="agent"),
    case("dalal ka naam nahi pata", {"agent": UNKNOWN}, "dont-know-name", asked="agent"),
    case("naam nahi bataunga", {"agent": UNKNOWN}, "refusing-one-detail-is-a-skip", asked="agent"),
    case(
        "mera beta dalal ke saath gaya, dalal ka no. +91 99999 99999",
        {"what": SAME, "agent_phone": AGENT},
        "agent-number-in-first-message",
        kind="missing",
    ),
    case("call me on 99999 99999, agent came to village", {"what": SAME}, "english-call-me"),
    case("thekedar ka mobile 9999999999 aur mera 9123456780", {"what": SAME, "agent_phone": AGENT},
         "agent-and-reporter-numbers"),
    case("is number pe call karo 99999 99999, dalal aaya tha", {"what": SAME}, "this-number-is-the-reporters"),
    case("my number is 91234 56789 and the agent's is 99999 99999", {"what": SAME, "agent_phone": AGENT},
         "english-reporter-then-agent"),
    case("dalal ne 1098 pe call karne se mana kiya, 112 pe bhi nahi", {"what": SAME},
         "helpline-numbers-are-not-phones"),
    case("beta ka number 99999 99999 hai, 3 din se band", {"what": SAME}, "childs-number-without-agent-word",
         kind="missing"),
    case("dalal aaya tha. 99999 99999 pe call karo", {"what": SAME}, "number-in-next-sentence-is-not-agents"),
    case("dalal ka no. 99999 99999", {"what": SAME, "agent_phone": AGENT}, "no-dot-does-not-end-the-sentence"),
]


@pytest.mark.parametrize("text, asked, kind, expected", AGENT_ANSWERS)
def test_agent_and_phone(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    _check(text, asked, kind, expected)


# ----------------------------------------------------------------------------------------- corrections
CORRECTIONS = [
    case("galat, district Nawada hai", {"district": "Nawada", "district_state": "Bihar", "correction": True},
         "galat-district", asked="district"),
    case("जिला नवादा है, गया नहीं", {"district": "Nawada", "district_state": "Bihar", "correction": True},
         "hindi-x-not-y", asked="district"),
    case("Gaya nahi, Nawada", {"district": "Nawada", "district_state": "Bihar", "correction": True},
         "not-gaya-nawada", asked="district"),
    case("no, Patna", {"district": "Patna", "district_state": "Bihar", "correction": True}, "no-comma-patna",
         asked="district"),
    case("गलती भेल, जिला दरभंगा अछि", {"district": "Darbhanga", "district_state": "Bihar", "correction": True},
         "maithili-galti", asked="district"),
    case("galat bataya, jila nawada ba", {"district": "Nawada", "district_state": "Bihar", "correction": True},
         "bhojpuri-galat", asked="district"),
    case("sorry, 4 bachche", {"children": kids(4), "children_text": "4 bachche", "correction": True},
         "sorry-count", asked="children"),
    case("3 nahi 4 bachche", {"children": kids(4), "children_text": SAME, "correction": True}, "three-not-four",
         asked="children"),
    case("train no 12394 nahi 12396", {"transport": SAME, "train_number": "12396", "correction": True},
         "train-number-corrected", asked="transport"),
    case(
        "galat, district Nawada hai",
        {"district": "Nawada", "district_state": "Bihar", "correction": True},
        "district-correction-while-asked-transport",
        asked="transport",
    ),
    case("galat, gaon Sonpur hai", {"place": "gaon Sonpur hai", "correction": True}, "place-correction-elsewhere",
         asked="agent"),
    case("nahi, kal nahi parso le gaye", {"what": "kal nahi parso le gaye", "correction": True},
         "what-corrected", asked="what"),
    case("beta school gaya nahi, ghar bhi nahi aaya", {"what": SAME}, "did-not-go-is-not-a-correction",
         asked="what", kind="missing"),
    case("sorry bus se gaye the", {"transport": "bus se gaye the", "correction": True},
         "transport-corrected-while-asked-what", asked="what"),
    case("sorry, number 99999 99999 hai", {"agent": "number 99999 99999 hai", "agent_phone": "+919999999999",
                                            "correction": True}, "agent-number-corrected", asked="agent"),
]


@pytest.mark.parametrize("text, asked, kind, expected", CORRECTIONS)
def test_correction(text: str, asked: str | None, kind: str, expected: dict[str, Any]) -> None:
    _check(text, asked, kind, expected)


# ----------------------------------------------------------------------------------------- don't know
@pytest.mark.parametrize(
    "text",
    ["pata nahi", "pta nhi", "नहीं पता", "पता नही जी", "malum nahi", "mujhe nahi maloom", "don't know", "dont know",
     "idk", "no idea", "ham na jaanila", "हमरा नइखे पता", "नै जानै छी", "nahi janait chhi", "skip", "-", "?",
     "kuch nahi", "yaad nahi", "dalal ka naam pata nahi", "kya pata"],
)
def test_dont_know(text: str) -> None:
    assert is_dont_know(text)


@pytest.mark.parametrize(
    "text",
    ["beta kaha hai pata nahi", "train se gaye, number nahi pata", "3 bachche, umar pata nahi", "Gaya",
     "pata nahi kaha le gaye bachche ko jaipur ki taraf", "", "haan", "ye sahi nahi"],
)
def test_not_dont_know(text: str) -> None:
    assert not is_dont_know(text)


# ----------------------------------------------------------------------------------------- stop
@pytest.mark.parametrize(
    "text",
    ["stop", "STOP", "cancel", "rehne do", "rehne do bhai", "band karo", "report band karo", "रुको", "रहने दो",
     "chhodo", "chodo ab", "nahi batana", "mujhe nahi batana hai", "rahe di", "रहे दीं", "छोड़ू", "रहय दिय",
     "bas karo", "leave it", "forget it", "nahi, rehne do"],
)
def test_stop(text: str) -> None:
    assert is_stop(text)
    assert read_intake(text, "what", "recruitment") == Intake(stop=True)


@pytest.mark.parametrize(
    "text",
    ["train roko", "dalal abhi bus me bachche le ja raha hai roko unko", "bachchon ko kamre me band kar diya",
     "stop karo unko, bachche le ja rahe hai", "dalal ka naam nahi bataunga", "naam mat batana", "bas se gaye"],
)
def test_not_stop(text: str) -> None:
    assert not is_stop(text)


def test_stop_while_asked_for_consent() -> None:
    assert read_intake("cancel", "contact", "missing") == Intake(stop=True)


# ----------------------------------------------------------------------------------------- the reader as a whole
def test_asked_field_is_capped_at_500_characters() -> None:
    text = "dalal " * 200
    intake = read_intake(text, "agent", "recruitment")
    assert intake.agent is not None and len(intake.agent) == 500


def test_empty_answer_is_unreadable() -> None:
    assert read_intake("   ", "place", "recruitment") == Intake(unreadable=True)
    assert read_intake("", None, "recruitment") == Intake()


def test_bad_arguments_are_programming_errors() -> None:
    with pytest.raises(ValueError):
        read_intake("Gaya", "village", "recruitment")
    with pytest.raises(ValueError):
        read_intake("Gaya", "district", "theft")


def test_every_asked_field_is_accepted() -> None:
    for asked in FIELDS:
        assert isinstance(read_intake("pata nahi", asked, "missing"), Intake)


def test_reading_is_fast() -> None:
    messages = [("3 bachche", "children"), ("nawda", "district"), ("1", "contact"), ("pata nahi", "agent"),
                ("Rampur gaon", "place"), ("12394", "transport"), ("kal raat le gaye", "what")]
    for text, asked in messages:  # warm the caches
        read_intake(text, asked, "recruitment")
    rounds = 50
    start = time.perf_counter()
    for _ in range(rounds):
        for text, asked in messages:
            read_intake(text, asked, "recruitment")
    per_message = (time.perf_counter() - start) / (rounds * len(messages))
    assert per_message < 0.005  # typically well under 1 ms; generous for slow CI machines
