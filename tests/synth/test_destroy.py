"""Replacement is destruction: force-new attributes, their cascade, guarded removals (a crash while writing: test_output_writes.py)."""

import json
import shutil
from pathlib import Path

import pytest

from modules.engine.destroy import DestroyRefused, Finding, destroyed, findings, guarded, shares_in, stack_findings, stack_names
from modules.engine.forcenew import FORCE_NEW, GUARDED_REMOVAL, LOSES
from tests.helpers import synthesize
from tests.synth.conftest import synth_registry


def _stack(**resources):
    doc = {"resource": {}}
    for address, body in resources.items():
        tf_type, name = address.split("__")
        doc["resource"].setdefault(tf_type, {})[name] = body
    return doc


def _network(cidr, subnet):
    return _stack(
        aws_vpc__vpc={"cidr_block": cidr},
        aws_subnet__private={"cidr_block": subnet, "vpc_id": "${aws_vpc.vpc.id}", "availability_zone": "eu-west-1a"},
        aws_sagemaker_domain__domain={
            "domain_name": "d",
            "vpc_id": "${aws_vpc.vpc.id}",
            "subnet_ids": ["${aws_subnet.private.id}"],
            "default_user_settings": {"x": 1},
        },
        aws_sagemaker_user_profile__profile_ann={"domain_id": "${aws_sagemaker_domain.domain.id}", "user_profile_name": "ann"},
        aws_iam_role__role={"name": "r", "assume_role_policy": "{}"},
    )


def test_a_changed_cidr_replaces_the_vpc_and_cascades_to_the_domain_and_profiles():
    found = stack_findings("t-dev", _network("10.0.0.0/22", "10.0.0.0/23"), _network("10.1.0.0/22", "10.1.0.0/23"))
    by = {f.address: f for f in found}
    assert set(by) == {"aws_vpc.vpc", "aws_subnet.private", "aws_sagemaker_domain.domain", "aws_sagemaker_user_profile.profile_ann"}
    assert (by["aws_vpc.vpc"].attribute, by["aws_vpc.vpc"].old, by["aws_vpc.vpc"].new) == ("cidr_block", "10.0.0.0/22", "10.1.0.0/22")
    domain = by["aws_sagemaker_domain.domain"]
    assert domain.attribute == "vpc_id" and domain.because == "aws_vpc.vpc is replaced: cidr_block 10.0.0.0/22 → 10.1.0.0/22"
    assert by["aws_sagemaker_user_profile.profile_ann"].because.startswith("aws_sagemaker_domain.domain is replaced")
    # the VPC and subnet alone are not guarded (they hold nothing); what they cascade to is
    assert {f.address for f in guarded(found)} == {"aws_sagemaker_domain.domain", "aws_sagemaker_user_profile.profile_ann"}


def test_an_unchanged_stack_and_a_changed_updatable_attribute_are_no_finding():
    a = _network("10.0.0.0/22", "10.0.0.0/23")
    b = json.loads(json.dumps(a))
    b["resource"]["aws_sagemaker_domain"]["domain"]["default_user_settings"] = {"x": 2}  # updated in place
    b["resource"]["aws_iam_role"]["role"]["name"] = "other"  # not stateful: not in the table
    assert stack_findings("t-dev", a, a) == [] and stack_findings("t-dev", a, b) == []


def test_ignore_changes_and_moved_blocks_are_respected():
    a = _stack(aws_organizations_account__acct={"name": "old", "role_name": "A", "lifecycle": {"ignore_changes": ["role_name"]}})
    b = _stack(aws_organizations_account__acct={"name": "old", "role_name": "B", "lifecycle": {"ignore_changes": ["role_name"]}})
    assert stack_findings("organization", a, b) == []
    renamed = _stack(aws_s3_bucket__new={"bucket": "b"})
    renamed["moved"] = [{"from": "aws_s3_bucket.old", "to": "aws_s3_bucket.new"}]
    assert stack_findings("s", _stack(aws_s3_bucket__old={"bucket": "b"}), renamed) == []
    assert [
        f.kind for f in stack_findings("s", _stack(aws_s3_bucket__old={"bucket": "b"}), _stack(aws_s3_bucket__new={"bucket": "b"}))
    ] == ["removed"]


