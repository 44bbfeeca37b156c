"""Discreet mode end to end through the real Rasa and action servers, in all six reply languages: a person switches
it on (menu 7, a refused code word, then their own), the follow-up worker's check-in and a report in discreet mode,
an emergency still answered with 112 / 1098 / 139, then the code word: silence, check-ins paused, the NGO told "home
visit only", and the worker starts nothing more for that number. Every text sent to the number from "7" on — except
the emergency reply, which is never held back — is scanned for words that would tell a reader of the phone what
this is about, in every language, and for reference codes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.crypto import decrypt
from bot.followup.schedule import IST
from bot.language import REPLY_LANGUAGES
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.models import FollowupCase, Report
from tests.conftest import _reset_caches
from tests.followup_helpers import enrol, import_sample_once
from tests.replies import DOMAIN, GREETINGS, reply_text
from tests.revealing import revealing
from tests.servers import Helpline, running_helpline
from tests.test_checkin_conversation import TriggeringStarter, daytime_clock
from tests.test_conversation import EMERGENCIES

CODE_WORDS = {"en": "guava", "hi": "अमरूद", "hi-Latn": "kathal", "bho": "लीची", "mai": "मखान", "ur": "جامن"}
# A menu word, "yes", a command, a number. (A cry for help is refused too, but it is first of all an emergency: the
# emergency numbers come back instead, tests/test_discreet.py checks its refusal.)
REFUSED = {"en": "menu", "hi": "हाँ", "hi-Latn": "status", "bho": "5", "mai": "हँ", "ur": "مینو"}
DONT_KNOW = {"en": "don't know", "hi": "पता नहीं", "hi-Latn": "pata nahi", "bho": "पता ना", "mai": "पता नहि",
             "ur": "پتہ نہیں"}
TIPS = {"en": "a man offering 5000 advance to parents for sending boys to work in Jaipur",
        "hi": "एक आदमी 5000 एडवांस दे रहा है लड़कों को जयपुर ले जाने के लिए",
        "hi-Latn": "ek aadmi 5000 advance de raha hai ladko ko kaam pe bhejne ke liye",
        "bho": "एगो आदमी 5000 एडवांस देत बा लइकन के जयपुर ले जाए खातिर",
        "mai": "एकटा आदमी 5000 एडवांस दऽ रहल अछि छौंड़ा सभ केँ जयपुर लऽ जाए लेल",
        "ur": "ایک آدمی 5000 ایڈوانس دے رہا ہے لڑکوں کو جے پور لے جانے کے لیے"}


def discreet_text(response: str, language: str) -> str:
    """The discreet variant of a response in a language, as generated into domain.yml."""
    for variant in DOMAIN["responses"][response]:
        condition = {c["name"]: c["value"] for c in variant.get("condition") or []}
        if condition.get("discreet") is True and condition.get("language") == language:
            return str(variant["text"])
    raise KeyError((response, language))


def shown(response: str, language: str) -> str:
    """What a response says in discreet mode: its discreet variant, or its ordinary text when that is neutral."""
    try:
        return discreet_text(response, language)
    except KeyError:
        return reply_text(response, language)


def test_the_scan_catches_what_the_ordinary_replies_say() -> None:
    for language in REPLY_LANGUAGES:
        assert revealing([reply_text("utter_checkin_intro", language).format(code="4829317")])
        assert revealing([reply_text("utter_ask_report_agent", language)])
        assert not revealing([discreet_text("utter_checkin_intro", language)])


@pytest.fixture(scope="module")
def helpline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helpline]:
    var = tmp_path_factory.mktemp("var")
    with running_helpline(var, {"HELPLINE_TRANSLATOR": "off"}) as servers, pytest.MonkeyPatch.context() as monkeypatch:
        for name in ("HELPLINE_SECRET_KEYS", "HELPLINE_VAR_DIR", "HELPLINE_DATABASE_URL"):
            monkeypatch.setenv(name, servers.env[name])
        _reset_caches()
        import_sample_once()
        yield servers
    _reset_caches()


def report_in_discreet_mode(helpline: Helpline, sender: str, language: str) -> list[str]:
    """A tip-off, every question of the form answered ("Gaya", "don't know", 2 = only the helpline may call)."""
    sent = helpline.send(sender, TIPS[language])
    texts = list(sent)
    questions = {shown(f"utter_ask_report_{field}", language): field
                 for field in ("district", "place", "what", "children", "destination", "transport", "agent",
                               "contact")}
    for _ in range(10):
        field = questions.get(sent[-1]) if sent else None
        if field is None:
            break
        sent = helpline.send(sender, {"district": "Gaya", "contact": "2"}.get(field, DONT_KNOW[language]))
        texts += sent
    assert texts[-1] in (discreet_text("utter_report_sent", language),
                         discreet_text("utter_report_sent_state", language)), texts
    return texts


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_discreet_mode_check_in_report_emergency_and_code_word(helpline: Helpline, language: str) -> None:
    from bot.followup.worker import FollowupWorker

    sender = f"discreet-{uuid.uuid4().hex[:12]}"
    clock = daytime_clock()
    reference = enrol(clock, clock.now().astimezone(IST).date() - timedelta(days=8), channel="rest", address=sender,
                      language=language)
    assert helpline.send(sender, GREETINGS[language])[-1] == reply_text("utter_menu", language)

    # Switching it on: menu 7, a word that collides with the menu, commands or emergencies is refused, then one's own.
    seen = helpline.send(sender, "7")
    assert seen == [reply_text("utter_discreet_ask_word", language)]
    refused = helpline.send(sender, REFUSED[language])
    assert refused == [reply_text("utter_discreet_word_refused", language)]
    switched = helpline.send(sender, CODE_WORDS[language].upper() if language in ("en", "hi-Latn")
                             else CODE_WORDS[language])
    assert switched == [reply_text("utter_discreet_on", language), reply_text("utter_clear_tip_other", language)]
    seen += refused + switched

    # The menu and a check-in read like ordinary questions.
    menu = helpline.send(sender, "0")
    assert menu == [discreet_text("utter_menu", language)]
    starter = TriggeringStarter(helpline.api, helpline.token)
    assert FollowupWorker(starter, clock).run_once() == 1
    checkin = starter.messages[sender]
    assert checkin == [discreet_text("utter_checkin_intro", language), reply_text("utter_checkin_home", language)]
    for number in ("1", "1", "2", "1"):  # at home, at school, no money, someone offered work
        checkin += helpline.send(sender, number)
    checkin += helpline.send(sender, "0")
    assert discreet_text("utter_checkin_advice_agent", language) in checkin
    assert checkin[-1] == discreet_text("utter_checkin_thanks", language)
    seen += menu + checkin

    # A report: neutral questions, no reference code, no offer of discreet mode (it is on).
    seen += report_in_discreet_mode(helpline, sender, language)
    assert not revealing(seen), revealing(seen)

    with session_scope() as session:
        reports = session.execute(select(Report).where(Report.reporter_discreet.is_(True))).scalars().all()
        assert any(report.kind == "recruitment" and json.loads(decrypt(report.details_encrypted)).get("what")
                   for report in reports)

    # An emergency is answered as always, in discreet mode too (112 / 1098 / 139 first).
    emergency = helpline.send(sender, EMERGENCIES[language])
    assert emergency[0] == reply_text("utter_emergency_numbers", language)

    # The code word, even in the middle of the emergency's report form: nothing comes back, everything stops.
    assert helpline.send(sender, CODE_WORDS[language]) == []
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.status == "opted_out"
        assert contacts.is_opted_out(session, "rest", sender)
        alerts = session.execute(select(Report).where(Report.case_id == case.id, Report.kind == "alert")).scalars()
        reasons = {json.loads(decrypt(alert.details_encrypted))["reason"] for alert in alerts}
        assert "home_visit_only" in reasons
    clock.advance(days=40)  # the 1-month check-in would be due now
    assert FollowupWorker(starter, clock).run_once() == 0
