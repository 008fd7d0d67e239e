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

# Pure-Python wheels of what a GPU machine with PyTorch, timm, numpy, OpenCV and matplotlib but
# no internet lacks to run the pretraining benchmark (docs/benchmarks.md): the OpenMMLab stack
# with mmcv-lite (mmcv without compiled ops, which pretraining does not use) and their small
# dependencies. Install there with: pip install --no-index --no-deps --target DIR $(WHEELS)/*.whl
WHEELS ?= .whl
OFFLINE_WHEELS := mmengine==0.10.7 mmcv-lite==2.1.0 mmpretrain==1.2.0 addict yapf platformdirs \
	termcolor mat4py model-index ordered-set importlib-metadata lazy-importer ftfy wcwidth
.PHONY: offline-wheels
offline-wheels:
	@$(PYTHON) -m pip download --quiet --no-deps --only-binary=:all: --dest $(WHEELS) $(OFFLINE_WHEELS)
	@ls $(WHEELS)
