"""The post-step manifest of each stack (generated/post/<stack>.json): what must be ensured beside Terraform.

One typed definition for both sides: `synth` writes `Manifest.to_json()`, `post` reads `Manifest.parse()`
(pydantic: a hand-edited or stale file is refused with the field that is wrong, never a KeyError).
Ids known only after apply are named as Terraform outputs of the stack (`*_output`), which
`post --tf-outputs FILE` reads from `terraform output -json`.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..base import jsontext, naming, seed_push
from ..plan import trusted_access
from ..plan.kinds import entry
from ..plan.layout import Plan
from ..plan.records import AccessStack, AccountStack, IdentityStack, OrganizationStack, SharedServicesStack
from ..plan.records import Account as TeamAccount
from ..shares import KINDS, names
from . import access_spec
from .access_spec import AccessDrift

COST_TAGS = ("cost_center", "environment", "team")
VERSION: Literal[1] = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Account(_Model):
    key: str
    id: str | None  # known account id (management, adopted accounts)
    name: str | None  # the account's name in Organizations (to find a created account's id)
    id_output: str | None  # the stack output that holds the id after apply


class CentralAccount(_Model):
    label: str  # shared-services, log-archive
    id: str


class OrganizationChecks(_Model):
    """First-apply prerequisites of the organization stack (docs/operations.md, "Before the first apply")."""

    organization_id: str | None  # organization.yaml names it: the stack imports it and owns trusted access
    trusted_services: tuple[str, ...]  # checked only without organization_id (then nothing manages them)
    policy_types: tuple[str, ...]  # enabled on the root; checked only without organization_id
    state_bucket: str
    state_region: str
    central_accounts: tuple[CentralAccount, ...]  # must exist in the organization, ACTIVE
    adopted_accounts: tuple[str, ...]  # imported: must be members, ACTIVE
    new_accounts: tuple[str, ...]  # names of the accounts the stack creates (those not there yet count against the quota)


class TeamAccountChecks(_Model):
    """The team accounts a team's access stack holds (docs/output.md): adopted ones must be members, ACTIVE; those
    not there yet count against the account quota."""

    adopted_accounts: tuple[str, ...]
    new_accounts: tuple[str, ...]  # names of the accounts the stack creates


class GitCheck(_Model):
    """catalog.yaml `git`: the provider seed code goes to, checked before shared services is planned."""

    provider: Literal["codecommit", "codeconnections"]
    connection_arn: str | None = None  # codeconnections: it must be AVAILABLE


class Preflight(_Model):
    instance_arn: str
    identity_store_id: str
    identity_center_region: str  # where the instance lives (identity_center.region, default home_region)
    external_users: tuple[str, ...]  # users that must already exist in the identity store
    organization: OrganizationChecks | None = None  # the organization stack only
    accounts: TeamAccountChecks | None = None  # a team's access stack that holds its accounts
    access_role: str | None = None  # an adopted account: the role the stack's provider assumes there
    # Organization-only RAM shares the stack produces: RAM's sharing with the organization must be on.
    ram_shares: tuple[str, ...] = ()
    git: GitCheck | None = None  # shared services, with catalog.yaml `git`


class StudioCleanup(_Model):
    domain_name: str
    domain_output: str


class ShareArtifact(_Model):
    share: str
    kind: Literal[names(artifact=True)]  # type: ignore[valid-type]  # the kinds with an artifact_lookup
    resource: str
    tag: dict[str, str]
    resource_share_output: str


class PromoteShare(_Model):
    share: str
    model_package_group: str


class CostTags(_Model):
    tags: tuple[str, ...]


class SeedPush(_Model):
    template: str
    version: str
    bucket: str
    key: str
    sha256: str
    repository: str  # <owner>/<name> at the Git provider


class SeedCode(_Model):
    connection_arn: str
    project: str  # the CodeBuild project that pushes
    seeds: tuple[SeedPush, ...]


class Jobs(_Model):
    """What each job needs in this stack; a job absent here does not run for the stack.
    The aliases are the job names (modules/post/jobs.py JOBS), also the keys in the JSON."""

    preflight: Preflight | None = None
    studio_cleanup: StudioCleanup | None = Field(None, alias="studio-cleanup")
    share_artifacts: tuple[ShareArtifact, ...] | None = Field(None, alias="share-artifacts")
    promote_shares: tuple[PromoteShare, ...] | None = Field(None, alias="promote-shares")
    cost_tags: CostTags | None = Field(None, alias="cost-tags")
    seed_code: SeedCode | None = Field(None, alias="seed-code")
    access_drift: AccessDrift | None = Field(None, alias="access-drift")  # what the registry grants here (access_spec.py)

    def names(self) -> list[str]:
        return [f.alias or n for n, f in type(self).model_fields.items() if getattr(self, n) is not None]


class Manifest(_Model):
    version: Literal[1]
    stack: str
    region: str
    account: Account
    jobs: Jobs

    def to_json(self) -> str:
        doc = self.model_dump(mode="json", by_alias=True)
        doc["jobs"] = {k: v for k, v in doc["jobs"].items() if v is not None}
        if "preflight" in doc["jobs"] and doc["jobs"]["preflight"].get("accounts") is None:
            del doc["jobs"]["preflight"]["accounts"]  # written where it applies only (an access stack holding accounts)
        return jsontext.dumps(doc, indent=2, sort_keys=True) + "\n"

    @classmethod
    def parse(cls, text: str, source: str) -> Manifest:
        try:
            version = json.loads(text).get("version")
        except (ValueError, AttributeError):
            version = None
        if version != VERSION:
            raise ManifestError(
                f"{source}: manifest version {json.dumps(version)} is not one this post-step knows ({VERSION}): it was "
                "written by another compiler; run the post-step of that compiler, or rebuild the manifests from the "
                "registry (`post --registry DIR`)"
            )
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ManifestError(
                f"{source}: {where}: {first['msg']} ({exc.error_count()} problem(s); regenerate it with `python main.py synth`)"
            ) from None


class ManifestError(ValueError):
    pass


def _preflight(plan: Plan, users: list[str], **extra: Any) -> Preflight:
    return Preflight(
        instance_arn=plan.identity.instance_arn,
        identity_store_id=plan.identity.identity_store_id,
        identity_center_region=plan.values.identity_center_region,
        external_users=() if plan.identity.managed_users else tuple(users),
        **extra,
    )


def _organization_checks(plan: Plan) -> OrganizationChecks:
    org = plan.organization
    central = [CentralAccount(label="shared-services", id=plan.shared_services.account_id)]
    if org.log_archive_account_id != plan.shared_services.account_id:
        central.append(CentralAccount(label="log-archive", id=org.log_archive_account_id))
    return OrganizationChecks(
        organization_id=org.organization_id,
        trusted_services=trusted_access.REQUIRED_TRUSTED_SERVICES,
        policy_types=trusted_access.REQUIRED_POLICY_TYPES,
        state_bucket=plan.values.backend.bucket,
        state_region=plan.values.backend.region,
        central_accounts=tuple(central),
        adopted_accounts=tuple(sorted(a.adopted_id for a in org.accounts if a.adopted_id)),
        new_accounts=tuple(sorted(a.name for a in org.accounts if not a.adopted_id)),
    )


def _shared_services_jobs(plan: Plan) -> Jobs:
    """With catalog.yaml `git`, its provider is checked before the plan; with a connection, the seeds are pushed."""
    shared, git = plan.shared_services, plan.shared_services.git
    if git is None:
        return Jobs()
    check = GitCheck(provider=git.provider, connection_arn=git.connection_arn)  # type: ignore[arg-type]
    seeds = tuple(
        SeedPush(
            template=t.name,
            version=t.version,
            bucket=shared.catalog_bucket,
            key=t.seed.key,
            sha256=t.seed.sha256,
            repository=seed_push.repository(plan.values.org, git.owner, t.name),
        )
        for t in shared.templates
        if t.seed and git.owner
    )
    push = None
    if git.connections and git.connection_arn and seeds:
        push = SeedCode(connection_arn=git.connection_arn, project=seed_push.project_name(plan.values.org), seeds=seeds)
    return Jobs(preflight=_preflight(plan, [], git=check), seed_code=push)


def access_role(account: TeamAccount) -> str:
    """The role a team stack's provider assumes in its account (naming.adopted_access_role)."""
    return account.access_role or naming.ORGANIZATION_ACCESS_ROLE


