"""`access`: the access review, every person x account, what grants it, Studio (no cdktn). With `--drift FILE` (the
JSON report of `access-drift`), also what people have that the registry does not grant, marked as such."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..outputs.access import access_report
from ..plan.layout import plan
from . import EXIT_OK, Unusable
from .loading import load
from .specs import AccessOptions


def access(opts: AccessOptions) -> int:
    reg = load(opts.registry)
    drift = _findings(opts.drift) if opts.drift else None
    print(access_report(plan(reg), opts.format, person=opts.person, account=opts.account, drift=drift), end="")
    return EXIT_OK


def _findings(path: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Unusable(f"error: cannot read {path}: {exc}") from None
    found = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(found, list) or not all(isinstance(f, dict) for f in found):
        raise Unusable(f"error: {path} is not a report of `python main.py access-drift --format json` (no list of findings)")
    return found
