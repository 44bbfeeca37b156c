"""End to end through the real servers: the follow-up worker starts a check-in through Rasa's HTTP API
(`POST /conversations/{id}/trigger_intent`, as bot.followup.starter does), Rasa runs the check-in in the case's
language, and the family answers on the REST channel with numbers and words; the case and its alerts change in the
store. Also: an emergency in the middle of a check-in gets 112/1098 first, opt-out and START, self-enrolment and
"status". One server start for the module.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import select

from bot.clock import ManualClock
from bot.followup.conversation import EXTERNAL_INTENT
from bot.followup.family import case_state
from bot.followup.schedule import IST
from bot.language import REPLY_LANGUAGES
from bot.store.db import session_scope
from bot.store.models import CheckIn, FollowupCase, Report
from tests.conftest import _reset_caches
from tests.followup_helpers import awaiting_answer, enrol, import_sample_once
from tests.replies import answer, reply_text
from tests.servers import Helpline, running_helpline

LANGUAGES = list(REPLY_LANGUAGES)


@dataclass
class TriggeringStarter:
    """Starts the check-in exactly as RasaStarter does for the REST channel (no output channel), and keeps the
    messages Rasa returns in its JSON answer (the REST channel cannot be written to unasked)."""

    api: str
    token: dict[str, str]
    messages: dict[str, list[str]] = field(default_factory=dict)

    def start(self, conversation: str, channel: str) -> None:
        assert channel == "rest"
        response = requests.post(f"{self.api}/conversations/{quote(conversation, safe='')}/trigger_intent",
                                 params=self.token, json={"name": EXTERNAL_INTENT}, timeout=120)
        assert response.status_code == 200, response.text
        self.messages[conversation] = [m["text"] for m in response.json()["messages"] if "text" in m]


@pytest.fixture(scope="module")
def helpline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helpline]:
    var = tmp_path_factory.mktemp("var")
    with running_helpline(var, {"HELPLINE_TRANSLATOR": "off"}) as servers, pytest.MonkeyPatch.context() as monkeypatch:
        # The servers' store and key, so the test can enrol families and read what the answers changed.
        for name in ("HELPLINE_SECRET_KEYS", "HELPLINE_VAR_DIR", "HELPLINE_DATABASE_URL"):
            monkeypatch.setenv(name, servers.env[name])
        _reset_caches()
        import_sample_once()
        yield servers
    _reset_caches()


def _case_state(input_channel: str, sender: str) -> tuple[str, str] | None:
    with session_scope() as session:
        return case_state(session, input_channel, sender)


def daytime_clock() -> ManualClock:
    """11:00 in India today: inside the hours the worker may write to families."""
    today = datetime.now(IST).date()
    return ManualClock(datetime.combine(today, time(11, 0), IST).astimezone(timezone.utc))


def start_checkin(helpline: Helpline, language: str, days_since_return: int = 8, **extra: object
                  ) -> tuple[str, str, list[str]]:
    """Enrol a REST family in `language`, let the follow-up worker fire its due check-in; (sender, reference,
    the messages Rasa sent)."""
    from bot.followup.worker import FollowupWorker

    sender = f"checkin-{uuid.uuid4().hex[:12]}"
    clock = daytime_clock()
    returned_on = clock.now().astimezone(IST).date() - timedelta(days=days_since_return)
    reference = enrol(clock, returned_on, channel="rest", address=sender, language=language, **extra)
    starter = TriggeringStarter(helpline.api, helpline.token)
    assert FollowupWorker(starter, clock).run_once() == 1
    return sender, reference, starter.messages[sender]


def case_of(reference: str) -> FollowupCase:
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        session.expunge(case)
        return case


def reports_of(reference: str) -> list[tuple[str, str | None]]:
    """(kind, alert_key) of every report raised about the case."""
    with session_scope() as session:
        case_id = session.execute(select(FollowupCase.id).where(FollowupCase.reference == reference)).scalar_one()
        rows = session.execute(select(Report.kind, Report.alert_key).where(Report.case_id == case_id)).all()
        return sorted((kind, key) for kind, key in rows)


def checkin_key(reference: str, reason: str) -> str:
    """The alert key bot.followup.alerts gives an alert raised by the answers to the case's check-in."""
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        checkin_id = session.execute(select(CheckIn.id).where(CheckIn.case_id == case.id,
                                                              CheckIn.fired_at.is_not(None))).scalar_one()
        return f"c{case.id}:k{checkin_id}:{reason}"


def r(response: str, language: str) -> str:
    return reply_text(response, language)


