"""Every job end to end, the way Atlantis runs it: `python main.py post plan|apply` as a process, its AWS being
moto plus the stateful emulation of what moto lacks (tests/post/emulation.py), served on 127.0.0.1.

For each job: plan shows pending work (exit 2), apply converges (exit 0), a second plan exits 0 and a second
apply changes nothing, with throttling injected on every fifth request; then with one account whose role
cannot be assumed, with persistent throttling, and the exit codes of a run that cannot start.
`POST_MAIN=/path/to/main.py` runs the same tests against another checkout (how they were seen to fail before).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest

from modules.post.manifest import as_dict, manifests
from modules.stacks import plan
from tests.post.emulation import Emulation

ROOT = Path(__file__).resolve().parents[2]
MAIN = os.environ.get("POST_MAIN") or str(ROOT / "main.py")
REGION = "eu-west-1"
DOMAIN = "d-emulated01"


@pytest.fixture(scope="module")
def served():
    em = Emulation()
    url, server = em.serve()
    yield em, url
    server.shutdown()


@pytest.fixture
def env(served, monkeypatch, tmp_path):
    em, url = served
    em.reset()
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).read()
    values = {"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
              "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": str(tmp_path / "none"),
              "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **values}


class World:
    """The organization as the tests seed it: accounts by name, manifests, the emulation."""

    def __init__(self, em: Emulation, env: dict[str, str], tmp: Path, example_registry):
        self.em, self.env, self.tmp = em, env, tmp
        self.session = boto3.session.Session(region_name=REGION)
        org = self.session.client("organizations")
        self.organization = org.create_organization(FeatureSet="ALL")["Organization"]
        # Four of the example's accounts exist already, the central ones and the account pricing-prod adopts too.
        for name in ("pricing-dev", "recsys-dev", "recsys-prod", "demand-forecast-prod", "shared-services", "log-archive",
                     "legacy-pricing"):
            org.create_account(Email=f"aws+{name}@northwind.example", AccountName=f"northwind-{name}")
        self.accounts = {a["Name"].removeprefix("northwind-"): a["Id"] for a in org.list_accounts()["Accounts"]}
        self.instance = self.session.client("sso-admin").list_instances()["Instances"][0]
        self.docs = {name: as_dict(doc) for name, doc in manifests(plan(example_registry)).items()}
        for doc in self.docs.values():
            if "preflight" in doc["jobs"]:
                doc["jobs"]["preflight"].update(instance_arn=self.instance["InstanceArn"],
                                                identity_store_id=self.instance["IdentityStoreId"])
        self.docs["identity"]["jobs"]["preflight"]["external_users"] = ["amara", "zed"]
        # The example's account ids, as moto numbered them: the management account, central and adopted accounts.
        self.docs["organization"]["account"]["id"] = self.organization["MasterAccountId"]
        checks = self.docs["organization"]["jobs"]["preflight"]["organization"]
        checks["central_accounts"] = [{"label": label, "id": self.accounts[label]} for label in ("shared-services", "log-archive")]
        checks["adopted_accounts"] = [self.accounts["legacy-pricing"]]
        self.docs["pricing-prod"]["account"]["id"] = self.accounts["legacy-pricing"]
        self.manifests = tmp / "post"
        self.manifests.mkdir()
        self.write()
        self.healthy_organization(checks)

    def write(self) -> None:
        for name, doc in self.docs.items():
            (self.manifests / f"{name}.json").write_text(json.dumps(doc))

    def healthy_organization(self, checks: dict) -> None:
        """Every first-apply prerequisite that preflight checks, as a platform engineer prepares it (README)."""
        org = self.session.client("organizations")
        for service in checks["trusted_services"]:
            org.enable_aws_service_access(ServicePrincipal=service)
        org.enable_policy_type(RootId=org.list_roots()["Roots"][0]["Id"], PolicyType="SERVICE_CONTROL_POLICY")
        s3 = self.session.client("s3", region_name=checks["state_region"])
        s3.create_bucket(Bucket=checks["state_bucket"], CreateBucketConfiguration={"LocationConstraint": checks["state_region"]})
        s3.put_bucket_versioning(Bucket=checks["state_bucket"], VersioningConfiguration={"Status": "Enabled"})
        self.em.account_quota = 20.0  # raised from the default 10: the example needs 16

    def member(self, key: str):
        creds = self.session.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{self.accounts[key]}:role/OrganizationAccountAccessRole", RoleSessionName="seed")["Credentials"]
        return boto3.session.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                     aws_session_token=creds["SessionToken"], region_name=REGION)

    def post(self, *args: str, timeout: float = 90) -> tuple[int, str, str]:
        proc = subprocess.run([sys.executable, MAIN, "post", *args, "--manifests", str(self.manifests)], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=timeout)
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc.returncode, proc.stdout, proc.stderr

    # ------------------------------------------------------------------ seeds, one per job
    def seed_share_artifacts(self, key: str = "pricing-dev") -> dict[str, str]:
        member = self.member(key)
        pipeline = member.client("sagemaker").create_pipeline(
            PipelineName="price-elasticity-training", RoleArn=f"arn:aws:iam::{self.accounts[key]}:role/x",
            PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}))["PipelineArn"]
        share = member.client("ram").create_resource_share(name="price-elasticity-pipeline",
                                                           allowExternalPrincipals=False)["resourceShare"]["resourceShareArn"]
        return {"pipeline": pipeline, "share": share, "key": key}

    def shared(self, seed: dict[str, str]) -> list[str]:
        ram = self.member(seed["key"]).client("ram")
        assoc = ram.get_resource_share_associations(associationType="RESOURCE", resourceShareArns=[seed["share"]])
        return [a["associatedEntity"] for a in assoc["resourceShareAssociations"]]

    def seed_promote_shares(self) -> dict[str, str]:
        sm = self.member("recsys-prod").client("sagemaker")
        group = sm.create_model_package_group(ModelPackageGroupName="ranker-xgb")["ModelPackageGroupArn"]
        return {"share": self.em.add_policy_share(self.accounts["recsys-prod"], REGION, group)}

    def seed_studio(self) -> Path:
        self.em.add_app(DOMAIN, "JupyterServer", "default", user="ivan")
        self.em.add_app(DOMAIN, "JupyterLab", "lab", space="ivan-space")
        self.em.add_app(DOMAIN, "JupyterLab", "lab", space="chen-space")
        self.em.add_space(DOMAIN, "ivan-space", "ivan")
        self.em.add_space(DOMAIN, "chen-space", "chen")
        tf_plan = self.tmp / "plan.json"
        tf_plan.write_text(json.dumps({"resource_changes": [
            {"type": "aws_sagemaker_user_profile", "change": {"actions": ["delete"],
                                                              "before": {"domain_id": DOMAIN, "user_profile_name": "ivan"}}},
            {"type": "aws_sagemaker_user_profile", "change": {"actions": ["no-op"],
                                                              "before": {"domain_id": DOMAIN, "user_profile_name": "chen"}}}]}))
        return tf_plan


@pytest.fixture
def world(served, env, tmp_path, example_registry):
    return World(served[0], env, tmp_path, example_registry)


def converges(world: World, *args: str) -> None:
    """plan: pending (2); apply: converged (0); plan: nothing (0); apply: no change at all (0)."""
    world.em.throttle_every = 5
    code, out, err = world.post("plan", *args)
    assert code == 2, out + err
    assert out.splitlines()[-1].endswith("action(s) pending")
    code, out, err = world.post("apply", *args)
    assert code == 0, out + err
    assert "action(s) done" in out.splitlines()[-1]
    code, out, err = world.post("plan", *args)
    assert code == 0 and out.splitlines()[-1].endswith("nothing to do"), out + err
    before = list(world.em.mutations)
    code, out, err = world.post("apply", *args)
    assert code == 0 and out.splitlines()[-1].endswith("nothing to do"), out + err
    assert world.em.mutations == before, "a second apply changed something"
    assert ("ThrottlingException" in {c for _, c in world.em.errors}), "throttling was injected and survived"


def test_share_artifacts_converges(world):
    seed = world.seed_share_artifacts()
    converges(world, "--stack", "pricing-dev", "--job", "share-artifacts")
    assert world.shared(seed) == [seed["pipeline"]]
    assert world.em.mutations.count("ram:associateresourceshare") == 1


def test_promote_shares_converges_in_two_steps(world):
    seed = world.seed_promote_shares()
    converges(world, "--stack", "recsys-prod", "--job", "promote-shares")
    assert world.em.policy_shares[seed["share"]]["featureSet"] == "STANDARD", "apply waited out PROMOTING_TO_STANDARD"
    assert [m for m in world.em.mutations if m.startswith("ram:promote")] == [
        "ram:promotepermissioncreatedfrompolicy", "ram:promoteresourcesharecreatedfrompolicy"]
    assert not [e for e in world.em.errors if e[1] != "ThrottlingException"]


def test_promote_shares_resumes_after_the_permission_was_promoted(world):
    """Defect: after a partial failure (permission promoted, share not) a re-run promoted the permission again
    under the same name, which RAM refuses."""
    seed = world.seed_promote_shares()
    world.em.throttle_always = {"ram:promoteresourcesharecreatedfrompolicy"}
    code, out, err = world.post("apply", "--stack", "recsys-prod", "--call-timeout", "1")
    assert code == 1 and "gave up after" in out and "ThrottlingException" in out, out + err
    promotions = lambda: [m for m in world.em.mutations if m.startswith("ram:promote")]  # noqa: E731
    assert promotions() == ["ram:promotepermissioncreatedfrompolicy"]
    world.em.throttle_always = set()
    code, out, err = world.post("apply", "--stack", "recsys-prod")
    assert code == 0, out + err
    assert promotions() == ["ram:promotepermissioncreatedfrompolicy", "ram:promoteresourcesharecreatedfrompolicy"]
    assert not [e for e in world.em.errors if e[1] != "ThrottlingException"], "no promotion was refused"
    assert world.em.policy_shares[seed["share"]]["featureSet"] == "STANDARD"


def test_promote_shares_from_a_permission_promoted_by_an_earlier_run(world):
    """The same intermediate state, left by a run of an earlier version: the copy exists under the stable name."""
    from tests.post.emulation import promote_permission_created_from_policy

    seed = world.seed_promote_shares()
    account = world.accounts["recsys-prod"]
    promote_permission_created_from_policy(world.em, {"permissionArn": world.em.policy_shares[seed["share"]]["permissions"][0]["arn"],
                                                      "name": "recsys-ranker-models-1"}, account, REGION)
    code, out, err = world.post("plan", "--stack", "recsys-prod", "--job", "promote-shares")
    assert code == 2 and "PromotePermissionCreatedFromPolicy" not in out, out + err
    code, out, err = world.post("apply", "--stack", "recsys-prod", "--job", "promote-shares")
    assert code == 0, out + err
    assert [m for m in world.em.mutations if m.startswith("ram:promote")] == ["ram:promoteresourcesharecreatedfrompolicy"]
    assert world.em.policy_shares[seed["share"]]["featureSet"] == "STANDARD"


def test_cost_tags_converges(world):
    world.em.cost_tags = {"team": "Inactive", "environment": "Active"}
    converges(world, "--stack", "organization", "--job", "cost-tags")
    assert world.em.cost_tags == {"team": "Active", "environment": "Active"}


def test_studio_cleanup_waits_for_deleted_apps_then_gone_spaces(world):
    tf_plan = world.seed_studio()
    converges(world, "--stack", "recsys-dev", "--job", "studio-cleanup", "--tf-plan", str(tf_plan))
    assert ("sagemaker:DeleteSpace", "ResourceInUse") not in world.em.errors, "DeleteSpace only once its apps were Deleted"
    assert [s["SpaceName"] for s in world.em.spaces] == ["chen-space"], "done only when the space is gone"
    assert {(a.get("SpaceName") or a.get("UserProfileName"), a["Status"]) for a in world.em.apps} == {
        ("ivan", "Deleted"), ("ivan-space", "Deleted"), ("chen-space", "InService")}


def add_user(world: World, user: str) -> None:
    world.session.client("identitystore").create_user(IdentityStoreId=world.instance["IdentityStoreId"], UserName=user,
                                                      DisplayName=user, Name={"GivenName": user, "FamilyName": "X"})


def test_preflight_fails_the_plan_until_the_user_exists(world):
    world.em.throttle_every = 5
    add_user(world, "amara")
    code, out, err = world.post("plan", "--stack", "identity", "--stack", "recsys-dev", "--job", "preflight")
    assert code == 1, out + err
    assert "missing  identity: preflight zed: no user 'zed'" in out
    assert out.splitlines()[-1] == "post plan: 2 stack(s), 1 missing prerequisite(s) in identity"
    add_user(world, "zed")
    code, out, err = world.post("plan", "--stack", "identity", "--stack", "recsys-dev", "--job", "preflight")
    assert code == 0 and out.splitlines()[-1] == "post plan: 2 stack(s), nothing to do", out + err
    before = list(world.em.mutations)
    assert world.post("apply", "--stack", "identity", "--job", "preflight")[0] == 0 and world.em.mutations == before


def test_one_unreachable_account_fails_its_stack_only(world):
    world.em.throttle_every = 5
    seed = world.seed_share_artifacts()
    world.seed_promote_shares()
    world.em.cost_tags = {"team": "Inactive"}
    world.em.deny_accounts = {world.accounts["recsys-prod"]}
    code, out, err = world.post("apply", "--stack", "recsys-prod", "--stack", "pricing-dev", "--stack", "organization")
    assert code == 1, out + err
    assert (f"error    recsys-prod: AccountUnreachable: cannot assume arn:aws:iam::{world.accounts['recsys-prod']}:role/"
            "OrganizationAccountAccessRole: AccessDenied") in out
    assert out.splitlines()[-1] == "post apply: 3 stack(s), FAILED in 1 stack(s) (recsys-prod): 1 error(s); 2 action(s) done"
    assert world.shared(seed) == [seed["pipeline"]] and world.em.cost_tags["team"] == "Active", "the others converged"
    world.em.deny_accounts = set()
    tf_plan = world.seed_studio()
    world.em.deny_accounts = {world.accounts["recsys-dev"]}
    code, out, err = world.post("apply", "--stack", "recsys-dev", "--job", "studio-cleanup", "--tf-plan", str(tf_plan))
    assert code == 1 and "AccessDenied" in out and not [m for m in world.em.mutations if m.startswith("sagemaker:Delete")]


def test_persistent_throttling_ends_at_the_bounds_and_says_so(world):
    """Defect: one call stalled ~6 minutes (66 requests). Now the call ends at --call-timeout, the run at --timeout."""
    world.em.throttle_always = {"ce:ListCostAllocationTags"}
    started = time.monotonic()
    code, out, err = world.post("plan", "--stack", "organization", "--call-timeout", "2")
    assert code == 1 and time.monotonic() - started < 15, out + err
    assert "ce:list_cost_allocation_tags: gave up after" in out
    assert "answered ThrottlingException: another would pass the per-call bound of 2 s" in out
    assert world.em.calls.count("ce:ListCostAllocationTags") < 15
    started = time.monotonic()
    # pricing-dev first: what the organization stack leaves of the run's bound depends on when its throttled call
    # gives up (after its preflight's calls), so a stack after it could be cut short too.
    # 6 s, not less: the organization stack's preflight makes a dozen calls before the throttled one, and on a
    # loaded machine a shorter run bound could end inside them (a different, equally correct, message).
    code, out, err = world.post("plan", "--stack", "pricing-dev", "--stack", "organization", "--timeout", "6")
    assert code == 1 and "another would pass the run bound of 6 s" in out, out + err
    assert time.monotonic() - started < 20
    assert out.splitlines()[-1] == "post plan: 2 stack(s), FAILED in 1 stack(s) (organization): 1 error(s)"


def test_a_run_that_cannot_start_exits_3_and_names_why(world, tmp_path):
    code, out, err = world.post("plan", "--stack", "pricing-prod", "--stack", "recsys-dev", "--tf-outputs", __file__)
    assert code == 3 and "name exactly one --stack" in err, out + err
    proc = subprocess.run([sys.executable, MAIN, "post", "plan", "--all"], cwd=tmp_path, env=world.env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3 and "manifests folder 'generated/post' not found" in proc.stderr, proc.stderr
    code, out, err = world.post("plan", "--stack", "nope")
    assert code == 3 and "no post manifest for stack 'nope'" in err
    code, out, err = world.post("plan", "--no-such-flag")
    assert code == 3, "argparse's usage error is 2, which post keeps for changes pending"
    assert world.em.requests == 0 or all(not c.startswith("sagemaker") for c in world.em.calls)
