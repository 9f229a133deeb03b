"""The exact shapes of the blocks that decide where a plan sends credentials and state.

A provider block says which endpoint the AWS SDK calls, through which proxy, trusting which certificates, as
which role; a backend block and a `terraform_remote_state` data source say where state is read from and with
which credentials. So these are not checked by key names but compared with what the compiler writes for this
registry: the state bucket, region and key layout of organization.yaml, the account ids it knows, the roles each
stack's providers assume (a team account's stack: its own account's role and shared services'; the organization
stack: the log archive's; never another team's), in each mode (naming.member_role), and nothing else: no
`endpoints`, `http_proxy`, `insecure`, `custom_ca_bundle`, `shared_credentials_files`, `profile`,
`assume_role_with_web_identity`, no other backend key. Everything here is a pure function of the registry's plan
and the document.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..base import ids, naming
from ..base.tfexpr import OPEN, expression, index
from ..plan.layout import Plan
from ..policies.libraries import pip_script
from ..shares import KINDS
from .strictjson import shown

PROVIDER_SOURCE = "hashicorp/aws"
# The AWS provider version of the pinned bindings (cdktn-provider-aws); tests/delivery/test_allowlist.py fails when
# the compiler emits another one, and atlantis/providers/versions.tf.json must name the same.
PROVIDER_VERSION = "6.69.1"
REQUIRED_PROVIDERS = {"aws": {"source": PROVIDER_SOURCE, "version": PROVIDER_VERSION}}
SESSION_NAME = "sagemaker-registry"
PROVIDER_KEYS = frozenset({"alias", "region", "allowed_account_ids", "assume_role", "default_tags"})
_ALIAS = re.compile(r"[a-z][a-z0-9-]{0,62}")
_MODE_CONDITION = f"${{contains({json.dumps(list(naming.ACCESS_MODES))}, var.{naming.ACCESS_MODE_VARIABLE})}}"


@dataclass(frozen=True)
class Expect:
    """What the compiler may write for one registry, stack by stack."""

    stacks: frozenset[str]
    bucket: str
    region: str  # the state bucket's
    regions: frozenset[str]  # where providers may point
    account_ids: frozenset[str]  # literal ids a provider may name (management, central, adopted)
    role_arns: Mapping[str, frozenset[str]]  # stack -> every role_arn its providers may assume, in the mode expression
    # account stack -> the account id it acts in, as the compiler writes it (an adopted id, or the organization's output)
    account_id: Mapping[str, str] = field(default_factory=dict)
    ram_share_arns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # account stack -> share -> ARN expression
    created_accounts: tuple[str, ...] = ()  # keys of the organization stack's accounts (its account_ids output)
    access_accounts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # access stack -> keys of its account_ids
    # stack -> the `import` blocks the compiler writes there, address -> id as written (an existing account or the
    # organization taken over: the id decides which object Terraform manages from then on)
    imports: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    org: str = ""  # the organization's name (derived names: the seed-push project)
    kinds: Mapping[str, str] = field(default_factory=dict)  # stack -> its kind: a central stack's name, access, account
    lifecycle_scripts: Mapping[str, str] = field(default_factory=dict)  # account stack -> its Studio lifecycle script (base64)

    def backend(self, stack: str) -> dict[str, Any]:
        return {"bucket": self.bucket, "encrypt": True, "key": f"{stack}/terraform.tfstate", "region": self.region, "use_lockfile": True}

    def terraform_block(self, stack: str) -> dict[str, Any]:
        return {
            "backend": {"s3": self.backend(stack)},
            "required_providers": REQUIRED_PROVIDERS,
            "required_version": naming.TERRAFORM_REQUIRED_VERSION,  # S3-native state locking needs Terraform 1.10
        }

    def remote_state(self, stack: str) -> dict[str, Any]:
        return {"backend": "s3", "config": {"bucket": self.bucket, "key": f"{stack}/terraform.tfstate", "region": self.region}}


def _imports(plan: Plan) -> dict[str, dict[str, str]]:
    org = plan.organization
    out: dict[str, dict[str, str]] = {org.name: {ids.account_address(a.key): a.adopted_id for a in org.accounts if a.adopted_id}}
    if org.organization_id:
        out[org.name]["aws_organizations_organization.organization"] = org.organization_id
    for access in plan.access:
        out[access.name] = {
            ids.account_address(a.key): a.adopted_id or written(expression(ids.account_lookup(a.email)))
            for a in access.held
            if a.adopted_id or a.key in access.lookup_imports
        }
    return out


def import_problems(stack: str, blocks: object, e: Expect) -> list[str]:
    """Each `import` block takes over exactly the existing object the compiler names there (an adopted account by its
    id, a moving account by its email in the organization's account list, the organization by its id)."""
    if not isinstance(blocks, list):
        return []  # refused as a shape already (allowlist.LISTED)
    want = e.imports.get(stack, {})
    out = []
    for n, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        to, got = block.get("to"), block.get("id")
        if not isinstance(to, str) or to not in want:
            out.append(f"import[{n}]: {shown(to)} is not an address the compiler imports in this stack")
        elif got != want[to] or "provider" in block:
            out.append(f"import[{n}].id: {shown(got)} where the compiler writes {shown(want[to])}")
    return out


def written(text: str) -> str:
    """A reference the compiler built (tfexpr.expression) as it reads in the stack file (`${...}`)."""
    return text.replace(OPEN, "${")


def expect(plan: Plan, regions: tuple[str, ...]) -> Expect:
    """The expectations of a registry's plan; regions: the organization's allowed regions."""
    org = plan.organization
    values = plan.values
    central = {values.shared_services_account_id, values.log_archive_account_id}
    adopted = {a.adopted_id: a.access_role for a in org.accounts if a.adopted_id}

    def arn(account: str, access_role: str | None) -> str:
        return f"arn:aws:iam::{account}:role/${{{naming.member_role(plan.values.org, access_role)}}}"

    shared = arn(values.shared_services_account_id, adopted.get(values.shared_services_account_id))
    roles: dict[str, frozenset[str]] = {
        naming.ORGANIZATION_STACK: frozenset({arn(values.log_archive_account_id, adopted.get(values.log_archive_account_id))}),
        naming.IDENTITY_STACK: frozenset(),
        naming.SHARED_SERVICES_STACK: frozenset({shared}),
    }
    roles |= {access.name: frozenset({shared}) for access in plan.access}
    account_id: dict[str, str] = {}
    for acct in plan.accounts:
        a = acct.account
        created = written(expression(f"data.terraform_remote_state.{a.held_by}.outputs.account_ids{index(a.key)}"))
        account_id[acct.name] = a.adopted_id or created
        roles[acct.name] = frozenset({arn(account_id[acct.name], a.access_role if a.adopted_id else None), shared})
    ram = {a.name: {s.name: written(arn_) for s in a.shares_out if (arn_ := KINDS[s.kind].ram_share_arn(s))} for a in plan.accounts}
    return Expect(
        stacks=frozenset(plan.stack_names),
        bucket=plan.values.backend.bucket,
        region=plan.values.backend.region,
        regions=frozenset({*regions, plan.values.home_region, values.identity_center_region}),
        account_ids=frozenset({plan.values.management_account_id, *central, *adopted}),
        role_arns=roles,
        account_id=account_id,
        ram_share_arns={name: arns for name, arns in ram.items() if arns},
        created_accounts=tuple(sorted(a.key for a in org.accounts)),
        access_accounts={access.name: tuple(sorted(a.key for a in access.held)) for access in plan.access if access.held},
        imports=_imports(plan),
        org=plan.values.org,
        kinds={r.name: r.kind for r in plan.records},  # the plan's stack-kind table (plan/kinds.py)
        lifecycle_scripts={
            a.name: base64.b64encode(pip_script(a.libraries).encode()).decode("ascii") for a in plan.accounts if a.libraries
        },
    )


def differences(path: str, got: object, want: object) -> list[str]:
    """Where got differs from want, as `path: ...` lines (every difference, not only the first)."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = [f"{path}.{k}: missing (the compiler writes {shown(want[k])})" for k in sorted(set(want) - set(got))]
        out += [f"{path}.{shown(k)}: not allowed here" for k in sorted(set(got) - set(want))]
        for k in sorted(set(want) & set(got)):
            out += differences(f"{path}.{k}", got[k], want[k])
        return out
    if got != want or type(got) is not type(want):
        return [f"{path}: {shown(got)} where the compiler writes {shown(want)}"]
    return []


def terraform_problems(stack: str, block: object, e: Expect) -> list[str]:
    return differences("terraform", block, e.terraform_block(stack))


def provider_problems(stack: str, providers: object, e: Expect) -> list[str]:
    if not isinstance(providers, dict) or set(providers) != {"aws"} or not isinstance(providers["aws"], list):
        return ["provider: only `aws`, as a list of configurations, is allowed"]
    out: list[str] = []
    aliases: list[object] = []
    for n, cfg in enumerate(providers["aws"]):
        where = f"provider.aws[{n}]"
        if not isinstance(cfg, dict):
            out.append(f"{where}: not an object")
            continue
        out += [f"{where}.{shown(k)}: not allowed (only {', '.join(sorted(PROVIDER_KEYS))})" for k in sorted(set(cfg) - PROVIDER_KEYS)]
        aliases.append(cfg.get("alias"))
        alias = cfg.get("alias")
        if alias is not None and not (isinstance(alias, str) and _ALIAS.fullmatch(alias)):
            out.append(f"{where}.alias: {shown(alias)} is not an alias the compiler writes")
        region = cfg.get("region")
        if not isinstance(region, str) or region not in e.regions:
            out.append(f"{where}.region: {shown(region)} is not a region of the organization")
        ids = cfg.get("allowed_account_ids", [])
        if not isinstance(ids, list) or not all(isinstance(i, str) and i in e.account_ids for i in ids):
            out.append(f"{where}.allowed_account_ids: only accounts the registry knows")
        if "assume_role" in cfg:
            out += _assume_role(where, cfg["assume_role"], e.role_arns.get(stack, frozenset()))
        if "default_tags" in cfg and not _tags_ok(cfg["default_tags"]):
            out.append(f"{where}.default_tags: only one `tags` map of strings")
    if len(aliases) != len(set(map(str, aliases))):
        out.append("provider.aws: two configurations with one alias")
    return out


def _tags_ok(value: object) -> bool:
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) and set(value[0]) == {"tags"}):
        return False
    tags = value[0]["tags"]
    return isinstance(tags, dict) and all(isinstance(v, str) for v in tags.values())


def _assume_role(where: str, value: object, allowed: frozenset[str]) -> list[str]:
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) and set(value[0]) == {"role_arn", "session_name"}):
        return [f"{where}.assume_role: exactly one {{role_arn, session_name}} (no external_id, policy, duration, tags, ...)"]
    role = value[0]
    out = []
    if role["session_name"] != SESSION_NAME:
        out.append(f"{where}.assume_role.session_name: must be {SESSION_NAME}")
    if not isinstance(role["role_arn"], str) or role["role_arn"] not in allowed:
        out.append(
            f"{where}.assume_role.role_arn: {shown(role['role_arn'])} is not a role the compiler assumes for this stack "
            "(a team account's stack: its own account and shared services; the organization stack: the log archive; "
            "each through its access role to apply and the plan role to plan)"
        )
    return out


def variable_problems(variables: object) -> list[str]:
    want = {naming.ACCESS_MODE_VARIABLE}
    if not isinstance(variables, dict):
        return ["variable: not an object of variables"]
    out = [f"variable {shown(k)}: not allowed (only {naming.ACCESS_MODE_VARIABLE})" for k in sorted(set(variables) - want)]
    body = variables.get(naming.ACCESS_MODE_VARIABLE)
    if body is None:
        return out
    if not isinstance(body, dict) or set(body) != {"default", "description", "nullable", "type", "validation"}:
        return out + [f"variable {naming.ACCESS_MODE_VARIABLE}: not the shape the compiler writes"]
    validation = body["validation"]
    exact = (
        body["default"] == "apply"
        and body["nullable"] is False
        and body["type"] == "string"
        and isinstance(body["description"], str)
        and isinstance(validation, list)
        and len(validation) == 1
        and isinstance(validation[0], dict)
        and set(validation[0]) == {"condition", "error_message"}
        and validation[0]["condition"] == _MODE_CONDITION
        and isinstance(validation[0]["error_message"], str)
    )
    return out if exact else out + [f"variable {naming.ACCESS_MODE_VARIABLE}: not the shape the compiler writes (apply | plan)"]


def remote_state_problems(stack: str, items: Mapping[str, object], e: Expect) -> list[str]:
    out = []
    for name, body in sorted(items.items()):
        if name not in e.stacks or name == stack:
            out.append(f"data terraform_remote_state.{shown(name)}: not another stack of the registry")
            continue
        out += differences(f"data terraform_remote_state.{name}", body, e.remote_state(name))
    return out
