# `make demo` and `make test` set up .venv/ (tools/setup_env.py) when something is missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test
setup:
	@$(PYTHON) tools/setup_env.py --venv $(VENV)

demo: setup
	@$(PY) tools/run_demo.py

test: setup
	@$(PY) -m pytest tests -q -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$status
