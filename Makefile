# Two commands set everything up on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
OS_PACKAGES := libvoikko1 voikko-fi tesseract-ocr tesseract-ocr-fin tesseract-ocr-swe

.PHONY: run test lint build os-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
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

build: os-packages $(VENV)/.installed
	$(BIN)/python -m indexer build

run: os-packages $(VENV)/.installed
	@$(BIN)/python -m indexer stats >/dev/null 2>&1 || $(BIN)/python -m indexer build
	$(BIN)/gunicorn --config python:webui.gunicorn_conf --workers $(WORKERS) --bind $(HOST):$(PORT) \
		'webui:create_app()'

lint: $(VENV)/.installed
	$(BIN)/ruff check indexer webui tests
	$(BIN)/ruff format --check indexer webui tests

test: os-packages $(VENV)/.installed lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) index/*
