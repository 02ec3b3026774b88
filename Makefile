# Two commands do all the set-up on a fresh machine:
#   make lab    create .venv if missing, install the course, start JupyterLab on 00-welcome
#   make test   create/update .venv, then ruff, unit tests, nbval, Binder check, browser tests
# Others: make notebooks (re-execute every notebook in place), make bench (benchmarks).

PYTHON ?= python3
# Test runs never record exercise attempts in the progress file of whoever runs them.
export K8SLAB_PROGRESS ?= off
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# JupyterLab refuses to run as root unless told; pass extra options with LAB_ARGS=...
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

.PHONY: lab test lint unit nbval binder browser notebooks bench chromium clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.lab-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lab]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[lab,test]'
	touch $@ $(VENV)/.lab-installed

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab $(ROOT_FLAG) $(LAB_ARGS) notebooks/00-welcome.ipynb

test: $(VENV)/.test-installed chromium lint unit nbval binder browser

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

unit: $(VENV)/.test-installed
	$(PY) -m pytest -q tests --ignore=tests/browser --ignore=tests/test_binder.py
	$(PY) -m pytest -q --doctest-modules k8slab

nbval: $(VENV)/.test-installed
	$(PY) -m pytest -q --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg

binder: $(VENV)/.test-installed
	$(PY) -m pytest -q tests/test_binder.py

browser: $(VENV)/.test-installed
	$(PY) -m pytest -q tests/browser

# Debian's Chromium for the browser tests (Playwright's own download cannot be used).
chromium:
	@tools/ensure-chromium

notebooks: $(VENV)/.test-installed
	$(PY) tools/run_notebooks.py notebooks/*.ipynb

bench: $(VENV)/.test-installed
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) artifacts *.egg-info
