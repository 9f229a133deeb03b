"""Sweep every pattern the registry is checked with: nothing but ASCII passes, and the whole value must match.

`\\d` in Python and in pydantic's Rust engine is Unicode (full-width '１２３', Arabic-Indic '١٢٣' are digits),
and `$` in Python's `re.match` also matches before a trailing newline. The patterns are found by
introspection (the models' JSON Schema, and every compiled pattern in the modules that check names), so a
pattern added later is swept too.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Annotated, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, ValidationError

import modules.registry.checks as checks_pkg
from modules.outputs.schema import registry_schema

UNICODE_DIGITS = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९"


def _schema_patterns(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "pattern" and isinstance(v, str):
                if not v.startswith("^(?!^[-+.]*$)"):  # pydantic's own pattern for decimals as text, not ours
                    out.add(v)
            else:
                _schema_patterns(v, out)
    elif isinstance(node, list):
        for v in node:
            _schema_patterns(v, out)
    return out


def _compiled(value: Any, out: dict[str, re.Pattern], where: str, depth: int = 0) -> None:
    if depth > 3:
        return
    if isinstance(value, re.Pattern):
        out.setdefault(value.pattern, value)
    elif isinstance(value, dict):
        for v in value.values():
            _compiled(v, out, where, depth + 1)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _compiled(v, out, where, depth + 1)
    elif hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        for name in value.__dataclass_fields__:
            _compiled(getattr(value, name), out, where, depth + 1)


def _python_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern in the naming module, the models and the checks (module globals, and inside
    the dicts, tuples and dataclasses they hold)."""
    names = ["modules.base.naming", "modules.registry.fields", "modules.registry.model", "modules.registry.load", "modules.registry.paths"]
    names += [f"{checks_pkg.__name__}.{m.name}" for m in pkgutil.iter_modules(checks_pkg.__path__)]
    out: dict[str, re.Pattern] = {}
    for name in names:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not attr.startswith("__"):
                _compiled(value, out, name)
    return out


SCHEMA_PATTERNS = sorted(_schema_patterns(registry_schema(), set()))
PYTHON_PATTERNS = _python_patterns()
# Patterns that find characters to replace rather than accept values (not validation).
NOT_VALIDATING = {r"[^a-zA-Z0-9]+", r"[^A-Za-z0-9_-]", r"\$\{[^}]*\}"}


def test_sweep_finds_the_patterns():
    assert len(SCHEMA_PATTERNS) >= 18, SCHEMA_PATTERNS
    assert len(PYTHON_PATTERNS) >= 10, sorted(PYTHON_PATTERNS)


def _pydantic(pattern: str):
    adapter = TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])

    def ok(value: str) -> bool:
        try:
            adapter.validate_python(value)
            return True
        except Exception:
            return False

    return ok


def _variants(sample: str) -> list[str]:
    out = [sample + "\n", sample + "\r\n", "\n" + sample]
    for i, ch in enumerate(sample):
        if ch.isascii() and ch.isdigit():
            out += [sample[:i] + d + sample[i + 1 :] for d in (UNICODE_DIGITS[int(ch)], UNICODE_DIGITS[10 + int(ch)])]
            break
    return out


def _sweep(pattern: str, accepts, data) -> None:
    sample = data.draw(st.from_regex(pattern, fullmatch=True), label="sample")
    assert sample.isascii(), f"pattern {pattern!r} accepts non-ASCII {sample!r} (use ASCII classes such as [0-9])"
    for bad in _variants(sample):
        assert not accepts(bad), f"pattern {pattern!r} accepts {bad!r}"


@pytest.mark.parametrize("pattern", SCHEMA_PATTERNS)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_schema_patterns_accept_ascii_only_and_whole_values(pattern, data):
    _sweep(pattern, _pydantic(pattern), data)


@pytest.mark.parametrize("pattern", sorted(set(PYTHON_PATTERNS) - NOT_VALIDATING))
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_python_patterns_accept_ascii_only_and_whole_values(pattern, data):
    compiled = PYTHON_PATTERNS[pattern]
    _sweep(pattern, lambda v: compiled.fullmatch(v) is not None, data)


def test_python_patterns_are_used_as_full_matches():
    """`.match(` / `re.match(` / `re.search(` let a trailing newline or a tail through: fullmatch only."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "modules"
    files = [*(root / "base").rglob("*.py"), *(root / "registry").rglob("*.py")]
    offenders = [
        f"{p.name}:{i}"
        for p in files
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"(?<!full)match\(|re\.search\(", line) and "fullmatch" not in line
    ]
    assert offenders == []


@pytest.mark.parametrize("value", ["１１１１１１１１１１１１", "١١١١١١١١١١١١", "333333333333\n"])
def test_unicode_digits_and_newline_are_not_account_ids(value):
    from modules.registry.model import TeamEnvironment

    with pytest.raises(ValidationError):
        TeamEnvironment.model_validate({"account_id": value})
