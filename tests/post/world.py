"""The emulated organization the end-to-end post-step tests run against: moto plus the stateful emulation
(tests/post/emulation.py), seeded as docs/operations.md's "Before the first apply" prepares it. Fixtures: conftest.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3

from modules.plan.layout import plan
from modules.post.manifest import as_dict, manifests
from tests.post.emulation import Emulation

ROOT = Path(__file__).resolve().parents[2]
MAIN = os.environ.get("POST_MAIN") or str(ROOT / "main.py")
REGION = "eu-west-1"
DOMAIN = "d-emulated01"


class World:
    """The organization as the tests seed it: accounts by name, manifests, the emulation."""

    def __init__(self, em: Emulation, env: dict[str, str], tmp: Path, example_registry):
        self.em, self.env, self.tmp = em, env, tmp
        self.session = boto3.session.Session(region_name=REGION)
        org = self.session.client("organizations")
        self.organization = org.create_organization(FeatureSet="ALL")["Organization"]
        # Four of the example's accounts exist already, the central ones and the account pricing-prod adopts too.
        for name in (
            "pricing-dev",
            "recsys-dev",
            "recsys-prod",
            "demand-forecast-prod",
            "shared-services",
            "log-archive",
            "legacy-pricing",
        ):
            org.create_account(Email=f"aws+{name}@northwind.example", AccountName=f"northwind-{name}")
        self.accounts = {a["Name"].removeprefix("northwind-"): a["Id"] for a in org.list_accounts()["Accounts"]}
        self.instance = self.session.client("sso-admin").list_instances()["Instances"][0]
        self.docs = {name: as_dict(doc) for name, doc in manifests(plan(example_registry)).items()}
        for doc in self.docs.values():
            if "preflight" in doc["jobs"]:
                doc["jobs"]["preflight"].update(
                    instance_arn=self.instance["InstanceArn"], identity_store_id=self.instance["IdentityStoreId"]
                )
        self.docs["identity"]["jobs"]["preflight"]["external_users"] = ["amara", "zed"]
        # The example's account ids, as moto numbered them: the management account, central and adopted accounts.
        self.docs["organization"]["account"]["id"] = self.organization["MasterAccountId"]
        checks = self.docs["organization"]["jobs"]["preflight"]["organization"]
        checks["central_accounts"] = [{"label": label, "id": self.accounts[label]} for label in ("shared-services", "log-archive")]
        checks["adopted_accounts"] = [self.accounts["legacy-pricing"]]
        self.docs["pricing-access"]["jobs"]["preflight"]["accounts"]["adopted_accounts"] = [self.accounts["legacy-pricing"]]
        self.docs["pricing-prod"]["account"]["id"] = self.accounts["legacy-pricing"]
        self.docs["shared-services"]["account"]["id"] = self.accounts["shared-services"]
        self.manifests = tmp / "post"
        self.manifests.mkdir()
        self.write()
        self.healthy_organization(checks)

    def write(self) -> None:
        for name, doc in self.docs.items():
            (self.manifests / f"{name}.json").write_text(json.dumps(doc))

    def healthy_organization(self, checks: dict) -> None:
        """Every first-apply prerequisite that preflight checks, as a platform engineer prepares it (docs/operations.md)."""
        org = self.session.client("organizations")
        for service in checks["trusted_services"]:
            org.enable_aws_service_access(ServicePrincipal=service)
        org.enable_policy_type(RootId=org.list_roots()["Roots"][0]["Id"], PolicyType="SERVICE_CONTROL_POLICY")
        s3 = self.session.client("s3", region_name=checks["state_region"])
        s3.create_bucket(Bucket=checks["state_bucket"], CreateBucketConfiguration={"LocationConstraint": checks["state_region"]})
        s3.put_bucket_versioning(Bucket=checks["state_bucket"], VersioningConfiguration={"Status": "Enabled"})
        self.em.account_quota = 20.0  # raised from the default 10: the example needs 16
        # What the organization stack's apply turns on (team stacks are planned after it): RAM's sharing.
        self.session.client("ram").enable_sharing_with_aws_organization()
        # The catalog's connection, authorized in the console, and shared services' seed-push project (its stack).
        push = self.docs["shared-services"]["jobs"]["seed-code"]
        self.em.connections[push["connection_arn"]] = {"status": "AVAILABLE", "provider": "GitHub"}
        self.em.codebuild_projects.add(push["project"])

    def member(self, key: str):
        creds = self.session.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{self.accounts[key]}:role/OrganizationAccountAccessRole", RoleSessionName="seed"
        )["Credentials"]
        return boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=REGION,
        )

    def post(self, *args: str, timeout: float = 90) -> tuple[int, str, str]:
        proc = subprocess.run(
            [sys.executable, MAIN, "post", *args, "--manifests", str(self.manifests)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc.returncode, proc.stdout, proc.stderr

    # ------------------------------------------------------------------ seeds, one per job
    def seed_share_artifacts(self, key: str = "pricing-dev") -> dict[str, str]:
        member = self.member(key)
        pipeline = member.client("sagemaker").create_pipeline(
            PipelineName="price-elasticity-training",
            RoleArn=f"arn:aws:iam::{self.accounts[key]}:role/x",
            PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}),
        )["PipelineArn"]
        share = member.client("ram").create_resource_share(name="price-elasticity-pipeline", allowExternalPrincipals=False)[
            "resourceShare"
        ]["resourceShareArn"]
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
        tf_plan.write_text(
            json.dumps(
                {
                    "resource_changes": [
                        {
                            "type": "aws_sagemaker_user_profile",
                            "change": {"actions": ["delete"], "before": {"domain_id": DOMAIN, "user_profile_name": "ivan"}},
                        },
                        {
                            "type": "aws_sagemaker_user_profile",
                            "change": {"actions": ["no-op"], "before": {"domain_id": DOMAIN, "user_profile_name": "chen"}},
                        },
                    ]
                }
            )
        )
        return tf_plan
