"""The post-step against a moto server: accounts in Organizations, an identity store missing one external
user, a pipeline created outside Terraform. Plan lists exactly what is needed, apply does it, a second apply
finds nothing to do.

moto does not implement RAM associations for SageMaker resources; the fixture adds that one call to the
server (moto's own RAM model holds the association), so the rest of the flow runs against moto as is.
"""

import json

import boto3
import pytest

from modules.plan.layout import plan
from modules.post.gateway import AwsGateway
from modules.post.manifest import as_dict, manifests
from modules.post.run import exit_code
from modules.post.run import run as run_post


@pytest.fixture(scope="module")
def moto_url():
    from moto.ram import models as ram_models
    from moto.ram import urls as ram_urls
    from moto.ram.responses import ResourceAccessManagerResponse
    from moto.server import ThreadedMotoServer

    def associate_resource_share(self):
        params = self.request_params
        share = next(s for s in self.ram_backend.resource_shares if s.arn == params["resourceShareArn"])
        share.add_resources(params["resourceArns"])
        return json.dumps({"resourceShareAssociations": [{"associatedEntity": a, "status": "ASSOCIATED"} for a in params["resourceArns"]]})

    ResourceAccessManagerResponse.associate_resource_share = associate_resource_share
    ram_urls.url_paths["{0}/associateresourceshare$"] = ResourceAccessManagerResponse.dispatch
    if "pipeline" not in ram_models.ResourceShare.SHAREABLE_RESOURCES:
        ram_models.ResourceShare.SHAREABLE_RESOURCES.append("pipeline")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_address[1]}"
    server.stop()


@pytest.fixture
def aws(moto_url, monkeypatch):
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).read()  # a clean AWS
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return boto3.session.Session(region_name="eu-west-1")


def member_session(session, account_id):
    creds = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole", RoleSessionName="seed"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="eu-west-1",
    )


@pytest.fixture
def seeded(aws, tmp_path, example_registry):
    """The example's manifests, the pricing-dev account, its RAM share and a pipeline made with the SDK."""
    org = aws.client("organizations")
    try:
        org.create_organization(FeatureSet="ALL")
    except org.exceptions.AlreadyInOrganizationException:
        pass
    names = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
    if "northwind-pricing-dev" not in names:
        org.create_account(Email="aws+pricing-dev@northwind.example", AccountName="northwind-pricing-dev")
        names = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
    account = names["northwind-pricing-dev"]
    # What the organization stack's apply left (moto's EnableSharingWithAwsOrganization only answers): RAM's role and
    # trusted access, which the producer's preflight reads.
    org.enable_aws_service_access(ServicePrincipal="ram.amazonaws.com")
    iam = aws.client("iam")
    try:
        iam.create_role(
            RoleName="AWSServiceRoleForResourceAccessManager", Path="/aws-service-role/ram.amazonaws.com/", AssumeRolePolicyDocument="{}"
        )
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    member = member_session(aws, account)
    sm = member.client("sagemaker")
    pipeline = sm.create_pipeline(
        PipelineName="price-elasticity-training",
        RoleArn=f"arn:aws:iam::{account}:role/x",
        PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}),
    )["PipelineArn"]
    ram = member.client("ram")
    share = ram.create_resource_share(name="price-elasticity-pipeline", allowExternalPrincipals=False)["resourceShare"]
    # Identity Center with external users: one of them was never provisioned.
    instance = aws.client("sso-admin").list_instances()["Instances"][0]
    ids = aws.client("identitystore")
    for user in ("amara", "bruno"):
        ids.create_user(
            IdentityStoreId=instance["IdentityStoreId"], UserName=user, DisplayName=user, Name={"GivenName": user, "FamilyName": "X"}
        )
    docs = {name: as_dict(doc) for name, doc in manifests(plan(example_registry)).items()}
    for doc in docs.values():
        if "preflight" in doc["jobs"]:
            doc["jobs"]["preflight"].update(instance_arn=instance["InstanceArn"], identity_store_id=instance["IdentityStoreId"])
    docs["identity"]["jobs"]["preflight"]["external_users"] = ["amara", "bruno", "zed"]
    for name, doc in docs.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(doc))
    return {"manifests": tmp_path, "account": account, "pipeline": pipeline, "share": share["resourceShareArn"]}


def run(stacks, *, manifests, gateway, apply):
    return run_post(stacks, manifests=manifests, gateway=gateway, apply=apply, deadline=gateway.deadline)


def test_plan_apply_apply_against_moto(seeded, aws):
    gw = AwsGateway(aws)
    results = run(["pricing-dev"], manifests=seeded["manifests"], gateway=gw, apply=False)
    assert exit_code(results, apply=False) == 2
    assert results[0].errors == []
    assert [(a.call, a.target) for a in results[0].actions] == [("ram:AssociateResourceShare", seeded["pipeline"])]
    assert results[0].account == seeded["account"], "the account was found by name in Organizations"

    results = run(["pricing-dev"], manifests=seeded["manifests"], gateway=AwsGateway(aws), apply=True)
    assert exit_code(results, apply=True) == 0 and [a.call for a in results[0].done] == ["ram:AssociateResourceShare"]
    results = run(["pricing-dev"], manifests=seeded["manifests"], gateway=AwsGateway(aws), apply=True)
    assert exit_code(results, apply=True) == 0
    assert results[0].done == [] and results[0].actions == [], "a second apply finds nothing to do"
    member = member_session(aws, seeded["account"])
    assoc = member.client("ram").get_resource_share_associations(associationType="RESOURCE", resourceShareArns=[seeded["share"]])
    assert [a["associatedEntity"] for a in assoc["resourceShareAssociations"]] == [seeded["pipeline"]]


def test_preflight_against_moto_lists_the_missing_user(seeded, aws):
    results = run(["identity"], manifests=seeded["manifests"], gateway=AwsGateway(aws), apply=False)
    assert exit_code(results, apply=False) == 1
    assert [(n.level, n.target) for n in results[0].notes] == [("missing", "zed")]


def test_cli_post_plan_json(seeded, run_cli):
    code, out, err = run_cli(
        ["post", "plan", "--stack", "pricing-dev", "--stack", "identity", "--manifests", str(seeded["manifests"]), "--format", "json"]
    )
    doc = json.loads(out)
    assert code == 1, "preflight found a missing user"
    by_stack = {s["stack"]: s for s in doc["stacks"]}
    assert [a["call"] for a in by_stack["pricing-dev"]["actions"]] == ["ram:AssociateResourceShare"]
    assert by_stack["identity"]["notes"][0]["target"] == "zed"
