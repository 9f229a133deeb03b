"""The access-drift job end to end, as the scheduled workflow runs it: `python main.py access-drift` as a process, its
AWS being moto plus the served emulation (Studio user profiles included), seeded with exactly what the registry
grants; then a hand-made assignment, a deleted profile and a changed bucket policy, with throttling, and an
account whose role cannot be assumed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.post.emulation import MUTATING
from tests.post.world import MAIN, REGION, World

STACKS = ("identity", "pricing-access", "pricing-dev", "demand-forecast-prod")


class Granted:
    """The example's access applied to the emulated organization, as Terraform would have made it."""

    def __init__(self, world: World):
        self.world = world
        ids = {"100000000001": world.organization["MasterAccountId"], "200000000002": world.accounts["shared-services"]}
        ids |= {"300000000003": world.accounts["log-archive"], "012345678901": world.accounts["legacy-pricing"]}
        self.ids = ids
        for name in STACKS:
            spec = world.docs[name]["jobs"]["access-drift"]
            spec.update(instance_arn=world.instance["InstanceArn"], identity_store_id=world.instance["IdentityStoreId"])
            for ref in [a["account"] for a in spec["accounts"]] + [r for p in spec["policies"] for r in p["accounts"]]:
                ref["id"] = ids.get(ref["id"], ref["id"])
            for share in spec["ram_shares"]:
                for ref in share["consumers"]:
                    ref["id"] = ids.get(ref["id"], ref["id"])
        world.write()
        self.instance, self.store = world.instance["InstanceArn"], world.instance["IdentityStoreId"]
        self.sso = world.session.client("sso-admin")
        self.ids_client = world.session.client("identitystore")
        self.users = {p: self.user(p) for p in ("amara", "bruno", "dana", "farah", "goran", "hana")}
        self.sets = {}
        for name in world.docs["identity"]["jobs"]["access-drift"]["permission_sets"]:
            arn = self.sso.create_permission_set(InstanceArn=self.instance, Name=name)["PermissionSet"]["PermissionSetArn"]
            self.sso.provision_permission_set(InstanceArn=self.instance, PermissionSetArn=arn, TargetType="ALL_PROVISIONED_ACCOUNTS")
            self.sets[name] = arn
        self.groups = {}
        for name in STACKS:
            spec = world.docs[name]["jobs"]["access-drift"]
            for group, members in spec["groups"].items():
                gid = self.ids_client.create_group(IdentityStoreId=self.store, DisplayName=group)["GroupId"]
                self.groups[group] = gid
                for m in members:
                    self.ids_client.create_group_membership(IdentityStoreId=self.store, GroupId=gid, MemberId={"UserId": self.user(m)})
            for access in spec["accounts"]:
                account = access["account"]["id"] or world.accounts.get(access["account"]["key"])
                for a in access["assignments"] if account else []:
                    principal = self.groups[a["principal"]] if a["principal_type"] == "GROUP" else self.user(a["principal"])
                    self.assign(account, a["permission_set"], a["principal_type"], principal)
        self.domain = self.studio("pricing-dev")
        member = world.member("demand-forecast-prod")
        bucket = "northwind-demand-forecast-prod-data"
        member.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        self.policy = {"Version": "2012-10-17", "Statement": [self.allow("Share", world.accounts["recsys-prod"], bucket)]}
        member.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(self.policy))
        member.client("ram").create_resource_share(
            name="demand-features", principals=[world.accounts["legacy-pricing"]], allowExternalPrincipals=False
        )

    def user(self, name: str) -> str:
        found = self.ids_client.list_users(IdentityStoreId=self.store)["Users"]
        existing = next((u["UserId"] for u in found if u["UserName"] == name), None)
        return (
            existing
            or self.ids_client.create_user(
                IdentityStoreId=self.store, UserName=name, DisplayName=name, Name={"GivenName": name, "FamilyName": "x"}
            )["UserId"]
        )

    def assign(self, account: str, permission_set: str, principal_type: str, principal: str) -> None:
        self.sso.create_account_assignment(
            InstanceArn=self.instance,
            TargetId=account,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=self.sets[permission_set],
            PrincipalType=principal_type,
            PrincipalId=principal,
        )

    def studio(self, stack: str) -> str:
        spec = self.world.docs[stack]["jobs"]["access-drift"]
        sm = self.world.member(stack).client("sagemaker")
        domain = sm.create_domain(
            DomainName=spec["domain"],
            AuthMode="SSO",
            DefaultUserSettings={"ExecutionRole": f"arn:aws:iam::{self.world.accounts[stack]}:role/x"},
            SubnetIds=["subnet-1"],
            VpcId="vpc-1",
        )["DomainArn"].rsplit("/", 1)[1]
        for profile in spec["profiles"]:
            sm.create_user_profile(DomainId=domain, UserProfileName=profile)
        return domain

    @staticmethod
    def allow(sid: str, account: str, bucket: str) -> dict:
        return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*"}  # fmt: skip

    def run(self, *args: str) -> tuple[int, dict, str]:
        stacks = [a for s in STACKS for a in ("--stack", s)]
        proc = subprocess.run(
            [sys.executable, MAIN, "access-drift", "--manifests", str(self.world.manifests), *stacks, "--format", "json", *args],
            env=self.world.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.fixture
def granted(world):
    return Granted(world)


def test_nothing_drifted(granted):
    em = granted.world.em
    profiles = granted.world.docs["pricing-dev"]["jobs"]["access-drift"]["profiles"]
    assert sum(m.lower() == "sagemaker:createuserprofile" for m in em.mutations) == len(profiles) == 4
    before = len(em.calls)
    code, doc, err = granted.run()
    assert code == 0, json.dumps(doc, indent=1) + err
    assert doc["findings"] == [] and doc["errors"] == []
    calls = em.calls[before:]
    assert "sagemaker:ListUserProfiles" in calls and not [c for c in calls if MUTATING.match(c.split(":", 1)[1])], "it only reads"


def hand_made(granted: Granted) -> None:
    world = granted.world
    mallory = granted.user("mallory")
    granted.assign(world.accounts["pricing-dev"], "PlatformAdmin", "USER", mallory)
    world.member("pricing-dev").client("sagemaker").delete_user_profile(DomainId=granted.domain, UserProfileName="hana")
    bucket = "northwind-demand-forecast-prod-data"
    granted.policy["Statement"].append(granted.allow("Partner", "999988887777", bucket))
    world.member("demand-forecast-prod").client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(granted.policy))


