# Two commands matter: `make run` (the helpline on its embedded default) and `make test`.
# Both set up everything they need: .venv from Python 3.10, pinned packages from requirements.lock, a trained model.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10: use python3.10 from PATH, else pyenv's, else say so.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info[:2]==(3,10)' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/helpline.tar.gz
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
# Rasa's anonymous usage telemetry is off for everything run from here (run, train, test, eval, bench).
export RASA_TELEMETRY_ENABLED := false

TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
	$(wildcard bot/nlu/*.py) bot/menu.py bot/language.py bot/gazetteer.py bot/phonetic.py bot/district_context.py \
	bot/data/districts.yml bot/data/ordinary_words.yml

.PHONY: help install run run-production system-packages shell domain train test lint validate pytest story-test eval bench \
	bench-load clean browser

help:
	@echo "make run     start the helpline (Rasa + actions, SQLite, localhost only)"
	@echo "make run-production   the production topology on this machine: nginx, 2 Rasa processes (PostgreSQL, Redis),"
	@echo "             the action server, 2 workers, under supervisord (README, Production)"
	@echo "make shell   chat with the running helpline"
	@echo "make test    ruff, mypy, import contracts, rasa data validate, pytest, rasa test"
	@echo "make domain  write domain.yml's responses from the reply catalogue (bot/data/replies)"
	@echo "make eval    intent F1 per language and intent, K-fold (EVAL_ARGS=\"--quick\" or \"--folds 5\"), district accuracy"
	@echo "make bench   per-message timings (medians), model memory, report delivery latency, messages/s, message 500 vs 5,"
	@echo "             console pages (p95)"
	@echo "make bench-load   stock rasa init bot vs the helpline (embedded, production) under 10 and 50 phones"

$(BIN)/python:
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6): install python3.10 and retry"; exit 1; }
	$(PYTHON310) -m venv $(VENV)

# Reinstalls only when the lock or the project metadata changed.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	@echo ">> Installing the pinned packages into .venv (first time: about 4 minutes; nothing is wrong if it is quiet)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

install: $(STAMP)

# domain.yml's responses are generated from the reply catalogue; `make domain` rewrites them whatever the file times.
domain.yml: $(wildcard bot/data/replies/*.yml) scripts/build_domain.py | $(STAMP)
	$(BIN)/python scripts/build_domain.py
	touch $@

domain: $(STAMP)
	$(BIN)/python scripts/build_domain.py

# Trains only when the model is missing or older than its inputs.
$(MODEL): $(TRAINING_INPUTS) | $(STAMP)
	@echo ">> Training the model (about 1 minute on 2 cores; started $$(date +%H:%M), done about $$(date -d '+1 min' +%H:%M))"
	$(BIN)/rasa train --fixed-model-name helpline --out models --quiet
	touch $@

train: $(MODEL)

run: $(MODEL)
	@mkdir -p var
	$(BIN)/python -m bot.devserver

# The production topology needs Debian's nginx and supervisor (and PostgreSQL + Redis, see README "Production").
# Installed only when missing (as root, or through sudo).
system-packages:
	@missing=""; command -v supervisord >/dev/null 2>&1 || missing="$$missing supervisor"; \
	  test -x /usr/sbin/nginx || command -v nginx >/dev/null 2>&1 || missing="$$missing nginx"; \
	  if [ -n "$$missing" ]; then \
	    echo ">> Installing$$missing (Debian packages)"; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	  fi

run-production: $(MODEL) system-packages
	@mkdir -p var
	$(BIN)/python -m bot.production

shell: $(STAMP)
	$(BIN)/python -m bot.chat

# ruff; mypy over bot/ ([tool.mypy]); the import contracts ([tool.importlinter]: layers, no cycles).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

validate: $(STAMP)
	$(BIN)/python scripts/validate.py

# The console's browser tests drive Debian's Chromium through its chromedriver (never a browser download), with the
# Noto fonts for Devanagari. Installed once when missing (as root, or with sudo); nothing happens when present.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! dpkg -s fonts-noto-core >/dev/null 2>&1; then \
	  echo ">> Installing chromium, chromium-driver and fonts-noto-core (console browser tests)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver fonts-noto-core; fi

# Two processes (pytest-xdist): the end-to-end modules mostly wait on their servers. A module stays in one process,
# so its servers start once.
pytest: $(MODEL) system-packages browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

story-test: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out var/results

test: lint validate pytest story-test

eval: $(STAMP)
	$(BIN)/python scripts/eval.py $(EVAL_ARGS)

bench: $(MODEL)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_delivery.py
	$(BIN)/python scripts/bench_followup.py
	$(BIN)/python scripts/bench_turns.py
	$(BIN)/python scripts/bench_history.py
	$(BIN)/python scripts/bench_console.py

# Builds a stock `rasa init` bot in a temporary folder (a few minutes: it trains), then about 8 minutes of load.
bench-load: $(MODEL) system-packages
	$(BIN)/python scripts/bench_load.py

clean:
	rm -rf models var/results .rasa
