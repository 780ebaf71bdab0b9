# nnbook: every command sets itself up. `make test` and `make book` on a fresh clone just work.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help install test test-fast test-colab book book-all notebooks student plotly-js bench html-check set-repository clean

help:
	@echo "make book        build the HTML book into _build/html (re-executes only chapters whose code changed)"
	@echo "make book-all    build the HTML book, executing every chapter (what CI and publishing use)"
	@echo "make test        unit tests + every chapter under nbval + notebook hygiene"
	@echo "make test-fast   unit tests and hygiene only (no chapters)"
	@echo "make test-colab  install nnbook as Colab does (a wheel, in a new venv) and run chapters 1-4 against it"
	@echo "                 (their reader's edition when make notebooks has written it)"
	@echo "make notebooks   after make book: the reader's edition for Jupyter/Colab (plain Markdown) into _build/notebooks"
	@echo "make student     after make book: the student edition (reader's edition without solutions) into _build/student"
	@echo "make bench       run each chapter in a fresh kernel; write bench/results.json"
	@echo "make html-check  open every page of the built book in Chromium, offline (Playwright); screenshots"
	@echo "make set-repository URL=https://github.com/you/nnbook [BRANCH=notebooks|student]   point launch buttons and Colab cells at a fork"

# The virtual environment, rebuilt when requirements.txt or pyproject.toml change.
# requirements.txt holds the book's tools and `-e .`: the package comes with the dependencies
# its pyproject.toml declares, the same set Colab installs.
$(STAMP): requirements.txt pyproject.toml tools/ipython_kernel_config.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	mkdir -p $(VENV)/etc/ipython && cp tools/ipython_kernel_config.py $(VENV)/etc/ipython/
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(VENV)/bin/nbstripout --verify chapters/*.ipynb || \
	  (echo "A chapter is stored with outputs: run '$(VENV)/bin/nbstripout chapters/*.ipynb'"; exit 1)
	$(PY) -m pytest --nbval-lax --nbval-current-env tests chapters

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" tests

# Needs no .venv: a venv of its own outside the checkout, with only what pyproject.toml declares.
test-colab:
	PYTHON=$(PYTHON) COLAB_PYTHON=$(PYTHON) bash tools/colab_path.sh

# Jupyter Book's execution cache (_config.yml: execute_notebooks: cache) keys on a chapter's
# code cells only, not on the nnbook package it imports: when nnbook/*.py or the requirements
# change, the cache is emptied and every page is read again (--all). The marker keeps asking
# for --all until a build succeeds; `make book-all` always starts from an empty cache.
JB_CACHE  := _build/.jupyter_cache
CODE_HASH := _build/.nnbook-code.sha256
READ_ALL  := _build/.read-all
code_hash  = find nnbook -name '*.py' -not -path '*/__pycache__/*' | LC_ALL=C sort | \
             xargs cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1

# plotly.js, served once from the book's _static/ (not from a CDN, not inlined into every page):
# the copy that ships in the installed plotly wheel, so it matches the figures' Python side.
plotly-js: $(STAMP)
	$(PY) -c "import plotly, shutil, pathlib; shutil.copy(pathlib.Path(plotly.__file__).parent / 'package_data' / 'plotly.min.js', '_static/plotly.min.js')"

book: $(STAMP) plotly-js
	@mkdir -p _build
	@new="$$($(code_hash))"; if [ "$$new" != "$$(cat $(CODE_HASH) 2>/dev/null)" ]; then \
	  echo "book: nnbook/ or the requirements changed since the last build: every chapter runs again"; \
	  rm -rf $(JB_CACHE); echo "$$new" > $(CODE_HASH); touch $(READ_ALL); fi
	$(PY) tools/instructors.py _build/instructors
	$(VENV)/bin/jupyter-book build -W --keep-going $$(test -e $(READ_ALL) && echo --all) .
	@rm -f $(READ_ALL)
	$(PY) tools/make_notebooks.py --record-build

book-all: $(STAMP) plotly-js
	@mkdir -p _build
	rm -rf $(JB_CACHE)
	@$(code_hash) > $(CODE_HASH); touch $(READ_ALL)
	$(PY) tools/instructors.py _build/instructors
	$(VENV)/bin/jupyter-book build -W --keep-going --all .
	@rm -f $(READ_ALL)
	$(PY) tools/make_notebooks.py --record-build

# The editions for Jupyter and Colab: the chapters with their MyST rewritten into plain Markdown,
# glued numbers from the last build (so they need `make book` first, and fail when it is stale).
# The reader's edition also replaces the .ipynb behind the book's download button.
notebooks: $(STAMP)
	$(PY) tools/make_notebooks.py --downloads

student: $(STAMP)
	$(PY) tools/make_notebooks.py --student

bench: $(STAMP)
	$(PY) tools/bench.py

html-check: $(STAMP)   # CHROMIUM=/path/to/chrome to use another binary than /usr/bin/chromium
	$(PY) tools/browser_check.py _build/html $(if $(CHROMIUM),--chromium $(CHROMIUM))

# Plain python3, no virtual environment: the tool only edits text.
set-repository:
	@test -n "$(URL)" || (echo "usage: make set-repository URL=https://github.com/you/nnbook"; exit 2)
	$(PYTHON) tools/set_repository.py "$(URL)" $(BRANCH)

clean:
	rm -rf _build bench/results.json
