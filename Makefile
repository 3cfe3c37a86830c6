# Two commands: `make run` serves the app with a demo study; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint format translations messages test-tools mutation bench bench-quick clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: pyproject.toml $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

translations: $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -d survey/translations

run: translations
	$(BIN)/survey init-db
	$(BIN)/survey demo
	@echo
	@echo "Open http://$(HOST):$(PORT)/ in a browser (Ctrl+C stops the server)."
	@echo "Sign in as admin@demo.example with the password printed when the demo study was created;"
	@echo "'$(BIN)/survey demo --reset' makes a new demo study, password and codes."
	$(BIN)/survey run --host $(HOST) --port $(PORT)

# Chromium for the browser tests; poppler (pdftoppm), PSPP and R that read what the app writes;
# espeak-ng, the local speech engine `survey instruments audio` records with, and LAME, which
# encodes its recordings as MP3.
test-tools: $(BIN)/.installed-test
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "Chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		$(BIN)/playwright install chromium; \
	fi
	@missing=""; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v pspp >/dev/null || missing="$$missing pspp"; \
	command -v Rscript >/dev/null || missing="$$missing r-base-core"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	command -v lame >/dev/null || missing="$$missing lame"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

lint: $(BIN)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

format: $(BIN)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint translations test-tools
	$(BIN)/pytest

# Mutation testing of the critical modules ([tool.mutmut] in pyproject.toml); not part of
# `make test` (it takes long on 2 cores). Results stay in mutants/ and a rerun continues;
# `$(BIN)/mutmut results` lists survivors, `$(BIN)/mutmut show NAME` shows one.
mutation: translations $(BIN)/.installed-test
	$(BIN)/pip install --quiet "mutmut>=3.8.1,<4"
	$(BIN)/mutmut run
	$(BIN)/python bench/mutation_report.py > bench/results/mutation-totals.md
	$(BIN)/python bench/mutation_survivors.py > bench/results/mutation-survivors.md
	cat bench/results/mutation-totals.md
	tail -n 1 bench/results/mutation-survivors.md

# Answers per second under gunicorn on SQLite and PostgreSQL (TEST_DATABASE_URL, else the
# local server), side by side with a bare upsert app; SQL statements and CPU per request.
# Not part of `make test`: timings need the machine to themselves. bench-quick: under 2 min.
bench: translations $(BIN)/.installed-test
	$(BIN)/python bench/respond_requests.py
	$(BIN)/python bench/load.py

bench-quick: translations $(BIN)/.installed-test
	$(BIN)/python bench/respond_requests.py
	$(BIN)/python bench/load.py --quick

messages: $(BIN)/.installed-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_text --no-location --sort-output --project survey \
		-o survey/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i survey/translations/messages.pot -d survey/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
