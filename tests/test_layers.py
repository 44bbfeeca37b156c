"""Only the application layer opens a transaction (issue 11, item 4): one unit of work per inbound message, action
call, command or job run, and the session is passed down. Below the application layer (bot.followup, bot.reports and
the core, as [tool.importlinter] in pyproject.toml names them), a module works in its caller's session."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each exception, with its reason. The count is exact: a new transaction below the application layer fails here.
ALLOWED = {
    # The definition itself.
    "bot/store/db.py": (1, "defines session_scope"),
    # Read, call the provider, write back with compare-and-set: a Twilio/Telegram send or a translation must not
    # run inside an open transaction, so these workers keep short sessions of their own around the slow call.
    "bot/reports/worker.py": (11, "delivery worker: short sessions around sends (read-call-write, compare-and-set)"),
    "bot/followup/worker.py": (6, "follow-up worker: short sessions around asking Rasa (read-call-write, CAS)"),
}


def _below_application() -> list[str]:
    """The modules and packages of every layer under the application layer, as dotted names."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r'type = "layers"\s*\nlayers = \[(.*?)\n\]', text, re.S)
    assert block, "the layers contract of [tool.importlinter] in pyproject.toml"
    layers = re.findall(r'"([^"]+)"', block.group(1))
    return [name.strip() for layer in layers[1:] for name in layer.split(":")]


def _files(dotted: str) -> list[Path]:
    path = ROOT / Path(*dotted.split("."))
    if path.is_dir():
        return sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
    return [path.with_suffix(".py")] if path.with_suffix(".py").exists() else []


def test_the_layers_are_read_from_pyproject() -> None:
    names = _below_application()
    assert {"bot.followup", "bot.reports", "bot.store", "bot.text"} <= set(names)
    assert "bot.channels" not in names and "bot.jobs" not in names


def test_only_the_application_layer_opens_a_transaction() -> None:
    opened: dict[str, int] = {}
    for dotted in _below_application():
        for path in _files(dotted):
            source = path.read_text(encoding="utf-8")
            count = len(re.findall(r"\bsession_scope\(", source))
            if count:
                opened[path.relative_to(ROOT).as_posix()] = count
    expected = {path: count for path, (count, _reason) in ALLOWED.items()}
    assert opened == expected, "a module below the application layer opens a transaction; take `session` instead"
