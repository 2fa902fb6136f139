# The routine actions (`make help` lists them). `make test` is the contract: from a fresh
# clone it makes .venv, builds and installs cydiff with its test extras from PyPI, and
# runs the suite on both twins but its long tail, which `make test-long` runs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SOURCES := $(wildcard src/cydiff/*.pyx src/cydiff/*.pxd src/cydiff/*.tp cydiff/*.py cydiff/*.pyi cydiff/*/*.py) \
           src/codegen.py \
           setup.py pyproject.toml

.PHONY: help test test-long test-pure demo docs wheels check-dists lint typecheck fuzz fuzz-asan asan \
        valgrind build bench bench-smoke clean

help:  ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 22

test: $(VENV)/.installed  ## build, then the suite on both twins but the long tail (~1 min of tests)
	$(BIN)/pytest -m "not long"

# CI runs it after `make test`.
test-long: $(VENV)/.installed  ## the long tail: big graphs, Dask, micrograd itself, 2500 fuzzed programs a kind
	CYDIFF_FUZZ_EXAMPLES=2500 $(BIN)/pytest -m "long or fuzz"

# The suite against a package built without extensions (the pure wheel's case).
test-pure: $(VENV)/bin/python  ## the suite on a build without extensions (the pure wheel's case)
	CYDIFF_NO_EXTENSIONS=1 $(BIN)/python -m pip install --quiet '.[test]'
	CYDIFF_NO_EXTENSIONS=1 $(BIN)/pytest --no-c-extensions
	@rm -f $(VENV)/.installed  # the next `make test` reinstalls the compiled build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pip builds in isolation, with setuptools and Cython taken from PyPI.
$(VENV)/.installed: $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet '.[test,dask]'
	@touch $@

# micrograd's demo, the main job: trains it, times a step against the pure twin and
# micrograd, and draws docs/demo_boundary.png and docs/demo_loss.png (the `demo` extra:
# matplotlib, micrograd). Run from docs/, so that the installed cydiff is imported.
demo: $(VENV)/.demo  ## micrograd's demo: trains, races micrograd, draws docs/demo_*.png
	cd docs && ../$(BIN)/python -m cydiff demo

$(VENV)/.demo: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet '.[demo]'
	@touch $@

