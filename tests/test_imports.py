"""Import hygiene of modules/: the stages are layers that import only downwards, no import cycle, and every import
inside a function says why it is there.

The layers, bottom up (docs/development.md, "Layout"): LAYERS below. A module imports modules of its own layer or
lower ones, never a higher one: at module level, under `if TYPE_CHECKING:`, and inside a function alike. No cycle
among module-level imports, annotation-only ones (`if TYPE_CHECKING:`) included: a cycle that only annotations
close is still two modules that cannot be understood apart.

Imports at module level are the rule. An import inside a function is allowed only to keep a heavy library off a
path that must stay fast (cdktn off `validate` and the no-op synth, pydantic off the no-op synth, boto3 off
`validate`), and must then say so with a `# lazy: <reason>` comment on its line, or in the comment block directly
above the run of imports it belongs to.
"""

from __future__ import annotations

import ast
from pathlib import Path

MODULES = Path(__file__).resolve().parent.parent / "modules"
MARK = "# lazy:"

# Bottom up; each entry is a layer, its packages side by side (they may import each other, without a cycle).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("base",),  # errors, naming, tfexpr, safewrite, git, CloudFormation and seed-zip helpers: below the registry
    ("shares", "guardrails"),  # the share kinds and the SCP library: the vocabulary the registry's model and checks use
    ("registry",),  # load, model, checks
    ("plan",),  # the stack layout: records, the stack-kind table, one planner per kind
    ("policies",),  # IAM documents from plan records and values
    ("aws",),  # one construct module per AWS area (cdktn)
    ("engine",),  # synth, build, fingerprint, the destroy guard, jsii and Node shortcuts
    ("review", "outputs", "post"),  # what is read from the plan and the output: reviews, files, the post-step
    ("commands",),  # one module per command, and the command line
)


def _sources() -> dict[str, tuple[Path, ast.Module, list[str]]]:
    """Dotted module name -> (path, syntax tree, source lines), for every module under modules/."""
    out = {}
    for path in sorted(MODULES.rglob("*.py")):
        parts = path.relative_to(MODULES.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        text = path.read_text(encoding="utf-8")
        out[name] = (path, ast.parse(text, filename=str(path)), text.splitlines())
    return out


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.Module) -> tuple[list[ast.stmt], list[ast.stmt], list[ast.stmt]]:
    """(module-level imports, module-level imports under `if TYPE_CHECKING:`, imports inside a function or class)."""
    top: list[ast.stmt] = []
    typing: list[ast.stmt] = []
    nested: list[ast.stmt] = []

    def walk(node: ast.AST, inside: bool, annotations: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                for body in child.body:  # type: ignore[attr-defined]
                    walk_one(body, inside, True)
                for orelse in child.orelse:  # type: ignore[attr-defined]
                    walk_one(orelse, inside, annotations)
                continue
            walk_one(child, inside, annotations)

    def walk_one(child: ast.AST, inside: bool, annotations: bool) -> None:
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            (nested if inside else typing if annotations else top).append(child)
        walk(child, inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)), annotations)

    walk(tree, False, False)
    return top, typing, nested


def _marked(node: ast.stmt, lines: list[str], nested_lines: set[int]) -> bool:
    """Whether the import has `# lazy:` on one of its lines, or in the comments just above its run of imports."""
    if any(MARK in lines[i - 1] for i in range(node.lineno, (node.end_lineno or node.lineno) + 1)):
        return True
    i = node.lineno - 1  # 1-based number of the line above
    while i >= 1 and (i in nested_lines or not lines[i - 1].strip()):  # over the run's other imports (isort's blank lines too)
        i -= 1
    while i >= 1 and lines[i - 1].strip().startswith("#"):
        if lines[i - 1].strip().startswith(MARK):
            return True
        i -= 1
    return False


