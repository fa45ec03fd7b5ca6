# MasterTech network automation toolkit.
#   make up     set up everything, then run the main job on the embedded lab
#   make test   set up everything, then run the whole test suite
#   make setup  install only (Debian packages, .venv with the Python dependencies)

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SITE ?= mastertech

.PHONY: gns3-server linux-vm-image setup debian-packages up down test test-unit test-unit-random test-emulator test-lab test-acceptance lint golden clean bench

setup: debian-packages $(VENV)/.installed

debian-packages:
	@bash scripts/install-debian-packages.sh

# Re-installed whenever the project's dependencies change.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

up: setup
	$(VENV)/bin/mastertech render --site $(SITE)
	$(VENV)/bin/mastertech up --site $(SITE)

down: setup
	$(VENV)/bin/mastertech down --site $(SITE)

test: setup linux-vm-image
	$(VENV)/bin/pytest
	$(MAKE) --no-print-directory test-unit-random

test-unit: setup
	$(VENV)/bin/pytest -m unit

# The unit tier once more in a shuffled order, a new one each run (its seed is printed at the top):
# a unit test must pass alone and after any other. Repeat an order with RANDOM_SEED=N.
test-unit-random: setup
	$(VENV)/bin/pytest -m unit --random-order-bucket=global $(if $(RANDOM_SEED),--random-order-seed=$(RANDOM_SEED))

test-emulator: setup
	$(VENV)/bin/pytest -m emulator

test-lab: setup
	$(VENV)/bin/pytest -m lab

test-acceptance: setup
	$(VENV)/bin/pytest -m acceptance

lint: setup
	$(VENV)/bin/ruff check automation tests bench
	$(VENV)/bin/mypy

# Every benchmark in one run, ours beside what users would use instead (needs root; about ten
# minutes on two cores): bench/results.json and bench/fleet.png. Fewer runs with REPEATS=1.
bench: setup
	$(PY) bench/run.py $(if $(REPEATS),--repeats $(REPEATS))

# Rewrite the golden files after an intended template change; review the diff before committing.
golden: setup
	UPDATE_GOLDEN=1 $(VENV)/bin/pytest -m unit tests/unit/test_render_ios.py

clean:
	rm -rf out build .pytest_cache .mypy_cache .ruff_cache

# The Linux day-0 tests boot a Debian VM (qemu): its image is built once from the Debian archive
# (about two minutes) and cached in /var/cache/mastertech/linux-vm (MASTERTECH_VM_CACHE).
linux-vm-image: setup
	$(VENV)/bin/python tests/providers/linux_hosts.py

# The gns3 target's tests run a real gns3-server (from PyPI) on 127.0.0.1, in a venv of its own:
# its pins (FastAPI, SQLAlchemy) must not meet the toolkit's. QEMU comes with `make setup`.
GNS3_VENV := $(VENV)/gns3-server
gns3-server: $(GNS3_VENV)/bin/gns3server

$(GNS3_VENV)/bin/gns3server:
	python3 -m venv $(GNS3_VENV)
	$(GNS3_VENV)/bin/pip install -q gns3-server==3.0.6
