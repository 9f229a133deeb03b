"""The repository explains itself: every reference in code, messages, README and docs points at a file of the
repository (and, when it names a section, at a heading there), and none points at notes outside it (design notes,
a registry contract, numbered decisions or issues that a reader of the repository does not have)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *sorted((ROOT / "modules").rglob("*.py")),
    *sorted((ROOT / "modules").rglob("*.cjs")),
    *sorted((ROOT / "tests").rglob("*.py")),
    *sorted((ROOT / "tests").rglob("*.yaml")),
    *sorted((ROOT / "registry").rglob("*.yaml")),
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / ".ci").iterdir()),
    ROOT / "main.py",
    ROOT / "Makefile",
    ROOT / "pyproject.toml",
    ROOT / "README.md",
]
# Built from parts, so that this file does not name what it looks for.
OUTSIDE = re.compile(
    "|".join(
        [
            r"\b" + "DESIGN" + r"\.md",
            r"\b" + "REGISTRY" + r"\.md",
            "DESIGN" + r" decision",
            r"\b[Dd]ecisions? " + r"\d+",
            r"\b[Ii]ssues? " + r"#?\d+",
            r"\(#" + r"\d+\)",
            r"\.\./" + "shared",
            "/work/" + "shared",
        ]
    )
)
DOC_REFERENCE = re.compile(r"\b(docs/[\w-]+\.md|README(?:\.md)?)(?:,? \"([^\"]+)\")?")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _joined(text: str) -> str:
    """Text with line breaks inside comments and strings closed up, so a reference split over lines reads whole."""
    return re.sub(r"\n[ \t]*(?:#[ \t]*|//[ \t]*|> )?", " ", text)


def _headings(path: Path) -> set[str]:
    """A document's headings and the bold openings of its paragraphs, without markup."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("**"):
            out.add(line.lstrip("#* ").replace("`", "").replace("*", "").strip())
    return out


def test_no_reference_points_outside_the_repository():
    found = []
    for path in SOURCES:
        if path == Path(__file__) or not path.is_file():
            continue
        text = _joined(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert found == []


def test_every_document_reference_resolves():
    broken = []
    for path in SOURCES:
        if not path.is_file():
            continue
        for m in DOC_REFERENCE.finditer(_joined(path.read_text(encoding="utf-8"))):
            target = ROOT / ("README.md" if m.group(1).startswith("README") else m.group(1))
            if not target.is_file():
                broken.append(f"{path.relative_to(ROOT)}: {m.group(0)} (no such file)")
            elif m.group(2) and not any(h.startswith(m.group(2).replace("`", "")) for h in _headings(target)):
                broken.append(f"{path.relative_to(ROOT)}: {m.group(0)} (no such section)")
    assert broken == []


def test_every_link_in_the_readme_and_docs_resolves():
    broken = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if not (path.parent / target.split("#", 1)[0]).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    """The patterns are not vacuous: each kind of outside reference is caught, and a wrong section is found."""
    samples = ["see " + "DESIGN" + ".md", "(" + "DESIGN" + " decision 7)", "issue " + "#17", "(#" + "12)", "../" + "shared/x"]
    assert all(OUTSIDE.search(s) for s in samples)
    assert not OUTSIDE.search("terraform-provider-aws #35646, https://github.com/runatlantis/atlantis/issues/5791")
    m = DOC_REFERENCE.search('(docs/design.md, "A new team is two pull requests")')
    assert m and any(h.startswith(m.group(2)) for h in _headings(ROOT / m.group(1)))
    assert not any(h.startswith("No such section") for h in _headings(ROOT / "docs" / "design.md"))


PATH = re.compile(r"(?<![\w./-])((?:modules|tests)/[A-Za-z0-9_./*{},<>-]*[A-Za-z0-9_/*}>])")
PRODUCT = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", *sorted((ROOT / "modules").rglob("*.py"))]
PRODUCT += [*sorted((ROOT / "modules").rglob("*.cjs")), ROOT / "modules" / "engine" / "jsii-node"]


def _expanded(path: str) -> list[str]:
    """`tests/fixtures/{base,valid}` as its alternatives; `<case>` as any one name (a glob). A code template (an
    f-string's `{name}`, a shell's `${...}`) is no path: none."""
    m = re.search(r"\{([^}]*)\}", path.rstrip("}") if path.count("}") > path.count("{") else path)
    if m and "," not in m.group(1):
        return []
    if m:
        return [q for alt in m.group(1).split(",") for q in _expanded(path[: m.start()] + alt + path[m.end() :])]
    return [] if "{" in path or "}" in path else [re.sub(r"<[^>]*>", "*", path)]


def test_every_path_the_docs_and_the_code_name_exists():
    """A path under modules/ or tests/ named in the docs, the README or the code's comments and messages is there (a
    glob where it has `*` or `<name>`): a move or a rename that leaves a reader looking for a file that is gone fails."""
    missing = []
    for source in PRODUCT:
        for m in PATH.finditer(source.read_text(encoding="utf-8")):
            for path in _expanded(m.group(1).rstrip(".")):
                if not (any(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()):
                    missing.append(f"{source.relative_to(ROOT)}: {m.group(1)}")
    assert missing == []


def test_the_development_layout_names_every_package():
    layout = (ROOT / "docs" / "development.md").read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = sorted(p.name for p in (ROOT / "modules").iterdir() if (p / "__init__.py").is_file())
    assert [p for p in packages if f"modules/{p}/" not in layout] == []
    assert _expanded("tests/fixtures/{base,valid}/<case>") == ["tests/fixtures/base/*", "tests/fixtures/valid/*"]


def test_every_module_the_workflows_and_docs_import_exists():
    """`python -c 'from modules.base.gitbase import extract'` in a workflow, `modules.commands.cli:entry` in pyproject:
    each dotted name under modules names a module, or an attribute of one, that is there."""
    sources = [*sorted((ROOT / ".github").rglob("*.yml")), *sorted((ROOT / "atlantis").iterdir()), *sorted((ROOT / "docs").glob("*.md"))]
    sources += [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "Makefile"]
    missing = []
    for source in sources:
        if not source.is_file():
            continue
        for m in re.finditer(r"(?<![\w./-])modules(?:\.[a-z_]+)+(?::[a-z_]+)?", source.read_text(encoding="utf-8")):
            name, _, attr = m.group(0).partition(":")
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                parent, _, attr = name.rpartition(".")
                module = importlib.import_module(parent)
            if attr and not hasattr(module, attr):
                missing.append(f"{source.relative_to(ROOT)}: {m.group(0)}")
    assert missing == []
