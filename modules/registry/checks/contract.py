"""Checks of the contract's newer fields: Identity Center's region, bucket names with their suffix, trusted
services, internal libraries (CodeArtifact), catalog seed folders and earlier template versions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ...base import naming
from ...base.errors import RegistryError, show, unknown
from ...base.seedzip import SEED_MAX_BYTES, SEED_MAX_FILES
from ..model import Base, Registry
from ..paths import read_folder
from ..source import Field, error, where
from ._common import missing_file
from .organization import known_regions


def check_identity_center_region(reg: Registry) -> list[RegistryError]:
    """SSO-mode Studio domains need the Identity Center instance in their region; every team account's domain
    lives in home_region (https://docs.aws.amazon.com/sagemaker/latest/dg/onboard-sso-users.html)."""
    org = reg.organization
    region = org.identity_center.region
    if region is None:
        return []
    path = ("identity_center", "region")
    if region not in known_regions():
        return [error(org, path, unknown("region", region, known_regions()))]
    if region != org.home_region:
        return [
            error(
                org,
                path,
                f"Identity Center is in {show(region)} but every team account's Studio domain "
                f"(Identity Center auth) is in home_region {show(org.home_region)}; SSO-mode domains must be in "
                f"the instance's region (allowed: {org.home_region})",
            )
        ]
    return []


def bucket_names(reg: Registry) -> list[tuple[Base, Field, str]]:
    """(object, field, bucket name) of every bucket name the compiler derives, with the organization's suffix."""
    org = reg.organization
    suffix = org.bucket_suffix
    out: list[tuple[Base, Field, str]] = [
        (org, "name", naming.catalog_bucket_name(org.name, suffix)),
        (org, "name", naming.log_bucket_name(org.name, org.log_archive, suffix)),
    ]
    for team in reg.teams:
        for env in team.environments:
            out.append((team, ("environments", env), naming.data_bucket_name(org.name, team.name, env, suffix)))
    return out


def check_bucket_names(reg: Registry) -> list[RegistryError]:
    """Every derived bucket name, suffix included, fits S3's rules (3 to 63 characters, no reserved prefix or suffix,
    no '..', not an IP address)."""
    errors = []
    suffixed = reg.organization.bucket_suffix is not None
    for obj, at, name in bucket_names(reg):
        problem = naming.check_name(naming.S3_BUCKET, name)
        if not problem:
            continue
        verb = "change" if "reserves" in problem or "refuses" in problem else "shorten"
        hint = (
            f"{verb} the organization, team, environment name or bucket_suffix"
            if suffixed
            else f"{verb} the organization, team or environment name"
        )
        if obj is reg.organization and suffixed:
            at = "bucket_suffix"
        errors.append(error(obj, at, f"{problem}; {hint}"))
    return errors


def check_trusted_services(reg: Registry) -> list[RegistryError]:
    errors = []
    for service, count in Counter(reg.organization.trusted_services).items():
        if count > 1:
            errors.append(error(reg.organization, "trusted_services", f"service {show(service)} is listed {count} times"))
    return errors


# Prefixes under which public PyPI holds large families of packages (plugins, type stubs, SDKs): with one of them
# as the organization's prefix a team could publish, say, `types-requests` or `pytest-cov` to every team's Studio.
PUBLIC_NAMESPACES = frozenset(
    {"apache", "aws", "azure", "django", "flask", "google", "jupyter", "mkdocs", "opentelemetry", "pytest"}
    | {"python", "sagemaker", "sphinx", "types"}
)
MIN_PREFIX = 3  # letters or digits before the final separator: 'ml-' or 'a-' is anyone's


def _prefix_problem(prefix: str) -> str | None:
    stem = prefix.rstrip("-")
    if len(stem) < MIN_PREFIX:
        return f"is too short: at least {MIN_PREFIX} characters before the final separator, so that it is the organization's own"
    if stem in PUBLIC_NAMESPACES:
        return f"begins many public packages on PyPI ('{prefix}...'): team packages could pass for public ones; choose your own"
    return None


def check_libraries(reg: Registry) -> list[RegistryError]:
    """Publishing needs the organization's libraries; every package begins with the organization's package prefix
    (so no team can serve `numpy` to the others); a normalized package name is claimed by at most one team,
    reported at both claims."""
    org = reg.organization
    errors = []
    prefix = naming.package_prefix(org.name, org.libraries.package_prefix) if org.libraries else None
    if org.libraries and prefix is not None and (problem := _prefix_problem(prefix)):
        at: Field = ("libraries", "package_prefix") if org.libraries.package_prefix else "name"
        default = "" if org.libraries.package_prefix else " (the default, from the organization's name: set libraries.package_prefix)"
        errors.append(error(org, at, f"package prefix {show(prefix)}{default} {problem}"))
        prefix = None  # the packages are judged once the prefix is right
    claims: dict[str, list[tuple[Base, Field, str]]] = {}
    for team in reg.teams:
        # at the team: a default `libraries` was not written anywhere (source.py attach)
        if team.libraries.publish and org.libraries is None:
            errors.append(
                error(
                    team,
                    ("libraries", "publish"),
                    "publishing libraries needs `libraries` in "
                    "organization.yaml (the CodeArtifact domain and repository); none is configured",
                )
            )
        for i, name in enumerate(team.libraries.publish):
            norm = naming.normalize_package(name)
            if prefix is not None and not norm.startswith(prefix):
                errors.append(
                    error(
                        team,
                        ("libraries", "publish", i),
                        f"package {show(name)} (normalized {show(norm)}) must begin with the organization's package "
                        f"prefix {show(prefix)} (organization.yaml libraries.package_prefix, default '<name>-'), so that "
                        f"no team can publish a public package's name to every team's Studio; rename it, e.g. {show(prefix + norm)}",
                    )
                )
            claims.setdefault(norm, []).append((team, ("libraries", "publish", i), name))
    for norm, claimed in claims.items():
        if len(claimed) < 2:
            continue
        for owner, at, name in claimed:
            others = [f"{show(n)} at {where(t, a)}" for t, a, n in claimed if t is not owner or a != at]
            errors.append(
                error(
                    owner,
                    at,
                    f"package {show(name)} (normalized {show(norm)}) "
                    f"is also claimed as {', '.join(others)}; a package has one publishing team",
                )
            )
    return errors


def check_catalog_versions(reg: Registry) -> list[RegistryError]:
    """Earlier versions have their template files and differ from the current one; seed folders are plain
    folders inside the registry, of bounded size."""
    errors = []
    root = Path(reg.origin.root) if reg.origin.root else None
    for t in reg.templates:
        versions = Counter([t.version] + [p.version for p in t.previous])
        for p in t.previous:
            if versions[p.version] > 1:
                errors.append(
                    error(p, "version", f"version {show(p.version)} of template {show(t.name)} is listed {versions[p.version]} times")
                )
            if p.template not in reg.files:
                errors.append(error(p, "template", missing_file(reg.origin, "template file", p.template)))
        if t.seed_code and root is not None:
            folder = read_folder(root, t.seed_code, max_bytes=SEED_MAX_BYTES, max_files=SEED_MAX_FILES)
            if folder.problem:
                errors.append(error(t, "seed_code", f"seed folder {show(t.seed_code)} {folder.problem}"))
    return errors
