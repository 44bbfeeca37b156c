"""The follow-up worker with a controllable clock: firing on time, daytime only, catch-up after downtime,
restarts in the middle of a run, reminders, the no-reply alert and opt-out — on SQLite and PostgreSQL.

Rasa is replaced by `RecordingStarter`, which does what the check-in action does in the store (records that the
question went out); the conversation itself through a real Rasa server is in tests/test_checkin_conversation.py.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.followup.family import restart_checkins, stop_checkins
from bot.followup.schedule import IST, is_daytime
from bot.followup.worker import FollowupWorker
from bot.jobs import run_job
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.models import CheckIn, Delivery, FollowupCase, Report
from tests.followup_helpers import FAMILY, OTHER_FAMILY, RecordingStarter, answer_checkin, conversation_of, enrol

RETURNED = date(2026, 11, 20)  # check-ins due at 10:00 IST on 27-11-2026, 20-12-2026, 20-02-2027, ...


def at_ist(*parts: int) -> ManualClock:
    return ManualClock(datetime(*parts, tzinfo=IST).astimezone(timezone.utc))  # type: ignore[misc]


def statuses() -> list[tuple[str, str]]:
    with session_scope() as session:
        return [(c.label, c.status) for c in session.execute(select(CheckIn).order_by(CheckIn.sequence)).scalars()]


def alerts() -> Counter[str]:
    """Alert reasons raised so far (from the alert key), and recruitment tip-offs."""
    with session_scope() as session:
        keys = session.execute(select(Report.kind, Report.alert_key).where(Report.case_id.is_not(None))).all()
    return Counter(kind if kind != "alert" else key.rsplit(":", 1)[1] for kind, key in keys)


class Killed(BaseException):
    """The worker process dying: not an Exception, so nothing in the worker catches it."""


def test_a_check_in_fires_once_when_due_and_not_before(store_url: str) -> None:
    clock = at_ist(2026, 11, 21, 12, 0)
    enrol(clock, RETURNED)
    starter = RecordingStarter()
    worker = FollowupWorker(starter, clock)
    assert worker.run_once() == 0
    clock.advance(days=6, hours=-2, minutes=-1)  # 27-11 09:59 IST: one minute early
    assert worker.run_once() == 0
    clock.advance(minutes=1)
    assert worker.run_once() == 1
    assert worker.run_once() == 0 and FollowupWorker(starter, clock).run_once() == 0  # nor by a second worker
    assert starter.started == [(conversation_of(), "sms")]
    assert statuses()[0] == ("1w", "waiting")


def test_at_night_nothing_goes_out_until_the_morning(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 19, 30)  # the 1w check-in fell due at 10:00 while the worker was down
    enrol(clock, RETURNED)
    starter = RecordingStarter()
    worker = FollowupWorker(starter, clock)
    for _ in range(13):  # every hour through the night, 19:30 to 07:30
        assert worker.run_once() == 0
        clock.advance(hours=1)
    assert clock.now().astimezone(IST).strftime("%H:%M") == "08:30"
    assert worker.run_once() == 0
    clock.advance(minutes=30)  # 09:00
    assert worker.run_once() == 1
    assert is_daytime(clock.now())


def test_after_a_day_of_downtime_it_catches_up_once(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 9, 0)
    enrol(clock, RETURNED)
    enrol(clock, RETURNED, address=OTHER_FAMILY, language="bho")
    starter = RecordingStarter()
    clock.advance(days=1, hours=2)  # down from before 10:00 on the 27th until 11:00 on the 28th
    worker = FollowupWorker(starter, clock)
    assert worker.run_once() == 2
    assert worker.run_once() == 0
    assert sorted(starter.started) == sorted([(conversation_of(), "sms"), (conversation_of(address=OTHER_FAMILY),
                                                                            "sms")])


def test_several_overdue_check_ins_send_only_the_latest(store_url: str) -> None:
    clock = at_ist(2027, 3, 1, 11, 0)
    enrol(clock, RETURNED)  # enrolled late: 1w, 1m and 3m are all past
    starter = RecordingStarter()
    assert FollowupWorker(starter, clock).run_once() == 1
    assert statuses()[:4] == [("1w", "skipped"), ("1m", "skipped"), ("3m", "waiting"), ("6m", "scheduled")]
    assert len(starter.started) == 1


def test_killed_before_rasa_was_asked_the_check_in_is_sent_after_the_restart(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    for address in ("+15005550006", "+15005550007", "+15005550008"):
        enrol(clock, RETURNED, address=address)
    calls = []

    class DiesOnTheSecond(RecordingStarter):
        def start(self, conversation: str, channel: str) -> None:
            calls.append(conversation)
            if len(calls) == 2:
                raise Killed()
            super().start(conversation, channel)

    first = DiesOnTheSecond()
    with pytest.raises(Killed):
        FollowupWorker(first, clock).run_once()
    assert [s for _, s in statuses()].count("firing") == 1
    # A new worker before the lease ran out leaves the claimed one alone; after it, sends it (and the rest).
    second = RecordingStarter()
    assert FollowupWorker(second, clock).run_once() == 1
    clock.advance(minutes=6)
    assert FollowupWorker(second, clock).run_once() == 1
    everyone = [conversation for conversation, _ in first.started + second.started]
    assert sorted(everyone) == sorted(set(calls) | {conversation_of(address="+15005550008")})
    assert len(everyone) == len(set(everyone)) == 3


def test_killed_after_the_question_went_out_it_is_not_sent_again(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)

    class DiesAfterSending(RecordingStarter):
        def start(self, conversation: str, channel: str) -> None:
            super().start(conversation, channel)  # the action ran: the family has the question
            raise Killed()

    with pytest.raises(Killed):
        FollowupWorker(DiesAfterSending(), clock).run_once()
    clock.advance(minutes=6)
    again = RecordingStarter()
    assert FollowupWorker(again, clock).run_once() == 0
    assert again.started == [] and statuses()[0] == ("1w", "waiting")


def test_rasa_down_means_later_not_never(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)
    starter = RecordingStarter(fail=1)
    worker = FollowupWorker(starter, clock)
    assert worker.run_once() == 0 and statuses()[0] == ("1w", "scheduled")
    clock.advance(minutes=11)
    assert worker.run_once() == 1 and len(starter.started) == 1


def test_two_reminders_then_one_alert_to_the_district_ngo(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)
    starter = RecordingStarter()
    worker = FollowupWorker(starter, clock)
    assert worker.run_once() == 1
    for reminder in (1, 2):
        clock.advance(hours=47)
        assert worker.run_once() == 0
        clock.advance(hours=1)
        assert worker.run_once() == 1, f"reminder {reminder}"
    clock.advance(hours=48)
    assert worker.run_once() == 0
    assert statuses()[0] == ("1w", "missed")
    clock.advance(days=1)
    worker.run_once()
    assert len(starter.started) == 3 and alerts() == Counter({"no_reply": 1})
    with session_scope() as session:
        alert = session.execute(select(Report).where(Report.kind == "alert")).scalar_one()
        assert alert.district == "Gaya" and not alert.urgent
        assert [d.purpose for d in session.execute(select(Delivery).where(Delivery.report_id == alert.id))
                .scalars()] == ["forward"]


def test_a_family_that_answered_is_not_reminded(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)
    starter = RecordingStarter()
    worker = FollowupWorker(starter, clock)
    worker.run_once()
    answer_checkin("twilio", conversation_of(), "1", None, clock)  # one answer, then silence
    clock.advance(days=7)
    assert worker.run_once() == 0 and len(starter.started) == 1
    assert statuses()[0] == ("1w", "answered") and alerts() == Counter()


@pytest.mark.parametrize("at_once", [False, True], ids=["one-by-one", "all-at-once"])
@pytest.mark.parametrize("reply, expected", [
    ("2 1 1 2 0", {"away_from_home": 1}),                     # the child is not living at home
    ("1 2 1 2 0", {"not_in_school": 1}),                      # not going to school
    ("1 1 1 1 0", {"agent_approach": 1, "recruitment": 1}),   # an agent offered work: also a tip-off
    ("1 1 2 2 0", {}),                                       # no money yet, but not late: a week after return
    ("1 1 1 2 0", {}),
])
def test_each_risk_answer_raises_exactly_one_alert(store_url: str, reply: str, expected: dict[str, int],
                                                   at_once: bool) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)
    FollowupWorker(RecordingStarter(), clock).run_once()
    for part in [reply] if at_once else reply.split():
        turn = answer_checkin("twilio", conversation_of(), part, None, clock)
        assert turn is not None and turn.outcome == "recorded"
    assert answer_checkin("twilio", conversation_of(), "2", None, clock) is None  # complete: nothing more to answer
    assert alerts() == Counter(expected)
    assert statuses()[0] == ("1w", "answered")


def test_a_need_written_in_words_reaches_the_ngo_as_an_alert(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)
    FollowupWorker(RecordingStarter(), clock).run_once()
    answer_checkin("twilio", conversation_of(), "1 1 1 2", None, clock)
    unclear = answer_checkin("twilio", conversation_of(), "7", None, clock)
    assert unclear is not None and unclear.outcome == "unclear"
    turn = answer_checkin("twilio", conversation_of(), "school ki kitaab aur dress chahiye", None, clock)
    assert turn is not None and turn.raised == ("family_need",)
    assert alerts() == Counter({"family_need": 1})


def test_money_not_arriving_past_its_due_time_is_an_alert(store_url: str) -> None:
    clock = at_ist(2027, 2, 20, 10, 0)  # the 3-month check-in: more than 90 days after return
    enrol(clock, RETURNED, claims={"clts": "applied"})
    FollowupWorker(RecordingStarter(), clock).run_once()
    turn = answer_checkin("twilio", conversation_of(), "1 1 2 2 0", None, clock)
    assert turn is not None and turn.raised == ("compensation_late",)
    assert alerts() == Counter({"compensation_late": 1})


def test_urgent_alerts_escalate_when_nobody_acknowledges(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)
    FollowupWorker(RecordingStarter(), clock).run_once()
    answer_checkin("twilio", conversation_of(), "2", None, clock)  # away from home: urgent
    clock.advance(minutes=16)
    assert run_job("escalations", clock) == 1
    with session_scope() as session:
        alert = session.execute(select(Report).where(Report.kind == "alert")).scalar_one()
        assert alert.urgent and alert.escalation_level == 1
        purposes = [d.purpose for d in session.execute(select(Delivery).where(Delivery.report_id == alert.id))
                    .scalars()]
    assert purposes == ["forward", "escalation"]


def test_opt_out_stops_check_ins_tells_the_ngo_and_a_family_can_rejoin(store_url: str) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, RETURNED)
    starter = RecordingStarter()
    worker = FollowupWorker(starter, clock)
    assert worker.run_once() == 1
    with session_scope() as session:
        assert stop_checkins(session, "twilio", conversation_of(), clock).changed
    with session_scope() as session:
        assert not stop_checkins(session, "twilio", conversation_of(), clock).changed  # said twice: one alert
    with session_scope() as session:
        # the contact's opt-out, in the same transaction as the case's
        assert contacts.is_opted_out(session, "sms", FAMILY)
    for _ in range(30):  # a year of fortnights: nothing goes out, not even reminders
        clock.advance(days=14)
        assert worker.run_once() == 0
    assert alerts() == Counter({"opted_out": 1}) and len(starter.started) == 1
    with session_scope() as session:
        assert restart_checkins(session, "twilio", conversation_of(), clock).changed
    with session_scope() as session:
        assert not contacts.is_opted_out(session, "sms", FAMILY)
    clock.advance(days=200)  # 12m passed while stopped (not sent); 18m is the next
    assert worker.run_once() == 1
    assert dict(statuses())["18m"] == "waiting" and dict(statuses())["12m"] == "cancelled"


def test_two_years_of_check_ins_each_on_its_day_in_daytime_and_once(store_url: str) -> None:
    """The issue's "done when": a family enrolled on the embedded default receives its check-ins on time across a
    simulated two years, its answers change the case, and nothing fires twice — with the worker restarted often."""
    clock = at_ist(2026, 11, 20, 3, 0)  # polled every 6 hours: 03:00, 09:00, 15:00, 21:00 IST
    reference = enrol(clock, RETURNED, channel="rest", address="local-demo-family")
    sent: list[datetime] = []

    class Family(RecordingStarter):
        def start(self, conversation: str, channel: str) -> None:
            super().start(conversation, channel)
            sent.append(clock.now())
            answer_checkin(None, conversation, "1 1 2 2 0" if len(sent) < 4 else "1 1 1 2 0", None, clock)

    starter = Family()
    worker = FollowupWorker(starter, clock)
    end = clock.now() + timedelta(days=2 * 366 + 7)
    step = 0
    while clock.now() < end:
        worker.run_once()
        clock.advance(hours=6)
        step += 1
        if step % 49 == 0:
            worker = FollowupWorker(starter, clock)  # restarted every ~12 days
    expected_days = [date(2026, 11, 27), date(2026, 12, 20), date(2027, 2, 20), date(2027, 5, 20),
                     date(2027, 8, 20), date(2027, 11, 20), date(2028, 5, 20), date(2028, 11, 20)]
    assert [moment.astimezone(IST).date() for moment in sent] == expected_days
    assert all(is_daytime(moment) for moment in sent)
    assert starter.started == [("local-demo-family", "rest")] * 8
    assert [status for _, status in statuses()] == ["answered"] * 8
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.school_stage == "attending" and case.living_at_home is True
        assert case.money_reported_on == date(2028, 11, 20)  # "money arrived" from the 4th on
    # "No money" at the 3-month check-in, past 90 days: one late-compensation alert, nothing else.
    assert alerts() == Counter({"compensation_late": 1})


def test_several_workers_at_once_start_each_check_in_once(store_url: str) -> None:
    """Replicas poll the same store: claims are conditional updates, alerts have unique keys."""
    clock = at_ist(2026, 11, 27, 10, 0)
    families = [f"+150055500{n:02d}" for n in range(10, 22)]
    for address in families:
        enrol(clock, RETURNED, address=address)
    starter = RecordingStarter()
    errors: list[BaseException] = []

    def poll() -> None:
        try:
            FollowupWorker(starter, clock).run_once()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=poll) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(starter.started) == sorted((conversation_of(address=a), "sms") for a in families)
