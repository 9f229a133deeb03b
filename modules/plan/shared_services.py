"""The `shared-services` stack's record: the Service Catalog templates with their seed code, the catalog bucket,
CodeArtifact without its publishers, the Git provider of seed code. Pure Python, no cdktn."""

from __future__ import annotations

from ..base import naming
from ..registry.model import Registry
from .libraries import organization_libraries
from .records import CatalogTemplate, GitSettings, SharedServicesStack, TemplateVersion
from .seed import seeded


def catalog(reg: Registry) -> tuple[CatalogTemplate, ...]:
    """Each template; which teams see it is each team's access stack's business (access.py)."""
    return tuple(
        CatalogTemplate(
            t.name,
            t.description or t.name,
            t.version,
            t.owner,
            reg.files[t.template],
            earlier=tuple(TemplateVersion(p.version, reg.files[p.template]) for p in sorted(t.previous, key=lambda p: _semver(p.version))),
        )
        for t in reg.templates
    )


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def shared_services_stack(reg: Registry, workload_roots: tuple[str, ...]) -> SharedServicesStack:
    org = reg.organization
    return SharedServicesStack(
        naming.SHARED_SERVICES_STACK,
        org.shared_services_account_id,
        naming.catalog_bucket_name(org.name, org.bucket_suffix),
        seeded(reg, catalog(reg)),
        workload_roots,
        libraries=organization_libraries(reg, publishers=False),
        git=GitSettings(reg.git.provider, reg.git.connection_arn, reg.git.owner) if reg.git else None,
    )
