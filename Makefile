# nnbook: every command sets itself up. `make test` and `make book` on a fresh clone just work.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help install test test-fast book bench html-check set-repository clean

help:
	@echo "make book        build the HTML book into _build/html (executes every chapter)"
	@echo "make test        unit tests + every chapter under nbval + notebook hygiene"
	@echo "make test-fast   unit tests and hygiene only (no chapters)"
	@echo "make bench       run each chapter in a fresh kernel; write bench/results.json"
	@echo "make html-check  open the built book in headless Chromium (needs make book)"
	@echo "make set-repository URL=https://github.com/you/nnbook   point launch buttons and Colab cells at a fork"

# The virtual environment, rebuilt when requirements.txt or pyproject.toml change.
# requirements.txt holds the book's tools and `-e .`: the package comes with the dependencies
# its pyproject.toml declares, the same set Colab installs.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(VENV)/bin/nbstripout --verify chapters/*.ipynb || \
	  (echo "A chapter is stored with outputs: run '$(VENV)/bin/nbstripout chapters/*.ipynb'"; exit 1)
	$(PY) -m pytest --nbval-lax --nbval-current-env tests chapters

test-fast: $(STAMP)
	$(PY) -m pytest tests

book: $(STAMP)
	$(VENV)/bin/jupyter-book build -W --keep-going .

bench: $(STAMP)
	$(PY) tools/bench.py

html-check: $(STAMP)
	$(PY) tools/html_check.py _build/html

# Plain python3, no virtual environment: the tool only edits text.
set-repository:
	@test -n "$(URL)" || (echo "usage: make set-repository URL=https://github.com/you/nnbook"; exit 2)
	$(PYTHON) tools/set_repository.py "$(URL)"

clean:
	rm -rf _build bench/results.json
