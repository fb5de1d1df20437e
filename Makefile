# UN Security Council documents to Parquet tables. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RAW ?= raw
PROCESSED ?= processed
WORKERS ?= $(shell nproc 2>/dev/null || echo 1)
ENGINE ?= pdfium
NER ?= model
# byte-compile the package as pip does for a regular install (an editable one is left as
# source, and PYTHONDONTWRITEBYTECODE would have every process compile it again)
BYTECODE := $(PY) -m compileall -q pipeline

.DEFAULT_GOAL := help
.PHONY: help install run test lint bench report notebook clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  Variables: RAW=$(RAW) PROCESSED=$(PROCESSED) WORKERS=$(WORKERS) ENGINE=$(ENGINE) (pdfplumber|pdfium) NER=$(NER) (model|rules)"

$(STAMP): pyproject.toml pipeline/engines/_glyphs.c pipeline/tag/_ner.c  # the install builds the C extensions
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the pipeline with its pinned dependencies

run: $(STAMP)  ## Process the PDFs of RAW into the tables of PROCESSED (only what changed; installs Tesseract for scans if missing)
	bash tools/install_tesseract.sh || true
	@$(BYTECODE)
	$(PY) -m pipeline run --raw $(RAW) --out $(PROCESSED) --workers $(WORKERS) --engine $(ENGINE) --ner $(NER)

test: $(STAMP)  ## Run the test suite (installs Chromium and Tesseract for their tests if missing)
	@echo "make test: the report's browser test needs Chromium and the OCR tests Tesseract; apt-get installs them when missing"
	@bash tests/install_chromium.sh || true
	@bash tools/install_tesseract.sh || true
	$(PY) -m pytest -q

lint: $(STAMP)  ## Run ruff and mypy --strict (settings in pyproject.toml)
	$(PY) -m ruff check pipeline tests tools
	$(PY) -m mypy --strict pipeline

bench: $(STAMP)  ## Measure speed and memory on the sample corpus (pages/s, rerun time, peak memory)
	@$(BYTECODE)
	$(PY) tools/bench.py --raw $(RAW)

report: $(STAMP)  ## Rewrite PROCESSED/report.html from the tables
	$(PY) -m pipeline report $(PROCESSED)

notebook: $(STAMP)  ## Open notebooks/01-explore-letters.ipynb in JupyterLab (run `make run` first)
	$(PY) -m pip install --quiet -e '.[notebook]'
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,) notebooks/01-explore-letters.ipynb

clean:  ## Remove the processed tables and the tag cache (raw/ is never touched)
	rm -rf $(PROCESSED) .cache
	@cache="$$($(PY) -c 'from pipeline import config; print(config.CACHE_DIR)' 2>/dev/null)"; \
	if [ -n "$$cache" ]; then rm -f "$$cache"/tag-*.cache "$$cache"/rules-*.cache "$$cache"/regex-*.cache "$$cache"/results-version.json "$$cache"/.key; rmdir "$$cache" 2>/dev/null || true; fi
