"""The positioned loader keeps scalar text, refuses duplicates and tags, and knows every value's line."""

from modules.registry.yamlio import parse


def test_scalars_keep_their_text():
    doc, errors = parse("id: 012345678901\nflag: no\nn: 500\nf: 1.50\nempty:\nq: '007'\n", "f.yaml")
    assert errors == []
    assert doc.data == {"id": "012345678901", "flag": "no", "n": "500", "f": "1.50", "empty": None, "q": "007"}


def test_quoted_null_stays_text():
    doc, _ = parse("a: 'null'\nb: null\nc: ~\n", "f.yaml")
    assert doc.data == {"a": "null", "b": None, "c": None}


def test_lines_of_nested_values():
    text = "team:\n  members:\n    - person: a\n    - person: b\n      role: x\n"
    doc, _ = parse(text, "f.yaml")
    assert doc.line("team") == 1
    assert doc.line("team", "members") == 2
    assert doc.line("team", "members", 1) == 4
    assert doc.line("team", "members", 1, "role") == 5
    # a path that does not exist falls back to its nearest ancestor
    assert doc.line("team", "members", 1, "missing") == 4


def test_duplicate_keys_are_reported_with_both_lines():
    doc, _ = parse("a: 1\nb: 2\na: 3\n", "f.yaml")
    [(err, path)] = doc.problems
    assert (err.line, err.message, path) == (3, "duplicate key 'a' (first defined on line 1)", ("a",))


def test_custom_tags_are_refused():
    doc, _ = parse("a: !include other.yaml\nb: !!python/object:os.system x\n", "f.yaml")
    assert [e.line for e, _ in doc.problems] == [1, 2]
    assert all("custom tag" in e.message for e, _ in doc.problems)


def test_syntax_error_has_a_line():
    doc, errors = parse("a: [1, 2\nb: 3\n", "f.yaml")
    assert doc is None
    assert errors[0].line == 2 and errors[0].message.startswith("YAML syntax error:")


def test_second_document_is_refused():
    doc, errors = parse("a: 1\n---\nb: 2\n", "f.yaml")
    assert doc is None and errors[0].line == 3


def test_empty_file_is_empty_data():
    doc, errors = parse("# only a comment\n", "f.yaml")
    assert errors == [] and doc.data is None


def test_recursive_alias_does_not_hang():
    doc, _ = parse("a: &x [*x]\n", "f.yaml")
    assert any("nesting deeper" in e.message for e, _ in doc.problems)


def test_billion_laughs_is_bounded_and_fast():
    import time

    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = "\n".join(lines) + "\n"
    assert len(text) < 1500
    started = time.perf_counter()
    doc, errors = parse(text, "f.yaml")
    assert time.perf_counter() - started < 5
    assert errors == []
    [(err, path)] = doc.problems
    assert "more than 100000 values" in err.message and path == ()


def test_deep_nesting_is_an_error_with_a_line_not_a_recursion_error():
    doc, errors = parse("a: 1\nb: " + "[" * 1000 + "]" * 1000 + "\n", "f.yaml")
    assert doc is None
    assert [(e.line, e.message) for e in errors] == [(2, "nesting deeper than 50 levels; registry files are shallow")]
    doc, errors = parse("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)), "f.yaml")
    assert doc is None and errors[0].line == 51
