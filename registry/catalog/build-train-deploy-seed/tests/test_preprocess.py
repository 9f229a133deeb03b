import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("preprocess", Path(__file__).parents[1] / "scripts" / "preprocess.py")
preprocess = importlib.util.module_from_spec(spec)
spec.loader.exec_module(preprocess)


def test_split_keeps_every_row_once_and_is_repeatable():
    rows = [f"{i % 2},{i}" for i in range(100)]
    train, validation = preprocess.split(rows)
    assert sorted(train + validation) == sorted(rows)
    assert len(validation) == 20
    assert preprocess.split(rows) == (train, validation)
