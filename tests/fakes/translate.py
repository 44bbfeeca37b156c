"""A fake of the Google Translate endpoint googletrans 4.0.2 calls.

googletrans (`googletrans/client.py`, `utils.py`, `urls.py`) sends
`GET https://{host}/translate_a/single?client=gtx&sl=<src|auto>&tl=<dest>&hl=<dest>&dt=at&dt=bd&...&dt=t&ie=UTF-8
&oe=UTF-8&otf=1&ssel=0&tsel=0&tk=<token>&q=<text>` (client=gtx for translate.googleapis.com, the default; "webapp"
with a token from the host's home page otherwise) and parses a JSON array: `data[0]` is a list of sentence
segments `[translated, original, ...]` whose first items are joined, `data[2]` the detected source language and
`data[8]` the language-detection block.

The "translation" is deterministic: the text prefixed with the target code in capitals ("EN: ...", "HI: ..."), split
into one segment per sentence as Google does. The source is `sl` when given, else "hi" for text with Devanagari and
"en" otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from ._base import FakeServer, Reply, Request, first, serve_main

_SENTENCE_END = re.compile(r"(?<=[.!?।])(\s+)")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_HOME_PAGE = "<html><script>window.TKK=null;c._TKK={tkk:'448487.932609646'};</script></html>"


def fake_translation(text: str, target: str) -> str:
    return f"{target.upper()}: {text}"


def detect(text: str) -> str:
    return "hi" if _DEVANAGARI.search(text) else "en"


class FakeTranslate(FakeServer):
    name = "fake-translate"

    def __init__(self, port: int = 0, record_path: str | None = None) -> None:
        super().__init__(port, record_path)
        self._translations: list[dict[str, Any]] = []

    @property
    def translations(self) -> list[dict[str, Any]]:
        """Translation requests received: text, target, source ("auto" when not given), client."""
        with self._lock:
            return [dict(t) for t in self._translations]

    def default_error(self, status: int) -> Any:
        return f"<html><title>Error {status}</title><body>Error {status}</body></html>"

    def handle(self, request: Request) -> Reply:
        if request.method == "GET" and request.path in ("", "/"):
            return Reply(200, _HOME_PAGE, content_type="text/html; charset=utf-8")  # the "webapp" token page
        if request.path != "/translate_a/single":
            return Reply(404, self.default_error(404), content_type="text/html; charset=utf-8")
        q = request.query
        text, target, source = first(q, "q"), first(q, "tl"), first(q, "sl") or "auto"
        if text is None or not target:
            return Reply(400, self.default_error(400), content_type="text/html; charset=utf-8")
        received = {"text": text, "target": target, "source": source, "client": first(q, "client")}
        with self._lock:
            self._translations.append(received)
        self.record(received)

        detected = detect(text) if source == "auto" else source
        # One segment per sentence, each keeping the whitespace after it, so the joined segments are exactly
        # fake_translation(text, target).
        pieces = _SENTENCE_END.split(text)
        sentences = [pieces[i] + (pieces[i + 1] if i + 1 < len(pieces) else "") for i in range(0, len(pieces), 2)]
        segments: list[list[Any]] = []
        for index, sentence in enumerate(sentences):
            translated = fake_translation(sentence, target) if index == 0 else sentence
            segments.append([translated, sentence, None, None, 10])
        segments.append([None, None, None, None])  # the transliteration row Google appends for dt=rm
        body = [
            segments,
            None,
            detected,
            None,
            None,
            None,
            1.0,
            [],
            [[detected], None, [1.0], [detected]],
        ]
        return Reply(200, body)


def main() -> None:
    serve_main(lambda args: FakeTranslate(record_path=args.record), "A fake Google Translate endpoint on 127.0.0.1.")


if __name__ == "__main__":
    main()
