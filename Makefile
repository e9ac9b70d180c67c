# The targets a newcomer looks for: run, test, lint, bench.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
DEV_ENV := DEBUG=1

.PHONY: run test test-fast screenshots lighthouse node_modules lint format check messages bench backup restore two-servers stack clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The browser suite's tools (axe-core, the Nu HTML Checker), pinned by package-lock.json.
# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; the machine has one.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed for the browser tests' tools"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

node_modules: $(NODE_STAMP)

# Compiled translations, rebuilt by every run and test when a catalogue is newer than its
# .mo: git writes django.mo before django.po, so a fresh clone always starts that way.
# With gettext's msgfmt through Django; without it polib (a test dependency) compiles.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
$(MO_FILES): %.mo: %.po | $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(DEV_ENV) $(BIN)/python manage.py compilemessages -i .venv -i node_modules >/dev/null; \
	else \
		$(BIN)/python -c "import polib, sys; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])" $< $@; \
	fi
	@touch $@

run: $(STAMP) $(MO_FILES)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP) $(NODE_STAMP) $(MO_FILES)
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest

# Quick feedback while working: everything but the tests that start servers or processes
# of their own (slow) and the browser tests, on two workers, each with a test database of
# its own. The tests marked redis share Redis databases, so they go to one worker as one
# group, and tests are handed out in pytest-django's order (see tests/conftest.py).
test-fast: $(STAMP) $(MO_FILES)
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not slow and not browser" \
		-n 2 --dist loadgroup --no-loadscope-reorder

# Every page type, desktop and phone, both languages, into screenshots/ (git-ignored).
screenshots: $(STAMP) $(NODE_STAMP)
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -q tests/browser/test_screenshots.py

# Lighthouse 12 over every public page type, both languages, desktop and phone, against
# Debian's Chromium: a11y, best practices and SEO 100, performance >= 95, CLS < 0.05
# (scripts/lighthouse.py). Not part of `make test`: about fifteen minutes.
lighthouse: $(STAMP) $(NODE_STAMP) $(MO_FILES)
	$(BIN)/python scripts/lighthouse.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# lint-imports: the import contracts in pyproject.toml ([tool.importlinter]).
check: lint
	$(BIN)/lint-imports --no-cache
	$(DEV_ENV) $(BIN)/python manage.py check
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l az -l en --no-location --no-obsolete -i ".venv/*" -i "staticfiles/*"
	$(DEV_ENV) $(BIN)/python manage.py compilemessages -i .venv

# The benchmark: 100,000 articles in a database of its own, gunicorn + wrk, both without
# and with page caching; see README "Performance". Not run in CI.
BENCH_DB ?= portal_bench
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python bench/run.py --db $(BENCH_DB) $(BENCH_ARGS)

# The production stack on this machine (scripts/stack.py): nginx with a self-signed
# certificate on https://127.0.0.1:$(STACK_PORT) in front of gunicorn (and the Celery worker
# and beat), production settings, database portal_stack. Runs until Ctrl-C.
STACK_PORT ?= 8443
stack: $(STAMP) $(MO_FILES)
	STACK_PORT=$(STACK_PORT) $(BIN)/python scripts/stack.py

# Backups (README "Security and operations"): pg_dump of DATABASE_URL plus a tarball of
# MEDIA_ROOT into $(BACKUP_DIR)/<UTC time>/; restore one into an EMPTY database and folder.
BACKUP_DIR ?= backups
backup:
	scripts/backup.sh $(BACKUP_DIR)

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=$(BACKUP_DIR)/<folder>"; exit 2; }
	scripts/restore.sh $(BACKUP)

# Two gunicorn servers on one PostgreSQL and one Redis: publish on one, read on the other,
# count concurrent views over both (ports 8200-8201, Redis database 8).
two-servers: $(STAMP)
	$(BIN)/python scripts/two_servers.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules screenshots