EXPECTED = {
    ("pricing-access", "assignment", "mallory"),
    ("pricing-dev", "studio-profile-missing", "hana"),
    ("demand-forecast-prod", "resource-policy", "arn:aws:iam::999988887777:root"),
}


def test_drift_found_with_throttling(granted):
    hand_made(granted)
    granted.world.em.throttle_every = 4
    code, doc, err = granted.run()
    assert code == 2, json.dumps(doc, indent=1) + err
    assert {(f["stack"], f["kind"], f.get("person") or f.get("principal")) for f in doc["findings"]} == EXPECTED
    mallory = next(f for f in doc["findings"] if f.get("person") == "mallory")
    assert mallory["fix"].startswith("aws sso-admin delete-account-assignment") and "--principal-type USER" in mallory["fix"]
    assert "ThrottlingException" in {c for _, c in granted.world.em.errors}, "throttling was injected and survived"


def test_an_account_that_cannot_be_reached_hides_no_other(granted):
    hand_made(granted)
    granted.world.em.deny_accounts = {granted.world.accounts["pricing-dev"]}
    code, doc, _ = granted.run()
    assert code == 1
    assert [e["stack"] for e in doc["errors"]] == ["pricing-dev"] and "AccessDenied" in doc["errors"][0]["error"]
    assert {(f["stack"], f["kind"], f.get("person") or f.get("principal")) for f in doc["findings"]} == EXPECTED - {
        ("pricing-dev", "studio-profile-missing", "hana")
    }
    proc = subprocess.run([sys.executable, MAIN, "access-drift", "--manifests", "/nowhere"], capture_output=True, text=True)
    assert proc.returncode == 3 and "not found" in proc.stderr