def test_a_renamed_bucket_is_a_replacement_and_a_removed_profile_a_removal():
    found = findings(
        {"s": _stack(aws_s3_bucket__b={"bucket": "x"}, aws_sagemaker_user_profile__p={"user_profile_name": "p"}), "gone": _stack()},
        {"s": _stack(aws_s3_bucket__b={"bucket": "y"})},
        {"share-a"},
        set(),
    )
    assert [f.describe() for f in found] == [
        "stack gone: removed, so everything it manages is destroyed",
        f"stack s: aws_sagemaker_user_profile.p is destroyed (loses {LOSES['aws_sagemaker_user_profile']})",
        f"stack s: aws_s3_bucket.b is replaced, forced by bucket: x → y (loses {LOSES['aws_s3_bucket']})",
        "share 'share-a': removed, revoking both halves",
    ]
    assert [f.key for f in found] == ["gone", "s:aws_sagemaker_user_profile.p", "s:aws_s3_bucket.b", "share:share-a"]


def test_dropping_rams_sharing_with_the_organization_is_guarded_like_a_removal():
    """Its destroy turns RAM's trusted access off and deletes RAM's role: every organization-only share stops."""
    before = _stack(aws_ram_sharing_with_organization__ram_sharing={"lifecycle": {"prevent_destroy": True}})
    [found] = guarded(stack_findings("organization", before, _stack()))
    assert found.describe() == (
        "stack organization: aws_ram_sharing_with_organization.ram_sharing is destroyed "
        f"(loses {LOSES['aws_ram_sharing_with_organization']})"
    )


def test_every_stateful_type_the_compiler_emits_is_in_the_table(example_out):
    """A new stateful type must be added to modules/engine/forcenew.py: the types that hold data are named here."""
    emitted = {t for p in (example_out / "stacks").glob("*/cdk.tf.json") for t in json.loads(p.read_text()).get("resource", {})}
    stateful = {
        "aws_organizations_account",
        "aws_sagemaker_domain",
        "aws_sagemaker_user_profile",
        "aws_s3_bucket",
        "aws_kms_key",
        "aws_ecr_repository",
        "aws_sagemaker_model_package_group",
        "aws_identitystore_group",
        "aws_identitystore_user",
    }
    assert (
        stateful <= emitted
        and stateful <= set(FORCE_NEW)
        and stateful - GUARDED_REMOVAL <= {"aws_identitystore_group", "aws_identitystore_user"}
    )
    assert {t for t in emitted if "efs" in t or "fsx" in t or "dynamodb" in t or "rds" in t} == set()


@pytest.fixture
def small_out(tmp_path):
    from tests.helpers import materialize

    registry = materialize(None, tmp_path)
    return registry, synth_registry(registry, tmp_path / "out")


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_new_vpc_cidr_is_refused_naming_stack_address_attribute_and_values(small_out, run_cli):
    registry, out = small_out
    old_cidr = json.loads((out / "stacks" / "fraud-dev" / "cdk.tf.json").read_text())["resource"]["aws_vpc"]["vpc"]["cidr_block"]
    team = registry / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("dev: {budget_usd: 3000}", "dev: {budget_usd: 3000, vpc_cidr: 10.99.0.0/22}"))
    before = _tree(out)
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 1, err
    assert "stateful resources" in err
    assert (
        "stack fraud-dev: aws_sagemaker_domain.domain is replaced, forced by vpc_id, because aws_vpc.vpc is "
        f"replaced: cidr_block {old_cidr} → 10.99.0.0/22 (loses every app and space"
    ) in err
    assert 'aws_sagemaker_user_profile.profiles["alice"] is replaced, forced by domain_id' in err
    assert "aws_vpc.vpc is replaced" not in err.split("aws_sagemaker_domain")[0], "the VPC alone is not a finding"
    assert _tree(out) == before, "a refused run writes nothing"
    assert run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet", "--allow-destroy"])[0] == 0


