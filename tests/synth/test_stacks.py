"""Focused assertions on what each stack holds, against docs/output.md.

The decisions themselves (who gets what where) are tested on the plan's records in tests/test_plan.py; these
check that the synthesized stacks render those records."""

import json

from cdktn import Testing as CdktnTesting
from cdktn_provider_aws.sagemaker_domain import SagemakerDomain

from modules.base.ids import user_bucket
from modules.base.tfexpr import index
from modules.plan.layout import plan
from tests.synth.conftest import iam_items, policy, resources, stack


def test_one_folder_per_planned_stack(example_out, example_registry):
    names = sorted(p.name for p in (example_out / "stacks").iterdir())
    assert names == list(plan(example_registry).stack_names)


def test_every_stack_has_its_own_encrypted_locked_backend(example_out):
    for path in sorted((example_out / "stacks").iterdir()):
        backend = stack(example_out, path.name)["terraform"]["backend"]["s3"]
        assert backend == {
            "bucket": "northwind-terraform-state",
            "key": f"{path.name}/terraform.tfstate",
            "region": "eu-west-1",
            "encrypt": True,
            "use_lockfile": True,
        }


def test_one_account_per_team_environment_in_its_ou(example_out, example_registry):
    """Each account in its team's access stack (the organization holds none: it does not grow with teams), in the OU
    the organization stack outputs, with the body the organization stack wrote for it before it moved."""
    org = stack(example_out, "organization")
    ous = resources(org, "aws_organizations_organizational_unit")
    assert "aws_organizations_account" not in org["resource"] and "account_ids" not in org["output"]
    for team in example_registry.teams:
        access = stack(example_out, f"{team.name}-access")
        accounts = resources(access, "aws_organizations_account")
        assert len(accounts) == len(team.environments)
        for env_name in team.environments:
            acct = accounts[f"account-{team.name}-{env_name}"]
            assert acct["name"] == f"northwind-{team.name}-{env_name}"
            assert acct["email"] == f"aws+{team.name}-{env_name}@northwind.example"
            assert acct["lifecycle"]["prevent_destroy"] is True and acct["close_on_deletion"] is False
            ou_path = example_registry.environment(env_name).organizational_unit if team.active else "Suspended"
            assert acct["parent_id"] == f"${{data.terraform_remote_state.organization.outputs.ou_ids{index(ou_path)}}}"
            assert "ou-" + ou_path.replace("/", "_") in ous
        ids = {k: f"${{aws_organizations_account.account-{k}.id}}" for k in (f"{team.name}-{e}" for e in team.environments)}
        assert access["output"]["account_ids"]["value"] == ids


def test_ou_tree_nests_paths(example_out):
    ous = resources(stack(example_out, "organization"), "aws_organizations_organizational_unit")
    assert ous["ou-Workloads_Prod"]["name"] == "Prod"
    assert ous["ou-Workloads_Prod"]["parent_id"] == "${aws_organizations_organizational_unit.ou-Workloads.id}"
    assert ous["ou-Suspended"]["parent_id"].startswith("${data.aws_organizations_organization.organization.roots[0]")


def test_adopted_account_is_imported_not_created(example_out):
    pricing = stack(example_out, "pricing-access")
    assert pricing["import"] == [{"id": "012345678901", "to": "aws_organizations_account.account-pricing-prod"}]
    assert "import" not in stack(example_out, "organization")
    adopted = resources(pricing, "aws_organizations_account")["account-pricing-prod"]
    assert {"email", "name"} <= set(adopted["lifecycle"]["ignore_changes"])
    # the adopted account's stack uses the literal id; created ones read the organization's output
    prod = stack(example_out, "pricing-prod")
    assert (
        prod["provider"]["aws"][0]["assume_role"][0]["role_arn"]
        == 'arn:aws:iam::012345678901:role/${var.access_mode == "plan" ? "northwind-plan" : "OrganizationAccountAccessRole"}'
    )
    access = resources(stack(example_out, "pricing-access"), "aws_ssoadmin_account_assignment")
    assert all(a["target_id"] == "012345678901" for k, a in access.items() if k.startswith('assignments["pricing-prod/'))
    dev = stack(example_out, "pricing-dev")
    assert "pricing-access.outputs.account_ids" in dev["provider"]["aws"][0]["assume_role"][0]["role_arn"]
    assert all(a["target_id"] == "${aws_organizations_account.account-pricing-dev.id}" for k, a in access.items() if "pricing-dev/" in k)


