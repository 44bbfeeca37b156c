"""What NGO staff do in the console goes through the same functions as the OK/CLOSE and ENROL/CASE messages and the
CLI (issue 13, items 2 and 3): acknowledge, close with a note, assign to a colleague, refer to another district's
NGO (a forward like any other, which the receiving NGO accepts or declines), enrol a family, record a check-in's
answers, change stages; and `helpline users add|disable|reset`. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from bot.cli import main as cli
from bot.clock import ManualClock
from bot.crypto import decrypt
from bot.replies import text
from bot.reports.forward import compose_forward
from bot.reports.service import details_of
from bot.store.db import session_scope
from bot.store.models import AuditEvent, ConsoleUser, Delivery, FollowupCase, Referral, Report, ReportAssignment
from bot.translation import NoTranslator
from tests.console_helpers import World, build_world, client_for, fast_hashing, ngo_id, post_form, sign_in


@pytest.fixture
def world(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("HELPLINE_TRANSLATOR", "off")
    fast_hashing(monkeypatch)
    yield build_world(ManualClock())


def _report(code: str) -> Report:
    with session_scope() as session:
        return session.execute(select(Report).where(Report.code == code)).scalar_one()


def _user_id(username: str) -> int:
    with session_scope() as session:
        return session.execute(select(ConsoleUser.id).where(ConsoleUser.username == username)).scalar_one()


def test_acknowledge_and_close_are_the_ok_and_close_commands(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    code = world.reports["gaya"]
    page = f"/reports/{code}"
    assert post_form(client, page, f"{page}/ack", {}).status_code == 302
    report = _report(code)
    assert report.status == "acknowledged" and report.ack_due_at is None
    assert report.acknowledged_by == ngo_id("magadh-child-rights-sample")
    assert post_form(client, page, f"{page}/close", {"note": "Bachche mil gaye, ghar pahunche"}).status_code == 302
    report = _report(code)
    assert report.status == "closed" and decrypt(report.close_note_encrypted) == "Bachche mil gaye, ghar pahunche"
    with session_scope() as session:
        details = session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
                                  .where(AuditEvent.report_id == report.id)).all()
    user = _user_id("staff-magadh")
    assert ("ngo:magadh-child-rights-sample", "acknowledged", f"via console user:{user}") in details
    assert any(action == "closed" and f"user:{user}" in detail for _a, action, detail in details)


def test_action_needed_shows_the_time_left_before_escalation(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    page = client.get("/").get_data(as_text=True)
    assert world.reports["gaya"] in page and "240 min left before escalation" in page
    world.clock.advance(minutes=250)
    assert client.get("/").status_code == 302  # the sign-in has ended meanwhile (60 minutes)
    sign_in(client, world, "staff-magadh")
    assert "escalation overdue by 10 min" in client.get("/").get_data(as_text=True)


def test_assign_only_to_a_colleague_of_the_same_ngo(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    page = f"/reports/{world.reports['gaya']}"
    colleague, stranger = _user_id("staff-magadh-2"), _user_id("staff-patna")
    assert post_form(client, page, f"{page}/assign", {"user_id": str(stranger)}).status_code == 400
    assert post_form(client, page, f"{page}/assign", {"user_id": str(colleague)}).status_code == 302
    with session_scope() as session:
        assignment = session.get(ReportAssignment, _report(world.reports["gaya"]).id)
        assert assignment is not None and assignment.user_id == colleague
    assert "staff-magadh-2" in client.get(page).get_data(as_text=True)


def test_a_referral_is_a_forward_and_the_receiving_ngo_accepts_it(world: World) -> None:
    code = world.reports["gaya"]
    patna = client_for(world.clock)
    sign_in(patna, world, "staff-patna")
    assert patna.get(f"/reports/{code}").status_code == 404  # not Patna's until referred
    magadh = client_for(world.clock)
    sign_in(magadh, world, "staff-magadh")
    page = f"/reports/{code}"
    target = ngo_id("patna-bal-raksha-sample")
    assert post_form(magadh, page, f"{page}/refer", {"ngo_id": str(target)}).status_code == 302
    post_form(magadh, page, f"{page}/refer", {"ngo_id": str(target)})  # twice: one referral, one forward
    with session_scope() as session:
        report_id = _report(code).id
        forwards = session.execute(select(Delivery).where(Delivery.report_id == report_id,
                                                          Delivery.purpose == "referral")).scalars().all()
        referral = session.execute(select(Referral).where(Referral.report_id == report_id)).scalar_one()
    assert [(d.ngo_id, d.status) for d in forwards] == [(target, "pending")]  # the delivery worker sends it
    assert referral.status == "pending"
    assert code in patna.get("/").get_data(as_text=True)  # "referred to you" on the receiving NGO's dashboard
    assert patna.get(page).status_code == 200
    # Only the receiving NGO answers it.
    assert post_form(magadh, page, f"{page}/referrals/{referral.id}", {"decision": "accepted"}).status_code == 404
    assert post_form(patna, page, f"{page}/referrals/{referral.id}", {"decision": "accepted"}).status_code == 302
    with session_scope() as session:
        assert session.get(Referral, referral.id).status == "accepted"
        # The worker writes the referral like any forward, in the receiving NGO's language, saying what it is.
        delivery = session.get(Delivery, forwards[0].id)
        body = compose_forward(delivery.report, details_of(delivery.report), delivery.ngo, delivery.purpose,
                               delivery.marker, NoTranslator())
    assert text("ngo.forward.referral", "hi") in body and delivery.marker in body


def test_a_referral_that_cannot_be_sent_writes_nothing(world: World) -> None:
    """An NGO with no contact left cannot be sent the referral: the console says so, and no referral row, forward or
    audit entry is left behind (the referral row once stayed, pending, for an NGO that was never told)."""
    from bot.store.models import NgoContact

    target = ngo_id("patna-bal-raksha-sample")
    with session_scope() as session:
        session.execute(delete(NgoContact).where(NgoContact.ngo_id == target))
    code = world.reports["gaya"]
    magadh = client_for(world.clock)
    sign_in(magadh, world, "staff-magadh")
    page = f"/reports/{code}"
    assert post_form(magadh, page, f"{page}/refer", {"ngo_id": str(target)}).status_code == 302
    assert text("ngo.console.flash.refer_refused", "en") in magadh.get(page).get_data(as_text=True)
    with session_scope() as session:
        report_id = _report(code).id
        assert session.execute(select(Referral).where(Referral.report_id == report_id)).first() is None
        assert session.execute(select(Delivery).where(Delivery.report_id == report_id,
                                                      Delivery.purpose == "referral")).first() is None
        assert session.execute(select(AuditEvent).where(AuditEvent.report_id == report_id,
                                                        AuditEvent.action == "referred")).first() is None


def test_enrol_record_a_checkin_and_change_stages_from_forms(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    response = post_form(client, "/cases/new", "/cases/new", {
        "channel": "sms", "address": "+15005550299", "district": "gaya", "returned_on": "2026-10-01",
        "language": "hi", "child_age": "13", "guardian_name": "Sita Devi",
        "guardian_consent": "CWC file (test)", "child_name": "Ramu", "place": "Rampur"})
    assert response.status_code == 302
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.ngo_id == ngo_id("magadh-child-rights-sample") and case.district == "Gaya"
        assert decrypt(case.child_name_encrypted) == "Ramu" and len(case.checkins) == 8
    page = f"/cases/{reference}"
    answers = {"home": "yes", "school": "no", "money": "no", "agent": "yes", "need": ""}
    assert post_form(client, page, f"{page}/checkin", answers).status_code == 302
    assert post_form(client, page, f"{page}/stages", {"school_stage": "enrolled", "scheme": "clts",
                                                      "claim_stage": "applied"}).status_code == 302
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        first = case.checkins[0]
        alerts = session.execute(select(Report.alert_key).where(Report.case_id == case.id)).scalars().all()
        assert first.status == "answered" and case.living_at_home is True and case.school_stage == "enrolled"
        assert [(c.scheme, c.stage) for c in case.claims] == [("clts", "applied")]
    assert {key.rsplit(":", 1)[-1] for key in alerts} >= {"agent_approach", "not_in_school"}
    shown = client.get(page).get_data(as_text=True)
    assert "Ramu" in shown and "answered" in shown
    # The same case is out of reach of another district's NGO.
    other = client_for(world.clock)
    sign_in(other, world, "staff-patna")
    assert other.get(page).status_code == 404


def test_a_case_shows_the_familys_consents_and_the_view_is_audited(world: World) -> None:
    """The case page lists every consent behind the case — the follow-up and the guardian's (with how the guardian
    was checked), and a call-back the family's number agreed to earlier, in the very words shown, in the language
    shown — and none of another family's. Opening it is written to the audit log (who, which case, that consents were
    shown); a page out of scope writes nothing. A child's case without a guardian's consent (enrolled before consents
    were recorded) says so."""
    import html

    from bot.store.consents import record_consent
    from bot.store.models import Consent
    from tests.console_helpers import FAMILIES

    with session_scope() as session:  # the Gaya family's number said yes to a call-back (Bhojpuri wording)
        record_consent(session, "sms", FAMILIES["Gaya"], "callback", "utter_ask_callback_consent", "bho",
                       now=world.clock.advance(minutes=1))
        record_consent(session, "sms", FAMILIES["Patna"], "share_number", "utter_ask_report_contact", "hi",
                       now=world.clock.now())
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    reference = world.cases["Gaya"]
    page = html.unescape(client.get(f"/cases/{reference}").get_data(as_text=True))
    consents = page.split('id="consents"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<td class="consent-purpose">([^<]+)</td>', consents)
    assert rows == [text(f"ngo.console.consent.{p}", "en") for p in ("followup", "guardian", "callback")]
    assert "CWC file (test)" in consents  # how the guardian was checked
    assert text("utter_ask_callback_consent", "bho") in consents  # the words the family agreed to, as shown
    assert text("utter_ask_report_contact", "hi") not in consents  # the Patna family's consent is not here
    assert 'id="no-guardian-consent"' not in page
    user = _user_id("staff-magadh")
    with session_scope() as session:
        viewed = session.execute(select(AuditEvent.detail).where(AuditEvent.actor == f"user:{user}",
                                                                AuditEvent.action == "case_viewed")).scalars().all()
    assert len(viewed) == 1 and reference in viewed[0] and "consents" in viewed[0]
    # Out of scope: a 404, and nothing is written.
    patna = client_for(world.clock)
    sign_in(patna, world, "staff-patna")
    assert patna.get(f"/cases/{reference}").status_code == 404
    with session_scope() as session:
        assert session.execute(select(AuditEvent).where(AuditEvent.actor == f"user:{_user_id('staff-patna')}",
                                                        AuditEvent.action == "case_viewed")).first() is None
        case_id = session.execute(select(FollowupCase.id).where(FollowupCase.reference == reference)).scalar_one()
        session.execute(delete(Consent).where(Consent.case_id == case_id, Consent.purpose == "guardian"))
    assert 'id="no-guardian-consent"' in client.get(f"/cases/{reference}").get_data(as_text=True)


def test_users_cli_add_disable_reset(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["users", "add", "staff-gaya-2", "--role", "ngo_staff", "--ngo", "gaya-nawada-outreach-sample"],
               clock=world.clock) == 0
    out = capsys.readouterr().out
    password = out.rsplit(": ", 1)[-1].strip()
    assert sign_in(client_for(world.clock), world, "staff-gaya-2", password).status_code == 302
    assert cli(["users", "add", "x", "--role", "ngo_staff"], clock=world.clock) == 2  # needs --ngo
    assert cli(["users", "add", "c", "--role", "state_coordinator"], clock=world.clock) == 2  # needs --state
    assert cli(["users", "disable", "staff-gaya-2"], clock=world.clock) == 0
    assert sign_in(client_for(world.clock), world, "staff-gaya-2", password).status_code == 401
    capsys.readouterr()
    assert cli(["users", "reset", "staff-gaya-2"], clock=world.clock) == 0
    new_password = capsys.readouterr().out.split("shown only now): ", 1)[1].split(";", 1)[0]
    assert sign_in(client_for(world.clock), world, "staff-gaya-2", new_password).status_code == 302
    assert cli(["users", "reset", "nobody"], clock=world.clock) == 1
