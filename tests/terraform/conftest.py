"""The Terraform tier's session: one stand-in provider, skipped in one line where Terraform cannot run."""

import tempfile
from pathlib import Path

import pytest

from tests.terraform import runner

SKIPPED: list[str] = []


@pytest.fixture(scope="session")
def terraform_env():
    """TF_REATTACH_PROVIDERS for the stand-in provider, or a skip that says why (never a silent pass)."""
    why = runner.missing()
    if why:
        SKIPPED.append(why)
        pytest.skip(f"terraform tier skipped: {why}")
    with tempfile.TemporaryDirectory(prefix="tf-standin-store-") as tmp:
        store = Path(tmp) / "store.json"  # data sources only (runner.answer_lookups); no objects: nothing drifts
        with runner.StandIn(store=store) as env:
            yield {**env, runner.STORE_VAR: str(store)}


def pytest_terminal_summary(terminalreporter):
    if SKIPPED:
        terminalreporter.write_line(f"terraform tier skipped: {SKIPPED[0]}", yellow=True, bold=True)
