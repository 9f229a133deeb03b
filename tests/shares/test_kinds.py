"""Every share kind is one module under modules/shares/: each defines the whole kind, and nothing else needs it."""

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys

import pytest

from modules import shares
from modules.shares import KINDS, Endpoint, Policy, Share, ShareKind
from modules.shares.base import ProducerStatements

MODULES = sorted(i.name for i in pkgutil.iter_modules(shares.__path__) if i.name != "base")
FACTS = ("name", "order", "pattern", "allowed", "example", "read", "write")
PRODUCER = Endpoint("111122223333", "producer-role", "producer-data", "alias/producer")
CONSUMERS = [Endpoint("444455556666", "consumer-role", "consumer-data", "alias/consumer")]


def test_the_kinds_are_the_modules_in_the_schemas_order():
    assert sorted(KINDS) == MODULES
    # registry/schema.json lists the kinds in this order: a new kind takes a new, larger `order`
    assert shares.names()[:5] == ("model_package_group", "feature_group", "pipeline", "s3_prefix", "ecr_repository")
    assert len({k.order for k in KINDS.values()}) == len(KINDS)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_defines_its_whole_kind(module):
    kind = importlib.import_module(f"modules.shares.{module}").KIND
    assert isinstance(kind, ShareKind) and kind.name == module and KINDS[module] is kind
    assert not inspect.isabstract(type(kind)), "every hook without a default is defined"
    for fact in FACTS:
        assert getattr(kind, fact, None) not in (None, "", ()), f"{module} lacks {fact}"
    assert kind.read and kind.write and not set(kind.read) & set(kind.write)
    assert not kind.pattern.fullmatch("")
    assert kind.pattern.fullmatch(kind.example), f"{module}'s example is not a valid resource"


def _all_statements(kind, share):
    """Every statement either half of a share holds: consumer policy, bucket/key statements, resource policies."""
    out = kind.consumer_statements(share, PRODUCER, "eu-west-1")
    grants = kind.producer_statements(share, PRODUCER, CONSUMERS, "eu-west-1")
    out += grants.bucket + grants.key
    for r in kind.producer_resources(share, PRODUCER, CONSUMERS, "eu-west-1", "key-arn"):
        out += [s for v in r.attrs.values() if isinstance(v, Policy) for s in v.doc["Statement"]]
    return out


@pytest.mark.parametrize("name", sorted(KINDS))
@pytest.mark.parametrize("access", shares.ACCESS)
def test_every_hook_answers_for_every_kind(name, access):
    kind = KINDS[name]
    share = Share("team-data", name, "resource-1", access, "a-prod", ("b-prod",))
    arns = kind.arns(share, PRODUCER, "eu-west-1")
    assert arns and all(a.startswith("arn:aws:") and (PRODUCER.account_id in a or PRODUCER.bucket in a) for a in arns)
    consumer = kind.consumer_statements(share, PRODUCER, "eu-west-1")
    sids = [s["Sid"] for s in consumer]
    assert sids[0] == "ShareTeamData" and len(set(sids)) == len(sids)
    assert consumer[0]["Action"] == list(kind.actions(access)) and consumer[0]["Resource"] == arns
    resources = kind.producer_resources(share, PRODUCER, CONSUMERS, "eu-west-1", "key-arn")
    assert all(r.id.startswith(shares.construct_id(share)) for r in resources)
    assert len({r.id for r in resources}) == len(resources)
    assert isinstance(kind.producer_statements(share, PRODUCER, CONSUMERS, "eu-west-1"), ProducerStatements)
    assert all(len(c) == 3 for c in kind.claimed_names(share))
    assert resources or kind.producer_statements(share, PRODUCER, CONSUMERS, "eu-west-1").bucket, "a producer half"
    json.dumps([r.attrs for r in resources], default=lambda p: p.doc)  # pure data, nothing of cdktn
    if kind.artifact_lookup is not None:
        assert kind.ram_share_arn(share), "the post-step adds artifacts to the kind's RAM share"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_read_share_grants_no_write_action_on_either_side(name):
    kind = KINDS[name]
    share = Share("team-data", name, "resource-1", "read", "a-prod", ("b-prod",))
    write = set(kind.write) | {"kms:GenerateDataKey"}
    statements = _all_statements(kind, share)
    assert statements
    for st in statements:
        assert not write & set(st["Action"]), st


def test_share_kinds_import_no_cdktn():
    code = "import sys, modules.shares, modules.registry.model; print(any(m.startswith('cdktn') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
