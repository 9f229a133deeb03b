"""jsontext.dumps writes json.dumps's bytes: the generated files keep their bytes whichever writes them."""

import json
from collections import OrderedDict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.base import jsontext

leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(values, st.integers(min_value=0, max_value=4), st.booleans())
def test_the_text_is_json_dumps_text(value, indent, sort_keys):
    assert jsontext.dumps(value, indent=indent, sort_keys=sort_keys) == json.dumps(value, indent=indent, sort_keys=sort_keys)


@pytest.mark.parametrize(
    "value",
    [
        {1: "int key", 2: 2, 3: None},  # json.dumps turns keys into strings by its own rules
        {"a": OrderedDict(b=1)},  # a dict subclass
        [1.5, True, {"x": [None, {}]}, []],
        {"nested": [{"deep": [[["x"]]]}], "é\u2028\U0001f600": "\x00\x1f"},
    ],
)
def test_other_types_and_awkward_strings_are_written_as_json_dumps_writes_them(value):
    for sort_keys in (False, True):
        assert jsontext.dumps(value, indent=2, sort_keys=sort_keys) == json.dumps(value, indent=2, sort_keys=sort_keys)


def test_a_circular_value_is_refused_as_json_dumps_refuses_it():
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        jsontext.dumps(loop, indent=2)


def test_the_example_output_files_read_back_to_the_same_bytes():
    """Every indented JSON file of the committed output, parsed and written again, is the same text."""
    generated = Path(__file__).resolve().parent.parent / "generated"
    checked = 0
    for path in sorted([*generated.glob("post/*.json"), generated / "manifest.json", generated / "shares.json"]):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert jsontext.dumps(data, indent=2, sort_keys=True) + ("\n" if text.endswith("\n") else "") == text, path
        checked += 1
    assert checked > 10
