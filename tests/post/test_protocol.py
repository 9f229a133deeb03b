"""The typed seams of the post-step: the gateway Protocol that both the fake and boto3's gateway satisfy,
one registry of job names, and one manifest definition that reads back exactly what synth wrote."""

import inspect
import json
from pathlib import Path

import pytest

from modules.commands.cli import _parser
from modules.plan.layout import plan
from modules.post.gateway import AwsGateway, Gateway
from modules.post.jobs import JOBS
from modules.post.manifest import Jobs, Manifest, manifests
from modules.post.run import UsageError, load_manifest
from tests.post.fakes import FakeGateway

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = sorted(n for n, v in vars(Gateway).items() if callable(v) and not n.startswith("_"))


def params(fn):
    return [(p.name, p.kind) for p in inspect.signature(fn).parameters.values() if p.name != "self"]


@pytest.mark.parametrize("impl", [FakeGateway, AwsGateway])
def test_gateways_implement_the_protocol(impl):
    assert len(PROTOCOL) >= 19
    for name in PROTOCOL:
        assert hasattr(impl, name), f"{impl.__name__} lacks {name}"
        assert params(getattr(impl, name)) == params(getattr(Gateway, name)), f"{impl.__name__}.{name} differs"
        ours = inspect.signature(getattr(impl, name)).return_annotation
        assert str(ours).replace("'", "") == str(inspect.signature(getattr(Gateway, name)).return_annotation).replace("'", ""), (
            f"{impl.__name__}.{name} returns {ours}"
        )


def test_job_names_come_from_one_registry():
    manifest_keys = [f.alias or n for n, f in Jobs.model_fields.items()]
    assert list(JOBS) == manifest_keys, "manifest keys, run order and job names are the same list"
    post = _parser()._subparsers._group_actions[0].choices["post"]
    job = next(a for a in post._actions if a.dest == "job")
    assert list(job.choices) == list(JOBS)
    for name, spec in JOBS.items():
        assert spec.name == name and spec.waits_for


def test_the_post_step_docs_job_table_has_one_row_per_job_in_run_order():
    """A job added to JOBS without its row in docs/post-step.md (or a row left after a job is removed) fails here."""
    readme = (ROOT / "docs" / "post-step.md").read_text(encoding="utf-8")
    table = readme[readme.index("| job | stack | what it ensures | apply waits for |") :].split("\n\n", 1)[0]
    rows = [line.split("|")[1].strip().strip("`") for line in table.splitlines()[2:]]
    assert rows == list(JOBS)


def test_committed_manifests_read_back_byte_identical(example_registry):
    fresh = manifests(plan(example_registry))
    for path in sorted((ROOT / "generated" / "post").glob("*.json")):
        text = path.read_text()
        assert Manifest.parse(text, str(path)).to_json() == text == fresh[path.stem].to_json()


def test_a_stale_manifest_is_refused_with_the_field_that_is_wrong(tmp_path):
    doc = json.loads((ROOT / "generated" / "post" / "recsys-prod.json").read_text())
    doc["jobs"]["promote-shares"][0].pop("model_package_group")
    (tmp_path / "recsys-prod.json").write_text(json.dumps(doc))
    with pytest.raises(UsageError, match=r"recsys-prod.json: jobs.promote-shares.0.model_package_group: Field required"):
        load_manifest(tmp_path, "recsys-prod")
    doc["version"] = 2
    (tmp_path / "recsys-prod.json").write_text(json.dumps(doc))
    with pytest.raises(UsageError, match=r"recsys-prod.json: manifest version 2 is not one this post-step knows \(1\)"):
        load_manifest(tmp_path, "recsys-prod")


def test_with_a_registry_the_post_step_acts_on_manifests_it_rebuilt_never_on_the_checkouts(run_cli, monkeypatch, tmp_path):
    """Atlantis runs `post --registry registry`: a planted generated/post naming another account is never read."""
    import modules.post.run as post_run

    planted = json.loads((ROOT / "generated" / "post" / "pricing-prod.json").read_text())
    planted["account"]["id"] = "999999999999"
    (tmp_path / "pricing-prod.json").write_text(json.dumps(planted))
    seen = {}

    def record(stacks, *, manifests, **kwargs):
        seen.update({s: load_manifest(manifests, s) for s in stacks})
        return []

    monkeypatch.setattr(post_run, "run", record)
    code, _, err = run_cli(["post", "plan", "--stack", "pricing-prod", "--manifests", str(tmp_path), "--registry", str(ROOT / "registry")])
    assert (code, err) == (0, "")
    assert seen["pricing-prod"].account.id == "012345678901", "the registry's adopted account, not the planted one"
    assert seen["pricing-prod"].to_json() == (ROOT / "generated" / "post" / "pricing-prod.json").read_text()


def test_the_post_step_docs_document_every_job_the_exit_codes_and_the_bounds():
    from modules.post.deadline import CALL_SECONDS, RUN_SECONDS
    from modules.post.run import EXIT_FAILED, EXIT_NOTHING, EXIT_PENDING, EXIT_USAGE

    section = (ROOT / "docs" / "post-step.md").read_text()
    for name in JOBS:
        assert f"| `{name}` |" in section, f"docs/post-step.md: job {name} missing from the post-step table"
    for code in (EXIT_NOTHING, EXIT_FAILED, EXIT_PENDING, EXIT_USAGE):
        assert f"\n| {code} | " in section
    assert f"default {RUN_SECONDS:g} s" in section and f"default {CALL_SECONDS:g} s" in section


def test_post_never_answers_2_for_an_error(run_cli, monkeypatch, tmp_path):
    """2 is "changes pending" for post: an internal error is 1 (3 only if post cannot even be imported)."""
    import modules.post.run as post_run

    (tmp_path / "organization.json").write_text((ROOT / "generated" / "post" / "organization.json").read_text())

    def boom(*a, **k):
        raise AttributeError("a bug")

    monkeypatch.setattr(post_run, "run", boom)
    code, out, err = run_cli(["post", "plan", "--stack", "organization", "--manifests", str(tmp_path)])
    assert code == 1 and "FAILED: internal error: AttributeError: a bug" in err and "Traceback" not in err
    import modules.post.gateway as gateway

    monkeypatch.setattr(gateway, "AwsGateway", None)  # calling it fails before the run: a TypeError
    code, out, err = run_cli(["post", "plan", "--stack", "organization", "--manifests", str(tmp_path)])
    assert code == 1 and "internal error" in err
