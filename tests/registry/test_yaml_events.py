"""The one-pass event reader (yamlio._from_events) gives the composer path's Document wherever it gives one, and
leaves everything unusual (problems to report, aliases, deep nesting, several documents) to that path."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.registry import yamlio

ROOT = Path(__file__).resolve().parents[2]


def composed(text: str) -> yamlio.Document | None:
    """parse() as it was before the event reader: the composer path only."""
    saved = yamlio._from_events
    yamlio._from_events = lambda *_: None
    try:
        return yamlio.parse(text, "f.yaml")[0]
    finally:
        yamlio._from_events = saved


def same(text: str) -> bool:
    """True when the event reader read text (and gave the composer path's document), False when it left it."""
    fast = yamlio._from_events(text, "f.yaml")
    if fast is None:
        return False
    slow = composed(text)
    assert slow is not None and not slow.problems, text
    assert (fast.data, fast.lines, fast.problems) == (slow.data, slow.lines, slow.problems), text
    return True


def test_every_registry_file_in_the_repository_reads_the_same():
    files = sorted({*ROOT.glob("registry/**/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml"), *ROOT.glob("docs/**/*.yaml")})
    read = [f for f in files if same(f.read_text(encoding="utf-8", errors="replace"))]
    assert len(files) > 100
    # the example's own registry files are plain data: every one of them is read by the event reader
    example = {f for f in ROOT.glob("registry/*.yaml")} | set(ROOT.glob("registry/teams/*.yaml"))
    assert example and example <= set(read)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\n",  # anchors and aliases
        "a: 1\na: 2\n",  # a duplicate key
        "base: {x: 1}\nother:\n  <<: {y: 2}\n",  # a merge key
        "a: !Ref b\n",  # a custom tag
        "? [a, b]\n: c\n",  # a collection as a key
        "a: 1\n---\nb: 2\n",  # two documents
        "a: " + "[" * 60 + "]" * 60 + "\n",  # too deep
        "a: [1, 2\n",  # a syntax error
        "a: b: c\n",
    ],
)
def test_unusual_files_are_left_to_the_composer_path(text):
    assert yamlio._from_events(text, "f.yaml") is None


def test_empty_and_null_documents_read_the_same():
    for text in ("", "# only a comment\n", "---\n", "~\n", "null\n", "''\n", "a:\nb: ~\nc: ''\n", "- \n- x\n"):
        assert same(text), text


words = st.text(alphabet="ab:-#'\"{}[],&*!|>%@` \n\t~01.eéy<", max_size=8)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | words
data = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4), max_leaves=25)


@settings(max_examples=500, deadline=None)
@given(data, st.sampled_from([None, False, True]), st.sampled_from([None, "'", '"']))
def test_generated_documents_read_the_same(value, flow, style):
    text = yaml.safe_dump(value, default_flow_style=flow, default_style=style, allow_unicode=True)
    read = same(text)
    if style is None and flow is False and isinstance(value, dict) and value and all(isinstance(k, str) and k != "<<" for k in value):
        assert read or "<<" in text or "&" in text, text  # plain block documents are the event reader's own


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab: -\n[]{},#&*!'\"?<|>~", max_size=40))
def test_any_text_reads_the_same_or_is_left(text):
    same(text)
