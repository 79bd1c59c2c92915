# textline: `make run` serves on 127.0.0.1:$(PORT); `make test` runs every test.
PORT ?= 5000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test bench install catalogs translations db clean

run: catalogs db
	@test -n "$$TWILIO_AUTH_TOKEN" || echo "WARNING: TWILIO_AUTH_TOKEN is not set, so /sms accepts UNSIGNED requests. Local trials only."
	$(BIN)/textline run --host 127.0.0.1 --port $(PORT)

test: catalogs
	$(BIN)/textline content check
	$(BIN)/pytest

bench: catalogs
	$(BIN)/python bench/core.py

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Compile every translations/<locale>/LC_MESSAGES/messages.po to .mo.
catalogs: install
	$(BIN)/pybabel compile --domain messages --directory translations --statistics

# After staff edit content/: re-extract the template and update every catalog
# (changed entries become fuzzy, so they fall back to English until reviewed).
translations: install
	$(BIN)/textline translations update

db: install
	$(BIN)/textline db upgrade

clean:
	rm -rf $(VENV) instance test-output
	find translations -name '*.mo' -delete
