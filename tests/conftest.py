import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from modules.engine.node import use_bundled_node  # noqa: E402

use_bundled_node()  # before any test imports cdktn


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden from the current compiler output (review the diff like code)"
    )


@pytest.fixture
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run `python main.py ARGS` in-process from a folder; returns (exit code, stdout, stderr)."""
    from modules.commands.cli import main

    def run(args, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def example_out(tmp_path_factory) -> Path:
    """The example registry synthesized once for the whole session."""
    from tests.helpers import EXAMPLE
    from tests.synth.conftest import synth_registry

    return synth_registry(EXAMPLE, tmp_path_factory.mktemp("example") / "generated")


@pytest.fixture(scope="session")
def synthesized_fixture(tmp_path_factory):
    """A function: valid fixture case folder -> (its registry, its output), each synthesized once per session."""
    from tests.helpers import materialize
    from tests.synth.conftest import synth_registry

    done: dict[Path, tuple[Path, Path]] = {}

    def get(case: Path) -> tuple[Path, Path]:
        if case not in done:
            root = tmp_path_factory.mktemp(case.name)
            registry = materialize(case, root)
            done[case] = registry, synth_registry(registry, root / "out")
        return done[case]

    return get


@pytest.fixture(scope="session")
def example_registry():
    from modules.registry.validate import load_registry
    from tests.helpers import EXAMPLE

    return load_registry(EXAMPLE)
