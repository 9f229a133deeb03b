"""The collector is off while the registry loads, on again after (also after an error), with the survivors frozen."""

import gc

import pytest

from modules.base import gcpause


@pytest.fixture(autouse=True)
def restore():
    yield
    gc.unfreeze()
    gc.enable()


def test_off_inside_on_after_with_what_survived_frozen():
    gc.unfreeze()
    kept = [object() for _ in range(1000)]
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():  # loading inside synth's own pause
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner block leaves the outer one's pause alone"
    assert gc.isenabled() and gc.get_freeze_count() >= len(kept)


def test_an_error_inside_turns_it_back_on():
    with pytest.raises(RuntimeError), gcpause.paused():
        raise RuntimeError("invalid registry")
    assert gc.isenabled()


def test_a_collector_off_before_stays_off():
    gc.disable()
    with gcpause.paused():
        pass
    assert not gc.isenabled()


def test_without_freeze_nothing_is_moved_out_of_the_collectors_sight():
    gc.unfreeze()
    with gcpause.paused(freeze=False):
        kept = [object() for _ in range(10)]
    assert gc.isenabled() and gc.get_freeze_count() == 0 and kept
