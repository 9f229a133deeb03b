"""Per-item resources are `for_each` constructs (docs/design.md, "Stable construct ids"), and every instance takes over the
state of the resource that was a construct of its own through a `moved` block, so nothing is destroyed."""

import re

from modules.base.ids import user_bucket
from modules.base.naming import safe_id
from modules.engine.destroy import instances, stack_findings
from tests.synth.conftest import stack

# type -> the construct that holds every instance, and the earlier address of the instance with a given key
EARLIER = {
    "aws_vpc_endpoint": ("interface-endpoints", lambda key: f"endpoint-{key.replace('.', '-')}"),
    "aws_sagemaker_user_profile": ("profiles", lambda key: f"profile-{key}"),
    "aws_identitystore_user": ("users", lambda key: f"user-{safe_id(key)}"),
    "aws_ssoadmin_application_assignment": ("studio-access", lambda key: f"studio-access-{key}"),
    "aws_identitystore_group_membership": ("members", lambda key: "member-{}-{}".format(*key.split("/")[:1], safe_id(key.split("/")[1]))),
    "aws_ssoadmin_account_assignment": ("assignments", lambda key: "assign-" + key.replace("/", "-")),
    # Config, keyed by region: the account's own region had the unsuffixed address (checked below)
    **{
        t: (cid, lambda key, cid=cid: f"{cid}-{key}")
        for t, cid in (
            ("aws_config_configuration_recorder", "config-recorder"),
            ("aws_config_delivery_channel", "config-delivery"),
            ("aws_config_configuration_recorder_status", "config-recorder-status"),
        )
    },
    # IAM (modules/aws/iam.py), keyed by the construct id each item had; one construct per provider, whose alias
    # suffixes the name (roles-shared-services)
    **{t: (cid, lambda key: key) for t, cid in (("aws_iam_role", "roles"), ("aws_iam_role_policy", "role-policies"))},
    "aws_iam_role_policy_attachment": ("role-policy-attachments", lambda key: key),
}
ALIASED = {"aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment"}
# Constructs that were `for_each` from the start: no earlier address to take over (a grant's own assignments).
BORN_KEYED = {("aws_ssoadmin_account_assignment", "user-assignments")}
_INSTANCE = re.compile(r'^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\["([^"]+)"\]$')


def _end(step: dict[str, str], address: str) -> str:
    seen = {address}
    while address in step:
        address = step[address]
        assert address not in seen, f"a moved cycle through {address}"
        seen.add(address)
    return address


def test_every_instance_takes_over_its_earlier_address(example_out):
    checked = set()
    for path in sorted((example_out / "stacks").glob("*/cdk.tf.json")):
        doc = stack(example_out, path.parent.name)
        step = {m["from"]: m["to"] for m in doc.get("moved", [])}
        # a chain (users: one construct each -> one for_each -> a bucket) counts from its first address to its last
        moves = {_end(step, a): a for a in step if a not in step.values()}
        keyed = [a for a in instances(doc) if "[" in a and _INSTANCE.match(a).groups()[:2] not in BORN_KEYED]
        assert sorted(moves) == sorted(keyed), f"{path.parent.name}: every instance, and only those, is a moved target"
        for address in keyed:
            tf_type, name, key = _INSTANCE.match(address).groups()
            construct, earlier = EARLIER[tf_type]
            home = tf_type.startswith("aws_config_") and key == doc["provider"]["aws"][0]["region"]
            named = name == construct or (tf_type in ALIASED and name.startswith(f"{construct}-"))
            named = named or (tf_type == "aws_identitystore_user" and name == user_bucket(key))
            assert named and moves[address] == f"{tf_type}.{construct if home else earlier(key)}", (path.parent.name, address)
            checked.add(tf_type)
    # identity's central assignments stay one construct each; team assignments live in the access stacks
    assert checked == set(EARLIER), "the example has instances of every for_each type"


