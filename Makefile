# LeadDesk developer entry points. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
API_PORT ?= 3000
AWS_PORT ?= 5000

# The web workspace (web/): installed when package-lock.json changes, built when its sources do.
WEB_INSTALLED := web/node_modules/.installed
WEB_BUILT := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

# checkov (template security) in its own virtualenv: it pins boto3/botocore/packaging versions.
CHECKOV := $(VENV)/checkov/bin/checkov
CHECKOV_STAMP := $(VENV)/checkov/.installed

.PHONY: run test lint typecheck unit bench openapi events-schema country-names clean web web-check fuzz reliability iam-calls

$(STAMP): pyproject.toml
	@echo "==> creating virtualenv in $(VENV) and installing LeadDesk with its dev tools (about a minute the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet --progress-bar off -e '.[dev]'
	@touch $(STAMP)

$(CHECKOV_STAMP): tests/template/scanners.txt $(STAMP)
	@echo "==> installing checkov into $(VENV)/checkov (its own virtualenv; a minute the first time)"
	@test -x $(VENV)/checkov/bin/python || $(PYTHON) -m venv $(VENV)/checkov
	@$(VENV)/checkov/bin/python -m pip install --quiet --progress-bar off -r tests/template/scanners.txt
	@touch $@

$(WEB_INSTALLED): web/package-lock.json
	@echo "==> installing the web workspace's packages (npm ci; a minute the first time)"
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_BUILT): $(WEB_INSTALLED) $(WEB_SOURCES)
	@echo "==> building the web workspace (type check + vite build)"
	@cd web && npm run --silent build

## web: build the web workspace (web/dist), served by the local stack at /app/
web: $(WEB_BUILT)

web-check: $(WEB_INSTALLED)
	@echo "==> web: API types against docs/openapi.json, lint (eslint: import boundaries, hooks), unit and component tests (vitest)"
	@cd web && npm run --silent api-types:check && npm run --silent lint && npm run --silent test

## run: start the local stack (moto on 127.0.0.1:$(AWS_PORT), API and web app on 127.0.0.1:$(API_PORT)) in the foreground
run: $(STAMP) $(WEB_BUILT)
	$(BIN)/leaddesk up --api-port $(API_PORT) --aws-port $(AWS_PORT)

## test: lint, type-check and run the whole suite (unit, integration, e2e, template, web, browser)
test: lint typecheck web-check $(WEB_BUILT) $(CHECKOV_STAMP)
	@echo "==> pytest (unit, integration on moto, template checks, e2e and browser tests on a local stack)"
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

## fuzz: schemathesis with every check, hundreds of examples per operation, against a local stack
fuzz: $(STAMP)
	LEADDESK_FUZZ_EXAMPLES=$${LEADDESK_FUZZ_EXAMPLES:-300} $(BIN)/python -m pytest tests/e2e/test_fuzz.py -s

## reliability: the fault-injection suite's full profile (2,000 events, 500 API actions); prints its figures
reliability: $(STAMP)
	LEADDESK_RELIABILITY=full $(BIN)/python -m pytest tests/reliability/test_faults.py -s

## bench: the benchmarks under bench/ (not part of make test)
bench: $(STAMP)
	$(BIN)/python -m bench

openapi: $(STAMP)
	$(BIN)/leaddesk openapi > docs/openapi.json
	cp docs/openapi.json functions/leads_api/openapi.json  # the copy GET /openapi.json serves

## events-schema: the JSON Schema of every event LeadDesk publishes, into docs/events/
events-schema: $(STAMP)
	$(BIN)/leaddesk events-schema --out docs/events

## country-names: rebuild the country names ingest maps to codes (from CLDR via Babel, and pycountry) and the ISO codes LeadDesk checks (pycountry)
country-names: $(STAMP)
	$(BIN)/python -c 'from leaddesk_local.country_names import write; write()'

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .leaddesk .artifacts web/node_modules web/dist

## iam-calls: record anew which AWS calls each function makes (tests/template/iam_calls.json), from the integration tests
iam-calls: $(STAMP)
	@rm -rf .iam-calls
	LEADDESK_IAM_RECORD=.iam-calls $(BIN)/python -m pytest tests/integration -n 2 -q
	$(BIN)/python -m tests.helpers.iam .iam-calls
	@rm -rf .iam-calls
