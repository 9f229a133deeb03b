"""PlatformStack.prepare_stack: cdktn calls it on every stack, and skipping cdktn's discovery resolve changes no byte."""

from __future__ import annotations

from modules.aws.base import PlatformStack
from tests.helpers import EXAMPLE
from tests.synth.conftest import synth_registry
from tests.synth.test_incremental import tree


def test_cdktn_prepares_every_stack_through_the_platform_stack(tmp_path, monkeypatch):
    prepared: list[str] = []
    ours = PlatformStack.prepare_stack

    def counting(self: PlatformStack) -> None:
        prepared.append(self.node.id)
        ours(self)

    monkeypatch.setattr(PlatformStack, "prepare_stack", counting)
    out = synth_registry(EXAMPLE, tmp_path / "generated")
    stacks = sorted(p.name for p in (out / "stacks").iterdir())
    assert sorted(prepared) == stacks


def test_the_same_bytes_as_cdktns_own_prepare(example_out, tmp_path, monkeypatch):
    # without the override, cdktn runs its own prepareStack (backend check and a discovery resolve of everything)
    monkeypatch.delattr(PlatformStack, "prepare_stack")
    assert "prepare_stack" not in vars(PlatformStack)  # jsii overrides only what the class itself defines
    plain = synth_registry(EXAMPLE, tmp_path / "generated")
    assert tree(plain) == tree(example_out)