# The documentation site, into docs/_build/html: Sphinx over docs/ and the installed
# package's docstrings (the `docs` extra); any warning fails the build.
docs: $(VENV)/.docs  ## the documentation site, into docs/_build/html (warnings are errors)
	$(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html
	@echo "the site: docs/_build/html/index.html"

$(VENV)/.docs: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet '.[docs]'
	@touch $@

# The distributions, into dist/: the sdist, a compiled wheel built from it (for this
# machine's Python), and the pure py3-none-any wheel (CYDIFF_NO_EXTENSIONS=1), checked
# by twine. Wheels for every platform come from cibuildwheel (.github/workflows/wheels.yml).
wheels: $(BIN)/python  ## the sdist, a compiled wheel and the pure wheel, into dist/
	rm -rf dist
	$(BIN)/python -m pip install --quiet 'build>=1.2' 'twine>=5'
	$(BIN)/python -m build --outdir dist .
	CYDIFF_NO_EXTENSIONS=1 $(BIN)/python -m build --wheel --outdir dist .
	@ls dist/*-py3-none-any.whl >/dev/null || { echo "no pure wheel in dist/"; exit 1; }
	$(BIN)/python -m twine check --strict dist/*

# Each distribution installed into a fresh venv of every CPython 3.9-3.13 under pyenv,
# and the suite run against it from outside the tree (see .ci/check-dists).
check-dists: wheels  ## each distribution on every CPython under pyenv
	bash .ci/check-dists

# ruff on the Python, cython-lint on the Cython (settings in pyproject.toml).
lint: $(BIN)/python  ## ruff and cython-lint
	$(BIN)/python -m pip install --quiet 'ruff>=0.6' 'cython-lint>=0.16' pycodestyle
	$(BIN)/ruff check cydiff tests benchmarks src/codegen.py src/stubs.py docs/conf.py
	$(BIN)/python src/codegen.py -q  # the generated sources are linted too
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/cython-lint src/cydiff

# pyright comes as basedpyright packages it (its wheel carries pyright and Node.js, so
# nothing is fetched from npm), in pyright's strict mode (tests/typing/pyrightconfig.json).
typecheck: $(VENV)/.installed  ## mypy --strict and pyright on the package and on a user's script; stubtest
	$(BIN)/python -m pip install --quiet 'mypy>=1.18' 'basedpyright>=1.20'
	$(BIN)/python src/stubs.py --check
	$(BIN)/python -m mypy --strict cydiff
	$(BIN)/basedpyright --pythonpath $(abspath $(BIN))/python
	cd tests/typing && ../../$(BIN)/python -m mypy --strict user_script.py
	cd tests/typing && ../../$(BIN)/basedpyright --pythonpath $(abspath $(BIN))/python
	cd docs && ../$(BIN)/python -m mypy.stubtest cydiff --allowlist ../.stubtest-allowlist

# Differential fuzzing of the twins: 100,000 hypothesis cases of each kind — Value
# programs, Dual programs, tapes against fresh graphs (batches too), spoiled records
# through every loader, call sequences — on two cores.
FUZZ_EXAMPLES ?= 100000
fuzz: $(VENV)/.installed  ## 100,000 fuzzed programs of each kind
	CYDIFF_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q tests/test_fuzz.py -k "Value or sequences or tapes" & \
	CYDIFF_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q tests/test_fuzz.py -k "Dual or records"; \
	status=$$?; wait $$! && exit $$status

# The whole suite against an extension built with AddressSanitizer and
# UndefinedBehaviorSanitizer (CYDIFF_SANITIZE=1), in its own .venv-asan. Any
# report aborts the run. Python's allocator is switched to malloc so that ASan
# sees every object; leaks are not checked (CPython keeps memory at exit).
SANITIZER_LIBS = $$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)
SANITIZED = CYDIFF_SANITIZER=1 PYTHONMALLOC=malloc ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 LD_PRELOAD="$(SANITIZER_LIBS)"
asan: .venv-asan/.installed  ## the whole suite on an ASan/UBSan build
	CYDIFF_FUZZ_EXAMPLES=2500 $(SANITIZED) .venv-asan/bin/pytest -q -p no:cacheprovider

# The fuzz targets on the sanitized extension: FUZZ_ASAN_EXAMPLES cases of each kind.
FUZZ_ASAN_EXAMPLES ?= 20000
fuzz-asan: .venv-asan/.installed  ## the fuzzers on the ASan/UBSan build
	CYDIFF_FUZZ_EXAMPLES=$(FUZZ_ASAN_EXAMPLES) $(SANITIZED) \
	.venv-asan/bin/pytest -q -p no:cacheprovider tests/test_fuzz.py

.venv-asan/.installed: $(SOURCES)
	rm -rf .venv-asan
	$(PYTHON) -m venv .venv-asan
	.venv-asan/bin/python -m pip install --quiet --upgrade pip
	CYDIFF_SANITIZE=1 .venv-asan/bin/python -m pip install --quiet --no-cache-dir '.[test]'
	@touch $@

# The compiled twin's unit tests under valgrind's memcheck: any report with a
# frame in cydiff fails it (tests/valgrind_check.py says why CPython's own
# reports are counted, not failed on).
valgrind: $(VENV)/.installed  ## the compiled twin's tests under valgrind
	$(BIN)/python tests/valgrind_check.py

# An in-place build, for working on the Cython sources.
build: $(BIN)/python  ## an in-place build, for working on the Cython sources
	$(BIN)/python -m pip install --quiet 'Cython>=3.0.11,<4' 'setuptools>=77'
	$(BIN)/python setup.py build_ext --inplace

# Every figure of benchmarks/RESULTS.md and results.png, against the field: the
# `bench` extra (micrograd, PyTorch, JAX, autograd, matplotlib) under pinned versions.
bench: $(VENV)/.bench  ## benchmarks/RESULTS.md and results.png, against the field
	$(BIN)/python benchmarks/run.py

$(VENV)/.bench: $(VENV)/.installed benchmarks/constraints.txt
	$(BIN)/python -m pip install --quiet '.[bench]' -c benchmarks/constraints.txt
	@touch $@

# The runner at tiny sizes, into a temporary directory: that it runs, not what it
# measures (CI runs it after the tests, with or without the field installed).
bench-smoke: $(VENV)/.installed  ## the benchmark runner at tiny sizes
	$(BIN)/python benchmarks/run.py --quick

clean:  ## remove what builds made
	rm -rf build dist *.egg-info src/cydiff/*.c cydiff/*.so .pytest_cache docs/_build
