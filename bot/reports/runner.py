"""`helpline worker`: the delivery worker as a process (started by `make run`, or one per replica in production)."""

from __future__ import annotations

import logging
import signal
import threading

from bot.delivery.local import local_senders
from bot.delivery.senders import build_senders
from bot.reports.directory import directory_is_empty, import_directory, load_directory
from bot.reports.worker import DeliveryWorker
from bot.settings import get_settings
from bot.store.db import get_engine
from bot.translation import get_translator

logger = logging.getLogger(__name__)


def build_worker() -> DeliveryWorker:
    settings = get_settings()
    get_engine()  # the embedded SQLite default migrates itself here
    if settings.is_development and directory_is_empty():
        counts = import_directory(load_directory(settings.ngo_directory))
        logger.info("imported the sample NGO directory (%d fictitious NGOs)", counts["ngos"])
    senders = build_senders(settings)
    local = not senders and settings.is_development
    if local:
        logger.info("no Twilio/Telegram credentials: forwards are kept in the store (helpline reports show CODE)")
        senders = local_senders()  # type: ignore[assignment]
    return DeliveryWorker(senders, get_translator(), whatsapp_window=not local)


def run_worker(once: bool = False) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker = build_worker()
    if once:
        worker.run_once()
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    worker.run_forever(stop, get_settings().worker_poll_seconds)
    return 0
