"""IAM roles, inline policies and attachments are instances of one for_each resource per provider (aws/iam.py)."""

import json
import re
from pathlib import Path

import pytest

from modules.aws.base import PlatformStack
from modules.aws.iam import group_id, iam
from modules.aws.refs import instance
from modules.engine.build import new_app
from modules.engine.destroy import instances
from modules.plan.records import Backend
from tests.synth.conftest import stack

IAM_TYPES = ("aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment")
_ROLE_REF = re.compile(r'^\$\{aws_iam_role\.(roles(?:-[a-z-]+)?)\["([^"]+)"\]\.(id|name)\}$')


def _docs(out: Path):
    for path in sorted((out / "stacks").glob("*/cdk.tf.json")):
        yield path.parent.name, json.loads(path.read_text())


def test_one_construct_per_type_and_provider_and_every_item_an_instance(example_out):
    seen = 0
    for name, doc in _docs(example_out):
        for tf_type in IAM_TYPES:
            for cid, body in (doc.get("resource", {}).get(tf_type) or {}).items():
                assert isinstance(body.get("for_each"), dict) and body["for_each"], (name, tf_type, cid)
                provider = body.get("provider")  # one construct per provider: the alias names it
                assert cid == group_id(tf_type, provider.removeprefix("aws.") if provider else None), (name, cid)
                seen += len(body["for_each"])
    assert seen > 100, "the example has IAM items"


def test_a_policy_or_attachment_names_a_role_of_its_own_provider(example_out):
    for name, doc in _docs(example_out):
        found = instances(doc)
        roles = {a for a in found if a.startswith("aws_iam_role.")}
        for tf_type, suffix_of in (("aws_iam_role_policy", "role-policies"), ("aws_iam_role_policy_attachment", "role-policy-attachments")):
            for address, body in found.items():
                if not address.startswith(f"{tf_type}."):
                    continue
                group, key, _ = _ROLE_REF.match(body["role"]).groups()
                assert f'aws_iam_role.{group}["{key}"]' in roles, (name, address)
                own = address.split(".", 1)[1].split("[", 1)[0].removeprefix(suffix_of)
                assert group == f"roles{own}", (name, address, group)


def test_the_deploy_role_waits_for_the_ci_role_and_the_trail_for_its_role_policy(example_out):
    doc = stack(example_out, "pricing-prod")
    roles = doc["resource"]["aws_iam_role"]
    assert "deploy-role" in roles["roles"]["for_each"] and "ci-role" in roles["roles-shared-services"]["for_each"]
    assert roles["roles"]["depends_on"] == ["aws_iam_role.roles-shared-services"]  # its trust policy names the CI role
    org = stack(example_out, "organization")
    (trail,) = org["resource"]["aws_cloudtrail"].values()
    assert "aws_iam_role_policy.role-policies" in trail["depends_on"]
    assert "trail-logs-role-policy" in org["resource"]["aws_iam_role_policy"]["role-policies"]["for_each"]


@pytest.fixture
def bare_stack(tmp_path):
    return PlatformStack(new_app(str(tmp_path)), "s", backend=Backend(bucket="b", region="eu-west-1"))


def test_a_duplicate_or_late_declaration_is_refused(bare_stack):
    roles = iam(bare_stack)
    roles.role("r", name="r", description="d", assume_role_policy="{}")
    with pytest.raises(ValueError, match="declared twice"):
        roles.role("r", name="r2", description="d", assume_role_policy="{}")
    roles.inline_policy("p", role="r", name="p", policy="{}")
    with pytest.raises(ValueError, match="declared twice"):
        roles.inline_policy("p", role="r", name="p", policy="{}")
    roles.finish()
    with pytest.raises(RuntimeError, match="after the stack's IAM was written"):
        roles.attach("a", role="r", policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")


def test_a_role_cannot_wait_for_a_role_created_with_it(bare_stack):
    """Instances of one for_each resource are created together: an order between them cannot be kept."""
    roles = iam(bare_stack)
    roles.role("ci", name="ci", description="d", assume_role_policy="{}")
    with pytest.raises(ValueError, match="created together"):
        roles.role("deploy", name="deploy", description="d", assume_role_policy="{}", after=["ci"])


def test_one_key_for_two_providers_is_refused(bare_stack):
    """Each item's moved block starts at `type.key`: the same key under two providers would lose one item's state."""
    other = bare_stack.provider(region="eu-west-1", tags={}, alias="other")
    roles = iam(bare_stack)
    roles.role("a", name="a", description="d", assume_role_policy="{}")
    roles.role("b", name="b", description="d", assume_role_policy="{}", provider=other)
    roles.inline_policy("p", role="a", name="p", policy="{}")
    with pytest.raises(ValueError, match="declared twice"):
        roles.inline_policy("p", role="b", name="p", policy="{}")


def test_waiting_for_a_role_without_policies_is_refused(bare_stack):
    roles = iam(bare_stack)
    roles.role("r", name="r", description="d", assume_role_policy="{}")
    roles.after_role(bare_stack.provider(region="eu-west-1", tags={}), "r")
    with pytest.raises(ValueError, match="has no policy"):
        roles.finish()


def test_two_moves_from_one_address_and_a_quoted_key_are_refused(bare_stack):
    bare_stack.moved({"aws_x.a": 'aws_x.all["a"]'})
    bare_stack.moved({"aws_x.a": 'aws_x.all["a"]'})  # the same move again is harmless
    with pytest.raises(ValueError, match="two moved blocks"):
        bare_stack.moved({"aws_x.a": 'aws_x.other["a"]'})
    for key in ('a"b', "a\\b", "${x}"):
        with pytest.raises(ValueError, match="not a plain name"):
            instance("aws_x", "all", key)
