# ActivePortal: `make run` starts the portal, `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: help install run test lint format worker beat bench synthetic demo-code backup restore clean

help:
	@echo "make run     install, migrate, load the demo and serve on http://$(HOST)"
	@echo "make test    run the whole test suite"
	@echo "make lint    ruff check, ruff format --check and lint-imports (the layers)"
	@echo "make worker  a Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat    Celery beat (needs CELERY_BROKER_URL)"
	@echo "make bench   load test with locust against gunicorn, a ramp of 50 to 400 users"
	@echo "             (needs DATABASE_URL: PostgreSQL; BENCH_RAMP, BENCH_DURATION a step)"
	@echo "make synthetic REFERRALS=1000000 SEED=1  append synthetic data for load tests"
	@echo "make demo-code  the demo users' two-factor code (DEBUG only)"
	@echo "make backup  pg_dump the DATABASE_URL database to backups/ (or BACKUP=file)"
	@echo "make restore BACKUP=file  restore it into DATABASE_URL (CONFIRM=yes to replace tables)"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A activeportal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A activeportal beat --loglevel=INFO

bench: install
	benchmarks/run.sh

REFERRALS ?= 100000
SEED ?= 1

synthetic: install
	$(PY) manage.py generate_synthetic --referrals $(REFERRALS) --seed $(SEED)

backup: install
	$(PY) manage.py backup $(if $(BACKUP),--to $(BACKUP))

restore: install
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=backups/….dump"; exit 2; }
	$(PY) manage.py restore $(BACKUP) $(if $(filter yes,$(CONFIRM)),--yes)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

demo-code: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py demo_code
