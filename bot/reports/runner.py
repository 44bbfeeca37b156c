"""`helpline worker`: the delivery worker as a process (started by `make run`, or one per replica in production).

The same process runs the follow-up worker (bot.followup.worker) in a second thread: it fires due check-ins through
the Rasa server's HTTP API, every HELPLINE_FOLLOWUP_POLL_SECONDS. Both claim their rows with leases, so any number
of these processes may run.
"""

from __future__ import annotations

import logging
import signal
import threading

import requests

from bot.delivery.local import local_senders
from bot.delivery.senders import build_senders
from bot.followup.starter import RasaStarter
from bot.followup.worker import FollowupWorker
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


def build_followup_worker() -> FollowupWorker:
    return FollowupWorker(RasaStarter())


def wait_for_rasa(stop: threading.Event, url: str, pause: float = 2.0) -> bool:
    """Wait until the Rasa server answers (it opens its port once the model is loaded). A check-in tried before
    that would only be put back for later; `make run` starts this worker and Rasa together."""
    waiting_logged = False
    while not stop.is_set():
        try:
            requests.get(url, timeout=5)
            return True
        except requests.RequestException:
            if not waiting_logged:
                logger.info("follow-up worker waiting for the Rasa server")
                waiting_logged = True
            stop.wait(pause)
    return False


def _run_followup(stop: threading.Event, worker: FollowupWorker, poll_seconds: float) -> None:
    if wait_for_rasa(stop, getattr(worker.starter, "base_url", get_settings().rasa_url)):
        worker.run_forever(stop, poll_seconds)


def run_worker(once: bool = False) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker = build_worker()
    followup = build_followup_worker()
    if once:
        worker.run_once()
        followup.run_once()
        return 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    settings = get_settings()
    thread = threading.Thread(target=_run_followup, args=(stop, followup, settings.followup_poll_seconds),
                              name="followup-worker", daemon=True)
    thread.start()
    worker.run_forever(stop, settings.worker_poll_seconds)
    thread.join(timeout=10)
    return 0
