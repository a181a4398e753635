# Two commands set everything up on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
OS_PACKAGES := libvoikko1 voikko-fi tesseract-ocr tesseract-ocr-fin tesseract-ocr-swe
# What tests/test_deploy.py runs: Debian's nginx in front of gunicorn, openssl for its test
# certificate, systemd-analyze on the units; tests/test_browser.py runs headless Chromium.
TEST_OS_PACKAGES := nginx openssl systemd chromium chromium-driver

.PHONY: run test lint build os-packages test-os-packages translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,cluster]'
	touch $@

# Voikko and Tesseract are optional at run time (Snowball stems are the fallback; scanned
# pages are skipped with the reason) but wanted: install them as root, otherwise say exactly
# what to run.
os-packages:
	@if dpkg -s $(OS_PACKAGES) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing $(OS_PACKAGES) ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OS_PACKAGES) >/dev/null; \
	else \
		echo "Voikko or Tesseract is missing: without Voikko search uses Snowball alone,"; \
		echo "without Tesseract scanned PDF pages are not read. To install them run:"; \
		echo "  sudo apt-get install -y $(OS_PACKAGES)"; \
	fi

# Installing nginx starts it on port 80 with Debian's default site, unless a policy-rc.d says
# no: one is put in place for the install (and removed after) where the machine has none.
test-os-packages:
	@if dpkg -s $(TEST_OS_PACKAGES) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing $(TEST_OS_PACKAGES) for the deployment tests ..."; \
		policy=/usr/sbin/policy-rc.d; made=; \
		if [ ! -e $$policy ]; then \
			printf '#!/bin/sh\nexit 101\n' > $$policy && chmod 755 $$policy && made=1; \
		fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq $(TEST_OS_PACKAGES) >/dev/null; status=$$?; \
		if [ -n "$$made" ]; then rm -f $$policy; fi; \
		exit $$status; \
	else \
		echo "The deployment tests skip without $(TEST_OS_PACKAGES). To install them run:"; \
		echo "  sudo apt-get install -y $(TEST_OS_PACKAGES)"; \
	fi

build: os-packages $(VENV)/.installed
	$(BIN)/sotehaku build

# The server and the folder watcher beside it: a file dropped into seeds/ is found seconds
# later. Ctrl-C stops both.
run: os-packages $(VENV)/.installed
	@$(BIN)/sotehaku stats >/dev/null 2>&1 || $(BIN)/sotehaku build
	exec $(BIN)/sotehaku serve --watch --bind $(HOST):$(PORT) --workers $(WORKERS)

lint: $(VENV)/.installed
	$(BIN)/ruff check indexer webui tests bench deploy
	$(BIN)/ruff format --check indexer webui tests bench deploy

test: os-packages test-os-packages $(VENV)/.installed lint
	$(BIN)/pytest -q

# After changing a text a user sees: new texts go into the catalogues (translate them there,
# then run this again), and the compiled catalogues are rebuilt. tests/test_i18n.py fails on
# a text without a translation.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k Message -k QueryError -k FilterError -k BadParameter \
		-k SubscriptionError -k TooManyRequests \
		-k lazy_gettext --no-location --sort-output --omit-header \
		-o webui/translations/messages.pot .
	$(BIN)/pybabel update -i webui/translations/messages.pot -d webui/translations \
		--ignore-obsolete --no-fuzzy-matching --width 100 --ignore-pot-creation-date
	$(BIN)/pybabel compile -d webui/translations --statistics

clean:
	rm -rf $(VENV) index/*
