"""What AWS needs at apply time, checked on the synthesized JSON."""

from __future__ import annotations

from tests.synth.conftest import resources, stack


def team_stacks(out, registry):
    return [f"{t.name}-{env}" for t in registry.teams for env in t.environments]


def test_a_user_profile_is_created_only_after_its_user_is_assigned_to_the_domain_application(example_out, example_registry):
    checked = 0
    for name in team_stacks(example_out, example_registry):
        doc = stack(example_out, name)
        assigned = resources(doc, "aws_ssoadmin_application_assignment")
        for cid, profile in resources(doc, "aws_sagemaker_user_profile").items():
            # every profile waits for every assignment of the stack: its own is among them (same for_each key)
            assert profile.get("depends_on") == ["aws_ssoadmin_application_assignment.studio-access"], (name, cid)
            assert cid.replace("profiles", "studio-access", 1) in assigned, (name, cid)
            checked += 1
    assert checked > 5


def test_vpc_only_studio_reaches_s3_through_the_gateway_endpoint(example_out, example_registry):
    vpc_only = {e.name for e in example_registry.environments if e.sagemaker_network == "vpc_only"}
    checked = 0
    for team in example_registry.teams:
        for env in team.environments:
            doc = stack(example_out, f"{team.name}-{env}")
            egress = resources(doc, "aws_security_group")["studio-sg"]["egress"]
            to_s3 = [e for e in egress if e.get("prefix_list_ids") == ["${aws_vpc_endpoint.endpoint-s3.prefix_list_id}"]]
            if env in vpc_only:
                assert len(to_s3) == 1 and (to_s3[0]["from_port"], to_s3[0]["to_port"], to_s3[0]["protocol"]) == (443, 443, "tcp")
                checked += 1
            else:
                assert to_s3 == []
    assert checked


def test_service_catalog_products_wait_for_their_template_and_survive_new_versions(example_out):
    doc = stack(example_out, "shared-services")
    objects = resources(doc, "aws_s3_object")
    products = resources(doc, "aws_servicecatalog_product")
    assert products
    for cid, product in products.items():
        params = product["provisioning_artifact_parameters"]
        url = params["template_url"]
        # A reference to the object (so CreateProduct waits for it), not a literal URL.
        target = url.rsplit("${aws_s3_object.", 1)[1].split(".key}")[0]
        assert target in objects and objects[target]["key"].endswith(f"/{params['name']}.yaml"), cid
        assert product["lifecycle"]["ignore_changes"] == ["provisioning_artifact_parameters"]


def test_without_organization_id_nothing_toggles_trusted_access(example_out):
    doc = stack(example_out, "organization")
    assert "aws_organizations_organization" not in doc.get("resource", {})
    assert "aws_organizations_organization" in doc["data"]
    # one resource owns each switch: no Service Catalog access toggle beside the organization
    assert not resources(doc, "aws_servicecatalog_organizations_access")


def test_rams_sharing_with_the_organization_is_always_managed_and_never_destroyed(example_out):
    """Trusted access for ram.amazonaws.com is not RAM's sharing within the organization, which the organization-only
    feature-group and pipeline shares need; whether or not the organization is imported, the stack turns it on."""
    doc = stack(example_out, "organization")
    assert resources(doc, "aws_ram_sharing_with_organization")["ram-sharing"]["lifecycle"] == {"prevent_destroy": True}


def test_a_named_organization_is_imported_and_everything_that_needs_trusted_access_waits_for_it(tmp_path, example_registry):
    import dataclasses
    import json

    from modules.plan.layout import plan
    from modules.plan.trusted_access import REQUIRED_TRUSTED_SERVICES
    from tests.helpers import synthesize

    p = plan(example_registry)
    org = dataclasses.replace(
        p.organization,
        organization_id="o-abcdef1234",
        trusted_services=tuple(sorted({*REQUIRED_TRUSTED_SERVICES, "guardduty.amazonaws.com"})),
    )
    synthesize(dataclasses.replace(p, organization=org), tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "stacks" / "organization" / "cdk.tf.json").read_text())
    organization = resources(doc, "aws_organizations_organization")["organization"]
    assert organization["feature_set"] == "ALL" and organization["lifecycle"]["prevent_destroy"] is True
    assert set(REQUIRED_TRUSTED_SERVICES) | {"guardduty.amazonaws.com"} == set(organization["aws_service_access_principals"])
    assert organization["enabled_policy_types"] == ["SERVICE_CONTROL_POLICY"]
    assert {"to": "aws_organizations_organization.organization", "id": "o-abcdef1234"} in [
        {k: i[k] for k in ("to", "id")} for i in doc["import"]
    ]
    dependents = [
        *resources(doc, "aws_organizations_delegated_administrator").values(),
        *resources(doc, "aws_organizations_policy").values(),
        *resources(doc, "aws_cloudtrail").values(),
        *resources(doc, "aws_ram_sharing_with_organization").values(),
    ]
    assert dependents and all("aws_organizations_organization.organization" in d["depends_on"] for d in dependents)
    assert "${aws_organizations_organization.organization.roots[0].id}" in json.dumps(doc)
