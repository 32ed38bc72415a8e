# The README's two commands: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

# What the PDF report needs from Debian: Pango (WeasyPrint's text engine), HarfBuzz's subsetter
# (fast font subsetting), fontconfig, and Noto fonts for the scripts of the languages served.
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
                fonts-noto-core fonts-noto-cjk

.PHONY: demo test lint typecheck pytest bench mutate clean venv system-deps messages

venv: system-deps $(STAMP)

system-deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
	  echo "note: not a Debian system; install Pango, HarfBuzz (subset) and Noto fonts yourself; 'esj-review doctor' checks them"; \
	else \
	  missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done | tr '\n' ' '); \
	  if [ -n "$$(echo $$missing | tr -d ' ')" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	      echo "installing Debian packages: $$missing"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	    else \
	      echo "error: these Debian packages are missing: $$missing"; \
	      echo "       install them with: sudo apt-get install -y $$missing"; \
	      exit 1; \
	    fi; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "error: could not create $(VENV); on Debian install python3-venv (apt-get install -y python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: venv
	$(BIN)/esj-review demo --output out/reduced-fare-transit.pdf

lint: venv
	$(BIN)/ruff check esj_review tests bench
	$(BIN)/ruff format --check esj_review tests bench

typecheck: venv
	$(BIN)/mypy

# KEY_FUZZ: random key sequences in a real terminal (tests/test_key_fuzz.py), 200 per run.
pytest: venv
	KEY_FUZZ=$${KEY_FUZZ:-200} $(BIN)/python -m pytest

test: lint typecheck pytest

bench: venv
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python -m bench.bench_signing
	$(BIN)/python -m bench.bench_batch 200

# Mutation testing of core/ and batch/ (configured in pyproject's [tool.mutmut]); not part of
# `make test`: it takes a while. Prints the score per file; `.venv/bin/mutmut browse` shows
# the surviving mutants, and tests/EQUIVALENT_MUTANTS.md lists those that cannot be killed.
mutate: venv
	$(BIN)/mutmut run --max-children $$(nproc 2>/dev/null || echo 2)
	$(BIN)/python bench/mutation_score.py

# The message catalogue: extract every marked text (babel.cfg) to the template, then bring each
# language's catalogue up to date with it (new texts untranslated, which the report shows in
# English until they are translated). Catalogues are read as they are at run time: no build.
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k N_ --sort-output --add-location=file \
	  --project=esj-review --copyright-holder="esj-review contributors" \
	  -o esj_review/locale/esj_review.pot .
	$(BIN)/pybabel update -i esj_review/locale/esj_review.pot -d esj_review/locale -D esj_review
	$(BIN)/pybabel extract -F babel-interface.cfg -k N_ -k ngettext:1,2 -k ui -k ui_ngettext:1,2 \
	  --sort-output --add-location=file \
	  --project=esj-review --copyright-holder="esj-review contributors" \
	  -o esj_review/locale/interface.pot .

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
