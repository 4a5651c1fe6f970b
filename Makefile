# Two commands do all the set-up on a fresh machine with only Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: demo test lint bench messages clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

## Run the product with demo data: web server, a Celery worker and beat (Ctrl-C stops all).
demo: .venv/.synced
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --print-logins
	$(PY) manage.py load_demo_outcomes
	$(PY) manage.py setup_schedules
	.venv/bin/honcho -f Procfile.demo start

## Run the whole test suite (SQLite and the embedded broker unless DATABASE_URL / REDIS_URL say otherwise).
test: .venv/.synced
	$(PY) -m pytest $(PYTEST_ARGS)

## Style and architecture: ruff, the import contracts (pyproject's [tool.importlinter]) and the import rules.
lint: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	$(PY) -m pytest -q -p no:cacheprovider tests/test_architecture.py

## Regenerate the translation catalogue after changing strings (needs GNU gettext).
messages: .venv/.synced
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=.tools --ignore=var
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=.tools

clean:
	rm -rf .venv .tools var
