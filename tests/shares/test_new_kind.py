"""A new kind is one module: a toy kind registered here (as its module would be) goes through validation, the
plan, both halves of the synthesized stacks, the post-step manifest and the gateway's lookup, with nothing else
told about it."""

import re
from typing import Literal

import pytest

from modules import shares
from modules.base.errors import RegistryInvalid
from modules.engine.build import _build_batch
from modules.plan.layout import plan
from modules.post import manifest
from modules.post.manifest import Manifest, manifests
from modules.registry import model
from modules.registry.checks.derived import claims
from modules.registry.validate import load_registry
from modules.shares.base import ArtifactLookup, Endpoint, RamKind, Share
from tests.helpers import materialize
from tests.post.test_gateway_stubbed import ACCOUNT, REGION, clock, gw, stub  # noqa: F401 - fixtures
from tests.synth.conftest import iam_items, policy, resources, stack


class ToyHub(RamKind):
    """A third kind shared through RAM (a SageMaker hub), defined the way a module under modules/shares/ would."""

    name = "toy_hub"
    order = 1000
    pattern = re.compile(r"[a-z][a-z0-9-]{0,62}")
    allowed = "a hub name: lowercase letters, digits and hyphens"
    example = "model-hub"
    read = ("sagemaker:DescribeHub", "sagemaker:ListHubContents")
    write = ("sagemaker:ImportHubContent",)
    permissions = {"read": "arn:aws:ram::aws:permission/ToyHubRead", "write": None}
    artifact_lookup = ArtifactLookup(
        service="sagemaker",
        describe="describe_hub",
        list_op="list_hubs",
        list_key="HubSummaries",
        name_key="HubName",
        arn_key="HubArn",
        not_found=frozenset({"ResourceNotFound"}),
        created_with="the toy SDK",
    )

    def arns(self, share: Share, producer: Endpoint, region: str) -> list[str]:
        return [f"arn:aws:sagemaker:{region}:{producer.account_id}:hub/{share.resource}"]


def _rebuild(field_owner, annotation, *dependents):
    field_owner.model_fields["kind"].annotation = annotation
    for m in (field_owner, *dependents):
        m.model_rebuild(force=True)


@pytest.fixture
def toy_kind():
    """KINDS with the toy kind, and the pydantic literals derived from KINDS built again (as at import)."""
    shares.KINDS["toy_hub"] = ToyHub()
    _rebuild(model.Share, Literal[shares.names()], model.Team, model.Registry)
    _rebuild(manifest.ShareArtifact, Literal[shares.names(artifact=True)], manifest.Jobs, manifest.Manifest)
    try:
        yield shares.KINDS["toy_hub"]
    finally:
        del shares.KINDS["toy_hub"]
        _rebuild(model.Share, Literal[shares.names()], model.Team, model.Registry)
        _rebuild(manifest.ShareArtifact, Literal[shares.names(artifact=True)], manifest.Jobs, manifest.Manifest)


def _registry_with_toy_share(tmp_path, resource="model-hub"):
    registry = materialize(None, tmp_path)
    team = registry / "teams" / "fraud.yaml"
    team.write_text(
        team.read_text()
        + f"""  - name: toy-hub-share
    kind: toy_hub
    resource: {resource}
    from: dev
    to:
      - {{team: risk, environment: dev}}
    access: read
"""
    )
    return registry


def test_validation_takes_the_kinds_resource_rule(tmp_path, toy_kind):
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(_registry_with_toy_share(tmp_path, resource="Model_Hub"))
    [error] = exc.value.errors
    assert error.message == f"invalid toy_hub 'Model_Hub': {toy_kind.allowed}"


def test_a_new_kind_goes_through_every_layer(tmp_path, toy_kind, gw):  # noqa: F811 - the gateway fixture
    reg = load_registry(_registry_with_toy_share(tmp_path))
    # derived-name claims: the RAM share and its association in the producer's stack, the consumer's statement id
    claimed = {c.key for c in claims(reg)}
    assert {"share-toy-hub-share", "share-toy-hub-share-risk-dev", "ShareToyHubShare"} <= claimed

    the_plan = plan(reg)
    [share] = [s for s in the_plan.shares if s.kind == "toy_hub"]
    assert (share.producer, share.consumers) == ("fraud-dev", ("risk-dev",))

    # both halves, as synthesized (in this process: the toy kind is registered here only)
    (tmp_path / "out").mkdir()
    _build_batch(the_plan, ["fraud-dev", "risk-dev"], tmp_path / "out")
    producer = stack(tmp_path / "out", "fraud-dev")
    ram = resources(producer, "aws_ram_resource_share")["share-toy-hub-share"]
    assert ram["permission_arns"] == ["arn:aws:ram::aws:permission/ToyHubRead"]
    assert "share-toy-hub-share-risk-dev" in resources(producer, "aws_ram_principal_association")
    assert "toy-hub-share" in producer["output"]["ram_share_arns"]["value"]
    consumer = policy(iam_items(stack(tmp_path / "out", "risk-dev"), "aws_iam_role_policy")["execution-role-shares"]["policy"])
    [grant] = [s for s in consumer["Statement"] if s["Sid"] == "ShareToyHubShare"]
    assert grant["Action"] == ["sagemaker:DescribeHub", "sagemaker:ListHubContents"]
    assert grant["Resource"][0].startswith("arn:aws:sagemaker:") and grant["Resource"][0].endswith(":hub/model-hub")

    # the post-step: the manifest asks share-artifacts for it, and reads back
    doc = manifests(the_plan)["fraud-dev"]
    [artifact] = doc.jobs.share_artifacts
    assert (artifact.kind, artifact.resource) == ("toy_hub", "model-hub")
    assert Manifest.parse(doc.to_json(), "fraud-dev.json") == doc

    # the gateway finds it with the kind's own calls
    s = stub(gw, "sagemaker")
    hub = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hub/model-hub"
    s.add_response(
        "describe_hub",
        {"HubName": "model-hub", "HubArn": hub, "HubStatus": "InService", "CreationTime": "2026-01-01", "LastModifiedTime": "2026-01-01"},
        {"HubName": "model-hub"},
    )
    assert gw.find_by_name_or_tag(ACCOUNT, REGION, "toy_hub", "model-hub", "toy-hub-share") == hub
    s.assert_no_pending_responses()


def test_without_its_module_the_kind_is_refused(tmp_path):
    """Last in this file: also proves the fixture put KINDS and the model back."""
    assert "toy_hub" not in shares.KINDS
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(_registry_with_toy_share(tmp_path))
    [error] = exc.value.errors
    assert "toy_hub" in error.message and "ecr_repository" in error.message
