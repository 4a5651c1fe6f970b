# Two commands do all the set-up on a fresh machine with only Python (3.11 to 3.13): `make demo` and `make test`.
# PYTHON picks the interpreter; VENV the environment built for it (CI: `make test PYTHON=python3.13 VENV=.venv-3.13`).
PYTHON ?= python3
VENV ?= .venv
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint bench messages clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

## Run the product with demo data: web server, a Celery worker and beat (Ctrl-C stops all).
demo: $(VENV)/.synced
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --print-logins
	$(PY) manage.py load_demo_year
	$(PY) manage.py load_demo_outcomes
	$(PY) manage.py setup_schedules
	$(PY) deploy/demo_foreground.py $(VENV)/bin/honcho -f Procfile.demo start

## Run the whole test suite (SQLite and the embedded broker unless DATABASE_URL / REDIS_URL say otherwise).
test: $(VENV)/.synced
	$(PY) -m pytest $(PYTEST_ARGS)

## Style and architecture: ruff, the import contracts (pyproject's [tool.importlinter]) and the import rules.
lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -p no:cacheprovider tests/test_architecture.py

## Regenerate the translation catalogue after changing strings (needs GNU gettext).
messages: $(VENV)/.synced
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=.venv-* --ignore=.tools --ignore=var
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=.venv-* --ignore=.tools

clean:
	rm -rf .venv .venv-* .tools var
