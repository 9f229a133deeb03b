"""Send a jsii struct to Node with the fields that are set, read from where the struct keeps them.

jsii's Python runtime (`jsii._kernel._make_reference_for_native`) serializes a struct by reading every field
through its generated property getter, set or not. Each getter evaluates a `typing.cast(typing.Optional[...])`
expression, which misses typing's 128-entry cache across the bindings' thousands of types, and every unset
field is still sent as a JSON null that Node parses and checks. An account stack sends ~870 of them. Measured
in one process alternating the two (tests' registry of 100 teams, 40 stacks, `make bench`'s machine): Python
time per stack halves, and construct building plus cdktn's synth take ~16 % less CPU in all.

The generated struct classes keep exactly the fields that were given, by Python name, in `_values`
(https://github.com/aws/jsii/blob/main/packages/jsii-pacmak/lib/targets/python.ts, `emitInitializer` of a
struct), so this reads that dict and leaves the unset ones out: Node sees `undefined` either way. Anything
else (enums, object references, dict or list subclasses, dates, a struct without `_values`) goes to jsii's own
function. The output is the same bytes (tests/test_jsii_structs.py builds the example registry both ways).

jsii is pinned in pyproject.toml because this replaces a private function: `install` refuses quietly (returns
False) when the function is missing, and a test fails then, so an upgrade is noticed instead of going slow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PLAIN = (str, int, bool, float)

_ORIGINAL: Callable[[Any, Any], Any] | None = None


def _reference(kernel: Any, value: Any) -> Any:
    kind = type(value)
    if value is None or kind in _PLAIN:
        return value
    if kind is dict:
        return {"$jsii.map": {k: _reference(kernel, v) for k, v in value.items()}}
    if kind is list:
        return [_reference(kernel, v) for v in value]
    mapping = getattr(kind, "__jsii_name_mapping__", None)
    fields = getattr(value, "_values", None)
    fqn = getattr(kind, "__jsii_type__", None)
    if mapping is not None and fqn is not None and type(fields) is dict and fields.keys() <= mapping.keys():
        return {"$jsii.struct": {"fqn": fqn, "data": {mapping[k]: _reference(kernel, v) for k, v in fields.items()}}}
    assert _ORIGINAL is not None  # installed before any call
    return _ORIGINAL(kernel, value)


def install() -> bool:
    """Route jsii's serialization of arguments through `_reference` (idempotent); False if jsii has no such hook."""
    global _ORIGINAL
    import jsii._kernel as kernel_module  # lazy: the jsii runtime starts with cdktn, after the registry is planned

    current = getattr(kernel_module, "_make_reference_for_native", None)
    if current is _reference:
        return True
    if not callable(current):
        return False
    _ORIGINAL = current
    # jsii's own recursion and every kernel call (create, invoke, set) look the function up as a module global
    setattr(kernel_module, "_make_reference_for_native", _reference)  # noqa: B010 - a private name, not typed against
    return True


def installed() -> bool:
    import jsii._kernel as kernel_module  # lazy: as in install

    return getattr(kernel_module, "_make_reference_for_native", None) is _reference
