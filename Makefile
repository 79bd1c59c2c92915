# textline: `make run` serves on 127.0.0.1:$(PORT); `make test` runs every test.
PORT ?= 5000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint bench install compile catalogs translations db clean chromium wrk gettext

run: catalogs compile db
	@test -n "$$TWILIO_AUTH_TOKEN" || echo "WARNING: TWILIO_AUTH_TOKEN is not set, so /sms accepts UNSIGNED requests. Local trials only."
	$(BIN)/textline run --host 127.0.0.1 --port $(PORT)

test: catalogs compile chromium gettext lint
	$(BIN)/textline content check
	$(BIN)/pytest -n auto

# As the Pallets projects do: ruff (lint and format), mypy on service/; the
# import layers are checked by tests/test_layout.py.
lint: install
	$(BIN)/ruff check service tests bench gunicorn.conf.py wsgi.py
	$(BIN)/ruff format --check service tests bench gunicorn.conf.py wsgi.py
	$(BIN)/mypy

# GNU gettext's msgfmt: `content check` parses catalogs as strictly as it does.
gettext:
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y gettext; }

# The core path in microseconds per message, then the webhook under gunicorn
# against a bare Flask baseline with wrk (Debian's package, installed if missing).
bench: catalogs compile wrk
	$(BIN)/python bench/core.py
	$(BIN)/python bench/webhook.py

wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The crisis check's modules compiled by mypyc: the same source, run as C, in half the time (issue 11's 30 µs).
# Python imports each build in place of its source; one older than its source is never used (service/core/
# compiled.py reads the source instead, with a warning). Touched: newer than its source even where setuptools kept
# an unchanged build with its old date. Outside CI a failed build only warns: that module runs from source.
EXT := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
COMPILED := $(foreach module,telex crisis backstop,service/core/$(module)$(EXT))  # as compiled.MODULES

compile: $(COMPILED)

service/core/%$(EXT): service/core/%.py $(INSTALLED)
	@mkdir -p build && echo "mypyc $< (log: build/mypyc-$*.log)"
	@{ $(BIN)/mypyc $< > build/mypyc-$*.log 2>&1 && touch $@; } \
		|| { test "$$CI" != true && echo "WARNING: could not compile $< (build/mypyc-$*.log): it runs from source."; }

# Compile every translations/<locale>/LC_MESSAGES/messages.po to .mo.
catalogs: install
	$(BIN)/pybabel compile --domain messages --directory translations --statistics

# After staff edit content/: re-extract the template and update every catalog
# (changed entries become fuzzy, so they fall back to English until reviewed).
translations: install
	$(BIN)/textline translations update

# The browser tests drive Debian's Chromium (Playwright's own download is not
# reachable). Outside CI a failed install only warns: those tests then skip.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell test "$$(id -u)" -eq 0 || echo sudo)

chromium:
	@test -x $(CHROMIUM) \
		|| { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } \
		|| { test "$$CI" != true && echo "WARNING: could not install $(CHROMIUM); the browser tests will be skipped."; }

# The local SQLite file unless DATABASE_URL says otherwise (--sqlite: even with a TWILIO_AUTH_TOKEN set).
db: install
	$(BIN)/textline db upgrade $$(test -n "$$DATABASE_URL" || echo --sqlite)

clean:
	rm -rf $(VENV) instance test-output build
	rm -f service/core/*.so
	find translations -name '*.mo' -delete
