"""Seed code of catalog templates: a template with `seed_code` must take the seed's location as parameters.

The compiler publishes a seeded template with its `SeedCodeBucket` and `SeedCodeKey` parameters defaulting to the
seed zip (modules/cfn_template.py); a template that does not declare them would never read the seed. (Folder
existence, staying inside the registry, symlinks and size are the loader's checks.)
"""

from __future__ import annotations

from ... import cfn_template
from ...seed import SEED_PARAMETERS
from ..errors import RegistryError
from ..model import Registry
from ..source import error


def check_seed_parameters(reg: Registry) -> list[RegistryError]:
    errors = []
    for t in reg.templates:
        folder = getattr(t, "seed_code", None)
        if not folder or folder not in reg.seed_zips or t.template not in reg.files:
            continue  # no seed, or a folder with a problem (reported by the catalog check), or no template
        try:
            declared = cfn_template.declared_parameters(reg.files[t.template])
        except Exception:  # noqa: BLE001 - an unreadable template is cfn-lint's and the template check's to report
            continue
        missing = [p for p in SEED_PARAMETERS if p not in declared]
        if missing:
            errors.append(
                error(
                    t,
                    "seed_code",
                    f"template '{t.name}' has seed_code, but {t.template} does not declare the "
                    f"parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)}: the project's "
                    "repository is created from the seed through them (Type: String; the compiler "
                    "sets their defaults)",
                )
            )
    return errors
