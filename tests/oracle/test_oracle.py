"""The API oracle: what the compiler emits for the example, every valid fixture and a registry at the maxima that
`validate` accepts is what AWS's own API models and documented quotas accept; and the oracle itself catches what
AWS refuses, naming stack, address, attribute, value, the constraint and its source."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from modules.base import naming
from modules.base.tfexpr import expression
from modules.plan.layout import plan
from modules.policies.size import MANAGED_MAX, ROLE_INLINE_MAX, worst_case_size
from modules.policies.split import split
from modules.registry.caps import CAPS
from modules.registry.checks.caps import _objects
from modules.registry.validate import load_registry
from modules.review.allowlist import RESOURCE_TYPES
from tests.helpers import FIXTURES, synthesize
from tests.terraform import schema

from . import botomodel
from .mapping import RESOURCES, Auto, NotSent
from .maxreg import generate
from .oracle import Report, check_docs, check_folder

ROOT = Path(__file__).resolve().parents[2]
VALID = sorted(p for p in (FIXTURES / "valid").iterdir() if p.is_dir())


def _clean(report: Report, what: str) -> None:
    print(f"{what}: {report.summary()}")
    assert not report.unmapped, f"{what}: emitted without a mapping in tests/oracle/mapping/: {sorted(report.unmapped)}"
    assert not report.findings, f"{what}: AWS would reject:\n" + "\n".join(map(str, report.findings))
    assert report.checked > 0


def test_every_allow_listed_type_is_mapped_to_members_botocore_knows():
    missing = sorted(RESOURCE_TYPES - set(RESOURCES))
    assert not missing, f"resource types the compiler may emit without a mapping in tests/oracle/mapping/: {missing}"
    unknown = []
    for tf_type, api in RESOURCES.items():
        targets = [t.prefix if isinstance(t, Auto) else t for t in api.attrs.values() if not isinstance(t, NotSent)]
        for target in targets + ([api.tags] if api.tags else []):
            service, _, member = target.rpartition(":")
            try:
                botomodel.member(service or api.service, member.removesuffix("{}"))
            except botomodel.UnknownMember as exc:
                unknown.append(f"{tf_type}: {exc}")
    assert not unknown


def test_every_taggable_type_maps_its_tags():
    """The provider adds default_tags to every resource with `tags`, written or not: each such type says where they go."""
    resources = schema.load()["resources"]
    untagged = sorted(t for t in RESOURCE_TYPES if "tags" in resources[t]["attrs"] and RESOURCES[t].tags is None)
    assert not untagged


def test_the_example_output_is_accepted():
    _clean(check_folder(ROOT / "generated"), "the example (generated/)")


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_fixtures_are_accepted(case, synthesized_fixture):
    _, out = synthesized_fixture(case)
    _clean(check_folder(out), case.name)


@pytest.fixture(scope="module")
def max_registry(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("max")
    registry = generate(root)
    out = root / "out"
    synthesize(plan(load_registry(registry)), out)
    return registry, out


def test_the_max_registry_is_accepted(max_registry):
    _clean(check_folder(max_registry[1]), "the max registry")


def test_the_max_registry_fills_every_capped_field(max_registry):
    """The generator keeps up with the caps table: each field it should fill has an object at its cap."""
    reg = load_registry(max_registry[0])
    reached = {}
    for obj in _objects(reg):
        for name in type(obj).model_fields:
            key = f"{type(obj).__name__}.{name}"
            value = getattr(obj, name)
            if key in CAPS and value is not None:
                reached[key] = max(reached.get(key, 0), len(value))
    short = {k: (reached.get(k), c.max) for k, c in CAPS.items() if c.fill and "." in k and k[0].isupper() and reached.get(k) != c.max}
    assert not short, f"fields the max registry leaves below their cap (reached, cap): {short}"


def test_the_max_registry_splits_execution_role_statements_into_managed_policies(max_registry):
    stacks = {p.name: json.loads((p / "cdk.tf.json").read_text()) for p in (max_registry[1] / "stacks").iterdir()}
    managed = {s: d["resource"]["aws_iam_policy"] for s, d in stacks.items() if "aws_iam_policy" in d.get("resource", {})}
    assert managed, "no role outgrew its inline space: the max registry no longer tests the split"
    for stack, resources in managed.items():
        (attachments,) = stacks[stack]["resource"]["aws_iam_role_policy_attachment"].values()
        for key, item in resources["managed-policies"]["for_each"].items():
            assert attachments["for_each"][key]["policy_arn"] == f'${{aws_iam_policy.managed-policies["{key}"].arn}}'
            assert item["name"].startswith(naming.ORGANIZATION_STACK[:0] + item["name"].rsplit("-", 1)[0])


def test_the_max_registry_tags_catalog_resources_with_what_fits(max_registry):
    doc = json.loads((max_registry[1] / "stacks" / naming.SHARED_SERVICES_STACK / "cdk.tf.json").read_text())
    catalog = next(p for p in doc["provider"]["aws"] if p.get("alias") == "catalog")
    assert len(catalog["default_tags"][0]["tags"]) == 10
    for tf_type in ("aws_s3_object", "aws_servicecatalog_product", "aws_servicecatalog_portfolio"):
        assert {b.get("provider") for b in doc["resource"][tf_type].values()} == {"aws.catalog"}


def test_the_example_keeps_one_provider_for_its_catalog():
    doc = json.loads((ROOT / "generated" / "stacks" / naming.SHARED_SERVICES_STACK / "cdk.tf.json").read_text())
    assert [p.get("alias") for p in doc["provider"]["aws"]] == [None]


# -- the oracle catches what AWS refuses ------------------------------------------------------------------------


def _stack(resources: dict, tags: dict | None = None) -> dict:
    provider = {"region": "eu-west-1", **({"default_tags": [{"tags": tags}]} if tags else {})}
    return {"provider": {"aws": [provider]}, "resource": resources}


def test_it_names_stack_address_attribute_value_constraint_and_source():
    doc = _stack(
        {
            "aws_servicecatalog_portfolio": {"p": {"name": "x", "provider_name": "o" * 51}},
            "aws_organizations_policy": {"scp": {"name": "n" * 129, "content": "{}", "type": "SERVICE_CONTROL_POLICY"}},
            "aws_ssoadmin_permission_set": {"ps": {"name": "Ps", "description": "a \u2014 b", "instance_arn": "x"}},
        }
    )
    found = {(f.address, f.attribute): f for f in check_docs({"central": doc}).findings}
    f = found[("aws_servicecatalog_portfolio.p", "provider_name")]
    assert (f.stack, f.value) == ("central", "o" * 51)
    assert f.constraint == "at most 50 characters (has 51)" and "servicecatalog CreatePortfolio.ProviderName" in f.source
    assert f.source.startswith(botomodel.SOURCE)
    assert "at most 128 characters" in found[("aws_organizations_policy.scp", "name")].constraint
    assert "pattern" in found[("aws_ssoadmin_permission_set.ps", "description")].constraint


def test_it_merges_default_tags_and_applies_each_services_tag_limit():
    tags = {f"k{i}": "v" for i in range(20)}
    doc = _stack(
        {
            "aws_servicecatalog_product": {"p": {"name": "x", "owner": "o", "type": "CLOUD_FORMATION_TEMPLATE", "tags": {"own": "1"}}},
            "aws_s3_object": {"o": {"bucket": "b", "key": "k"}},
            "aws_kms_key": {"k": {"description": "d"}},
        },
        tags=tags,
    )
    found = {f.address: f for f in check_docs({"s": doc}).findings if f.attribute.startswith("tags")}
    assert found["aws_servicecatalog_product.p"].constraint == "at most 20 tags"
    assert found["aws_s3_object.o"].constraint == "at most 10 tags"
    assert "aws_kms_key.k" not in found


def test_it_sums_a_roles_inline_policies_and_measures_references_at_their_worst():
    big = json.dumps({"Statement": [{"Resource": "${data.terraform_remote_state.organization.outputs.account_ids.a}" + "x" * 5000}]})
    doc = _stack(
        {
            "aws_iam_role": {"r": {"name": "role", "assume_role_policy": "{}"}},
            "aws_iam_role_policy": {
                f"p{i}": {"name": f"p{i}", "role": "${aws_iam_role.r.id}", "policy": big.replace("x", str(i), 1)} for i in range(3)
            },
        }
    )
    (finding,) = [f for f in check_docs({"s": doc}).findings if f.attribute == "inline policies"]
    one = len(big.replace("${data.terraform_remote_state.organization.outputs.account_ids.a}", "123456789012").replace(" ", ""))
    assert finding.address == "role role" and "at most 10240" in finding.constraint
    assert finding.value.startswith(f"{3 * one} characters in aws_iam_role_policy.p0, ")


def test_it_checks_bucket_names_against_s3s_rules():
    found = check_docs({"s": _stack({"aws_s3_bucket": {f"b{i}": {"bucket": b} for i, b in enumerate(["xn--a", "a..b", "ok-name"])}})})
    assert sorted(f.address for f in found.findings) == ["aws_s3_bucket.b0", "aws_s3_bucket.b1"]


def test_a_type_or_attribute_without_a_mapping_fails():
    report = check_docs({"s": _stack({"aws_new_thing": {"x": {"name": "n"}}, "aws_kms_key": {"k": {"brand_new": 1}}})})
    assert report.unmapped == {"aws_new_thing", "aws_kms_key brand_new"}


def test_references_are_resolved_within_the_stack_or_skipped_and_counted():
    doc = _stack(
        {
            "aws_iam_role": {"r": {"name": "n" * 64, "assume_role_policy": "{}"}},
            "aws_iam_role_policy_attachment": {"a": {"role": "${aws_iam_role.r.name}", "policy_arn": "${aws_iam_policy.x.arn}"}},
        }
    )
    report = check_docs({"s": doc})
    assert not report.findings and report.skipped["ids AWS generated (whole references)"] == 1


# -- the compiler's side: policies that outgrow inline space, long SCP names ---------------------------------


def test_policies_that_fit_stay_inline_as_they_are():
    docs = [("a", {"Statement": [{"Sid": "A", "Resource": "x" * 4000}]}), ("b", {"Statement": [{"Sid": "B", "Resource": "y" * 4000}]})]
    assert split(docs) == (["a", "b"], [])


def test_statements_past_inline_space_move_to_managed_policies_within_their_limit():
    account = expression('data.terraform_remote_state.organization.outputs.account_ids["t-dev"]')
    statements = [
        {"Sid": f"S{i}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": [f"arn:{account}:{i}:" + "r" * 200] * 12}
        for i in range(12)
    ]
    policies = [
        ("a-policy", {"Version": "2012-10-17", "Statement": statements[:3]}),
        ("b-shares", {"Version": "2012-10-17", "Statement": statements[3:]}),
    ]
    kept, managed = split(copy.deepcopy(policies))
    assert kept == ["a-policy"]
    assert managed and all(worst_case_size(json.dumps(m)) <= MANAGED_MAX for m in managed)
    moved = [s for m in managed for s in m["Statement"]]
    assert [s["Sid"] for s in moved] == [s["Sid"] for s in statements[3:]]
    assert worst_case_size(json.dumps(policies[0][1])) <= ROLE_INLINE_MAX


def test_a_statement_too_big_for_one_managed_policy_is_cut_along_its_resources():
    resources = [f"arn:aws:codeartifact:eu-west-1:1:package/d/r/pypi//{i}" + "p" * 100 for i in range(80)]
    kept, managed = split(
        [("p", {"Statement": [{"Sid": "Publish", "Effect": "Allow", "Action": "x", "Resource": resources}]})] * 1
        + [("q", {"Statement": [{"Sid": "Q", "Resource": "z" * 10_000}]})]
    )
    parts = [s for m in managed for s in m["Statement"]]
    assert sorted(r for s in parts for r in s.get("Resource", []) if isinstance(s["Resource"], list)) == sorted(resources)
    assert all(s["Sid"].startswith("PublishPart") for s in parts if isinstance(s["Resource"], list))


def test_scp_names_keep_their_form_and_are_hash_shortened_only_past_128():
    assert naming.guardrails_scp("acme", "Workloads/Prod", 1) == "acme-workloads-prod-guardrails-1"
    long_a = "Workloads" + "/Level" + "u" * 57
    deep = "/".join([long_a] * 4)
    one, other = naming.guardrails_scp("acme", deep, 1), naming.guardrails_scp("acme", deep + "x", 1)
    assert len(one) == 128 and one.endswith("-guardrails-1") and one != other
    assert naming.guardrails_scp("acme", deep, 1) == one  # stable
