"""Seed code of catalog templates: a template with `seed_code` must take the seed's location as parameters.

The compiler publishes a seeded template with its `SeedCodeBucket` and `SeedCodeKey` parameters defaulting to the
seed zip (modules/base/cfn_template.py); a template that does not declare them would never read the seed. (Folder
existence, staying inside the registry, symlinks and size are the loader's checks.)
"""

from __future__ import annotations

from ...base import cfn_template, seed_push
from ...base.errors import RegistryError
from ...base.seedzip import SEED_PARAMETERS
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


def check_git(reg: Registry) -> list[RegistryError]:
    """catalog.yaml `git`: a connection names its ARN and owner, in the shared services account and home region (the
    CodeBuild project that pushes seed code runs there, and a connection is used in its own account and region); and
    with it, every seeded template takes its seed repository and creates no CodeCommit repository unconditionally."""
    git = reg.git
    if git is None:
        return []
    org = reg.organization
    errors = []
    if git.provider == "codecommit":
        errors += [
            error(git, field, f"git.{field} is only for provider codeconnections (allowed with codecommit: provider)")
            for field in ("connection_arn", "owner")
            if getattr(git, field) is not None
        ]
        return errors
    for field, what in (("connection_arn", "the connection's ARN"), ("owner", "the organization or group of the seed repositories")):
        if getattr(git, field) is None:
            errors.append(error(git, None, f"git.{field} is missing: provider codeconnections needs {what}"))
    if git.connection_arn:
        region, account = git.connection_arn.split(":")[3:5]
        if account != org.shared_services_account_id:
            errors.append(
                error(
                    git,
                    "connection_arn",
                    f"the connection is in account {account}; it must be in the shared services account "
                    f"{org.shared_services_account_id}, where seed code is pushed from",
                )
            )
        if region != org.home_region:
            errors.append(error(git, "connection_arn", f"the connection is in {region}; it must be in home_region {org.home_region}"))
    wanted = (seed_push.GIT_PROVIDER_PARAMETER, seed_push.SEED_REPOSITORY_PARAMETER, seed_push.SEED_BRANCH_PARAMETER)
    for t in reg.templates:
        if not t.seed_code or t.template not in reg.files:
            continue
        try:
            doc = cfn_template.load(reg.files[t.template])
            declared = cfn_template.declared_parameters(reg.files[t.template])
        except Exception:  # noqa: BLE001 - an unreadable template is cfn-lint's and the template check's to report
            continue
        missing = [p for p in wanted if p not in declared]
        if missing:
            errors.append(
                error(
                    t,
                    "template",
                    f"{t.template} does not declare {', '.join(missing)}: with git provider codeconnections a seeded "
                    "template learns its seed repository and branch from them (Type: String; the compiler sets their defaults)",
                )
            )
        resources = doc.get("Resources") if isinstance(doc, dict) else None
        for name, body in (resources or {}).items():
            if isinstance(body, dict) and body.get("Type") == "AWS::CodeCommit::Repository" and "Condition" not in body:
                errors.append(
                    error(
                        t,
                        "template",
                        f"{t.template} creates AWS::CodeCommit::Repository {name} unconditionally, but catalog.yaml git.provider "
                        f"is codeconnections (CodeCommit is closed to new customers): give it a Condition on {wanted[0]}",
                    )
                )
    return errors
