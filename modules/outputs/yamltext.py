"""Deterministic YAML for generated files: keys in the order given, block style, no aliases.

libyaml's emitter, where PyYAML was built with it, writes the same bytes as the pure-Python one about three times
faster (atlantis.yaml has a project per stack); a test holds the two to the same bytes."""

from __future__ import annotations

import re

import yaml

_BASE: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BASE):  # type: ignore[valid-type,misc]
    def ignore_aliases(self, data: object) -> bool:
        return True


class _PureDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def dump(doc: object, *, pure: bool = False) -> str:
    """doc as YAML text; `pure`: with the pure-Python emitter (the reference the tests compare with)."""
    dumper = _PureDumper if pure else _Dumper
    return yaml.dump(doc, Dumper=dumper, sort_keys=False, default_flow_style=False, width=120, allow_unicode=True)


# Names as the compiler derives them (stack names, folders, file names): letters, digits and . _ / - only, starting
# with a letter or digit, so that nothing in them is YAML syntax.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*\Z")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def plain_string(value: object) -> bool:
    """Whether the emitter writes this string as it is (plain, unquoted) in a block collection: a name of those
    characters that YAML does not read as another type (a number, a date, a boolean, null), which is what the emitter
    asks of a plain scalar (the serializer's implicit tag: https://pyyaml.org/wiki/PyYAMLDocumentation)."""
    return (
        isinstance(value, str)
        and _NAME.match(value) is not None
        and not value.startswith(("---", "..."))
        and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR  # type: ignore[no-untyped-call]
    )
