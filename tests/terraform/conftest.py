"""The Terraform tier's session: one stand-in provider, skipped in one line where Terraform cannot run."""

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
    with runner.StandIn() as env:
        yield env


def pytest_terminal_summary(terminalreporter):
    if SKIPPED:
        terminalreporter.write_line(f"terraform tier skipped: {SKIPPED[0]}", yellow=True, bold=True)
