"""Rasa's usage telemetry is off in every profile (issue 14): make run, the tests, production. Rasa's own default
is on, so each profile must switch it off, and a Rasa server started without the switch refuses to start."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.rasa_telemetry import VARIABLE, TelemetryNotOff, ensure_off

ROOT = Path(__file__).resolve().parent.parent


def test_rasas_own_default_is_on_so_the_switch_matters(tmp_path: Path) -> None:
    code = "import rasa.telemetry as t; t.initialize_telemetry(); print(t.is_telemetry_enabled())"
    env = {k: v for k, v in os.environ.items() if k != VARIABLE} | {"HOME": str(tmp_path)}
    on = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    off = subprocess.run([sys.executable, "-c", code], env=env | {VARIABLE: "false"}, capture_output=True,
                         text=True, timeout=120)
    assert (on.stdout.strip().splitlines()[-1], off.stdout.strip().splitlines()[-1]) == ("True", "False")


def test_make_run_and_every_make_target_switch_it_off() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^export RASA_TELEMETRY_ENABLED := false$", makefile, re.M)
    devserver = (ROOT / "bot" / "devserver.py").read_text()
    assert 'RASA_TELEMETRY_ENABLED="false"' in devserver  # make run's processes, also when run without make


def test_the_tests_switch_it_off_in_this_process_and_in_the_servers() -> None:
    assert os.environ[VARIABLE] == "false"
    assert 'RASA_TELEMETRY_ENABLED="false"' in (ROOT / "tests" / "servers.py").read_text()


@pytest.mark.parametrize("value", [None, "", "true", "True", "1", "no"])
def test_a_rasa_server_without_the_switch_refuses_to_start(value: str | None) -> None:
    environ = {} if value is None else {VARIABLE: value}
    with pytest.raises(TelemetryNotOff, match=VARIABLE):
        ensure_off(environ)
    ensure_off({VARIABLE: "false"})
    ensure_off({VARIABLE: " FALSE "})


@pytest.mark.parametrize("channel", ["bot.channels.rest.RestInput", "bot.channels.twilio.TwilioInput",
                                     "bot.channels.telegram.TelegramInput"])
def test_production_rasa_refuses_every_channel_without_the_switch(channel: str, tmp_path: Path) -> None:
    """What Rasa does when it loads credentials.yml: build each channel with from_credentials."""
    module, name = channel.rsplit(".", 1)
    code = f"import {module} as m; m.{name}.from_credentials({{}})"
    env = {k: v for k, v in os.environ.items() if k != VARIABLE} | {
        "HELPLINE_ENV": "production", "HELPLINE_VAR_DIR": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "TelemetryNotOff" in result.stderr
