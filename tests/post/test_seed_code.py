"""The seed-code job and the Git provider's preflight: in shared services, with catalog.yaml `git` naming a
CodeConnections connection, each published seed is pushed once by a CodeBuild build through the connection, and a
connection not yet authorized (or CodeCommit refusing a new customer) fails the plan, saying what to do.
Against the fake (the job's logic) and as a process against the served emulation (the real protocol)."""

import json

import pytest

from modules.plan.layout import plan
from modules.post.deadline import Clock, Deadline
from modules.post.manifest import manifests
from modules.post.run import exit_code, run
from tests.post.fakes import FakeClock, FakeGateway

STACK = "shared-services"
SEED = "northwind-ml/northwind-build-train-deploy-seed@1.4.0"


@pytest.fixture
def docs(example_registry):
    return manifests(plan(example_registry))


@pytest.fixture
def manifest_dir(tmp_path, docs):
    for name, doc in docs.items():
        (tmp_path / f"{name}.json").write_text(doc.to_json())
    return tmp_path


@pytest.fixture
def aws(docs):
    g = FakeGateway()
    g.instances = {"arn:aws:sso:::instance/ssoins-6987a1b2c3d4e5f6": "d-93671a2b3c"}
    g.connections = {docs[STACK].jobs.seed_code.connection_arn: {"status": "AVAILABLE", "provider": "GitHub"}}
    return g


def go(manifest_dir, aws, apply=False, **kw):
    c = FakeClock()
    results = run([STACK], manifests=manifest_dir, gateway=aws, apply=apply, deadline=Deadline.start(900, Clock(c.now, c.sleep)), **kw)
    return results, exit_code(results, apply=apply)


def test_the_example_pushes_its_one_seed_through_the_connection(docs):
    push = docs[STACK].jobs.seed_code
    assert push.project == "northwind-seed-push" and push.connection_arn.startswith("arn:aws:codeconnections:eu-west-1:200000000002:")
    [seed] = push.seeds
    assert (seed.template, seed.version) == ("build-train-deploy", "1.4.0")
    assert seed.repository == "northwind-ml/northwind-build-train-deploy-seed"
    assert seed.key == "templates/build-train-deploy/1.4.0-seed.zip" and len(seed.sha256) == 64
    assert docs[STACK].jobs.preflight.git.provider == "codeconnections"


def test_a_seed_is_pushed_once_and_then_nothing(manifest_dir, aws):
    results, code = go(manifest_dir, aws)
    assert code == 2 and [(a.call, a.target) for a in results[0].actions] == [("codebuild:StartBuild", SEED)]
    overrides = results[0].actions[0].param("overrides")
    assert overrides["sourceTypeOverride"] == "GITHUB"
    assert overrides["sourceLocationOverride"] == "https://github.com/northwind-ml/northwind-build-train-deploy-seed.git"
    assert overrides["sourceAuthOverride"]["type"] == "CODECONNECTIONS"
    _, code = go(manifest_dir, aws, apply=True)
    assert code == 0 and aws.calls == [f"start_build {SEED}"], "apply waited for the build, then nothing was left"
    results, code = go(manifest_dir, aws, apply=True)
    assert code == 0 and results[0].actions == [] and aws.calls == [f"start_build {SEED}"]


def test_a_failed_build_is_started_again_and_named(manifest_dir, aws):
    go(manifest_dir, aws, apply=True)
    aws.builds_[0]["status"] = "FAILED"
    results, code = go(manifest_dir, aws)
    assert code == 2 and "build northwind-seed-push:1 ended FAILED" in results[0].actions[0].reason


@pytest.mark.parametrize("status", ["PENDING", "ERROR"])
def test_a_connection_not_authorized_fails_preflight_and_pushes_nothing(manifest_dir, aws, docs, status):
    aws.connections[docs[STACK].jobs.seed_code.connection_arn]["status"] = status
    results, code = go(manifest_dir, aws)
    assert code == 1 and results[0].actions == []
    messages = [n.message for n in results[0].notes if n.level == "missing"]
    assert len(messages) == 2 and all(f"the connection is {status}" in m and "Update pending connection" in m for m in messages)


def test_codecommit_is_checked_when_the_catalog_chooses_it(manifest_dir, aws):
    doc = json.loads((manifest_dir / f"{STACK}.json").read_text())
    doc["jobs"]["preflight"]["git"] = {"provider": "codecommit", "connection_arn": None}
    del doc["jobs"]["seed-code"]
    (manifest_dir / f"{STACK}.json").write_text(json.dumps(doc))
    assert go(manifest_dir, aws)[1] == 0
    aws.codecommit_refusal = "OperationNotAllowedException: CodeCommit is not available"
    results, code = go(manifest_dir, aws)
    [note] = results[0].notes
    assert code == 1 and "CodeCommit refuses account" in note.message and "provider: codeconnections" in note.message


ORG_PUSH = ("apply", "--stack", STACK, "--job", "seed-code")


def test_the_push_as_a_process_against_the_emulation(world):
    """StartBuild with the seed repository as source through the connection; apply waits for the build; a second
    apply calls nothing; a connection still PENDING fails the plan's preflight."""
    code, out, err = world.post(*ORG_PUSH)
    assert code == 0 and out.splitlines()[-1] == "post apply: 1 stack(s), 1 action(s) done", out + err
    [build] = world.em.builds
    assert build["source"]["location"] == "https://github.com/northwind-ml/northwind-build-train-deploy-seed.git"
    assert {v["name"]: v["value"] for v in build["env"]}["SEED_BRANCH"] == "1.4.0"
    code, out, err = world.post(*ORG_PUSH)
    assert code == 0 and len(world.em.builds) == 1, out + err
    arn = world.docs[STACK]["jobs"]["seed-code"]["connection_arn"]
    world.em.connections[arn]["status"] = "PENDING"
    code, out, err = world.post("plan", "--stack", STACK, "--job", "preflight")
    assert code == 1 and "the connection is PENDING" in out, out + err
    del world.em.connections[arn]
    code, out, err = world.post("plan", "--stack", STACK, "--job", "preflight")
    assert code == 1 and "no such connection in account" in out, out + err