def test_removing_a_member_with_studio_is_refused_as_it_deletes_the_profile(small_out, run_cli):
    registry, out = small_out
    team = registry / "teams" / "fraud.yaml"
    team.write_text(team.read_text().replace("  - {person: bob, role: data-scientist}\n", ""))
    code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
    assert code == 1
    assert 'stack fraud-dev: aws_sagemaker_user_profile.profiles["bob"] is destroyed (loses the user\'s apps and spaces' in err
    assert run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet", "--allow-destroy"])[0] == 0


def test_synth_and_check_destroy_decide_with_the_same_function(small_out):
    """One decision of what is destroyed (engine/destroy.py `destroyed`): synth refuses exactly what it finds between
    the previous output and the staged one, and check-destroy calls it on two outputs; here on the previous output
    and the output synth writes with --allow-destroy, the one a pull request commits."""
    registry, out = small_out
    team = registry / "teams" / "fraud.yaml"
    team.write_text(
        team.read_text()
        .replace("  - {person: bob, role: data-scientist}\n", "")
        .replace("dev: {budget_usd: 3000}", "dev: {vpc_cidr: 10.99.0.0/22}")
    )
    with pytest.raises(DestroyRefused) as refused:
        synthesize(_plan(registry), out)
    committed = out.parent / "committed"
    shutil.copytree(out, committed)
    synthesize(_plan(registry), committed, allow_destroy=True)
    assert refused.value.findings == destroyed(out, committed) != []
    assert {f.address for f in refused.value.findings} >= {'aws_sagemaker_user_profile.profiles["bob"]', "aws_sagemaker_domain.domain"}
    assert destroyed(out, out.parent / "missing") == [Finding("stack_removed", n) for n in sorted(stack_names(out))] + [
        Finding("share_removed", "shares", s) for s in sorted(shares_in(out))
    ], "a missing output removes every stack and share"


def _plan(registry):
    from modules.plan.layout import plan
    from modules.registry.validate import load_registry

    return plan(load_registry(registry))


def test_for_each_instances_are_compared_one_by_one():
    """A `for_each` over a literal map (one construct for N profiles) keeps the guard per instance."""

    def profiles(**users):
        return {
            "resource": {
                "aws_sagemaker_user_profile": {
                    "profiles": {
                        "for_each": users,
                        "domain_id": "${aws_sagemaker_domain.domain.id}",
                        "user_profile_name": "${each.key}",
                        "single_sign_on_user_value": "${each.value.sso}",
                    }
                }
            }
        }

    before = profiles(ann={"sso": "ann"}, bob={"sso": "bob"})
    assert stack_findings("t", before, before) == []
    found = stack_findings("t", before, profiles(ann={"sso": "ann2"}))
    assert [(f.kind, f.address, f.attribute) for f in found] == [
        ("removed", 'aws_sagemaker_user_profile.profiles["bob"]', ""),
        ("replaced", 'aws_sagemaker_user_profile.profiles["ann"]', "single_sign_on_user_value"),
    ]
    assert found[1].old == "ann" and found[1].new == "ann2"


def test_a_replaced_for_each_instance_cascades_to_what_names_it():
    before = {
        "resource": {
            "aws_subnet": {"private": {"for_each": {"a": {"cidr": "10.0.0.0/24"}}, "cidr_block": "${each.value.cidr}"}},
            "aws_sagemaker_domain": {"domain": {"subnet_ids": ['${aws_subnet.private["a"].id}'], "domain_name": "d"}},
        }
    }
    after = json.loads(json.dumps(before))
    after["resource"]["aws_subnet"]["private"]["for_each"]["a"]["cidr"] = "10.1.0.0/24"
    by = {f.address: f for f in stack_findings("t", before, after)}
    assert by["aws_sagemaker_domain.domain"].because == 'aws_subnet.private["a"] is replaced: cidr_block 10.0.0.0/24 → 10.1.0.0/24'
    assert (
        stack_findings(
            "t",
            {"resource": {"aws_s3_bucket": {"b": {"bucket": "$${aws_vpc.vpc.id}"}}, "aws_vpc": {"vpc": {"cidr_block": "a"}}}},
            {"resource": {"aws_s3_bucket": {"b": {"bucket": "$${aws_vpc.vpc.id}"}}, "aws_vpc": {"vpc": {"cidr_block": "b"}}}},
        )[0].address
        == "aws_vpc.vpc"
    ), "an escaped literal `$${` is not a reference"


