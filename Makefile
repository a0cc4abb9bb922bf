# Everyday commands (issue 17). Each target runs exactly what CI or the docs say; see CONTRIBUTING.md.
# `make test` is the test command .ci/run runs (the README's, verbatim).
PYTHON ?= python

.PHONY: help test lint format typecheck check bench docs lock

help:
	@echo "make test       the README's / CI's test command (installs the test extra, runs pytest)"
	@echo "make lint       ruff check + ruff format --check"
	@echo "make format     ruff format + ruff check --fix (rewrites files)"
	@echo "make typecheck  mypy (strict; files from pyproject.toml)"
	@echo "make check      lint + typecheck"
	@echo "make bench      the offline benchmarks (loopback only; read ../shared/fixtures), figures on stdout"
	@echo "make docs       regenerate the generated docs (docs/configuration.md, docs/reliability.md)"
	@echo "make lock       regenerate requirements.lock (pinned + hashed, what the digest workflow installs)"

test:
	pip install -e '.[test]' && $(PYTHON) -m pytest

lint:
	ruff check .
	ruff format --check .

format:
	ruff format .
	ruff check --fix .

typecheck:
	mypy

check: lint typecheck

# Every script in bench/ runs offline: the recorded arXiv, the LLM stand-in and the server
# listen on loopback. Most read the recorded corpus in ../shared/fixtures ($$ARXIVBOT_FIXTURES)
# and exit with a message when it is missing. bench/reliability.py is not here: it rewrites
# docs/reliability.md, so it belongs to `make docs`.
BENCH_SCRIPTS = bench_parse bench_rank bench_store bench_search bench_summarize bench_run \
                bench_semantic bench_server bench_prompt_tokens bench_fulltext eval_rank

bench:
	@set -e; for script in $(BENCH_SCRIPTS); do \
	    echo "== bench/$$script.py"; \
	    $(PYTHON) bench/$$script.py; \
	done

docs:
	$(PYTHON) -m arxivbot.config.reference > docs/configuration.md
	$(PYTHON) bench/reliability.py --output docs/reliability.md

# The digest workflow installs exactly this (pip install --require-hashes). Run after any change
# to the dependencies in pyproject.toml; tests/deploy/test_deploy_lock.py fails until you do.
# Needs uv (`pip install uv`); it asks the package index for the newest allowed versions.
lock:
	uv pip compile pyproject.toml requirements-build.in --generate-hashes --universal \
	    --python-version 3.11 --custom-compile-command "make lock" -o requirements.lock
