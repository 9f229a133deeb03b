"""The example registry's output: golden files (changed only with --update-golden) and the committed generated/."""

import shutil
from pathlib import Path

from tests.helpers import TESTS

GOLDEN = TESTS / "golden" / "example"
GENERATED = TESTS.parent / "generated"


def _files(root: Path) -> dict[str, bytes]:
    # fingerprints.json is synth's cache (not committed): it changes with the compiler's code, not the output
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != "fingerprints.json"}


def test_every_stack_matches_its_golden_file(example_out, update_golden):
    fresh = _files(example_out / "stacks")
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(example_out / "stacks", GOLDEN)
    golden = _files(GOLDEN)
    assert sorted(fresh) == sorted(golden), "stacks added or removed: review, then run pytest --update-golden"
    changed = [name for name in fresh if fresh[name] != golden[name]]
    assert not changed, f"output changed for {changed}: review the diff, then run pytest --update-golden"


def test_committed_generated_equals_a_fresh_synth(example_out):
    fresh, committed = _files(example_out), _files(GENERATED)
    assert sorted(fresh) == sorted(committed), "run `make synth` and commit generated/"
    assert [n for n in fresh if fresh[n] != committed[n]] == [], "run `make synth` and commit generated/"


def test_output_has_no_machine_specific_paths(example_out):
    for name, data in _files(example_out).items():
        text = data.decode()
        assert str(example_out) not in text and "/tmp/" not in text and "/root/" not in text, name


def test_no_block_was_silently_dropped(example_out):
    """jsii turns a plain dict inside a list into an empty block without a word; typed structs avoid it.
    An empty object anywhere in the output means a setting was lost on the way."""

    def empties(node, path=""):
        if isinstance(node, dict):
            if not node and not path.endswith(("outputs", "tags")):
                yield path
            for k, v in node.items():
                yield from empties(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from empties(v, f"{path}[{i}]")

    import json

    for path in sorted((example_out / "stacks").glob("*/cdk.tf.json")):
        found = list(empties(json.loads(path.read_text())))
        assert found == [], f"{path.parent.name}: empty blocks at {found}"
