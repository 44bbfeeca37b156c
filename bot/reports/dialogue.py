"""What the assistant says at the ends of a report: sent (with its reference), stopped, or "status CODE".

The custom actions call these and only pass the result to Rasa: which response to send and the values to fill in.
They work in the caller's session (the action's unit of work, or the draft-expiry job's).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.gazetteer import load_gazetteer
from bot.reports import drafts
from bot.reports.codes import find_any_code, find_code
from bot.reports.intake import UNKNOWN
from bot.reports.service import DraftAlreadySubmitted, SubmittedReport, report_status, submit_report

logger = logging.getLogger(__name__)
ABANDONED_AFTER = timedelta(hours=1)

# "status 4829317", "report 4829317 kya hua", "शिकायत ४८२९३१७": a seven-digit number with a status word, or alone.
_STATUS_WORDS = re.compile(r"status|stetus|staus|report|riport|शिकायत|रिपोर्ट|स्टेटस|shikayat|sikayat|complaint|code|"
                           r"kya hua|क्या हुआ|ka hua|का हुआ|का भइल|ka bhail", re.I)


@dataclass(frozen=True)
class Reply:
    response: str
    values: dict[str, Any] = field(default_factory=dict)


def district_for_reply(name: str | None, language: str | None) -> str | None:
    """The district as the person would write it: Devanagari for hi/bho, the English name otherwise."""
    if not name:
        return None
    district = load_gazetteer().lookup(name)
    if district is None:
        return name
    return district.hindi[0] if language in ("hi", "bho") and district.hindi else district.name


def _sent_reply(report: SubmittedReport, language: str | None) -> Reply:
    if report.district is None or report.first_ngo is None:
        return Reply("utter_report_sent_state", {"code": report.code})
    return Reply("utter_report_sent", {"code": report.code, "district": district_for_reply(report.district, language)})


def _has_substance(fields: dict[str, Any]) -> bool:
    """Worth sending even unfinished: it says where, or what happened."""
    return any(fields.get(name) not in (None, "", UNKNOWN) for name in ("district", "what", "agent_phone"))


def finish_report(session: Session, channel: str, sender: str, stopped: bool, language: str | None) -> Reply:
    """The form is complete (or the person said stop): submit the draft, or drop it when they stopped."""
    stored = drafts.load_draft(session, channel, sender)
    if stopped or stored is None:
        drafts.delete_draft(session, channel, sender)
        return Reply("utter_report_stopped")
    kind, fields = stored
    try:
        report = submit_report(session, kind, fields, channel, sender, language,
                               draft_key=drafts.conversation_key(channel, sender))
    except Exception:  # the person must get the helpline number, whatever broke; the draft stays (savepoint)
        logger.exception("report could not be stored")
        return Reply("utter_report_failed")
    return _sent_reply(report, language)


def leave_report(session: Session, channel: str, sender: str, language: str | None) -> Reply:
    """The person turned to something else mid-report: nothing is lost — what they said is sent (without their
    number: they did not answer the consent question), or dropped when it says nothing yet."""
    stored = drafts.load_draft(session, channel, sender)
    if stored is None or not _has_substance(stored[1]):
        drafts.delete_draft(session, channel, sender)
        return Reply("utter_report_stopped")
    kind, fields = stored
    fields = dict(fields, contact="anonymous")
    try:
        report = submit_report(session, kind, fields, channel, sender, language,
                               draft_key=drafts.conversation_key(channel, sender))
    except Exception:
        logger.exception("report could not be stored")
        return Reply("utter_report_failed")
    return _sent_reply(report, language)


def submit_abandoned_drafts(session: Session, now: datetime, older_than: timedelta = ABANDONED_AFTER) -> int:
    """Reports left unfinished (the person stopped answering) are sent with what they hold, anonymously — a tip-off
    must not be lost because the fifth question was one too many. Empty ones are dropped. Each submission is a
    savepoint in the caller's (the draft-expiry job's) transaction."""
    submitted = 0
    for key, kind, fields in drafts.stale_drafts(session, older_than, now):
        if not _has_substance(fields) or not fields.get("channel") or not fields.get("sender"):
            drafts.delete_draft_by_key(session, key)
            continue
        try:
            submit_report(session, kind, dict(fields, contact=fields.get("contact") or "anonymous"), fields["channel"],
                          fields["sender"], fields.get("language"), now, draft_key=key)
            submitted += 1
        except DraftAlreadySubmitted:
            continue
    return submitted


def looks_like_status_request(text: str) -> bool:
    """A seven-digit number asked about ("status 4829317"), or sent alone."""
    number = find_any_code(text)
    if number is None:
        return False
    rest = re.sub(r"\d[\d\s-]*\d", " ", text or "").strip(" .?!:-")
    return not rest or bool(_STATUS_WORDS.search(rest))


def status_reply(session: Session, text: str) -> Reply:
    code = find_code(text) or find_any_code(text) or ""
    status = report_status(session, code) if code else None
    if status is None:
        return Reply("utter_report_status_unknown", {"code": code})
    return Reply(f"utter_report_status_{status}", {"code": code})
