# Two commands are all a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PACKAGES := bot conversations documents handlers locales messaging reminders storage

.PHONY: run test install clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ..."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ rm -rf $(VENV); echo "python venv is missing; on Debian/Ubuntu: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/sangkien db upgrade
	$(BIN)/sangkien demo-data --if-empty
	$(BIN)/sangkien run

# Compiled once here (half a second), so that none of the suite's many Python processes compiles the bot again
# where PYTHONDONTWRITEBYTECODE keeps each from writing what it compiled.
test: $(TEST_STAMP)
	@$(BIN)/python -m compileall -q -j 0 $(PACKAGES) tests >/dev/null
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# About fifteen minutes on two cores; writes bench/results.md and bench/results.json (see bench/README.md).
# The test extras: bench/broadcast.py reuses the tests' fake Bot API.
bench: $(TEST_STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
