# nnbook: every command sets itself up. `make test` and `make book` on a fresh clone just work.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# The Pythons the book is tested on (README): 3.11 to 3.13. Colab runs 3.12.
PYTHON_OK = -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else \
  f"{sys.executable} is Python {v[0]}.{v[1]}: the book needs Python 3.11, 3.12 or 3.13 (Colab runs 3.12); \
  choose one with make PYTHON=python3.12 (and rm -rf $(VENV) if it was made with another)")'

# TORCH=cpu: PyTorch's CPU-only build, from PyTorch's own index, for machines without an NVIDIA GPU
# (PyPI's Linux wheel bundles CUDA: about 4.4 GB installed). Installed before requirements.txt, which
# then finds torch and torchvision there already. The version ranges are pyproject.toml's (a test
# checks that they agree).
TORCH ?=
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
TORCH_SPECS     := 'torch>=2.2,<3' 'torchvision>=0.17,<1'
ifneq ($(filter-out cpu,$(TORCH)),)
$(error TORCH must be cpu or left unset (PyPI's torch), got '$(TORCH)')
endif

# Where every run of the chapters records their results (nnbook.results.report) and where later
# chapters read them (recorded_results): the book's, the bench's and the tests' runs each have one.
RESULTS_DIR       := $(CURDIR)/_build/results
BENCH_RESULTS_DIR := $(CURDIR)/_build/bench-results
TEST_RESULTS_DIR  := $(CURDIR)/_build/test-results

.PHONY: help venv install test test-fast test-colab spread book book-all notebooks student workspace lab grade plotly-js bench html-check set-repository clean

help:
	@echo "make book        build the HTML book into _build/html (re-executes only chapters whose code changed)"
	@echo "make book-all    build the HTML book, executing every chapter (what CI and publishing use)"
	@echo "make test        unit tests + every chapter under nbval + notebook hygiene"
	@echo "make test-fast   unit tests and hygiene only (no chapters)"
	@echo "make test-colab  install nnbook as Colab does (a wheel, in a new venv) and run chapters 1-4 against it"
	@echo "                 (their reader's edition when make notebooks has written it)"
	@echo "make notebooks   after make book: the reader's edition for Jupyter/Colab (plain Markdown) into _build/notebooks"
	@echo "make student     after make book: the student edition (reader's edition without solutions) into _build/student"
	@echo "make lab         after make book notebooks: copy the chapters you do not have yet into my-notebooks/ and open"
	@echo "                 JupyterLab there (make workspace: only copy); a chapter you changed is never replaced"
	@echo "make grade SUBMISSIONS=folder [TIMEOUT=60] [MEMORY=3GB] [CHAPTER=05_...] [SANDBOX=require] [JOBS=2]   grade students' notebooks"
	@echo "make bench       run each chapter in a fresh kernel; write bench/results.json"
	@echo "make spread EXP=name [SEEDS=5]   seed spread of a chapter's result (tools/spread/) into bench/spread/"
	@echo "make html-check  open every page of the built book in Chromium, offline (Playwright); screenshots"
	@echo "make set-repository URL=https://github.com/you/nnbook [BRANCH=notebooks|student]   point launch buttons and Colab cells at a fork"
	@echo "make install [TORCH=cpu]   the virtual environment .venv (TORCH=cpu: PyTorch's CPU-only build, for machines without an NVIDIA GPU)"

# The virtual environment, rebuilt when requirements.txt or pyproject.toml change.
# requirements.txt holds the book's tools and `-e .`: the package comes with the dependencies
# its pyproject.toml declares, the same set Colab installs. A .venv left half made (no working pip,
# e.g. an interrupted `python -m venv`) is made again.
$(STAMP): requirements.txt pyproject.toml tools/ipython_kernel_config.py | venv
	$(PY) -m pip install --quiet --upgrade pip
	$(if $(TORCH),$(PY) -m pip install --quiet --index-url $(TORCH_CPU_INDEX) $(TORCH_SPECS))
	$(PY) -m pip install --quiet -r requirements.txt
	mkdir -p $(VENV)/etc/ipython && cp tools/ipython_kernel_config.py $(VENV)/etc/ipython/
	@touch $(STAMP)

# Checked before every target that uses .venv: a supported Python, and a working pip (a .venv left
# half made, e.g. by an interrupted `python -m venv`, is made again instead of failing every make).
venv:
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  $(PYTHON) $(PYTHON_OK) || exit 1; \
	  if [ -e $(VENV) ]; then echo "$(VENV) has no working pip: making it again"; rm -rf $(VENV); fi; \
	  $(PYTHON) -m venv $(VENV) && $(PY) -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV); \
	    echo "$(PYTHON) -m venv could not make a virtual environment with pip (Debian/Ubuntu: apt-get install python3-venv)"; \
	    exit 1; }; fi
	@$(PY) $(PYTHON_OK)

install: $(STAMP)
ifeq ($(TORCH),cpu)
	@$(PY) -c "import sys, torch; sys.exit(torch.version.cuda and f'torch {torch.__version__} in $(VENV) is a CUDA build \
	  (installed before TORCH=cpu was asked for): rm -rf $(VENV), then make install TORCH=cpu')"
endif