def test_a_profile_keeps_its_state_and_its_guard_through_the_move():
    """The previous output has one construct per profile; the new one a for_each with `moved` blocks."""
    before = {
        "resource": {
            "aws_sagemaker_user_profile": {
                f"profile-{u}": {"domain_id": "${aws_sagemaker_domain.domain.id}", "user_profile_name": u, "single_sign_on_user_value": u}
                for u in ("ann", "bob")
            }
        }
    }

    def after(**users):
        return {
            "moved": [
                {"from": f"aws_sagemaker_user_profile.profile-{u}", "to": f'aws_sagemaker_user_profile.profiles["{u}"]'}
                for u in sorted(users)
            ],
            "resource": {
                "aws_sagemaker_user_profile": {
                    "profiles": {
                        "for_each": users,
                        "domain_id": "${aws_sagemaker_domain.domain.id}",
                        "user_profile_name": "${each.value.profile_name}",
                        "single_sign_on_user_value": "${each.key}",
                    }
                }
            },
        }

    assert stack_findings("t", before, after(ann={"profile_name": "ann"}, bob={"profile_name": "bob"})) == [], (
        "the move itself destroys nothing"
    )
    found = stack_findings("t", before, after(ann={"profile_name": "ann"}))
    assert [(f.kind, f.address) for f in found] == [("removed", "aws_sagemaker_user_profile.profile-bob")], (
        "a member removed in the same change is still a profile destroyed"
    )
    found = stack_findings("t", before, after(ann={"profile_name": "ann-2"}, bob={"profile_name": "bob"}))
    assert [(f.kind, f.address, f.attribute, f.old, f.new) for f in found] == [
        ("replaced", 'aws_sagemaker_user_profile.profiles["ann"]', "user_profile_name", "ann", "ann-2")
    ], "a force-new change in one instance's value replaces that instance"
    without_moves = {k: v for k, v in after(ann={"profile_name": "ann"}, bob={"profile_name": "bob"}).items() if k != "moved"}
    assert {f.address for f in stack_findings("t", before, without_moves)} == {
        "aws_sagemaker_user_profile.profile-ann",
        "aws_sagemaker_user_profile.profile-bob",
    }, "no moved block, no move"


def test_a_moved_block_onto_an_address_that_already_exists_does_not_hide_a_destruction():
    """Terraform refuses that move and destroys the `from` resource: the guard says so (and so for two moves onto
    one address)."""
    profile = {"domain_id": "d", "user_profile_name": "alice"}
    before = {
        "resource": {
            "aws_sagemaker_user_profile": {
                "profile-bob": {"domain_id": "d", "user_profile_name": "bob"},
                "profiles": {"for_each": {"alice": {}}, **profile},
            }
        }
    }
    onto_existing = {
        "resource": {"aws_sagemaker_user_profile": {"profiles": {"for_each": {"alice": {}}, **profile}}},
        "moved": [{"from": "aws_sagemaker_user_profile.profile-bob", "to": 'aws_sagemaker_user_profile.profiles["alice"]'}],
    }
    assert [f.address for f in stack_findings("s", before, onto_existing)] == ["aws_sagemaker_user_profile.profile-bob"]
    two = {
        "resource": {
            "aws_sagemaker_user_profile": {
                "profile-bob": {"domain_id": "d", "user_profile_name": "bob"},
                "profile-carol": {"domain_id": "d", "user_profile_name": "carol"},
            }
        }
    }
    both = {
        "resource": {"aws_sagemaker_user_profile": {"profiles": {"for_each": {"bob": {}}, **profile}}},
        "moved": [
            {"from": f"aws_sagemaker_user_profile.profile-{p}", "to": 'aws_sagemaker_user_profile.profiles["bob"]'}
            for p in ("bob", "carol")
        ],
    }
    assert sorted(f.address for f in stack_findings("s", two, both)) == [
        "aws_sagemaker_user_profile.profile-bob",
        "aws_sagemaker_user_profile.profile-carol",
    ]


def test_an_each_expression_the_guard_cannot_evaluate_stands_for_the_whole_instance_value():
    """${lower(each.value.name)} in a force-new attribute: a change of the instance's value is a replacement."""

    def doc(name):
        body = {"for_each": {"bob": {"name": name}}, "domain_id": "d", "user_profile_name": "${lower(each.value.name)}"}
        return {"resource": {"aws_sagemaker_user_profile": {"profiles": body}}}

    assert stack_findings("s", doc("Bob"), doc("Bob")) == []
    found = stack_findings("s", doc("Bob"), doc("Robert"))
    assert [(f.kind, f.address) for f in found] == [("replaced", 'aws_sagemaker_user_profile.profiles["bob"]')]