def _management(plan: Plan) -> Account:
    return Account(key="management", id=plan.values.management_account_id, name=None, id_output=None)


# One function per kind of stack, named by the stack-kind table (plan/kinds.py): (plan, the stack's record) -> its manifest.


def organization_manifest(plan: Plan, org: OrganizationStack) -> Manifest:
    jobs = Jobs(preflight=_preflight(plan, [], organization=_organization_checks(plan)), cost_tags=CostTags(tags=COST_TAGS))
    return _doc(org.name, plan.values.home_region, _management(plan), jobs)


def identity_manifest(plan: Plan, identity: IdentityStack) -> Manifest:
    jobs = Jobs(preflight=_preflight(plan, [p.user_name for p in identity.people]), access_drift=access_spec.identity(plan))
    return _doc(identity.name, plan.values.home_region, _management(plan), jobs)


def shared_services_manifest(plan: Plan, shared: SharedServicesStack) -> Manifest:
    account = Account(key="shared-services", id=shared.account_id, name=None, id_output=None)
    return _doc(shared.name, plan.values.home_region, account, _shared_services_jobs(plan))


def access_manifest(plan: Plan, access: AccessStack) -> Manifest:
    """Accounts, groups, assignments, SCP, catalog associations: beside Terraform, the preflight of the accounts it
    adopts or creates and of the users it looks up (`users: external`), and the access-drift check."""
    checks = (
        TeamAccountChecks(
            adopted_accounts=tuple(sorted(a.adopted_id for a in access.held if a.adopted_id)),
            new_accounts=tuple(sorted(a.name for a in access.held if not a.adopted_id)),
        )
        if access.held
        else None
    )
    preflight = _preflight(plan, list(access.lookups), accounts=checks) if checks or access.lookups else None
    jobs = Jobs(preflight=preflight, access_drift=access_spec.access(plan, access))
    return _doc(access.name, plan.values.home_region, _management(plan), jobs)


