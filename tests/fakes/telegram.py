"""A fake Telegram Bot API server (`/bot<token>/<method>`), enough for python-telegram-bot 21's `Bot`.

python-telegram-bot sends parameters form-encoded, with objects such as `reply_markup` as JSON strings; other
clients send a JSON body or a query string. All three are accepted. Replies use the Bot API envelope:
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": ..., "description": ...}`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from typing import Any

from ._base import FakeServer, Reply, Request, serve_main

TEST_BOT_TOKEN = "123456789:AAFakeTokenForLocalTestsOnly-000000"
_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)$")
_DESCRIPTIONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
                 429: "Too Many Requests: retry after 1", 500: "Internal Server Error", 502: "Bad Gateway"}
_LONG_POLL_CAP = 2.0  # seconds getUpdates waits at most, whatever timeout the client asks for


def telegram_error(status: int, description: str | None = None, **parameters: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description or _DESCRIPTIONS.get(
        status, "Error")}
    if parameters:
        body["parameters"] = parameters
    return body


def _ok(result: Any) -> Reply:
    return Reply(200, {"ok": True, "result": result})


def _params(request: Request) -> dict[str, Any]:
    """Merge query string, form and JSON bodies; decode JSON-valued form fields as the Bot API does."""
    params: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
    if request.content_type == "application/json" and request.body:
        params.update(json.loads(request.body))
    else:
        for key, values in request.form().items():
            value: Any = values[0]
            if isinstance(value, str) and value[:1] in "{[":
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            params[key] = value
    chat_id = params.get("chat_id")
    if isinstance(chat_id, str) and re.fullmatch(r"-?\d+", chat_id):
        params["chat_id"] = int(chat_id)
    return params


class FakeTelegram(FakeServer):
    name = "fake-telegram"

    def __init__(self, token: str = TEST_BOT_TOKEN, port: int = 0, record_path: str | None = None) -> None:
        super().__init__(port, record_path)
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123456789,
            "is_bot": True,
            "first_name": "Helpline Test Bot",
            "username": "helpline_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._sent: list[dict[str, Any]] = []
        self._deleted: list[dict[str, Any]] = []
        self._calls: list[tuple[str, dict[str, Any]]] = []
        self._blocked: set[int | str] = set()
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update_id = 1
        self._next_message_id = 1
        self._webhook: dict[str, Any] = {"url": ""}
        self._updates_ready = threading.Condition(self._lock)

    # --- what tests read and set up -----------------------------------------------------------------------------

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Messages sent with sendMessage: chat_id, text, reply_markup (a dict or None), message_id."""
        with self._lock:
            return [dict(m) for m in self._sent]

    @property
    def deleted(self) -> list[dict[str, Any]]:
        """Messages removed with deleteMessage (no longer in `sent`)."""
        with self._lock:
            return [dict(m) for m in self._deleted]

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        """Every Bot API method called with a valid token, with its parameters."""
        with self._lock:
            return list(self._calls)

    @property
    def webhook_url(self) -> str:
        with self._lock:
            return self._webhook["url"]

    def block_chat(self, chat_id: int | str) -> None:
        """From now on sendMessage to this chat fails as it does when the user blocked the bot (403)."""
        with self._lock:
            self._blocked.add(chat_id)

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an Update for getUpdates; an update_id is added when missing. Returns the update_id."""
        with self._updates_ready:
            update = dict(update)
            update.setdefault("update_id", self._next_update_id)
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            self._updates.append(update)
            self._updates_ready.notify_all()
            return update["update_id"]

    def stop(self) -> None:
        self._stopping.set()
        with self._updates_ready:
            self._updates_ready.notify_all()  # release long polls
        super().stop()

    def default_error(self, status: int) -> Any:
        if status == 429:
            return telegram_error(429, retry_after=1)
        return telegram_error(status)

    # --- HTTP ---------------------------------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Reply | None:
        match = _PATH.match(request.path)
        if match is None:
            return Reply(404, telegram_error(404))
        if match["token"] != self.token:
            return Reply(401, telegram_error(401))
        return None

    def handle(self, request: Request) -> Reply:
        method = _PATH.match(request.path)["method"]  # type: ignore[index] - authenticate checked it
        params = _params(request)
        with self._lock:
            self._calls.append((method, params))
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return Reply(404, telegram_error(404))
        return handler(params)

    def _m_getme(self, params: dict[str, Any]) -> Reply:
        return _ok(self.bot_user)

    def _message(self, chat_id: int | str, text: str | None, reply_markup: Any, message_id: int) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": "private"}
        if isinstance(chat_id, str):
            chat = {"id": -1001234567890, "type": "channel", "title": "Test channel", "username": chat_id.lstrip("@")}
        elif chat_id < 0:
            chat = {"id": chat_id, "type": "supergroup" if str(chat_id).startswith("-100") else "group",
                    "title": "Test group"}
        else:
            chat["first_name"] = "Test"
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
        if reply_markup and "inline_keyboard" in reply_markup:
            # As the real API: a Message carries only an inline keyboard; reply keyboards (and their removal) are
            # client state, not part of the message returned.
            message["reply_markup"] = reply_markup
        return message

    def _m_sendmessage(self, params: dict[str, Any]) -> Reply:
        chat_id, text = params.get("chat_id"), params.get("text")
        if chat_id in (None, ""):
            return Reply(400, telegram_error(400, "Bad Request: chat_id is empty"))
        if not text:
            return Reply(400, telegram_error(400, "Bad Request: message text is empty"))
        if len(text) > 4096:
            return Reply(400, telegram_error(400, "Bad Request: message is too long"))
        reply_markup = params.get("reply_markup")
        for row in (reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    return Reply(400, telegram_error(400, "Bad Request: BUTTON_DATA_INVALID"))
        with self._lock:
            if chat_id in self._blocked:
                return Reply(403, telegram_error(403, "Forbidden: bot was blocked by the user"))
            message_id = self._next_message_id
            self._next_message_id += 1
            sent = {"chat_id": chat_id, "text": text, "reply_markup": reply_markup, "message_id": message_id}
            self._sent.append(sent)
        self.record(sent)
        return _ok(self._message(chat_id, text, reply_markup, message_id))

    def _m_answercallbackquery(self, params: dict[str, Any]) -> Reply:
        if not params.get("callback_query_id"):
            return Reply(400, telegram_error(400, "Bad Request: query is too old and response timeout expired or "
                                                  "query ID is invalid"))
        return _ok(True)

    def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> Reply:
        if params.get("inline_message_id"):
            return _ok(True)
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        with self._lock:
            found = next((m for m in self._sent if m["chat_id"] == chat_id and str(m["message_id"]) ==
                          str(message_id)), None)
            if found is None:
                return Reply(400, telegram_error(400, "Bad Request: message to edit not found"))
            if found["reply_markup"] == params.get("reply_markup"):
                return Reply(400, telegram_error(400, "Bad Request: message is not modified: specified new message "
                                                      "content and reply markup are exactly the same as a current "
                                                      "content and reply markup of the message"))
            found["reply_markup"] = params.get("reply_markup")
        return _ok(self._message(chat_id, found["text"], found["reply_markup"], found["message_id"]))

    def _m_deletemessage(self, params: dict[str, Any]) -> Reply:
        """As the real API: a bot deletes a message of a chat by its id; deleting one that is not there (already
        deleted, wrong chat) is a 400. Deleted messages leave `sent` and are listed in `deleted`."""
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        with self._lock:
            found = next((m for m in self._sent if m["chat_id"] == chat_id and str(m["message_id"]) ==
                          str(message_id)), None)
            if found is None:
                return Reply(400, telegram_error(400, "Bad Request: message to delete not found"))
            self._sent.remove(found)
            self._deleted.append(found)
        return _ok(True)

    def _m_setwebhook(self, params: dict[str, Any]) -> Reply:
        url = params.get("url", "")
        with self._lock:
            self._webhook = {"url": url, "secret_token": params.get("secret_token")}
        return Reply(200, {"ok": True, "result": True, "description": "Webhook was set" if url else
                           "Webhook is already deleted"})

    def _m_deletewebhook(self, params: dict[str, Any]) -> Reply:
        with self._lock:
            self._webhook = {"url": ""}
            if str(params.get("drop_pending_updates", "")).lower() == "true":
                self._updates.clear()
        return Reply(200, {"ok": True, "result": True, "description": "Webhook was deleted"})

    def _m_getwebhookinfo(self, params: dict[str, Any]) -> Reply:
        with self._lock:
            return _ok({"url": self._webhook["url"], "has_custom_certificate": False,
                        "pending_update_count": len(self._updates)})

    def _m_getupdates(self, params: dict[str, Any]) -> Reply:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), _LONG_POLL_CAP)
        with self._updates_ready:
            if self._webhook["url"]:
                return Reply(409, telegram_error(409, "Conflict: can't use getUpdates method while webhook is "
                                                      "active; use deleteWebhook to delete the webhook first"))
            # A positive offset confirms every update before it, as in the real API.
            while self._updates and offset > 0 and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
            if not self._updates and wait > 0:
                self._updates_ready.wait_for(lambda: bool(self._updates) or self._stopping.is_set(), wait)
            return _ok(list(self._updates)[:limit])


def main() -> None:
    serve_main(
        lambda args: FakeTelegram(args.token, record_path=args.record),
        "A fake Telegram Bot API on 127.0.0.1.",
        [("--token", {"default": TEST_BOT_TOKEN})],
    )


if __name__ == "__main__":
    main()
