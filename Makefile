# ikz: IKZ case-study notebook suite. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DISTRICT ?= harz

.DEFAULT_GOAL := help
.PHONY: help report reports test lint format lab notebooks benchmark fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

report: $(STAMP) ## set up, then build the report of DISTRICT (default harz) into reports/
	$(BIN)/ikz report --district $(DISTRICT)

reports: $(STAMP) ## set up, then build the reports of every configured district
	$(BIN)/ikz batch --curated

test: $(STAMP) ## set up, then lint and run the whole test suite incl. nbval
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff lint and format check (code and notebooks)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lab: $(STAMP) ## JupyterLab with the project kernel "ikz" registered
	$(BIN)/python -m ipykernel install --user --name ikz --display-name "Python (ikz)"
	cd notebooks && ../$(BIN)/jupyter lab

notebooks: $(STAMP) ## re-execute the committed notebooks in place, images dropped (nbval baselines)
	$(BIN)/python -m ikzlib.notebooks $(NB)

benchmark: $(STAMP) ## time the report, batch and models against the targets (QUICK=1: one run each)
	$(BIN)/python benchmarks/run_benchmarks.py $(if $(QUICK),--quick)

fuzz: $(STAMP) ## fuzz every loader with 10,000 mutated inputs each (N=..., LOADER=... for a slice)
	$(BIN)/python -m ikzlib.fuzz --n $(or $(N),10000) $(if $(LOADER),--loader $(LOADER))

clean: ## remove the virtualenv and all generated outputs
	rm -rf $(VENV) reports data/processed/* figures/* .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	touch data/processed/.gitkeep figures/.gitkeep