# Per language: the family's answers (numbers and words, one unclear reply), the replies each must get, and what the
# case must look like afterwards. `days`: days since the child came back (100: compensation is overdue).
CHECKINS = {
    "en": dict(
        days=8, extra={"school_stage": "enrolled"},
        turns=[("1", ["utter_checkin_school"]),
               ("no", ["utter_checkin_money"]),
               ("2", ["utter_checkin_agent"]),
               ("yes", ["utter_checkin_advice_agent", "utter_checkin_need"]),
               ("0", ["utter_checkin_thanks"])],
        living_at_home=True, school_stage="enrolled", alerts=["agent_approach", "not_in_school"], tips=1,
    ),
    "hi": dict(
        days=8, extra={},
        turns=[("नहीं", ["utter_checkin_advice_away", "utter_checkin_school"]),
               ("1", ["utter_checkin_money"]),
               ("2", ["utter_checkin_agent"]),
               ("नहीं", ["utter_checkin_need"]),
               ("बच्चे के लिए राशन कार्ड चाहिए", ["utter_checkin_advice_need", "utter_checkin_thanks"])],
        living_at_home=False, school_stage="attending", alerts=["away_from_home", "family_need"], tips=0,
    ),
    "hi-Latn": dict(
        days=100, extra={"school_stage": "attending"},
        turns=[("haan", ["utter_checkin_school"]),
               ("7", ["utter_checkin_unclear", "utter_checkin_school"]),
               ("haan", ["utter_checkin_money"]),
               ("nahi", ["utter_checkin_agent"]),
               ("2", ["utter_checkin_need"]),
               ("kuch nahi", ["utter_checkin_thanks"])],
        living_at_home=True, school_stage="attending", alerts=["compensation_late"], tips=0,
    ),
    "bho": dict(
        days=8, extra={},
        turns=[("हँ", ["utter_checkin_school"]),
               ("ना", ["utter_checkin_money"]),
               ("2", ["utter_checkin_agent"]),
               ("ना", ["utter_checkin_need"]),
               ("0", ["utter_checkin_thanks"])],
        living_at_home=True, school_stage="not_enrolled", alerts=["not_in_school"], tips=0,
    ),
    "mai": dict(
        days=8, extra={},
        turns=[("1", ["utter_checkin_school"]),
               ("2", ["utter_checkin_money"]),
               ("2", ["utter_checkin_agent"]),
               ("2", ["utter_checkin_need"]),
               ("0", ["utter_checkin_thanks"])],
        living_at_home=True, school_stage="not_enrolled", alerts=["not_in_school"], tips=0,
    ),
    "ur": dict(
        days=8, extra={},
        turns=[("ہاں", ["utter_checkin_school"]),
               ("نہیں", ["utter_checkin_money"]),
               ("2", ["utter_checkin_agent"]),
               ("نہیں", ["utter_checkin_need"]),
               ("0", ["utter_checkin_thanks"])],
        living_at_home=True, school_stage="not_enrolled", alerts=["not_in_school"], tips=0,
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_checkin_in_each_language_updates_the_case(helpline: Helpline, language: str) -> None:
    plan = CHECKINS[language]
    sender, reference, started = start_checkin(helpline, language, plan["days"], **plan["extra"])
    assert started == [r("utter_checkin_intro", language).format(code=reference), r("utter_checkin_home", language)]

    for message, expected in plan["turns"]:
        assert helpline.send(sender, message) == [r(name, language) for name in expected], message

    case = case_of(reference)
    assert case.living_at_home is plan["living_at_home"]
    assert case.school_stage == plan["school_stage"]
    alerts = [checkin_key(reference, reason) for reason in plan["alerts"]]
    tips = [checkin_key(reference, "agent_approach") + ":tip"] * plan["tips"]
    assert reports_of(reference) == sorted([("alert", key) for key in alerts] + [("recruitment", key) for key in tips])
    with session_scope() as session:
        statuses = session.execute(select(CheckIn.status).where(CheckIn.case_id == case.id,
                                                                CheckIn.fired_at.is_not(None))).scalars().all()
    assert statuses == ["answered"]


def test_all_five_answers_in_one_sms(helpline: Helpline) -> None:
    sender, reference, _ = start_checkin(helpline, "hi-Latn")
    assert helpline.send(sender, "1 1 2 2 0") == [r("utter_checkin_thanks", "hi-Latn")]
    assert case_of(reference).school_stage == "attending"
    assert reports_of(reference) == []


@pytest.mark.parametrize("language, emergency", [
    ("hi-Latn", "mere bete ko factory me band karke maar rahe hai bachao"),
    ("bho", "हमरा लइका के कारखाना में बंद कके मारत बाड़े सन, बचाईं"),
])
def test_an_emergency_in_the_middle_of_a_checkin_gets_the_helplines_first(helpline: Helpline, language: str,
                                                                         emergency: str) -> None:
    sender, reference, _ = start_checkin(helpline, language)
    assert helpline.send(sender, "1") == [r("utter_checkin_school", language)]
    replies = helpline.send(sender, emergency)
    assert replies[0] == r("utter_emergency_numbers", language)
    assert "112" in replies[0] and "1098" in replies[0]
    assert awaiting_answer("rest", sender)  # the check-in is still open: the worker reminds later
    assert case_of(reference).living_at_home is True


def test_a_language_change_in_the_middle_of_a_checkin_asks_the_question_again(helpline: Helpline) -> None:
    sender, reference, _ = start_checkin(helpline, "hi")
    assert helpline.send(sender, "1") == [r("utter_checkin_school", "hi")]
    assert helpline.send(sender, "bhojpuri me bolo") == [r("utter_language_changed", "bho"),
                                                         r("utter_checkin_school", "bho")]
    assert helpline.send(sender, "1") == [r("utter_checkin_money", "bho")]
    assert case_of(reference).school_stage == "attending"


def test_opt_out_stops_the_checkins_and_start_resumes_them(helpline: Helpline) -> None:
    sender, reference, _ = start_checkin(helpline, "en")
    assert helpline.send(sender, "please stop sending me messages") == [
        r("utter_checkins_stopped", "en").format(code=reference)]
    assert case_of(reference).status == "opted_out"
    assert [kind for kind, key in reports_of(reference) if key and key.endswith(":opted_out")] == ["alert"]
    assert helpline.send(sender, "START") == [r("utter_checkins_restarted", "en").format(code=reference)]
    assert case_of(reference).status == "active"


def test_start_from_someone_without_a_stopped_case_is_not_a_restart(helpline: Helpline) -> None:
    sender = f"checkin-{uuid.uuid4().hex[:12]}"
    replies = helpline.send(sender, "start")
    language = helpline.tracker(sender)["slots"]["language"]
    # "start" alone is a greeting or a request for the menu (the model may read either): the menu, not a restart
    assert replies in ([r("utter_greet", language), r("utter_menu", language)], [r("utter_menu", language)])


def test_a_family_asks_to_be_followed_up(helpline: Helpline) -> None:
    sender = f"checkin-{uuid.uuid4().hex[:12]}"
    assert helpline.send(sender, "hamare bete ka haal chaal puchte rahiye") == [r("utter_followup_offer", "hi-Latn")]
    assert helpline.send(sender, "1") == [r("utter_followup_ask_district", "hi-Latn")]
    replies = helpline.send(sender, "hum log Gaya se hain")
    state = _case_state("rest", sender)
    assert state is not None and state[1] == "pending"
    reference = state[0]
    assert replies == [r("utter_followup_requested", "hi-Latn").format(code=reference, district="Gaya")]
    case = case_of(reference)
    assert (case.district, case.language) == ("Gaya", "hi-Latn")
    assert [kind for kind, _ in reports_of(reference)] == ["enrolment"]
    # Asked again: the family is told it is already enrolled.
    assert helpline.send(sender, "hamare bete ka haal chaal puchte rahiye") == [
        r("utter_followup_already", "hi-Latn").format(code=reference)]


def test_who_follows_up_comes_with_the_offer_of_checkins(helpline: Helpline) -> None:
    sender = f"checkin-{uuid.uuid4().hex[:12]}"
    helpline.send(sender, "in English please")
    assert helpline.send(sender, "4")[-1] == r("utter_case_more", "en")
    assert helpline.send(sender, "2") == [*answer("case_followup", "en"), r("utter_followup_offer", "en")]
    assert helpline.send(sender, "1") == [r("utter_followup_ask_district", "en")]
    assert helpline.send(sender, "dont know") == [r("utter_followup_district_not_found", "en")]
    assert helpline.send(sender, "Motihari") == [
        r("utter_followup_requested", "en").format(code=_case_state("rest", sender)[0], district="East Champaran")]


def test_a_family_can_say_no_to_followup(helpline: Helpline) -> None:
    sender = f"checkin-{uuid.uuid4().hex[:12]}"
    assert helpline.send(sender, "please keep checking on my son") == [r("utter_followup_offer", "en")]
    assert helpline.send(sender, "2") == [r("utter_followup_declined", "en")]


def test_status_shows_the_familys_case(helpline: Helpline) -> None:
    sender, reference, _ = start_checkin(helpline, "en")
    helpline.send(sender, "1 1 1 2 0")
    replies = helpline.send(sender, "status")
    assert replies[0].startswith(f"Your case {reference}: money - no claim recorded yet; school - going to school")
    assert replies[-1] == r("utter_case_more", "en")
