import json
from pathlib import Path

import pytest

from modules.registry.load import load_registry
from modules.stacks import plan
from modules.synth import synthesize
from tests.helpers import EXAMPLE


def synth_registry(registry: Path, out: Path, **kwargs) -> Path:
    reg, _ = load_registry(registry)
    synthesize(plan(reg), out, **kwargs)
    return out


def stack(out: Path, name: str) -> dict:
    return json.loads((out / "stacks" / name / "cdk.tf.json").read_text())


def resources(doc: dict, rtype: str) -> dict:
    return doc.get("resource", {}).get(rtype, {})


@pytest.fixture(scope="session")
def example_out(tmp_path_factory) -> Path:
    """The example registry synthesized once for the whole session."""
    return synth_registry(EXAMPLE, tmp_path_factory.mktemp("example") / "generated")


@pytest.fixture(scope="session")
def example_registry():
    return load_registry(EXAMPLE)[0]
