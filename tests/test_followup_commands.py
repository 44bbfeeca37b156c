"""NGO follow-up commands by SMS, WhatsApp and Telegram: ENROL a returned child's family, CASE to update or read
it — only from registered NGO numbers, only for cases an NGO enrolled or whose district it serves, and every
mistake answered with what was wrong and the format. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.clock import ManualClock
from bot.crypto import decrypt
from bot.followup.commands import CommandProblem, parse_case, parse_enrol
from bot.followup.schedule import IST
from bot.ngo_commands import handle_ngo_message
from bot.store.db import session_scope
from bot.store.models import AuditEvent, FollowupCase
from tests.followup_helpers import FAMILY, OTHER_FAMILY
from tests.reports_helpers import import_sample

MAGADH_SMS = "+15005550102"  # Gaya's first NGO in the sample directory (Hindi)
MAGADH_TELEGRAM = "-1001000000102"
OUTREACH_SMS = "+15005550108"  # Gaya's second NGO
PATNA_WHATSAPP = "+15005550101"  # Patna's NGO: not on Gaya's route
JAIPUR_WHATSAPP = "+15005550109"  # the Jaipur NGO writes in English
STRANGER = "+15005550007"


def at_ist(*parts: int) -> ManualClock:
    return ManualClock(datetime(*parts, tzinfo=IST).astimezone(timezone.utc))  # type: ignore[misc]


NOW = (2026, 11, 29, 12, 0)  # noon in India


def cases() -> list[FollowupCase]:
    with session_scope() as session:
        return list(session.execute(
            select(FollowupCase).options(selectinload(FollowupCase.ngo), selectinload(FollowupCase.checkins),
                                         selectinload(FollowupCase.claims)).order_by(FollowupCase.id)
        ).scalars())


def send(channel: str, address: str, text: str, clock: ManualClock):  # type: ignore[no-untyped-def]
    result = handle_ngo_message(channel, address, text, clock)
    assert result is not None
    return result


def enrol_by_sms(clock: ManualClock, text: str = f"ENROL {FAMILY} Gaya 20-11-2026 age 12 guardian") -> str:
    result = send("sms", MAGADH_SMS, text, clock)
    assert result.action == "enrolled", result.reply
    return next(c.reference for c in cases() if c.reference in result.reply)


# -- ENROL ------------------------------------------------------------------------------------------------------------

def test_a_registered_ngo_enrols_a_family_by_sms(store_url: str) -> None:
    import_sample()
    clock = at_ist(*NOW)
    result = send("sms", MAGADH_SMS, f"ENROL {FAMILY} Gaya 25-11-2026 age 12 guardian bho whatsapp", clock)
    assert result.action == "enrolled"
    [case] = cases()
    assert case.reference in result.reply
    assert "02-12-2026" in result.reply  # returned 25-11: the first check-in is a week later
    assert "नामांकन" in result.reply  # the NGO's language is Hindi
    assert (case.status, case.district, case.channel, case.language, case.child_age) == (
        "active", "Gaya", "whatsapp", "bho", 12)
    assert case.returned_on == date(2026, 11, 25)
    assert case.ngo.key == "magadh-child-rights-sample"
    assert decrypt(case.address_encrypted) == FAMILY
    assert len(case.checkins) == 8


@pytest.mark.parametrize("text", [
    "enroll {phone} gaya 20-11-2026",
    "Enrol: {phone}, Gaya, 20/11/2026",
    "ENROL {spaced} Gaya 20.11.2026 hinglish",
    "ENROL Gaya {phone} 20-11-2026 12 saal guardian",
    "नामांकन {devanagari} गया २०-११-२०२६ उम्र 9 अभिभावक",
])
def test_enrol_written_in_other_ways(store_url: str, text: str) -> None:
    import_sample()
    clock = at_ist(*NOW)
    message = text.format(phone=FAMILY, spaced="+1 500 555 0006",
                          devanagari=FAMILY.translate(str.maketrans("0123456789", "०१२३४५६७८९")))
    result = send("sms", MAGADH_SMS, message, clock)
    assert result.action == "enrolled", result.reply
    [case] = cases()
    assert (case.district, case.returned_on) == ("Gaya", date(2026, 11, 20))
    assert decrypt(case.address_encrypted) == FAMILY
    assert "29-11-2026" in result.reply  # the 1-week check-in is already due: it goes out today


def test_the_reply_is_in_english_for_an_english_speaking_ngo(store_url: str) -> None:
    import_sample()
    result = send("whatsapp", JAIPUR_WHATSAPP, f"ENROL {FAMILY} Gaya 25-11-2026 en", at_ist(*NOW))
    assert result.action == "enrolled" and result.reply.startswith("Enrolled: case ")
    [case] = cases()
    assert (case.language, case.channel, case.ngo.key) == ("en", "sms", "jaipur-rescue-sample")


def test_an_ngo_on_telegram_enrols_too(store_url: str) -> None:
    import_sample()
    result = send("telegram", MAGADH_TELEGRAM, f"ENROL {FAMILY} Nawada 25-11-2026", at_ist(*NOW))
    assert result.action == "enrolled"
    assert [c.district for c in cases()] == ["Nawada"]


def test_nobody_else_can_enrol(store_url: str) -> None:
    import_sample()
    clock = at_ist(*NOW)
    assert handle_ngo_message("sms", STRANGER, f"ENROL {FAMILY} Gaya 20-11-2026", clock) is None
    assert handle_ngo_message("whatsapp", MAGADH_SMS, f"ENROL {FAMILY} Gaya 20-11-2026", clock) is None
    assert handle_ngo_message("telegram", "-100999", f"ENROL {FAMILY} Gaya 20-11-2026", clock) is None
    assert cases() == []


@pytest.mark.parametrize(("text", "expected"), [
    ("ENROL {phone} Atlantis 20-11-2026", '"Atlantis"'),
    ("ENROL {phone} Gaya 31-02-2026", '"31-02-2026"'),
    ("ENROL {phone} Gaya 20-11-26", '"20-11-26"'),
    ("ENROL {phone} Gaya 01-12-2026", "01-12-2026"),  # in the future
    ("ENROL {phone} Gaya 01-11-2024", "01-11-2024"),  # more than two years ago
    ("ENROL Gaya 20-11-2026", "फ़ोन नंबर नहीं"),
    ("ENROL 9999999999 Gaya 20-11-2026", "देश कोड"),
    ("ENROL +12 Gaya 20-11-2026", "फ़ोन नंबर सही नहीं"),
    ("ENROL {phone} 20-11-2026", "ज़िला नहीं"),
    ("ENROL {phone} Gaya", "तारीख नहीं"),
    ("ENROL {phone} Gaya 20-11-2026 age 40", "उम्र"),
    ("ENROL {phone} Gaya 20-11-2026 age", "उम्र"),
    ("ENROL", "फ़ोन नंबर नहीं"),
])
def test_bad_enrolments_say_what_was_wrong(store_url: str, text: str, expected: str) -> None:
    import_sample()
    result = send("sms", MAGADH_SMS, text.format(phone=FAMILY), at_ist(*NOW))
    assert result.action == "enrol_error"
    assert expected in result.reply
    assert "ENROL +91XXXXXXXXXX district DD-MM-YYYY" in result.reply  # and the format
    assert cases() == []


def test_bad_enrolment_in_english(store_url: str) -> None:
    import_sample()
    result = send("whatsapp", JAIPUR_WHATSAPP, f"ENROL {FAMILY} Gaya 01-12-2026", at_ist(*NOW))
    assert result.reply.startswith("Not enrolled: the date of return 01-12-2026 is in the future.")


def test_a_number_with_an_open_case_is_not_enrolled_twice(store_url: str) -> None:
    import_sample()
    clock = at_ist(*NOW)
    reference = enrol_by_sms(clock)
    again = send("sms", OUTREACH_SMS, f"ENROL {FAMILY} Gaya 21-11-2026", clock)
    assert again.action == "exists" and reference in again.reply
    assert len(cases()) == 1
    other = send("sms", OUTREACH_SMS, f"ENROL {OTHER_FAMILY} Gaya 21-11-2026", clock)
    assert other.action == "enrolled"


def test_the_help_reply_mentions_enrol_and_case(store_url: str) -> None:
    import_sample()
    for channel, address in (("sms", MAGADH_SMS), ("whatsapp", JAIPUR_WHATSAPP)):
        result = send(channel, address, "namaste", at_ist(*NOW))
        assert result.action == "help"
        assert "OK" in result.reply and "ENROL" in result.reply and "CASE" in result.reply


# -- CASE -------------------------------------------------------------------------------------------------------------

def test_the_district_ngo_updates_school_and_compensation(store_url: str) -> None:
    import_sample()
    clock = at_ist(*NOW)
    reference = enrol_by_sms(clock)
    school = send("sms", OUTREACH_SMS, f"CASE {reference} school bridge class Govt Middle School Rampur", clock)
    assert school.action == "case_updated" and "bridge_class" in school.reply
    claim = send("sms", MAGADH_SMS, f"case {reference[:3]} {reference[3:]} clts paid 25-11-2026", clock)
    assert claim.action == "case_updated"
    fund = send("telegram", MAGADH_TELEGRAM, f"CASE {reference} fund applied", clock)
    assert fund.action == "case_updated" and "child_labour_fund" in fund.reply
    [case] = cases()
    assert case.school_stage == "bridge_class"
    assert decrypt(case.school_name_encrypted) == "Govt Middle School Rampur"
    claims = {c.scheme: c for c in case.claims}
    assert (claims["clts"].stage, claims["clts"].paid_on) == ("paid", date(2026, 11, 25))
    assert (claims["child_labour_fund"].stage, claims["child_labour_fund"].applied_on) == (
        "applied", date(2026, 11, 29))
    status = send("sms", MAGADH_SMS, f"CASE {reference}", clock)
    assert status.action == "case_status"
    assert "bridge_class" in status.reply and "clts paid" in status.reply and "29-11-2026" in status.reply


def test_only_ngos_of_the_district_or_the_enroller_may_change_a_case(store_url: str) -> None:
    import_sample()
    clock = at_ist(*NOW)
    reference = enrol_by_sms(clock)
    refused = send("whatsapp", PATNA_WHATSAPP, f"CASE {reference} school attending", clock)
    assert refused.action == "case_not_yours"
    assert handle_ngo_message("sms", STRANGER, f"CASE {reference} school attending", clock) is None
    assert cases()[0].school_stage == "not_enrolled"
    with session_scope() as session:
        assert "case_refused" in [e.action for e in session.execute(select(AuditEvent)).scalars()]
    # The Jaipur NGO enrols a Gaya family (it rescued the child): it may update that case, not others of Gaya.
    jaipur = send("whatsapp", JAIPUR_WHATSAPP, f"ENROL {OTHER_FAMILY} Gaya 25-11-2026", clock)
    jaipur_ref = next(c.reference for c in cases() if c.reference in jaipur.reply)
    assert send("whatsapp", JAIPUR_WHATSAPP, f"CASE {jaipur_ref} school enrolled", clock).action == "case_updated"
    assert send("whatsapp", JAIPUR_WHATSAPP, f"CASE {reference} school enrolled", clock).action == "case_not_yours"
    assert send("sms", MAGADH_SMS, f"CASE {jaipur_ref} clts applied", clock).action == "case_updated"


@pytest.mark.parametrize(("text", "action", "expected"), [
    ("CASE", "case_error", "केस नंबर नहीं"),
    ("CASE {ref} xyz paid", "case_error", '"xyz"'),
    ("CASE {ref} clts maybe", "case_error", "not_started, applied, sanctioned, paid"),
    ("CASE {ref} school sometimes", "case_error", "not_enrolled, enrolled, bridge_class, attending"),
    ("CASE {ref} clts paid 31-02-2026", "case_error", '"31-02-2026"'),
    ("CASE 1234567 clts paid", "case_not_found", "1234567"),
])
def test_bad_case_commands_say_what_was_wrong(store_url: str, text: str, action: str, expected: str) -> None:
    import_sample()
    clock = at_ist(*NOW)
    reference = enrol_by_sms(clock)
    result = send("sms", MAGADH_SMS, text.format(ref=reference), clock)
    assert result.action == action
    assert expected in result.reply
    if action == "case_error":
        assert "CASE" in result.reply  # the format
    case = cases()[0]
    assert case.school_stage == "not_enrolled" and case.claims == []


# -- parsing (no store) -----------------------------------------------------------------------------------------------

def test_parse_enrol_reads_the_parts_in_any_order() -> None:
    today = date(2026, 11, 29)
    command = parse_enrol("ENROL whatsapp East Champaran age 7 +91 99999 99999 01-10-2026 hinglish guardian",
                          today)
    assert (command.address, command.channel, command.district, command.returned_on, command.language,
            command.child_age) == ("+919999999999", "whatsapp", "East Champaran", date(2026, 10, 1), "hi-Latn", 7)
    with pytest.raises(CommandProblem) as problem:
        parse_enrol("ENROL +919999999999 Gaya 01-10-2026 12", today)
    assert (problem.value.key, problem.value.value) == ("unclear", "12")


def test_parse_case() -> None:
    assert parse_case("CASE 482 9317").what == "status"
    school = parse_case("case 482-9317 school not enrolled")
    assert (school.reference, school.what, school.stage, school.school_name) == (
        "4829317", "school", "not_enrolled", None)
    claim = parse_case("केस ४८२९३१७ bonded sanctioned")
    assert (claim.scheme, claim.stage, claim.on) == ("bonded_labour", "sanctioned", None)
