"""What the three fake servers share: a threaded HTTP server on a free local port, request recording, failure
injection, an optional stall before answering, a JSON-lines record file, and the command line to run one alone."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

JSON = "application/json; charset=utf-8"
F = TypeVar("F", bound="FakeServer")


@dataclass
class Request:
    """One HTTP request as the fake received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def form(self) -> dict[str, list[str]]:
        if self.content_type == "application/x-www-form-urlencoded":
            return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {}


@dataclass
class Reply:
    status: int
    body: Any = None  # dict/list -> JSON; str/bytes as they are
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class FakeServer:
    """Subclasses implement `handle(request) -> Reply` and may call `record(item)` for what the service accepted."""

    name = "fake"

    def __init__(self, port: int = 0, record_path: str | Path | None = None) -> None:
        self._port = port
        self._record_path = Path(record_path) if record_path else None
        self._lock = threading.RLock()
        self._failures: deque[Reply] = deque()
        self._requests: list[Request] = []
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.delay_seconds: float = 0.0

    # --- life cycle ---------------------------------------------------------------------------------------------

    def start(self: F) -> F:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: a stopped fake really is gone

            def _serve(self) -> None:
                fake._dispatch(self)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # request lines carry tokens and numbers; the tests read `requests` instead

        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=self.name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers stalled by delay_seconds
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self: F) -> F:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- test controls ------------------------------------------------------------------------------------------

    def fail_next(
        self, n: int = 1, status: int = 500, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next `n` requests (after authentication) with this status and body instead of serving them."""
        with self._lock:
            for _ in range(n):
                self._failures.append(Reply(status, body if body is not None else self.default_error(status),
                                            dict(headers or {})))

    def default_error(self, status: int) -> Any:
        return {"status": status}

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def record(self, item: dict[str, Any]) -> None:
        """Append one accepted message to the record file, flushed at once so a killed test process loses nothing."""
        if self._record_path is None:
            return
        with self._lock, self._record_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(item, ensure_ascii=False, default=str) + "\n")
            handle.flush()

    # --- request handling ---------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        raise NotImplementedError

    def authenticate(self, request: Request) -> Reply | None:
        """A Reply to refuse the request, or None. Runs before failure injection, as the real services do."""
        return None

    def take_failure(self) -> Reply | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self._lock:
            self._requests.append(request)
        try:
            reply = self.authenticate(request) or self.take_failure() or self.handle(request)
        except Exception as exc:  # a bug in the fake should show as a 500, not a hung client
            reply = Reply(500, {"error": f"fake crashed: {type(exc).__name__}: {exc}"})
        if self.delay_seconds > 0:
            self._stopping.wait(self.delay_seconds)  # after recording, before answering
        payload = reply.encode()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(payload)))
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout) or was killed: exactly what delay_seconds is for


def first(values: dict[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None


def serve_main(
    make: Callable[[argparse.Namespace], FakeServer],
    description: str,
    extra: Sequence[tuple[str, dict[str, Any]]] = (),
) -> None:
    """`python -m tests.fakes.<name>`: start the fake, print its URL (first line, flushed), serve until SIGTERM/^C."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--record", help="append one JSON line per received message to this file")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to stall before each answer")
    for flag, options in extra:
        parser.add_argument(flag, **options)
    args = parser.parse_args()
    fake: FakeServer = make(args)
    fake.delay_seconds = args.delay
    fake.start()
    print(fake.url, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