test: $(STAMP)
	$(VENV)/bin/nbstripout --verify chapters/*.ipynb || \
	  (echo "A chapter is stored with outputs: run '$(VENV)/bin/nbstripout chapters/*.ipynb'"; exit 1)
	rm -rf $(TEST_RESULTS_DIR)
	NNBOOK_RESULTS_DIR=$(TEST_RESULTS_DIR) $(PY) -m pytest --nbval-lax --nbval-current-env tests chapters

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" tests

# Needs no .venv: a venv of its own outside the checkout, with only what pyproject.toml declares.
test-colab:
	@$(PYTHON) $(PYTHON_OK)
	PYTHON=$(PYTHON) COLAB_PYTHON=$(PYTHON) bash tools/colab_path.sh

# Jupyter Book's execution cache (_config.yml: execute_notebooks: cache) keys on a chapter's
# code cells only, not on the nnbook package it imports: when nnbook/*.py or the requirements
# change, the cache is emptied and every page is read again (--all). Nor does it know that a
# chapter shows another's recorded results (notebook metadata nnbook.reads_results):
# tools/stale_readers.py removes such a reader's cached run when the chapter it reads runs again
# or its results changed, and asks for --all. The marker keeps asking for --all until a build
# succeeds; `make book-all` always starts from an empty cache and no recorded results.
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
	$(PY) -m tools.instructors _build/instructors
	$(PY) -m tools.stale_readers before $(JB_CACHE) $(RESULTS_DIR) $(READ_ALL)
	NNBOOK_RESULTS_DIR=$(RESULTS_DIR) $(VENV)/bin/jupyter-book build -W --keep-going $$(test -e $(READ_ALL) && echo --all) . ; \
	  status=$$?; $(PY) -m tools.stale_readers after $(JB_CACHE) $(RESULTS_DIR); exit $$status
	@rm -f $(READ_ALL)
	$(PY) -m tools.make_notebooks --record-build

book-all: $(STAMP) plotly-js
	@mkdir -p _build
	rm -rf $(JB_CACHE) $(RESULTS_DIR)
	@$(code_hash) > $(CODE_HASH); touch $(READ_ALL)
	$(PY) -m tools.instructors _build/instructors
	NNBOOK_RESULTS_DIR=$(RESULTS_DIR) $(VENV)/bin/jupyter-book build -W --keep-going --all . ; \
	  status=$$?; $(PY) -m tools.stale_readers after $(JB_CACHE) $(RESULTS_DIR); exit $$status
	@rm -f $(READ_ALL)
	$(PY) -m tools.make_notebooks --record-build

# The editions for Jupyter and Colab: the chapters with their MyST rewritten into plain Markdown,
# glued numbers from the last build (so they need `make book` first, and fail when it is stale).
# The reader's edition also replaces the .ipynb behind the book's download button. They are
# outputs: a file there that a person changed since it was written is moved to
# $(WORKSPACE)/moved-aside/ before it is written again (tools/outputs.py), never overwritten.
notebooks: $(STAMP)
	$(PY) -m tools.make_notebooks --downloads

student: $(STAMP)
	$(PY) -m tools.make_notebooks --student

# A student's own notebooks: $(WORKSPACE)/ (git-ignored, outside _build/, so no target deletes it),
# the reader's edition copied in, a chapter the student changed never replaced (the newer edition
# goes beside it as <chapter>-new.ipynb). `make lab` also opens JupyterLab on it.
WORKSPACE := my-notebooks
workspace: $(STAMP)
	$(PY) -m tools.workspace --into $(WORKSPACE)

lab: workspace
	$(VENV)/bin/jupyter lab $(WORKSPACE)

# Students' notebooks graded with the book's own checks: FOLDER/grades.csv, FOLDER/feedback/.
# TIMEOUT: seconds per exercise; MEMORY: per kernel process; CHAPTER: the assigned chapter.
# SANDBOX: auto (bubblewrap where installed, else a loud warning), require, or off.
# JOBS: notebooks graded at once, each in its own kernel (default: the number of cores).
grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=folder [TIMEOUT=60] [MEMORY=3GB] [CHAPTER=name] [SANDBOX=require] [JOBS=n]"; exit 2)
	$(PY) -m tools.grade "$(SUBMISSIONS)" $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
	  $(if $(MEMORY),--memory $(MEMORY)) $(if $(CHAPTER),--chapter $(CHAPTER)) $(if $(SANDBOX),--sandbox $(SANDBOX)) \
	  $(if $(JOBS),--jobs $(JOBS))

bench: $(STAMP)
	NNBOOK_RESULTS_DIR=$(BENCH_RESULTS_DIR) $(PY) -m tools.bench

# The seed spread of one chapter experiment (tools/spread/*.py) into bench/spread/EXP.json.
spread: $(STAMP)
	@test -n "$(EXP)" || (echo "usage: make spread EXP=name [SEEDS=5]"; exit 2)
	$(PY) -m tools.seed_spread $(EXP) --seeds $(or $(SEEDS),5)

html-check: $(STAMP)   # CHROMIUM=/path/to/chrome to use another binary than /usr/bin/chromium
	$(PY) -m tools.browser_check _build/html $(if $(CHROMIUM),--chromium $(CHROMIUM))

# Plain python3, no virtual environment: the tool only edits text.
set-repository:
	@test -n "$(URL)" || (echo "usage: make set-repository URL=https://github.com/you/nnbook"; exit 2)
	$(PYTHON) -m tools.set_repository "$(URL)" $(BRANCH)

# Plain python3: a file in the editions that a person changed is moved to $(WORKSPACE)/moved-aside/
# first (and the tool says so); $(WORKSPACE)/ itself is never touched.
clean:
	$(PYTHON) -m tools.outputs aside _build/notebooks _build/student
	rm -rf _build bench/results.json
