"""A private asyncio event loop on a daemon thread, for driving async client libraries from synchronous code.

python-telegram-bot 21 and googletrans 4 are async-only, and their httpx connection pools belong to the event loop
they were first used on. The delivery worker and Rasa's action code call us synchronously, from whichever thread;
`asyncio.run()` per call would create a new loop each time and break (or leak) those pools. So each client gets one
loop of its own, started on first use, and every call is submitted to it with `run_coroutine_threadsafe`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class BackgroundLoop:
    """One event loop running forever on a daemon thread; `run()` blocks the caller until a coroutine is done."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._loop.is_closed():
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name=self._name, daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coro` on the loop and return its result. On timeout the coroutine is cancelled and the builtin
        `TimeoutError` raised (Python 3.10's `concurrent.futures.TimeoutError` is a different class)."""
        future = asyncio.run_coroutine_threadsafe(coro, self._ensure())
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise TimeoutError(f"{self._name}: no answer within {timeout} s") from exc

    def close(self, cleanup: Coroutine[Any, Any, Any] | None = None, timeout: float = 5.0) -> None:
        """Run an optional last coroutine (closing HTTP clients), then stop the loop and its thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None:
            if cleanup is not None:
                cleanup.close()  # never started: nothing to clean, and no "never awaited" warning
            return
        if cleanup is not None:
            try:
                asyncio.run_coroutine_threadsafe(cleanup, loop).result(timeout)
            except Exception:  # closing must not fail the caller; the loop goes away regardless
                pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout)
        if not loop.is_running():
            loop.close()


def quiet_http_logs() -> None:
    """Keep request URLs out of the logs: httpx logs every request line at INFO, and those URLs carry the Telegram
    bot token (`/bot<token>/sendMessage`) and, for Google Translate, the report text itself (`?q=...`). An operator
    who set a level for the `httpx` logger on purpose keeps it."""
    httpx_logger = logging.getLogger("httpx")
    if httpx_logger.level == logging.NOTSET:
        httpx_logger.setLevel(logging.WARNING)
