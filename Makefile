# Two commands: `make demo` (set up + main job) and `make test` (set up + whole test suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
export INDUSTWIN_DATA ?= $(abspath ../shared/data)

.PHONY: demo test bench setup system serve clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

system:                       # Debian's Chromium (browser tests) and PostgreSQL (database tests), when missing
	bash scripts/setup-system.sh

demo: $(VENV)/.installed
	$(VENV)/bin/industwin report --economy DEU --year 2011 --readiness examples/readiness/assessments.csv \
	    --targets examples/targets/DEU.yaml --pipeline examples/pipeline/register.csv
	$(VENV)/bin/industwin demo --region DEU --year 2011 --html industwin-DEU-2011.html

test: $(VENV)/.installed system
	$(PY) -m pytest -q -n 2 --dist loadfile

serve: $(VENV)/.installed     # the web application: open the address it prints
	$(VENV)/bin/industwin serve

bench: $(VENV)/.installed
	$(PY) benchmarks/bench_mrio.py
	$(PY) benchmarks/bench_web.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
