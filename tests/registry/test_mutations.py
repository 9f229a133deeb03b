"""Property: whatever is done to a valid registry, the compiler answers with success or file:line errors, never a crash."""

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.base.errors import RegistryInvalid
from modules.registry.validate import load_registry
from tests.helpers import BASE

FILES = sorted(str(p.relative_to(BASE)) for p in BASE.rglob("*.yaml") if p.parent.name != "catalog")
RAW = {f: yaml.safe_load((BASE / f).read_text()) for f in FILES}


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


VOCABULARY = sorted({s for data in RAW.values() for s in _strings(data)})

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**13), 10**13),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(VOCABULARY),
)
values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=6
)


def _get(node, path):
    for p in path:
        node = node[p]
    return node


@st.composite
def mutations(draw):
    import copy

    data = copy.deepcopy(RAW)
    for _ in range(draw(st.integers(1, 4))):
        file = draw(st.sampled_from(FILES))
        paths = list(_paths(data[file]))
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "delete", "swap", "rename"]))
        if not path:
            data[file] = draw(values)
            continue
        parent, key = _get(data[file], path[:-1]), path[-1]
        if op == "replace":
            parent[key] = draw(values)
        elif op == "delete":
            del parent[key]
        elif op == "swap":
            parent[key] = draw(st.sampled_from(VOCABULARY))
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(VOCABULARY))] = parent.pop(key)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutated_registry_never_crashes(data):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "registry"
        shutil.copytree(BASE, root)
        for file, content in data.items():
            (root / file).write_text(yaml.safe_dump(content, sort_keys=False))
        try:
            load_registry(root, shown_root="registry")
        except RegistryInvalid as exc:
            assert exc.errors
            for err in exc.errors:
                assert err.file.startswith("registry/") and err.line >= 1
                assert str(err).startswith(f"{err.file}:{err.line}: ")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FILES), st.binary(max_size=200))
def test_garbage_bytes_in_a_file_never_crash(file, blob):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "registry"
        shutil.copytree(BASE, root)
        (root / file).write_bytes(blob)
        try:
            load_registry(root, shown_root="registry")
        except RegistryInvalid as exc:
            assert all(e.line >= 1 and e.file.startswith("registry/") for e in exc.errors)
