"""Machine translation of report text for the NGO that receives it.

A family in Sitamarhi writes in Bhojpuri; the NGO in Jaipur reads Hindi or English. The forward carries the original
and, when we can get one in time, a translation marked as machine-made. Translation is a convenience, never a
dependency: every failure or timeout is `None`, and after a failure we stop asking for a minute (a helpline without
internet must not wait on Google for every forward). Translations are cached in memory only: report text, in any
language, is never written to disk outside the encrypted store.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import httpx
from googletrans import LANGUAGES as GOOGLE_LANGUAGES
from googletrans import Translator as GoogletransTranslator
from googletrans.constants import DEFAULT_USER_AGENT

from bot.delivery.loop import BackgroundLoop, quiet_http_logs
from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Our language codes (bot/language.py) as Google knows them. Google has no code for Hindi in Latin letters: it reads
# romanised Hindi as source "hi", and as a target gives Devanagari, which is what an NGO reading Hindi expects.
GOOGLE_CODES = {"en": "en", "hi": "hi", "hi-Latn": "hi", "bho": "bho", "mai": "mai", "ur": "ur"}
BREAKER_SECONDS = 60.0


@dataclass(frozen=True)
class Translation:
    text: str
    source: str  # detected or given language code
    target: str  # the language of `text` (Google's code: "hi" when "hi-Latn" was asked for)
    machine: bool = True


class Translator(Protocol):
    def translate(self, text: str, target: str, source: str | None = None) -> Translation | None:
        """None when it failed, timed out, or no translation is needed; never raises."""
        ...


class NoTranslator:
    """HELPLINE_TRANSLATOR=off: forwards carry the original text only."""

    def translate(self, text: str, target: str, source: str | None = None) -> Translation | None:
        return None


def google_code(code: str) -> str | None:
    """Google's code for one of ours, or for any code googletrans knows; None for a language it does not have."""
    if code in GOOGLE_CODES:
        return GOOGLE_CODES[code]
    base = code.split("-")[0].lower()
    return base if base in GOOGLE_LANGUAGES else None


class _ServiceUrlTransport(httpx.AsyncBaseTransport):
    """Sends googletrans's requests to `service_url` instead of Google.

    googletrans 4.0.2 hard-codes the scheme: it requests `https://{host}/translate_a/single` (urls.TRANSLATE), so
    its `service_urls` argument can change the host but never reach a plain-http server such as the tests' fake
    or a proxy inside a private network. Its `proxy` argument does not help either (httpx tunnels https through a
    proxy with CONNECT). What it does offer is its httpx client, the public `Translator.client` attribute used for
    every request; httpx's documented extension point for "send this request elsewhere" is a transport. So the
    client is replaced with one whose transport rewrites scheme, host, port and path prefix, keeping googletrans's
    own path and query parameters.
    """

    def __init__(self, service_url: str) -> None:
        self._base = httpx.URL(service_url if "://" in service_url else f"https://{service_url}")
        # Certificates are checked for https; for plain http, skip loading the CA bundle (a tenth of a second).
        self._inner = httpx.AsyncHTTPTransport(verify=self._base.scheme == "https")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._base.scheme,
            host=self._base.host,
            port=self._base.port,
            path=self._base.path.rstrip("/") + request.url.path,
        )
        request.headers["Host"] = self._base.netloc.decode("ascii")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class GoogleTranslator:
    """googletrans 4.0.2 (async since 4.0) driven from synchronous code on a private event loop, with a hard
    timeout, an in-memory LRU cache and a circuit breaker."""

    def __init__(
        self,
        service_url: str | None = None,
        timeout: float = 3.0,
        cache_size: int = 512,
        breaker_seconds: float = BREAKER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._service_url = service_url
        self._timeout = float(timeout)
        self._cache_size = cache_size
        self._breaker_seconds = breaker_seconds
        self._clock = clock
        self._cache: OrderedDict[str, Translation | None] = OrderedDict()
        self._lock = threading.Lock()
        self._open_until = float("-inf")
        self._loop = BackgroundLoop("google-translate")
        self._client: GoogletransTranslator | None = None  # built on the loop at first use
        quiet_http_logs()

    def translate(self, text: str, target: str, source: str | None = None) -> Translation | None:
        if not text or not text.strip():
            return None
        tl = google_code(target)
        known_source = google_code(source) if source else None
        sl = known_source or "auto"  # a code Google lacks: let it detect the language
        if tl is None or sl == tl:
            return None
        key = hashlib.sha256(f"{source or 'auto'}\0{tl}\0{text}".encode()).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            if self._clock() < self._open_until:
                return None  # failed recently: do not make the forward wait again
        try:
            # httpx's timeout bounds each connect and read; wait_for bounds the whole call, however slowly the
            # bytes trickle in. The loop's own bound is only a backstop.
            call = asyncio.wait_for(self._request(text, tl, sl), self._timeout)
            result = self._loop.run(call, timeout=self._timeout + 1)
            translated = str(result.text or "")
            detected = str(result.src or "")
            if not translated.strip():
                raise ValueError("empty translation")
        except Exception as exc:  # network, timeout, HTTP status, an unexpected answer: all mean "no translation"
            self._trip(exc)
            return None
        if known_source is None and google_code(detected) == tl:
            translation = None  # already in the target language
        else:
            origin = (source or detected) if known_source else detected
            translation = Translation(text=translated, source=origin, target=tl)
        with self._lock:
            self._open_until = float("-inf")
            self._cache[key] = translation
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return translation

    def _trip(self, exc: Exception) -> None:
        with self._lock:
            self._open_until = self._clock() + self._breaker_seconds
        # The exception's text may quote the request URL, which carries the report text: log its class only.
        logger.warning("machine translation failed (%s); not trying again for %.0f s", type(exc).__name__,
                       self._breaker_seconds)

    async def _request(self, text: str, tl: str, sl: str) -> Any:
        client = await self._ready_client()
        return await client.translate(text, dest=tl, src=sl)

    async def _ready_client(self) -> GoogletransTranslator:
        if self._client is None:
            # raise_exception=True: by default googletrans answers a non-200 with the untranslated text as if it
            # were a translation (its DUMMY_DATA), which would be forwarded as "machine translation".
            client = GoogletransTranslator(raise_exception=True, timeout=httpx.Timeout(self._timeout))
            if self._service_url:
                default_client = client.client
                client.client = httpx.AsyncClient(
                    transport=_ServiceUrlTransport(self._service_url),
                    headers={"User-Agent": DEFAULT_USER_AGENT},
                    timeout=httpx.Timeout(self._timeout),
                    trust_env=False,  # an explicit service URL is where requests go, whatever *_PROXY says
                )
                client.token_acquirer.client = client.client
                self._client = client
                await default_client.aclose()  # never used; it has no connections to close, only a pool
            self._client = client
        return self._client

    def close(self) -> None:
        async def shutdown() -> None:
            client, self._client = self._client, None  # a later translate() builds a fresh one
            if client is not None:
                await client.client.aclose()

        self._loop.close(cleanup=shutdown())


@lru_cache(maxsize=1)
def get_translator() -> Translator:
    """The process's translator, from settings (HELPLINE_TRANSLATOR, HELPLINE_TRANSLATE_SERVICE_URL,
    HELPLINE_TRANSLATE_TIMEOUT_SECONDS). Cached so the cache and circuit breaker are shared by every caller."""
    settings = get_settings()
    if settings.translator == "off":
        return NoTranslator()
    return GoogleTranslator(service_url=settings.translate_service_url, timeout=settings.translate_timeout_seconds)
