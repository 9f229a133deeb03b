"""Every job end to end, the way Atlantis runs it: `python main.py post plan|apply` as a process, its AWS being
moto plus the stateful emulation of what moto lacks (tests/post/emulation.py), served on 127.0.0.1.

For each job: plan shows pending work (exit 2), apply converges (exit 0), a second plan exits 0 and a second
apply changes nothing, with throttling injected on every fifth request; then with one account whose role
cannot be assumed, with persistent throttling, and the exit codes of a run that cannot start.
`POST_MAIN=/path/to/main.py` runs the same tests against another checkout (how they were seen to fail before).
"""

from __future__ import annotations

import subprocess
import sys
import time

from tests.post.world import MAIN, REGION, World


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
    assert "ThrottlingException" in {c for _, c in world.em.errors}, "throttling was injected and survived"


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
        "ram:promotepermissioncreatedfrompolicy",
        "ram:promoteresourcesharecreatedfrompolicy",
    ]
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
    promote_permission_created_from_policy(
        world.em,
        {"permissionArn": world.em.policy_shares[seed["share"]]["permissions"][0]["arn"], "name": "recsys-ranker-models-1"},
        account,
        REGION,
    )
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
        ("ivan", "Deleted"),
        ("ivan-space", "Deleted"),
        ("chen-space", "InService"),
    }


def add_user(world: World, user: str) -> None:
    world.session.client("identitystore").create_user(
        IdentityStoreId=world.instance["IdentityStoreId"], UserName=user, DisplayName=user, Name={"GivenName": user, "FamilyName": "X"}
    )


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
    assert (
        f"error    recsys-prod: AccountUnreachable: cannot assume arn:aws:iam::{world.accounts['recsys-prod']}:role/"
        "OrganizationAccountAccessRole: AccessDenied"
    ) in out
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
    proc = subprocess.run(
        [sys.executable, MAIN, "post", "plan", "--all"], cwd=tmp_path, env=world.env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 3 and "manifests folder 'generated/post' not found" in proc.stderr, proc.stderr
    code, out, err = world.post("plan", "--stack", "nope")
    assert code == 3 and "no post manifest for stack 'nope'" in err
    code, out, err = world.post("plan", "--no-such-flag")
    assert code == 3, "argparse's usage error is 2, which post keeps for changes pending"
    assert world.em.requests == 0 or all(not c.startswith("sagemaker") for c in world.em.calls)
