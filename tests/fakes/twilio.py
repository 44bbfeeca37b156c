"""A fake Twilio Programmable Messaging API (2010-04-01 Messages resource), enough for the `twilio` SDK's
`messages.create`, `messages.list`/`stream` (with paging) and `messages(sid).fetch`.

It answers with the JSON Twilio returns, checks HTTP Basic auth, and honours Twilio's magic test numbers
(https://www.twilio.com/docs/iam/test-credentials): To +15005550001 is an invalid number (21211), +15005550004 has
opted out (21610), From +15005550008 has a full queue (21611), and so on. Created messages are "queued" in the reply
and immediately "sent" in the history, as if Twilio had handed them on at once.

`lookup_gate` (a `Gate`) makes history lookups slow in a way a test controls: each list request is answered as of
the moment it arrived, then held until the test lets it go, so a test can decide exactly what happens while a
worker waits for Twilio.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import secrets
import threading
from datetime import date, datetime, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from ._base import FakeServer, Reply, Request, first, serve_main

TEST_ACCOUNT_SID = "AC" + "0" * 31 + "1"
TEST_AUTH_TOKEN = "fake-twilio-auth-token"
API_VERSION = "2010-04-01"

_LIST = re.compile(rf"^/{API_VERSION}/Accounts/(AC[0-9a-fA-F]{{32}})/Messages\.json$")
_ONE = re.compile(rf"^/{API_VERSION}/Accounts/(AC[0-9a-fA-F]{{32}})/Messages/(SM[0-9a-fA-F]{{32}})\.json$")

# Twilio's test credentials: numbers that always fail, with the error Twilio gives.
_BAD_TO = {
    "+15005550001": (21211, "The 'To' number {to} is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: {to}, is not currently reachable using the 'From' phone number."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' "
                            "number: {to}."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
_BAD_FROM = {
    "+15005550001": (21212, "The 'From' number {from_} is not a valid phone number, shortcode, or alphanumeric "
                            "sender ID."),
    "+15005550007": (21606, "The 'From' phone number provided ({from_}) is not a valid message-capable Twilio phone "
                            "number for this destination."),
    "+15005550008": (21611, "This 'From' number has exceeded the maximum number of queued messages"),
}
_STATUS_TEXT = {400: "Bad Request", 401: "Authenticate", 404: "Not Found", 429: "Too Many Requests",
                500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def twilio_error(status: int, code: int | None = None, message: str | None = None) -> dict[str, Any]:
    """Twilio's error body, e.g. {"code": 21211, "message": "...", "more_info": "...", "status": 400}."""
    code = code or (20000 + status)
    return {
        "code": code,
        "message": message or _STATUS_TEXT.get(status, "Error"),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class Gate:
    """Holds requests until a test releases them, one at a time or all at once; tests wait on `wait_for_arrivals`
    instead of sleeping."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._held: list[threading.Event] = []
        self._open = False
        self.arrived = 0

    def hold(self) -> None:
        """Called by the fake's request thread: block until released (returns at once when the gate is open)."""
        passage = threading.Event()
        with self._condition:
            self.arrived += 1
            self._condition.notify_all()
            if self._open:
                return
            self._held.append(passage)
        passage.wait()

    def wait_for_arrivals(self, count: int, timeout: float = 30) -> None:
        """Wait until `count` requests have reached the gate in all (the timeout only stops a broken test hanging)."""
        with self._condition:
            if not self._condition.wait_for(lambda: self.arrived >= count, timeout):
                raise AssertionError(f"only {self.arrived} of {count} requests reached the gate")

    def release(self, which: int = 0) -> None:
        """Let one held request go: 0 the oldest, -1 the newest."""
        with self._condition:
            if not self._held:
                raise AssertionError("no request is held")
            self._held.pop(which).set()

    def open(self) -> None:
        """Release every held request and let all later ones through."""
        with self._condition:
            self._open = True
            for passage in self._held:
                passage.set()
            self._held.clear()


def _segments(body: str) -> int:
    gsm = all(ord(ch) < 128 for ch in body)  # close enough to GSM-7 for a fake
    single, part = (160, 153) if gsm else (70, 67)
    return 1 if len(body) <= single else math.ceil(len(body) / part)


def _bare(number: str) -> str:
    return number.removeprefix("whatsapp:")


class FakeTwilio(FakeServer):
    name = "fake-twilio"

    def __init__(
        self,
        account_sid: str = TEST_ACCOUNT_SID,
        auth_token: str = TEST_AUTH_TOKEN,
        port: int = 0,
        record_path: str | None = None,
    ) -> None:
        super().__init__(port, record_path)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._received: list[dict[str, Any]] = []  # what the API was asked to send
        self._history: list[dict[str, Any]] = []  # the account's messages, as Twilio keeps them
        self.lookup_gate: Gate | None = None  # set by a test to hold history lookups (GET Messages.json)

    # --- what tests read and set up -----------------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Messages created through the API, as received: to, from, body, sid, status_callback, ... (oldest first)."""
        with self._lock:
            return [dict(m) for m in self._received]

    def seed_message(self, to: str, from_: str, body: str, when: datetime, status: str = "delivered") -> str:
        """Put a message into the account's history as if it had been sent at `when` (not via this API run)."""
        when = when.astimezone(timezone.utc)
        stored = self._store(to, from_, body, when, status=status, messaging_service_sid=None)
        return stored["sid"]

    def default_error(self, status: int) -> Any:
        return twilio_error(status)

    def stop(self) -> None:
        if self.lookup_gate is not None:
            self.lookup_gate.open()  # a held request must not keep the server from stopping
        super().stop()

    # --- HTTP ---------------------------------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Reply | None:
        refused = Reply(401, {**twilio_error(401, 20003, "Authenticate"),
                              "detail": "Your AccountSid or AuthToken was incorrect."},
                        headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return refused
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return refused
        if (user, password) != (self.account_sid, self.auth_token):
            return refused
        match = _LIST.match(request.path) or _ONE.match(request.path)
        if match and match.group(1) != self.account_sid:
            return Reply(403, twilio_error(403, 20003, "Authenticate"))
        return None

    def handle(self, request: Request) -> Reply:
        if _LIST.match(request.path):
            if request.method == "POST":
                return self._create(request)
            if request.method == "GET":
                reply = self._list(request)  # the history as it is now, answered after the gate (if any)
                if self.lookup_gate is not None:
                    self.lookup_gate.hold()
                return reply
            return Reply(405, twilio_error(405, 20004, "Method not allowed"))
        one = _ONE.match(request.path)
        if one and request.method == "GET":
            with self._lock:
                found = next((m for m in self._history if m["sid"] == one.group(2)), None)
            if found is not None:
                return Reply(200, self._render(found))
        return Reply(404, twilio_error(404, 20404, f"The requested resource {request.path} was not found"))

    def _create(self, request: Request) -> Reply:
        form = request.form()
        to, from_, body = first(form, "To"), first(form, "From"), first(form, "Body")
        service = first(form, "MessagingServiceSid")
        content_sid = first(form, "ContentSid")
        if not to:
            return Reply(400, twilio_error(400, 21604, "A 'To' phone number is required."))
        if not from_ and not service:
            return Reply(400, twilio_error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required"))
        if not body and not content_sid and not form.get("MediaUrl"):
            return Reply(400, twilio_error(400, 21602, "Message body is required."))
        if from_ and _bare(from_) in _BAD_FROM:
            code, text = _BAD_FROM[_bare(from_)]
            return Reply(400, twilio_error(400, code, text.format(from_=from_)))
        if _bare(to) in _BAD_TO:
            code, text = _BAD_TO[_bare(to)]
            return Reply(400, twilio_error(400, code, text.format(to=to)))

        stored = self._store(to, from_ or "", body or "", datetime.now(timezone.utc), status="sent",
                             messaging_service_sid=service)
        received = {
            "sid": stored["sid"],
            "to": to,
            "from": from_,
            "body": body,
            "status_callback": first(form, "StatusCallback"),
            "messaging_service_sid": service,
            "content_sid": content_sid,
            "content_variables": first(form, "ContentVariables"),
            "date_created": stored["date_created"].isoformat(),
        }
        with self._lock:
            self._received.append(received)
        self.record(received)
        # The creation reply shows the message as Twilio has it at that moment: queued, not yet sent.
        return Reply(201, self._render({**stored, "status": "queued", "date_sent": None}))

    def _store(self, to: str, from_: str, body: str, when: datetime, *, status: str,
               messaging_service_sid: str | None) -> dict[str, Any]:
        stored = {
            "sid": "SM" + secrets.token_hex(16),
            "to": to,
            "from": from_,
            "body": body,
            "status": status,
            "date_created": when,
            "date_sent": when,
            "messaging_service_sid": messaging_service_sid,
        }
        with self._lock:
            self._history.append(stored)
        return stored

    def _render(self, m: dict[str, Any]) -> dict[str, Any]:
        """A Message resource as Twilio's JSON has it (dates in RFC 2822, counts as strings)."""
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{m['sid']}"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": m["body"],
            "date_created": format_datetime(m["date_created"]),
            "date_sent": format_datetime(m["date_sent"]) if m["date_sent"] else None,
            "date_updated": format_datetime(m["date_sent"] or m["date_created"]),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": m["from"],
            "messaging_service_sid": m["messaging_service_sid"],
            "num_media": "0",
            "num_segments": str(_segments(m["body"])),
            "price": None,
            "price_unit": "USD",
            "sid": m["sid"],
            "status": m["status"],
            "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
            "to": m["to"],
            "uri": f"{uri}.json",
        }

    def _list(self, request: Request) -> Reply:
        """Newest first, filtered like Twilio: To/From exactly, DateSent/DateSent</DateSent> by calendar day (GMT),
        which is what Twilio documents ("on or after midnight"), so a client wanting a precise cut-off must check
        the dates itself."""
        q = request.query
        try:
            page_size = min(int(first(q, "PageSize") or 50), 1000)
            page = int(first(q, "Page") or 0)
            on, before, after = (_day(first(q, key)) for key in ("DateSent", "DateSent<", "DateSent>"))
        except ValueError as exc:
            return Reply(400, twilio_error(400, 20001, f"Invalid parameter: {exc}"))
        to, from_ = first(q, "To"), first(q, "From")

        def keep(m: dict[str, Any]) -> bool:
            sent = m["date_sent"].date() if m["date_sent"] else None
            return (
                (to is None or m["to"] == to)
                and (from_ is None or m["from"] == from_)
                and (on is None or sent == on)
                and (before is None or (sent is not None and sent <= before))
                and (after is None or (sent is not None and sent >= after))
            )

        with self._lock:
            ordered = sorted(enumerate(self._history), key=lambda im: (im[1]["date_created"], im[0]), reverse=True)
            matching = [m for _, m in ordered if keep(m)]
        items = matching[page * page_size : (page + 1) * page_size]
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"
        filters = [(k, v[0]) for k, v in q.items() if k not in ("Page", "PageSize", "PageToken")]

        def page_uri(number: int, token: str | None = None) -> str:
            params = [*filters, ("PageSize", str(page_size)), ("Page", str(number))]
            if token:
                params.append(("PageToken", token))
            return f"{base}?{urlencode(params)}"

        has_next = (page + 1) * page_size < len(matching)
        start = page * page_size
        return Reply(200, {
            "messages": [self._render(m) for m in items],
            "end": start + max(len(items) - 1, 0),
            "first_page_uri": page_uri(0),
            "next_page_uri": page_uri(page + 1, f"PA{items[-1]['sid']}") if has_next else None,
            "page": page,
            "page_size": page_size,
            "previous_page_uri": page_uri(page - 1, f"PB{items[0]['sid']}") if page > 0 and items else None,
            "start": start,
            "uri": page_uri(page, first(q, "PageToken")),
        })


def _day(value: str | None) -> date | None:
    """Twilio's SDK sends `YYYY-MM-DDTHH:MM:SSZ` for datetimes; the API compares the day."""
    return date.fromisoformat(value[:10]) if value else None


def main() -> None:
    serve_main(
        lambda args: FakeTwilio(args.account_sid, args.auth_token, record_path=args.record),
        "A fake Twilio Messages API on 127.0.0.1.",
        [("--account-sid", {"default": TEST_ACCOUNT_SID}), ("--auth-token", {"default": TEST_AUTH_TOKEN})],
    )


if __name__ == "__main__":
    main()
