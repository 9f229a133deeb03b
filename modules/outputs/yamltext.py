"""Deterministic YAML for generated files: keys in the order given, block style, no aliases.

libyaml's emitter, where PyYAML was built with it, writes the same bytes as the pure-Python one about three times
faster (atlantis.yaml has a project per stack); a test holds the two to the same bytes."""

from __future__ import annotations

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
