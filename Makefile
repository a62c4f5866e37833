# LeadDesk developer entry points. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
API_PORT ?= 3000
AWS_PORT ?= 5000

.PHONY: run test lint typecheck unit bench openapi clean

$(STAMP): pyproject.toml
	@echo "==> creating virtualenv in $(VENV) and installing LeadDesk with its dev tools (about a minute the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet --progress-bar off -e '.[dev]'
	@touch $(STAMP)

## run: start the local stack (moto on 127.0.0.1:$(AWS_PORT), API on 127.0.0.1:$(API_PORT)) in the foreground
run: $(STAMP)
	$(BIN)/leaddesk up --api-port $(API_PORT) --aws-port $(AWS_PORT)

## test: lint, type-check and run the whole suite (unit, integration, e2e, template)
test: lint typecheck
	@echo "==> pytest (unit, integration on moto, template checks, e2e on a local stack)"
	$(BIN)/python -m pytest -n 2 --durations=10

lint: $(STAMP)
	@echo "==> ruff"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	@echo "==> mypy"
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit -q

## bench: the benchmarks under bench/ (not part of make test)
bench: $(STAMP)
	$(BIN)/python -m bench

openapi: $(STAMP)
	$(BIN)/leaddesk openapi > docs/openapi.json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .leaddesk
