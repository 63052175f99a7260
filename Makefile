# `make run`: environment, embedded SQLite database with the demo network, server on 127.0.0.1:5000.
# `make test`: the whole suite (SQLite; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test bench venv translations messages system-deps-run system-deps-test clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

venv: $(BIN)/.installed

translations: venv
	@$(BIN)/pybabel compile -d tenant_app/translations >/dev/null 2>&1 || $(BIN)/pybabel compile -d tenant_app/translations

# After changing user-facing strings: refresh the catalog, then add the English in messages.po.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output \
		-o tenant_app/translations/messages.pot .
	$(BIN)/pybabel update -i tenant_app/translations/messages.pot -d tenant_app/translations --no-fuzzy-matching --width 120

system-deps-run:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

run: venv translations system-deps-run
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: venv translations system-deps-test
	$(BIN)/python -m pytest

# Figures, not pass/fail: see bench/README.md (DATABASE_URL=postgresql://... for PostgreSQL).
bench: venv translations
	@scripts/system-deps.sh bench
	$(BIN)/python -m bench.platform
	$(BIN)/python -m bench.ledger
	$(BIN)/python -m bench.ledger_import
	$(BIN)/python -m bench.ledger_export
	$(BIN)/python -m bench.scorecards
	$(BIN)/python -m bench.onboarding
	$(BIN)/python -m bench.callback_plan
	@if [ -n "$$DATABASE_URL" ]; then $(BIN)/python -m bench.load; fi

clean:
	rm -rf $(VENV) instance build *.egg-info