def test_guardrails_attached_where_they_must_cover(example_out):
    org = stack(example_out, "organization")
    policies = resources(org, "aws_organizations_policy")
    attached = {}
    for a in resources(org, "aws_organizations_policy_attachment").values():
        policy_id = a["policy_id"].split(".")[1]
        attached.setdefault(a["target_id"].split(".")[1], []).append(policy_id)
    sids = {ou: sorted(st["Sid"] for p in ps for st in json.loads(policies[p]["content"])["Statement"]) for ou, ps in attached.items()}
    baseline = [
        "DenyLeaveOrganization",
        "DenyOutsideAllowedRegions",
        "DenyRootUser",
        "DenyStudioUrlsOutsideNetworks",
        "ProtectCloudTrail",
        "ProtectConfig",
        "ProtectLogArchive",
        "ProtectPlatformRoles",
    ]
    assert sids["ou-Workloads"] == baseline
    assert sids["ou-Suspended"] == sorted(baseline + ["DenyAllButPlatform"])
    vpc_only = ["DenyNotebookInternet", "DenyPublicStudioDomains", "DenyStudioDomainsTurningPublic", "DenyWorkOutsideVpc"]
    assert sids["ou-Workloads_NonProd"] == vpc_only and sids["ou-Workloads_Prod"] == vpc_only
    assert "ou-Workloads_Sandbox" not in sids  # sandbox is public_internet: no VPC guardrail there
    regions = next(
        st
        for p in attached["ou-Workloads"]
        for st in json.loads(policies[p]["content"])["Statement"]
        if st["Sid"] == "DenyOutsideAllowedRegions"
    )
    assert regions["Condition"] == {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}}
    assert all(len(p["content"]) <= 5120 for p in policies.values())


def test_organization_trail_and_log_archive(example_out):
    org = stack(example_out, "organization")
    trail = resources(org, "aws_cloudtrail")["organization-trail"]
    assert (trail["is_organization_trail"], trail["is_multi_region_trail"], trail["enable_log_file_validation"]) == (True, True, True)
    assert trail["s3_bucket_name"] == "log-archive-northwind-300000000003"
    assert trail["kms_key_id"] == "${aws_kms_key.log-archive-kms.arn}"
    bucket = resources(org, "aws_s3_bucket")["log-archive"]
    assert bucket["provider"] == "aws.log-archive"
    statements = {s["Sid"]: s for s in policy(resources(org, "aws_s3_bucket_policy")["log-archive-policy"]["policy"])["Statement"]}
    assert statements["DenyDeletion"]["Effect"] == "Deny" and statements["DenyInsecureTransport"]["Effect"] == "Deny"
    provider = next(p for p in org["provider"]["aws"] if p.get("alias") == "log-archive")
    assert provider["assume_role"][0]["role_arn"] == (
        'arn:aws:iam::300000000003:role/${var.access_mode == "plan" ? "northwind-plan" : "OrganizationAccountAccessRole"}'
    )