def account_manifest(plan: Plan, acct: AccountStack) -> Manifest:
    a = acct.account
    ram = tuple(
        ShareArtifact(share=s.name, kind=s.kind, resource=s.resource, tag={"share": s.name}, resource_share_output="ram_share_arns")
        for s in acct.shares_out
        if KINDS[s.kind].artifact_lookup is not None
    )
    mpg = tuple(PromoteShare(share=s.name, model_package_group=s.resource) for s in acct.shares_out if KINDS[s.kind].promotes_policy_share)
    org_only = tuple(sorted(s.name for s in acct.shares_out if KINDS[s.kind].organization_sharing))
    jobs = Jobs(
        # Studio profiles are bound to Identity Center users: a missing one fails the plan, not the apply;
        # an adopted account's access role is checked before its stack is planned; organization-only RAM
        # shares need RAM's sharing with the organization, which the organization stack turns on.
        preflight=_preflight(
            plan,
            [u.user_name for u in acct.studio_users],
            access_role=access_role(a) if a.adopted_id else None,
            ram_shares=org_only,
        )
        if acct.studio_users or a.adopted_id or org_only
        else None,
        studio_cleanup=StudioCleanup(domain_name=acct.domain_name, domain_output="domain_id"),
        share_artifacts=ram or None,
        promote_shares=mpg or None,
        access_drift=access_spec.account(plan, acct),
    )
    account = Account(key=a.key, id=a.adopted_id, name=a.name, id_output=None if a.adopted_id else "account_id")
    return _doc(acct.name, acct.region, account, jobs)


def manifests(plan: Plan) -> dict[str, Manifest]:
    """Every stack's manifest, made by the function its kind names."""
    return {name: entry(plan.kind(name).manifest)(plan, plan.stack_input(name)) for name in plan.stack_names}


def _doc(stack: str, region: str, account: Account, jobs: Jobs) -> Manifest:
    return Manifest(version=VERSION, stack=stack, region=region, account=account, jobs=jobs)


def manifest_files(plan: Plan) -> dict[str, str]:
    return {f"post/{name}.json": doc.to_json() for name, doc in manifests(plan).items()}


def as_dict(doc: Manifest) -> dict[str, Any]:
    """The manifest as its JSON document (tests edit it like a file)."""
    data: dict[str, Any] = json.loads(doc.to_json())
    return data
