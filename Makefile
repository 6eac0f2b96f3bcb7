# The two commands a newcomer needs: `make run` (the demo service) and `make test` (the whole suite).
# Both install what is missing and are quick the second time.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

# The test suite talks to real servers; override these to point elsewhere. When they do not answer, make test starts
# an embedded PostgreSQL and Redis for the run instead (pins/devservers.py, docs/adr/0011).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pins
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=
# The whole suite measures branch coverage and fails under pyproject.toml's [tool.coverage.report] fail_under; a run
# narrowed with PYTEST_ARGS (CI's engine pass among them) measures nothing, as its figure says nothing of the gate.
# Coverage's C tracer adds about 60% to the test process's CPU but a few percent to the wall time, which PostgreSQL
# round trips dominate; no contexts are recorded, as they would cost more and nothing reads them.
COVERAGE_ARGS = $(if $(strip $(PYTEST_ARGS)),,--cov --cov-report=term)
# The suite runs on both cores (pytest-xdist): most of a test's time is spent waiting on PostgreSQL, so two workers
# nearly halve the wall time. Each worker has its own test database and cache (tests/conftest.py).
PYTEST_WORKERS ?= 2

.PHONY: run test deps lint lock compose-check chromium clean bench

# The demo on the PostgreSQL at DATABASE_URL or, unset, on an embedded one whose data stays in .pgdata/ between runs
# and which stops with it. Celery runs tasks in the web process unless REDIS_URL is set.
# The periodic sweeps (reminders, digests, notices left unsent) run beside it on their schedules (demo_sweeps), and
# stop with it; e-mail is printed on the console.
DEMO = $(BIN)/python manage.py migrate --no-input -v 0 && $(BIN)/python manage.py demo_setup && \
	echo "Serving the PINS programme service on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)" && \
	{ $(BIN)/python manage.py demo_sweeps & } && \
	exec $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

run: deps
	@DEBUG=true MFA_REQUIRED=false $(BIN)/python -m pins.devservers --database "$$DATABASE_URL" --data .pgdata -- \
		sh -c '$(DEMO)'

test: deps chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The layers (pyproject.toml [tool.importlinter]): which package may import which.
	$(BIN)/lint-imports --no-logo
	@# A PostgreSQL address (it need not answer yet): the history triggers are written in PostgreSQL's quoting.
	@DEBUG=true DATABASE_URL=$(TEST_DATABASE_URL) PYTHONWARNINGS=ignore::RuntimeWarning \
		$(BIN)/python manage.py makemigrations --check --dry-run -v 1
	@$(MAKE) --no-print-directory compose-check
	SECRET_KEY=tests-only-not-secret MFA_ENCRYPTION_KEY=tests-only-not-secret HTTPS_ONLY=false \
		STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage WHITENOISE_USE_FINDERS=true \
		PINS_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pins.devservers --database $(TEST_DATABASE_URL) \
		--redis $(TEST_REDIS_URL) --fallback -- $(BIN)/pytest -n $(PYTEST_WORKERS) $(COVERAGE_ARGS) $(PYTEST_ARGS)

deps: $(VENV)/.installed node_modules/.installed static/build/pins.css
	@mkdir -p staticfiles  # whitenoise expects STATIC_ROOT to exist even when serving from the finders

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8

$(VENV)/.installed: requirements-dev.lock | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

static/build/pins.css: static/scss/*.scss node_modules/.installed
	npm run --silent build:css

# The load benchmark (bench/load.py, README "Benchmarks"): the pages people use most, served by gunicorn on the
# scale-10 demo, which it seeds into BENCH_DATABASE_URL (a database of its own) or reuses. It needs wrk.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pins_bench
bench: deps
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/load.py

# Browser tests drive Debian's chromium; install it when missing (the tests say loudly if they cannot run).
chromium:
	@test -x $(CHROMIUM) || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		( $$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || \
		  { $$SUDO apt-get update -qq >/dev/null 2>&1 && $$SUDO apt-get install -y -qq chromium >/dev/null 2>&1; } ) || \
		echo "WARNING: could not install chromium; browser tests will be skipped"; }

# docker-compose.yml is validated by docker-compose when it is installed (no engine is needed for `config`);
# tests/test_compose.py checks its shape either way.
compose-check:
	@if command -v docker-compose >/dev/null 2>&1; then \
		SECRET_KEY=compose-check MFA_ENCRYPTION_KEY=compose-check ALLOWED_HOSTS=localhost docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"; \
	else echo "docker-compose is not installed: docker-compose.yml is checked by tests/test_compose.py"; fi

# Regenerate the pinned dependency sets after editing pyproject.toml.
lock: $(BIN)/uv
	$(BIN)/uv pip compile --quiet pyproject.toml -p 3.11 -o requirements.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -p 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules static/build staticfiles .pgdata