def test_config_in_every_team_account_and_an_organization_aggregator(example_out, example_registry):
    for team in example_registry.teams:
        for env in team.environments:
            doc = stack(example_out, f"{team.name}-{env}")
            home = doc["provider"]["aws"][0]["region"]
            recorder = resources(doc, "aws_config_configuration_recorder")[f'config-recorder["{home}"]']
            assert recorder["recording_group"] == {"all_supported": True, "include_global_resource_types": True}
            assert (
                resources(doc, "aws_config_delivery_channel")[f'config-delivery["{home}"]']["s3_bucket_name"]
                == "log-archive-northwind-300000000003"
            )
            assert resources(doc, "aws_flow_log")["vpc-flow-log"]["log_destination"] == "arn:aws:s3:::log-archive-northwind-300000000003"
            delivery = policy(iam_items(doc, "aws_iam_role_policy")["config-role-delivery"]["policy"])["Statement"]
            put = next(st for st in delivery if st["Sid"] == "DeliverToOwnPrefix")
            assert put["Resource"].startswith("arn:aws:s3:::log-archive-northwind-300000000003/AWSLogs/")
    aggregator = resources(stack(example_out, "shared-services"), "aws_config_configuration_aggregator")["config-aggregator"]
    assert aggregator["organization_aggregation_source"]["all_regions"] is True


