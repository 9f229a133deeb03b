"""Both halves of each share in a team account stack: the producer's grant and the consumer's permission.

What each half holds comes from the share's kind (modules/shares/<kind>.py) as pure data; this module only
turns it into constructs, the same way for every kind.
"""

from __future__ import annotations

import importlib
from typing import Any

from constructs import Construct

from ..plan.records import AccountStack
from ..shares import KINDS, Endpoint, Policy, ProducerStatements, Resource
from .base import PlatformStack, policy_json
from .iam import iam
from .refs import remote_output


def endpoint(acct: AccountStack, key: str) -> Endpoint:
    """An account as this account's stack refers to it: adopted id, or the `account_ids` output of the stack that holds
    it (its team's access stack; the organization stack while it moves)."""
    peer = acct.peer(key)
    account_id = peer.adopted_id or remote_output(peer.id_stack, "account_ids", key)
    return Endpoint(account_id, peer.role_name, peer.bucket_name, peer.kms_alias)


def producer_statements(acct: AccountStack) -> ProducerStatements:
    """Statements the producer's data bucket and key policies take for the shares this account makes."""
    out = ProducerStatements()
    me = endpoint(acct, acct.account.key)
    for share in acct.shares_out:
        out += KINDS[share.kind].producer_statements(share, me, [endpoint(acct, c) for c in share.consumers], acct.region)
    return out


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _value(struct_prefix: str, module: Any, attr: str, value: Any) -> Any:
    """A nested block as the provider binding's struct (a plain dict inside a list would synthesize empty);
    the struct's class is named after its resource and attribute (EcrRepository + EncryptionConfiguration)."""
    if isinstance(value, Policy):
        return policy_json(value.doc)
    struct = getattr(module, struct_prefix + _camel(attr), None)
    if struct is None:
        return value
    if isinstance(value, dict):
        return struct(**value)
    if isinstance(value, list):
        return [struct(**v) if isinstance(v, dict) else v for v in value]
    return value


def build_resource(scope: Construct, resource: Resource) -> None:
    """The provider binding's construct for a Resource: cdktn_provider_aws.<type without aws_>.<CamelCase>."""
    module_name = resource.tf_type.removeprefix("aws_")
    module = importlib.import_module(f"cdktn_provider_aws.{module_name}")
    cls_name = _camel(module_name)
    kwargs = {k: _value(cls_name, module, k, v) for k, v in resource.attrs.items()}
    getattr(module, cls_name)(scope, resource.id, **kwargs)


def build_producer_grants(scope: Construct, *, acct: AccountStack, key_arn: str) -> None:
    """The producer half of every share this account makes (statements in the bucket and key policies aside)."""
    me = endpoint(acct, acct.account.key)
    for share in acct.shares_out:
        consumers = [endpoint(acct, c) for c in share.consumers]
        for resource in KINDS[share.kind].producer_resources(share, me, consumers, acct.region, key_arn):
            build_resource(scope, resource)


def build_consumer_permissions(scope: PlatformStack, *, acct: AccountStack) -> None:
    """The consumer half: the execution role may use exactly the shared resources, with the shared access."""
    if not acct.shares_in:
        return
    statements = []
    for share in acct.shares_in:
        statements += KINDS[share.kind].consumer_statements(share, endpoint(acct, share.producer), acct.region)
    iam(scope).inline_policy(
        "execution-role-shares",
        role="execution-role",
        name="shared-resources",
        policy={"Version": "2012-10-17", "Statement": statements},
    )
