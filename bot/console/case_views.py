"""Follow-up cases: the list with filters, one case in full, enrolling a family, changing its stages and recording
a check-in's answers — through the same functions as `helpline cases ...` and the ENROL/CASE messages
(bot.followup.coordinator, which uses bot.followup.cases), with the same check of who may change a case
(`bot.followup.commands.may_change`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.console.context import now
from bot.console.forms import CheckinForm, EnrolForm, StagesForm
from bot.console.i18n import t
from bot.console.scope import Viewer, case_or_404, cases_clause, ngo_of
from bot.followup.cases import Enrolment, EnrolmentError
from bot.followup.commands import may_change
from bot.followup.coordinator import enrol_case, list_cases, record_checkin, show_case, update_case
from bot.followup.words import CLAIM_STAGES, SCHOOL_STAGES
from bot.replies import catalogue, language_for
from bot.reports.outbox import audit
from bot.store.consents import ConsentView, consents_of_case
from bot.store.db import session_scope
from bot.store.models import FollowupCase

bp = Blueprint("cases", __name__)
PAGE = 100
ADULT = 18  # under this age, enrolment stands on the guardian's consent (DPDP Act s.9(1))


class _Clock:
    """The console's clock, as the follow-up functions take it."""

    def now(self):  # type: ignore[no-untyped-def]
        return now()


@bp.route("/cases")
@login_required
def case_list():  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    filters = {k: request.args.get(k) or None for k in ("district", "school_stage", "claim_stage")}
    overdue = request.args.get("overdue") == "1"
    if filters["school_stage"] not in (None, *SCHOOL_STAGES) or filters["claim_stage"] not in (None, *CLAIM_STAGES):
        abort(400)
    with session_scope() as db:
        rows = list_cases(db, district=filters["district"], overdue=overdue, clock=_Clock(),
                          scope=cases_clause(db, viewer), school_stage=filters["school_stage"],
                          claim_stage=filters["claim_stage"], limit=PAGE)
    return render_template("cases.html", rows=rows, filters=filters, overdue=overdue,
                           school_stages=SCHOOL_STAGES, claim_stages=CLAIM_STAGES)


@bp.route("/cases/<reference>")
@login_required
def case_detail(reference: str):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    with session_scope() as db:
        case = case_or_404(db, viewer, reference)
        audit(db, None, viewer.actor, "case_viewed",
              f"case {case.reference}: names, contact, answers and consents shown", now())
        page = show_case(db, case.reference, clock=_Clock())
        consents = [_consent_row(c) for c in consents_of_case(db, case.id, case.contact_key)]
        may = _may_change(db, viewer, case)
    minor = page is not None and page["child_age"] is not None and page["child_age"] < ADULT
    missing_guardian = minor and not any(c["purpose"] == "guardian" for c in consents)
    return render_template("case.html", case=page, consents=consents, missing_guardian=missing_guardian,
                           may_change=may, stages_form=StagesForm(), checkin_form=CheckinForm())


def _consent_row(consent: ConsentView) -> dict:
    """A consent with the very words the person agreed to, in the language they were shown (the catalogue id read
    back), or the NGO's own note of how it asked when the consent was taken in a call or visit."""
    words = catalogue(language_for(consent.message_id, consent.language)).get(consent.message_id)
    return {"purpose": consent.purpose, "given_at": as_utc(consent.given_at), "given_by": consent.given_by,
            "verification": consent.verification, "language": consent.language,
            "wording": words if isinstance(words, str) else consent.message_id}


def _may_change(db: Session, viewer: Viewer, case: FollowupCase) -> bool:
    ngo = ngo_of(db, viewer)
    return viewer.acts_for_ngo and ngo is not None and may_change(db, ngo, case)


def _changeable(db: Session, viewer: Viewer, reference: str) -> FollowupCase:
    case = case_or_404(db, viewer, reference)
    if not _may_change(db, viewer, case):
        abort(403)
    return case


@bp.route("/cases/<reference>/stages", methods=["POST"])
@login_required
def stages(reference: str):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    form = StagesForm()
    if not form.validate_on_submit():
        abort(400)
    with session_scope() as db:
        case = _changeable(db, viewer, reference)
        claims = [(form.scheme.data, form.claim_stage.data, form.claim_on.data)] if (
            form.scheme.data and form.claim_stage.data) else []
        try:
            update_case(db, case.reference, school_stage=form.school_stage.data or None,
                        school_name=form.school_name.data or None, claims=claims, clock=_Clock(), actor=viewer.actor)
            flash(t("flash.case_updated"))
        except EnrolmentError:
            flash(t("flash.case_refused"))
    return redirect(url_for("cases.case_detail", reference=reference))


@bp.route("/cases/<reference>/checkin", methods=["POST"])
@login_required
def checkin(reference: str):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    form = CheckinForm()
    if not form.validate_on_submit():
        abort(400)
    answers: dict[str, bool | str] = {q: getattr(form, q).data == "yes" for q in ("home", "school", "money", "agent")
                                      if getattr(form, q).data in ("yes", "no")}
    if (form.need.data or "").strip():
        answers["need"] = form.need.data.strip()
    with session_scope() as db:
        case = _changeable(db, viewer, reference)
        try:
            record_checkin(db, case, answers, now(), viewer.actor)
            flash(t("flash.checkin_recorded"))
        except EnrolmentError:
            flash(t("flash.no_checkin"))
    return redirect(url_for("cases.case_detail", reference=reference))


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def enrol():  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    if not viewer.acts_for_ngo:
        abort(403)
    form = EnrolForm()
    message = None
    if form.validate_on_submit():
        enrolment = Enrolment(channel=form.channel.data or "sms", address=form.address.data or "",
                              district=form.district.data or "", returned_on=form.returned_on.data,
                              language=form.language.data or "hi", child_age=form.child_age.data,
                              guardian_name=form.guardian_name.data or None,
                              guardian_consent=form.guardian_consent.data or None,
                              child_name=form.child_name.data or None, place=form.place.data or None)
        try:
            with session_scope() as db:
                ngo = ngo_of(db, viewer)
                enrolled = enrol_case(db, enrolment, ngo.key if ngo else None, clock=_Clock(), actor=viewer.actor)
            flash(t("flash.enrolled", ref=enrolled.reference))
            return redirect(url_for("cases.case_detail", reference=enrolled.reference))
        except EnrolmentError as error:
            message = str(error)
    return render_template("enrol.html", form=form, message=message)
