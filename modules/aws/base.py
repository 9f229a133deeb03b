"""What every stack has: the S3 backend, the AWS provider(s), default tags, remote state of central stacks."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from cdktn import (
    DataTerraformRemoteStateS3,
    ITerraformIterator,
    S3Backend,
    TerraformIterator,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
)
from cdktn_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
from constructs import Construct

from ..base import naming
from ..base.tfexpr import OPEN, expression
from ..plan.records import Backend

# The mode every provider of a member account runs in, chosen at plan time (naming.ACCESS_MODE_VARIABLE):
# `apply` by default (Atlantis plans and applies with it), `plan` in pull-request and drift plans
# (`TF_VAR_access_mode=plan`, docs/security.md). The compiler maps the mode to a role name per account.
MODE_VARIABLE = naming.ACCESS_MODE_VARIABLE

# Terraform >= 1.10 for S3-native state locking (use_lockfile); cdktf.json declares the same, and every stack's
# `terraform` block says so (`required_version`), so an older Terraform stops at init instead of planning without
# the lock it cannot read.
TARGET_VERSIONS = {"terraform": naming.TERRAFORM_REQUIRED_VERSION, "opentofu": naming.TERRAFORM_REQUIRED_VERSION}


class PlatformStack(TerraformStack):
    """A stack with its S3 backend (one key per stack, encrypted, S3-native locking)."""

    def __init__(self, scope: Construct, name: str, *, backend: Backend, reads: tuple[str, ...] = ()):
        super().__init__(scope, name)
        self.backend_config = backend
        self._moved: dict[str, str] = {}
        self._mode_variable = False
        self._provider_aliases: list[tuple[AwsProvider, str | None]] = []
        self.prepared = False  # cdktn called prepare_stack (the build notes a shortcut that stopped applying)
        S3Backend(self, bucket=backend.bucket, key=backend.key(name), region=backend.region, encrypt=True, use_lockfile=True)
        self.add_override("terraform.required_version", naming.TERRAFORM_REQUIRED_VERSION)
        # The states this stack reads: exactly its record's `reads` (stacks.py), never decided here.
        for stack in reads:
            self.remote_state(stack)

    def prepare_stack(self) -> None:
        """What cdktn runs on every stack before synthesizing it: here only the backend check.

        cdktn's own prepareStack also resolves every element once more, to discover cross-stack references
        and the Terraform functions and write-only attributes a stack uses, for its validations. None of that
        can occur here: the compiler writes no cdktn references (its own are tfexpr markers, and a test fails on
        any other `${` in cdktn's raw output), no cdktn function (`Fn`) and no write-only attribute. That resolve
        walks the whole stack once more for nothing (its cost: docs/performance.md); the output is the same
        bytes (tests/synth/test_prepare.py builds the example both ways). What it gave up: cdktn's check of such
        functions and write-only attributes against the target Terraform versions; a construct module that
        starts using either must bring this resolve back (call TerraformStack.prepare_stack)."""
        self.prepared = True
        self.ensure_backend_exists()

    def mode_variable(self, org: str) -> None:
        """Declare `access_mode` on first use (stacks that assume no role have none)."""
        if self._mode_variable:  # remembered here: asking the construct tree is two round trips to Node
            return
        self._mode_variable = True
        modes = json.dumps(list(naming.ACCESS_MODES))
        TerraformVariable(
            self,
            MODE_VARIABLE,
            type="string",
            nullable=False,
            default="apply",
            description=f"apply: every member account through its access role; plan: through {naming.plan_role(org)} (read-only)",
            validation=[
                TerraformVariableValidationConfig(
                    condition=expression(f"contains({modes}, var.{MODE_VARIABLE})"),
                    error_message=f"{MODE_VARIABLE} is apply or plan.",
                )
            ],
        )

    def provider(
        self,
        *,
        region: str,
        tags: dict[str, str],
        allowed_account_ids: list[str] | None = None,
        assume_role_arn: str | None = None,
        alias: str | None = None,
    ) -> AwsProvider:
        provider = AwsProvider(
            self,
            f"aws-{alias}" if alias else "aws",
            alias=alias,
            region=region,
            allowed_account_ids=allowed_account_ids,
            assume_role=[AwsProviderAssumeRole(role_arn=assume_role_arn, session_name="sagemaker-registry")] if assume_role_arn else None,
            default_tags=[AwsProviderDefaultTags(tags=dict(sorted(tags.items())))] if tags else None,
        )
        self._provider_aliases.append((provider, alias))
        return provider

    def provider_alias(self, provider: AwsProvider | None) -> str | None:
        """The alias of a provider made by `provider` (None: the stack's default provider, or no provider given)."""
        if provider is None:
            return None
        for made, alias in self._provider_aliases:
            if made is provider:
                return alias
        raise ValueError(f"provider not made by stack {self.node.id}'s provider()")

    def moved(self, moves: dict[str, str]) -> None:
        """`moved` blocks (old address -> new address): the state of a resource that became one instance of a
        `for_each` resource follows it instead of being destroyed and re-created. Every builder adds its own;
        `write_moved` writes them once the stack is built. Two moves from one address are a builder's mistake
        (one would be lost, and its resource destroyed): refused."""
        for old, new in moves.items():
            if self._moved.setdefault(old, new) != new:
                raise ValueError(f"two moved blocks from {old}: {self._moved[old]} and {new}")

    def write_moved(self) -> None:
        """The `moved` blocks as one stack-level override (a `moved` block is no resource), in address order.
        Once per stack: an override sends its whole value to Node, and cdktn's synth merges each one."""
        if self._moved:
            self.add_override("moved", [{"from": a, "to": b} for a, b in sorted(self._moved.items())])

    def remote_state(self, stack: str) -> DataTerraformRemoteStateS3:
        """Outputs of another stack, read from its state (that stack applies before this one)."""
        b = self.backend_config
        return DataTerraformRemoteStateS3(self, stack, bucket=b.bucket, key=b.key(stack), region=b.region)


def for_each(items: Mapping[str, Mapping[str, str | bool]]) -> ITerraformIterator:
    """A `for_each` over a literal map, keys in sorted order (the output stays deterministic): the destroy guard
    (modules/engine/destroy.py) compares each instance on its own only when the map is written out in the stack."""
    return TerraformIterator.from_map(dict(sorted(items.items())))


def org_access_role_arn(stack: PlatformStack, org: str, account_id: str, role: str | None = None) -> str:
    """The role a provider assumes in account_id, by mode (naming.member_role): the account's access role (role,
    else OrganizationAccountAccessRole) to apply, the read-only plan role to plan."""
    stack.mode_variable(org)
    return f"arn:aws:iam::{account_id}:role/{expression(naming.member_role(org, role))}"


_INTERPOLATION = re.compile(re.escape(OPEN) + r"[^}]*\}")


def policy_json(doc: dict[str, Any]) -> str:
    """An IAM policy document as compact JSON with sorted keys.

    Terraform interpolations inside it (`${...account_ids["a-b"]}`) are HCL, not JSON: the quotes in
    them must stay unescaped, exactly as cdktn renders a token substituted after serialization."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return _INTERPOLATION.sub(lambda m: m.group(0).replace('\\"', '"'), text)
