import json
import re
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


_ACCOUNT_REF = re.compile(r'\$\{data\.terraform_remote_state\.organization\.outputs\.account_ids(?:\["([^"]+)"\]|\.([A-Za-z0-9_]+))\}')
_OTHER_REF = re.compile(r"\$\{[^}]*\}")


def fake_account_id(key: str) -> str:
    """A stable 12-digit stand-in for a created account's id in tests."""
    return str(900000000000 + sum(ord(c) * (i + 1) for i, c in enumerate(key)) % 99999999999)


def resolve(text: str, adopted: dict[str, str] | None = None) -> str:
    """Stand-ins for Terraform interpolations so a policy string parses as JSON: account ids become
    fake ids (or the adopted id), anything else becomes REF(...)."""
    adopted = adopted or {}

    def account(m: re.Match) -> str:
        key = m.group(1) or m.group(2)
        return adopted.get(key, fake_account_id(key))

    text = _ACCOUNT_REF.sub(account, text)
    return _OTHER_REF.sub(lambda m: "REF(" + m.group(0)[2:-1].replace('"', "'") + ")", text)


def policy(text: str) -> dict:
    return json.loads(resolve(text))