def _account(import_id=None, **extra):
    doc = _stack(
        aws_organizations_account__acct={"name": "org-t-prod", "email": "a@x.example", **extra},
        aws_organizations_policy_attachment__att={"target_id": "${aws_organizations_account.acct.id}", "policy_id": "p"},
    )
    if import_id:
        doc["import"] = [{"id": import_id, "to": "aws_organizations_account.acct"}]
    return doc


@pytest.mark.parametrize(
    "old, new, shown",
    [
        ("333333333333", None, "existing 333333333333 → (none: created by Terraform)"),  # the adoption dropped
        ("333333333333", "444444444444", "existing 333333333333 → existing 444444444444"),  # another account adopted
        (None, "444444444444", "(none: created by Terraform) → existing 444444444444"),  # a created account swapped for one
    ],
)
def test_an_account_whose_import_changes_is_replaced(old, new, shown):
    """The configuration (name, email) stays the same; what the address stands for does not."""
    ignore = {"lifecycle": {"ignore_changes": ["email", "name"]}}
    found = stack_findings("organization", _account(old, **(ignore if old else {})), _account(new, **(ignore if new else {})))
    assert [(f.kind, f.address, f.attribute) for f in found] == [("replaced", "aws_organizations_account.acct", "import")]
    assert guarded(found) == found
    assert found[0].describe() == (
        f"stack organization: aws_organizations_account.acct changes identity, {shown}: the object Terraform manages "
        f"there is not the one the registry now names, so it is replaced or left behind (loses {LOSES['aws_organizations_account']})"
    )


def test_an_unchanged_import_and_a_moved_one_are_no_finding():
    assert stack_findings("organization", _account("333333333333"), _account("333333333333")) == []
    moved = _stack(aws_organizations_account__renamed={"name": "org-t-prod", "email": "a@x.example"})
    moved["import"] = [{"id": "333333333333", "to": "aws_organizations_account.renamed"}]
    moved["moved"] = [{"from": "aws_organizations_account.acct", "to": "aws_organizations_account.renamed"}]
    assert stack_findings("organization", _account("333333333333"), moved) == []


def test_dropping_or_changing_an_adopted_account_is_refused_by_synth(small_out, run_cli):
    """Removing account_id passed every check and planned a replacement that only prevent_destroy stopped."""
    registry, out = small_out
    team, org = registry / "teams" / "fraud.yaml", registry / "organization.yaml"
    adopted = '  prod: {account_id: "333333333333"}'
    assert adopted in team.read_text()
    before = _tree(out)
    for now in ("  prod: {}", '  prod: {account_id: "444444444444"}'):
        team.write_text(team.read_text().replace(adopted, now))
        org.write_text(org.read_text().replace('  "444444444444": {team: fraud, environment: prod}\n', ""))
        org.write_text(
            org.read_text().replace("adoptable_accounts:\n", 'adoptable_accounts:\n  "444444444444": {team: fraud, environment: prod}\n')
        )
        code, _, err = run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet"])
        assert code == 1 and "Traceback" not in err
        assert "  - stack fraud-access: aws_organizations_account.account-fraud-prod changes identity, existing 333333333333 → " in err
        assert "an adopted account_id removed or changed" in err
        assert _tree(out) == before, "a refused run writes nothing"
        team.write_text(team.read_text().replace(now, adopted))
    team.write_text(team.read_text().replace(adopted, "  prod: {}"))
    assert run_cli(["synth", "--registry", str(registry), "--out", str(out), "--quiet", "--allow-destroy"])[0] == 0
