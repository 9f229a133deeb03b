"""Two shortcuts in jsii's Python runtime, on the path every construct takes to Node; the output is the same bytes.

1. Structs are sent with the fields that are set. jsii (`jsii._kernel._make_reference_for_native`) reads every
   field of a struct through its generated property getter, set or not. Each getter evaluates a
   `typing.cast(typing.Optional[...])` that misses typing's 128-entry cache across the bindings' thousands of
   types, and each unset field is sent as a JSON null that Node parses and checks, hundreds per account stack. The
   generated struct classes keep exactly the fields given, by Python name, in `_values`
   (https://github.com/aws/jsii/blob/main/packages/jsii-pacmak/lib/targets/python.ts, a struct's initializer),
   so `_reference` reads that dict and leaves the unset ones out: Node sees `undefined` either way.
2. A create or static-invoke request is turned into JSON-ready data directly. jsii unstructures every request
   with cattrs, which walks the argument tree once more through its generic dispatch, though it is already
   JSON-ready (`_Requests`). The hooks build the same dict without that walk.

Anything else goes to jsii's own code. Both save CPU on every construct, well above the machine's noise (measured in
one process alternating with and without: docs/performance.md). tests/test_jsii_fast.py compares both with jsii's
own results and builds the example registry both ways. jsii is pinned in pyproject.toml because these replace
private functions: `install` returns False when one is missing, and a test fails then, so an upgrade is noticed
instead of silently going slow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PLAIN = (str, int, bool, float)

_ORIGINAL: Callable[[Any, Any], Any] | None = None  # jsii's _make_reference_for_native
_JSII_HOOKS: dict[type, Callable[[Any], Any]] = {}  # jsii's own unstructure hooks of the requests replaced here


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
        # in the mapping's order, as jsii sends them (a struct's _values starts with its own required fields)
        data = {jsii_name: _reference(kernel, fields[name]) for name, jsii_name in mapping.items() if name in fields}
        return {"$jsii.struct": {"fqn": fqn, "data": data}}
    assert _ORIGINAL is not None  # installed before any call
    return _ORIGINAL(kernel, value)


class _Requests:
    """Unstructure hooks for one jsii process's cattrs converter.

    A create or static-invoke request's arguments are always what `_make_reference_for_native` (here
    `_reference`) made of them (jsii._kernel.Kernel.create and .sinvoke): dicts, lists and scalars, with jsii
    objects and dates as leaves, which cattrs leaves as they are and json.dumps turns into references
    (`jdefault`). So they are sent as they are; only the overrides go through cattrs."""

    def __init__(self, converter: Any):
        self.unstructure: Callable[[Any], Any] = converter.unstructure

    def create(self, request: Any) -> dict[str, Any]:
        return {
            "fqn": request.fqn,
            "args": request.args,
            "overrides": [self.unstructure(o) for o in request.overrides],
            "interfaces": request.interfaces,
            "api": "create",
        }

    def static_invoke(self, request: Any) -> dict[str, Any]:
        return {"fqn": request.fqn, "method": request.method, "args": request.args, "api": "sinvoke"}


def _converter() -> Any:
    """The cattrs converter of this process's jsii runtime (starting it, as building a construct would)."""
    from jsii._runtime import kernel  # lazy: as in install

    provider: Any = kernel.provider  # a ProcessProvider, whose process holds the converter
    return provider._process._serializer


def install() -> bool:
    """Install both shortcuts (idempotent); False if jsii lacks a hook they replace."""
    global _ORIGINAL
    # lazy: the jsii runtime starts with cdktn, after the registry is planned
    import jsii._kernel as kernel_module
    from jsii._kernel.types import CreateRequest, StaticInvokeRequest

    current = getattr(kernel_module, "_make_reference_for_native", None)
    if not callable(current):
        return False
    if current is not _reference:
        _ORIGINAL = current
        # jsii's own recursion and every kernel call (create, invoke, set) look the function up as a module global
        setattr(kernel_module, "_make_reference_for_native", _reference)  # noqa: B010 - a private name, not typed
    try:
        converter = _converter()
        dispatch = converter._unstructure_func.dispatch
    except AttributeError:
        return False
    if not installed():
        hooks = _Requests(converter)
        _JSII_HOOKS.update({CreateRequest: dispatch(CreateRequest), StaticInvokeRequest: dispatch(StaticInvokeRequest)})
        converter.register_unstructure_hook(CreateRequest, hooks.create)
        converter.register_unstructure_hook(StaticInvokeRequest, hooks.static_invoke)
    return True


def uninstall() -> None:
    """jsii's own code again (tests compare the two)."""
    import jsii._kernel as kernel_module  # lazy: as in install

    if _ORIGINAL is not None:
        setattr(kernel_module, "_make_reference_for_native", _ORIGINAL)  # noqa: B010 - as in install
    converter = _converter()
    for kind, hook in _JSII_HOOKS.items():
        converter.register_unstructure_hook(kind, hook)
    _JSII_HOOKS.clear()


def installed() -> bool:
    # lazy: as in install
    import jsii._kernel as kernel_module
    from jsii._kernel.types import CreateRequest

    if getattr(kernel_module, "_make_reference_for_native", None) is not _reference:
        return False
    try:
        hook = _converter()._unstructure_func.dispatch(CreateRequest)
    except AttributeError:
        return False
    return isinstance(getattr(hook, "__self__", None), _Requests)