def _unmarked() -> dict[str, list[str]]:
    """Repository-relative file -> "file:line: import" for each function-level import without a reason."""
    found: dict[str, list[str]] = {}
    for path, tree, lines in _sources().values():
        _, typing, nested = _imports(tree)
        nested = [n for n in nested if n not in typing]
        nested_lines = {n for node in nested for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)}
        rel = path.relative_to(MODULES.parent).as_posix()
        for node in nested:
            if not _marked(node, lines, nested_lines):
                found.setdefault(rel, []).append(f"{rel}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def test_every_function_level_import_says_why():
    found = _unmarked()
    bad = [line for rel, lines in sorted(found.items()) for line in lines]
    assert not bad, (
        f"imports inside functions without a `{MARK} <reason>` comment (move them to the top of the "
        "module, or say what path they keep a heavy library off):\n" + "\n".join(bad)
    )


def _resolve(importer: str, is_package: bool, node: ast.stmt, known: set[str]) -> set[str]:
    """The modules of `modules` that this module-level import statement loads (relative imports resolved)."""
    if isinstance(node, ast.Import):
        bases = [alias.name for alias in node.names]
        names: list[str] = []
    else:
        assert isinstance(node, ast.ImportFrom)
        if node.level:
            package = importer.split(".") if is_package else importer.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            bases = [".".join(package + ([node.module] if node.module else []))]
        else:
            bases = [node.module or ""]
        names = [alias.name for alias in node.names]
    out = set()
    for base in bases:
        # the deepest module of the dotted name, then `from package import submodule`
        parts = base.split(".")
        target = next((".".join(parts[:i]) for i in range(len(parts), 0, -1) if ".".join(parts[:i]) in known), None)
        if target is None:
            continue
        out.add(target)
        out.update(f"{base}.{name}" for name in names if f"{base}.{name}" in known)
    # A package's __init__ runs before its submodule; the importer's own packages are already running.
    for target in list(out):
        parts = target.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if parent in known and not importer.startswith(parent + ".") and parent != importer:
                out.add(parent)
    out.discard(importer)
    return out


def _graph(*, nested: bool = False) -> dict[str, set[str]]:
    """Module -> the modules it imports at module level, annotation-only imports included (`nested`: and inside
    functions too)."""
    sources = _sources()
    known = set(sources)
    graph = {}
    for name, (path, tree, _) in sources.items():
        top, typing, inner = _imports(tree)
        found = [*top, *typing, *(inner if nested else [])]
        graph[name] = set().union(*(_resolve(name, path.name == "__init__.py", n, known) for n in found))
    return graph


def _layer(module: str) -> int | None:
    """The index in LAYERS of a module's package (None: `modules` itself, which holds nothing)."""
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return next((i for i, layer in enumerate(LAYERS) if parts[1] in layer), -1)


def _upward(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a higher layer (or of a package no layer lists), as `importer -> imported`."""
    out = []
    for importer, targets in sorted(graph.items()):
        here = _layer(importer)
        for target in sorted(targets):
            there = _layer(target)
            if here == -1 or there == -1 or (here is not None and there is not None and there > here):
                out.append(f"{importer} -> {target}")
    return out


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_among_modules():
    cycle = _cycle(_graph())
    assert cycle is None, "module-level import cycle (annotation-only imports count): " + " -> ".join(cycle or [])


def test_every_package_is_a_layer_and_imports_only_downwards():
    packages = {p.name for p in MODULES.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    listed = [name for layer in LAYERS for name in layer]
    assert sorted(listed) == sorted(packages), "every package of modules/ in exactly one layer"
    assert [p.name for p in MODULES.glob("*.py")] == ["__init__.py"], "no loose module: each belongs to a stage's folder"
    bad = _upward(_graph(nested=True))
    assert not bad, "imports of a higher layer (see LAYERS):\n" + "\n".join(bad)


def test_the_checks_can_fail():
    """The helpers above see what they must: a cycle, a relative import, an unmarked and a marked import."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    known = {"modules", "modules.synth", "modules.build", "modules.aws", "modules.aws.base"}
    tree = ast.parse("from .build import build\nfrom . import build\nfrom .aws.base import X\nimport json\n")
    assert [_resolve("modules.synth", False, n, known) for n in tree.body] == [
        {"modules.build"},
        {"modules", "modules.build"},
        {"modules.aws", "modules.aws.base"},
        set(),
    ]
    src = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"
        "def f():\n    import b\n    # lazy: why\n    import c\n    import d\n    x = 1\n    import e  # lazy: why\n"
        "    import g\n    # lazy: why\n    import h\n\n    import i\n"
    )
    lines = src.splitlines()
    top, typing, nested = _imports(ast.parse(src))
    assert [n.lineno for n in top] == [1] and [n.lineno for n in typing] == [3]
    nested_lines = {n.lineno for n in nested}
    assert {n.lineno: _marked(n, lines, nested_lines) for n in nested} == {
        5: False,
        7: True,
        8: True,
        10: True,
        11: False,
        13: True,
        15: True,
    }
    layered = {"modules.base.naming": set(), "modules.plan.layout": {"modules.base.naming"}, "modules.aws.base": {"modules.plan.layout"}}
    assert _upward(layered) == []
    assert _upward({**layered, "modules.base.naming": {"modules.aws.base"}}) == ["modules.base.naming -> modules.aws.base"]
    assert _upward({"modules.stray": {"modules.base.naming"}}) == ["modules.stray -> modules.base.naming"]