def test_deployments_go_through_a_role_that_trusts_only_the_accounts_own_ci_role(example_out):
    role = iam_items(stack(example_out, "pricing-prod"), "aws_iam_role")["deploy-role"]
    trust = json.loads(role["assume_role_policy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"AWS": "arn:aws:iam::200000000002:role/northwind-pricing-prod-ci"}]


def test_identity_groups_memberships_and_permission_sets(example_out):
    ident = stack(example_out, "identity")
    groups = {g["display_name"] for g in resources(ident, "aws_identitystore_group").values()}
    assert groups == {"northwind-platform-admins"}, "team groups live in the teams' access stacks"
    recsys = stack(example_out, "recsys-access")
    assert "northwind-recsys-ml-engineer" in {g["display_name"] for g in resources(recsys, "aws_identitystore_group").values()}
    assert resources(stack(example_out, "churn-access"), "aws_identitystore_group") == {}, "nothing for decommissioned teams"
    users = resources(ident, "aws_identitystore_user")
    amara = f'{user_bucket("amara")}["amara"]'  # one of 256 `for_each` constructs, by a hash of the user name
    assert users[amara]["user_name"] == "amara"
    assert users[amara]["emails"] == {"value": "amara.okafor@northwind.example", "primary": True, "type": "work"}
    assert len(users) == 10 and all(k.split("[")[0] == user_bucket(json.loads(k[k.index("[") + 1 : -1])) for k in users)
    # the chain from the earlier addresses: one construct per user, then one `for_each` of all users
    moved = {m["from"]: m["to"] for m in ident["moved"]}
    assert moved["aws_identitystore_user.user-amara"] == 'aws_identitystore_user.users["amara"]'
    assert moved['aws_identitystore_user.users["amara"]'] == f"aws_identitystore_user.{amara}"
    members = resources(recsys, "aws_identitystore_group_membership")
    assert (
        members['members["northwind-recsys-ml-engineer/chen"]']["member_id"]
        == "${data.terraform_remote_state.identity.outputs.user_ids.chen}"
    )
    ps = resources(ident, "aws_ssoadmin_permission_set")
    assert ps["ps-DataScientist"]["session_duration"] == "PT8H"
    assert ps["ps-DataScientist"]["name"] == "DataScientist"
    assert "ps-PlatformAdmin" in ps
    inline = resources(ident, "aws_ssoadmin_permission_set_inline_policy")
    assert json.loads(inline["ps-MLEngineer-inline"]["inline_policy"])["Statement"][0]["Sid"] == "ReadPipelineLogs"


def test_assignments_are_the_access_records_in_the_access_stack(example_out, example_registry):
    assert resources(stack(example_out, "pricing-prod"), "aws_ssoadmin_account_assignment") == {}
    every = resources(stack(example_out, "pricing-access"), "aws_ssoadmin_account_assignment")
    pricing = next(a for a in plan(example_registry).access if a.team == "pricing")
    groups = [f'assignments["{t.key}/{x.group}/{x.permission_set}"]' for t in pricing.accounts for x in t.assignments]
    users = [f'user-assignments["{t.key}/{u.user}/{u.permission_set}"]' for t in pricing.accounts for u in t.user_assignments]
    assert users == ['user-assignments["pricing-dev/dana/MLEngineer"]'], "the example's grant"
    assert sorted(every) == sorted(groups + users)
    assert every['user-assignments["pricing-dev/dana/MLEngineer"]']["principal_type"] == "USER"
    prod = {k: v for k, v in every.items() if k.startswith('assignments["pricing-prod/')}
    assert sorted(prod) == [
        'assignments["pricing-prod/northwind-platform-admins/PlatformAdmin"]',
        'assignments["pricing-prod/northwind-pricing-lead/ReadOnly"]',
        'assignments["pricing-prod/northwind-pricing-ml-engineer/ReadOnly"]',
        'assignments["pricing-prod/northwind-pricing-viewer/ReadOnly"]',
    ]
    for a in prod.values():
        assert a["principal_type"] == "GROUP" and a["target_type"] == "AWS_ACCOUNT"
        assert a["target_id"] == "012345678901"
        assert "provider" not in a, "the access stack's own provider is the management account"


def test_decommissioned_team_keeps_account_but_loses_human_access(example_out):
    churn = stack(example_out, "churn-prod")
    access = stack(example_out, "churn-access")
    assert sorted(resources(access, "aws_ssoadmin_account_assignment")) == [
        'assignments["churn-prod/northwind-platform-admins/PlatformAdmin"]',
        'assignments["churn-sandbox/northwind-platform-admins/PlatformAdmin"]',
    ]
    assert set(access["resource"]) == {"aws_ssoadmin_account_assignment", "aws_organizations_account"}, "no group, no SCP"
    assert {a["parent_id"] for a in resources(access, "aws_organizations_account").values()} == {
        "${data.terraform_remote_state.organization.outputs.ou_ids.Suspended}"
    }
    assert resources(churn, "aws_sagemaker_user_profile") == {}
    assert "domain" in resources(churn, "aws_sagemaker_domain"), "the domain and data are kept"
    assert resources(churn, "aws_budgets_budget")["budget"]["limit_amount"] == "10"  # retained data costs a little
    # What costs money and holds no data goes: no interface endpoints (the VPC stays, the domain sits in it).
    # (The S3 gateway endpoint is free and stays.)
    endpoints = resources(churn, "aws_vpc_endpoint").values()
    assert [e for e in endpoints if e["vpc_endpoint_type"] == "Interface"] == [] and "vpc" in resources(churn, "aws_vpc")


def test_profiles_only_where_studio_is_granted(example_out, example_registry):
    p = plan(example_registry)
    for name in ("recsys-dev", "recsys-prod", "churn-prod"):  # who gets Studio: tests/test_plan.py
        profiles = resources(stack(example_out, name), "aws_sagemaker_user_profile")
        assert sorted(profiles) == [f'profiles["{u.user_name}"]' for u in p.account(name).studio_users]
    prod = resources(stack(example_out, "recsys-prod"), "aws_sagemaker_user_profile")
    assert sorted(prod) == ['profiles["chen"]', 'profiles["ivan"]']
    profile = prod['profiles["ivan"]']
    assert profile["single_sign_on_user_identifier"] == "UserName"
    assert profile["single_sign_on_user_value"] == "ivan"
    assert profile["user_profile_name"] == "ivan"
    access = resources(stack(example_out, "recsys-prod"), "aws_ssoadmin_application_assignment")
    assert sorted(access) == ['studio-access["chen"]', 'studio-access["ivan"]']
    assert access['studio-access["ivan"]']["application_arn"] == "${aws_sagemaker_domain.domain.single_sign_on_application_arn}"
    assert access['studio-access["ivan"]']["principal_id"] == "${data.terraform_remote_state.identity.outputs.user_ids.ivan}"


def test_domains_are_vpc_only_where_the_environment_says(example_out):
    for name, mode in [("recsys-sandbox", "PublicInternetOnly"), ("recsys-dev", "VpcOnly"), ("recsys-prod", "VpcOnly")]:
        synthesized = (example_out / "stacks" / name / "cdk.tf.json").read_text()
        assert CdktnTesting.to_have_resource_with_properties(
            synthesized,
            SagemakerDomain.TF_RESOURCE_TYPE,
            {
                "auth_mode": "SSO",
                "app_network_access_type": mode,
                "retention_policy": {"home_efs_file_system": "Retain"},
                "kms_key_id": "${aws_kms_key.kms.arn}",
            },
        )
    endpoints = resources(stack(example_out, "recsys-prod"), "aws_vpc_endpoint")
    assert 'interface-endpoints["sagemaker.api"]' in endpoints and "endpoint-s3" in endpoints
    assert endpoints['interface-endpoints["sagemaker.api"]']["service_name"] == "com.amazonaws.eu-west-1.sagemaker.api"
    assert resources(stack(example_out, "recsys-sandbox"), "aws_vpc_endpoint") == {}


def test_idle_shutdown_and_vpc_cidr_follow_the_team_file(example_out):
    prod = stack(example_out, "recsys-prod")
    domain = resources(prod, "aws_sagemaker_domain")["domain"]
    idle = domain["default_user_settings"]["jupyter_lab_app_settings"]["app_lifecycle_management"]["idle_settings"]
    assert idle == {"lifecycle_management": "ENABLED", "idle_timeout_in_minutes": 90}
    assert resources(prod, "aws_vpc")["vpc"]["cidr_block"] == "10.44.0.0/22"  # team override
    assert resources(stack(example_out, "recsys-dev"), "aws_vpc")["vpc"]["cidr_block"] == "10.20.0.0/22"
    subnets = resources(prod, "aws_subnet")
    assert [subnets[s]["cidr_block"] for s in sorted(subnets)] == ["10.44.0.0/23", "10.44.2.0/23"]


def test_budgets_with_owner_alerts(example_out):
    budget = resources(stack(example_out, "pricing-dev"), "aws_budgets_budget")["budget"]
    assert (budget["limit_amount"], budget["limit_unit"], budget["time_unit"]) == ("2000", "USD", "MONTHLY")
    alerts = {(n["notification_type"], n["threshold"]) for n in budget["notification"]}
    assert alerts == {("FORECASTED", 80), ("ACTUAL", 100)}
    assert all(
        n["subscriber_email_addresses"] == ["farah.haddad@northwind.example", "goran.petrovic@northwind.example"]
        for n in budget["notification"]
    )
    override = resources(stack(example_out, "demand-forecast-prod"), "aws_budgets_budget")["budget"]
    assert override["limit_amount"] == "12000"


def test_execution_role_trusts_sagemaker_only_and_is_limited_to_instance_types(example_out):
    doc = stack(example_out, "pricing-prod")
    role = iam_items(doc, "aws_iam_role")["execution-role"]
    assert role["name"] == "northwind-pricing-prod-sagemaker-execution"
    trust = json.loads(role["assume_role_policy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "sagemaker.amazonaws.com"}]
    policy = json.loads(iam_items(doc, "aws_iam_role_policy")["execution-role-policy"]["policy"])
    compute = next(s for s in policy["Statement"] if s["Sid"] == "ComputeOnTheTeamsInstanceTypes")
    assert compute["Condition"]["ForAllValues:StringEquals"]["sagemaker:InstanceTypes"] == ["ml.g5.xlarge", "ml.m5.xlarge", "ml.t3.medium"]
    bucket = next(s for s in policy["Statement"] if s["Sid"] == "ReadWriteTheDataBucket")
    assert bucket["Resource"] == "arn:aws:s3:::northwind-pricing-prod-data/*"


def test_team_tags_on_the_provider(example_out):
    tags = stack(example_out, "demand-forecast-dev")["provider"]["aws"][0]["default_tags"][0]["tags"]
    assert tags == {
        "company": "northwind",
        "managed-by": "sagemaker-registry",
        "team": "demand-forecast",
        "environment": "dev",
        "cost_center": "CC-2101",
    }
