"""Seed code in the plan: which template version carries which zip, where it is stored, and what the template's
seed and Git parameters default to (base/seedzip.py packs the zips; base/seed_push.py says how a connection gets
them). Pure Python, no cdktn."""

from __future__ import annotations

import dataclasses

from ..base.seed_push import GIT_PROVIDER_PARAMETER, SEED_BRANCH_PARAMETER, SEED_REPOSITORY_PARAMETER, repository
from ..registry.model import Registry, Team, Template
from .records import CatalogTemplate, GitSettings, SeedCode


def seed_key(template: str, version: str) -> str:
    """Next to the template object (templates/<name>/<version>.yaml)."""
    return f"templates/{template}/{version}-seed.zip"


def seed_code(reg: Registry, template: Template) -> SeedCode | None:
    """A template's seed, when catalog.yaml gives it a `seed_code` folder whose zip the loader made."""
    folder = template.seed_code
    zips = reg.seed_zips
    if not folder or folder not in zips:
        return None
    return SeedCode(folder, seed_key(template.name, template.version), zips[folder])


def seed_bucket(reg: Registry, team: Team, catalog_bucket: str) -> str | None:
    """The catalog bucket (the shared services stack's), when a template the (active) team sees has seed code: its
    launch role reads it there."""
    seen = set(team.sagemaker.project_templates) if team.active else set()
    return catalog_bucket if any(seed_code(reg, t) for t in reg.templates if t.name in seen) else None


def seeded(reg: Registry, templates: tuple[CatalogTemplate, ...]) -> tuple[CatalogTemplate, ...]:
    """The catalog records with their seed code (catalog.yaml `seed_code`)."""

    by_name = {t.name: t for t in reg.templates}
    return tuple(dataclasses.replace(t, seed=seed_code(reg, by_name[t.name])) for t in templates)


def template_parameters(org: str, git: GitSettings | None, template: str, version: str) -> dict[str, str]:
    """The defaults of a seeded template's Git parameters (those it declares get them)."""
    if git is None or not git.connections or not git.owner:
        return {GIT_PROVIDER_PARAMETER: "codecommit", SEED_REPOSITORY_PARAMETER: "", SEED_BRANCH_PARAMETER: ""}
    return {
        GIT_PROVIDER_PARAMETER: "codeconnections",
        SEED_REPOSITORY_PARAMETER: repository(org, git.owner, template),
        SEED_BRANCH_PARAMETER: version,
    }
