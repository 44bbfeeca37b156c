"""`helpline worker`: the job registry (bot.jobs.registry) as a process (started by `make run`, or one per replica
in production).

The report jobs (routing, escalations, draft expiry, pruning, deliveries) run in one thread, every
HELPLINE_WORKER_POLL_SECONDS (pruning hourly); the follow-up jobs (check-ins, reminders), which start conversations
through the Rasa server's HTTP API, in a second thread every HELPLINE_FOLLOWUP_POLL_SECONDS, once Rasa answers.
Deliveries and check-ins claim their rows with leases (bot.store.lease), so any number of these processes may run.
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
from bot.jobs.registry import JobContext, registry
from bot.jobs.runner import Runner
from bot.reports.directory import directory_is_empty, import_directory, load_directory
from bot.reports.worker import DeliveryWorker
from bot.settings import get_settings
from bot.store.db import get_engine, session_scope
from bot.translation import get_translator

logger = logging.getLogger(__name__)


def build_worker() -> DeliveryWorker:
    settings = get_settings()
    get_engine()  # the embedded SQLite default migrates itself here
    with session_scope() as session:
        counts = (import_directory(session, load_directory(settings.ngo_directory))
                  if settings.is_development and directory_is_empty(session) else None)
    if counts is not None:
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


def run_worker(once: bool = False) -> int:
    """Run the registry until SIGINT/SIGTERM; `once`: every job once, in order (exit status 1 if one failed)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    followup = build_followup_worker()
    runner = Runner(registry(), JobContext(deliveries=build_worker(), followup=followup))
    if once:
        return 1 if None in runner.run_all().values() else 0
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    rasa_url = getattr(followup.starter, "base_url", get_settings().rasa_url)
    runner.run_forever(stop, ready={"followup": lambda event: wait_for_rasa(event, rasa_url)})
    return 0
