# Two commands: `make run` (the product, with demo data) and `make test` (the whole suite).
PYTHON ?= python3
PORT   ?= 8000
# pytest-xdist: one test process per core, at most four (each has its own test database).
PYTEST_ARGS ?= -n auto --maxprocesses=4
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint format worker bench-api clean

$(BIN)/python:
	@printf '==> Creating the virtual environment in $(VENV)\n'
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	@printf '==> Installing requirements.txt\n'
	@$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime  ## PORT=8123 make run: another port (default 8000)
	@PORT=$(PORT) scripts/run.sh

test: $(VENV)/.dev
	scripts/ensure_chromium.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: $(VENV)/.runtime
	$(BIN)/celery -A csplatform worker --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
