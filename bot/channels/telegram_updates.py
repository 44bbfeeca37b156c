"""Reading a Telegram update (bot/channels/telegram.py) into what it asks of us (`Incoming`).

Only messages and inline button presses in private chats and groups are read; anything else (edited messages,
channel posts, service messages, ...) is None. An update that is malformed or too long raises `InboundTextError`,
and nothing here logs: the channel decides what to do with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from telegram import Message, Update

from bot.channels.gate import Media
from bot.channels.inbound import InboundTextError, clean_text

_PRIVATE = "private"
_GROUPS = ("group", "supergroup")

@dataclass(frozen=True)
class Incoming:
    """What one update asks of us. `admit` False: nothing for the gate (only a button press to answer, if any)."""

    kind: str  # message | callback (for logs)
    chat_id: int
    chat_type: str
    update_id: int
    text: str | None = None
    location: tuple[float, float] | None = None
    media: tuple[Media, ...] = ()
    callback_query_id: str | None = None
    admit: bool = True


_MEDIA_FIELDS = (  # Message attribute -> gate media kind
    ("voice", "voice"),
    ("audio", "voice"),
    ("video", "video"),
    ("video_note", "video"),
    ("animation", "video"),
    ("document", "document"),
    ("sticker", "image"),
)


def _malformed(what: str) -> InboundTextError:
    return InboundTextError("malformed", f"the update has no valid {what}")


def _integer(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _malformed(what)
    return value


def _chat(message: Any) -> tuple[int, str]:
    chat = getattr(message, "chat", None)
    chat_type = getattr(chat, "type", None)
    if not isinstance(chat_type, str):
        raise _malformed("chat")
    return _integer(getattr(chat, "id", None), "chat id"), chat_type


def _file_id(item: object) -> str:
    file_id = getattr(item, "file_id", None)
    if not isinstance(file_id, str) or not file_id or len(file_id) > 512:
        raise _malformed("file id")
    return file_id


def _media(message: Message) -> tuple[Media, ...]:
    found: list[Media] = []
    for attribute, kind in _MEDIA_FIELDS:
        item = getattr(message, attribute, None)
        if item is not None:
            found.append(Media(kind, _file_id(item)))
    photo = message.photo
    if photo:
        if not isinstance(photo, (tuple, list)):
            raise _malformed("photo")
        found.append(Media("image", _file_id(photo[-1])))  # sizes come smallest first: keep the largest
    unique: dict[str, Media] = {}
    for media in found:  # an animation is also sent as a document: the same file once
        unique.setdefault(media.reference, media)
    return tuple(unique.values())


def _coordinate(value: object, bound: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > bound:
        raise _malformed("location")
    return float(value)


def _location(message: Message) -> tuple[float, float] | None:
    location = message.location
    if location is None:
        return None
    return (_coordinate(getattr(location, "latitude", None), 90),
            _coordinate(getattr(location, "longitude", None), 180))


def _optional_text(raw: object, max_chars: int) -> str | None:
    """Cleaned text; None for text that is empty once cleaned (a bare "/" is nothing to answer, not an error)."""
    if raw is None:
        return None
    try:
        return clean_text(raw, max_chars)
    except InboundTextError as exc:
        if exc.reason == "empty":
            return None
        raise


def read_update(update: Update, max_chars: int) -> Incoming | None:
    """The message or button press in an update, None for anything we do not handle (edited messages, channel
    posts, service messages, ...). InboundTextError for an update that is malformed or too long."""
    update_id = _integer(update.update_id, "update id")
    query = update.callback_query
    if query is not None:
        return _read_callback(query, update_id, max_chars)
    message = update.message
    if message is None:
        return None
    chat_id, chat_type = _chat(message)
    if chat_type not in (_PRIVATE, *_GROUPS):
        return None
    if message.text is not None:
        text = _optional_text(message.text, max_chars)
        if text is None:
            return None
        return Incoming("message", chat_id, chat_type, update_id, text=text)
    location = _location(message)
    media = _media(message)
    if location is None and not media:
        return None
    caption = _optional_text(message.caption, max_chars) if media else None
    return Incoming("message", chat_id, chat_type, update_id, text=caption, location=location, media=media)


def _read_callback(query: Any, update_id: int, max_chars: int) -> Incoming | None:
    """An inline button press: only our forwards to NGOs carry buttons ("ack:CODE"), so its data becomes the text
    "ack CODE" for the gate. It is always answered (Telegram shows a spinner until then)."""
    query_id = getattr(query, "id", None)
    if not isinstance(query_id, str) or not query_id:
        raise _malformed("callback query id")
    message = getattr(query, "message", None)
    data = getattr(query, "data", None)
    if message is None:  # a button on an inline-mode message: not one of ours
        return Incoming("callback", 0, "", update_id, callback_query_id=query_id, admit=False)
    chat_id, chat_type = _chat(message)
    text = None
    if isinstance(data, str):
        try:
            text = _optional_text(data.replace(":", " "), max_chars)
        except InboundTextError:
            text = None
    return Incoming("callback", chat_id, chat_type, update_id, text=text, callback_query_id=query_id,
                    admit=text is not None and chat_type in (_PRIVATE, *_GROUPS))
