# The two commands: `make run` (demo API on SQLite, tasks in-process) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mookh
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
# Tests run Celery tasks in-process unless a test starts a real worker on its own queue.
TEST_ENV = DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	CELERY_TASK_ALWAYS_EAGER=1 CELERY_TASK_DEFAULT_QUEUE=mookh-test-$$$$ SECRET_KEY=test-secret-key-long-enough-for-hs256-signing \
	PASSWORD_HASHERS=django.contrib.auth.hashers.MD5PasswordHasher DEBUG=0 LOG_LEVEL=WARNING \
	CACHE_URL=locmemcache://
WEB_CONCURRENCY ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
# `make bench` runs every benchmark; BENCH="voucherify_export checkin" only those.
BENCH ?=

.PHONY: install install-dev run serve test fuzz worker beat bench bench-ab soak demo migrate check-services

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Runtime packages (run, serve, worker, beat; the Docker image installs the same file).
$(BIN)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Runtime and test packages (test, bench): redone when either file changes.
$(BIN)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

install-dev: $(BIN)/.installed-dev

migrate: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py demo_data

run: demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py collectstatic --noinput -v0
	PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-/tmp/mookh-prometheus-$(PORT)} \
		$(BIN)/gunicorn mookh.wsgi:application --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY)

worker: install
	$(BIN)/celery -A mookh worker --loglevel=INFO

beat: install
	$(BIN)/celery -A mookh beat --loglevel=INFO

check-services: install-dev
	$(TEST_ENV) $(BIN)/python tests/services_check.py

test: check-services
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# Only the schema fuzzing of `make test`, with more cases per operation (FUZZ_EXAMPLES).
FUZZ_EXAMPLES ?= 50
fuzz: check-services
	$(TEST_ENV) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/fuzz $(PYTEST_ARGS)

bench: check-services
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null 2>&1; } || \
		echo "wrk is not installed (Debian package wrk): the HTTP load benchmarks fall back or skip."
	$(TEST_ENV) $(BIN)/python -m benchmarks $(BENCH)

# The flash sale, this tree against BASE (a revision), side by side: AB_ROUNDS rounds of all scenarios.
bench-ab: check-services
	@test -n "$(BASE)" || { echo "usage: make bench-ab BASE=<revision>"; exit 2; }
	$(TEST_ENV) $(BIN)/python -m benchmarks.flash_sale_ab $(BASE)

# Ten minutes (SOAK_SECONDS) of mixed traffic on gunicorn, a worker and beat; fails when anything was lost.
soak: check-services
	$(TEST_ENV) $(BIN)/python -m benchmarks.soak
