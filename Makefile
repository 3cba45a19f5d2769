# ErrorKB chores. `make serve` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 4
MANAGE := $(BIN)/python manage.py
STAMPS := .stamps

.PHONY: serve test test-sqlite test-postgres setup engine browser postgres bench soak lint migrations-check clean

# The venv is rebuilt only when a requirements file changes.
$(STAMPS)/venv: requirements.txt requirements-dev.txt
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# The diagnosis engine compiled by mypyc into .build/engine (errorkb/diagnosis/compiled.py).
# Where this machine cannot compile, the engine runs as plain Python and this says why; a
# type error mypyc refuses stops here. Every module the build is made from, and compiled.py,
# which decides what is compiled and how a build is recognised (__init__.py only chooses).
ENGINE_SOURCES := $(filter-out %/__init__.py,$(wildcard errorkb/diagnosis/*.py))
$(STAMPS)/engine: $(STAMPS)/venv $(ENGINE_SOURCES) pyproject.toml scripts/build_engine.py
	$(BIN)/python scripts/build_engine.py
	@touch $@

engine: $(STAMPS)/engine

# Migrate, load the catalogue (never overwriting curated rows), collect static files.
setup: $(STAMPS)/venv $(STAMPS)/engine
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) sync_catalogue
	$(MANAGE) collectstatic --no-input -v 0

# The access log leaves out query strings (a pasted secret can ride in one) and
# carries the request id each response is stamped with.
serve: setup
	$(BIN)/gunicorn errorkb.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - --error-logfile - \
		--access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'

# Debian's Chromium for the browser tests (a fresh machine has no browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "WARNING: chromium could not be installed; browser tests will be skipped"; }

# A throwaway PostgreSQL server for the suite (see scripts/postgres.sh).
postgres:
	@bash scripts/postgres.sh start

test: setup browser
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# The suite runs the engine as served (compiled, where it could be); its own tests run
# once more as plain Python, the fallback, so both stay right (where nothing was
# compiled, the first run was plain Python already).
test-sqlite: $(STAMPS)/venv $(STAMPS)/engine
	$(MANAGE) makemigrations --check --dry-run -v 0
	$(BIN)/pytest -n 2 -q
	@if $(BIN)/python -c "import sys; from errorkb.diagnosis import COMPILED; sys.exit(not COMPILED)"; then \
		echo "ERRORKB_PURE_ENGINE=1 $(BIN)/pytest -n 2 -q tests/diagnosis"; \
		ERRORKB_PURE_ENGINE=1 $(BIN)/pytest -n 2 -q tests/diagnosis; \
	else echo "(no compiled engine: its tests ran as plain Python above)"; fi

test-postgres: $(STAMPS)/venv $(STAMPS)/engine
	@if bash scripts/postgres.sh start; then \
		DATABASE_URL="$$(bash scripts/postgres.sh url)" DJANGO_SECRET_KEY=test-only $(BIN)/pytest -n 2 -q -m "not browser"; \
	else echo "SKIPPED: the PostgreSQL run (PostgreSQL could not be installed or started here)"; fi

# Engine and HTTP benchmarks (ratios against a bare Django app measured in the same run), then the soak.
bench: setup
	ERRORKB_RATE_LIMITS=off $(BIN)/python bench/run.py
	ERRORKB_RATE_LIMITS=off $(BIN)/python bench/soak.py

soak: setup
	ERRORKB_RATE_LIMITS=off $(BIN)/python bench/soak.py

lint: $(STAMPS)/venv
	$(BIN)/ruff check errorkb tests bench scripts

migrations-check: $(STAMPS)/venv
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) $(STAMPS) staticfiles .build
