"""The attacks of a hostile review of the pipeline's trust boundary, each planted as a pull request would plant it (on
top of the repository fixture of test_planted_pull_requests.py) and each refused with a clear message, no traceback.
Most come in a pull request that also touches the compiler, so that check-stacks holds its stacks to the allow-list
alone (no rebuild to compare with): the allow-list must refuse them by itself."""

import json
import os

import pytest

from modules.review.gitbase import LinkOutside, extract, show
from tests.delivery.test_planted_pull_requests import STACK, _edit_json, _edit_text, check, plant, repo  # noqa: F401

TOUCH = _edit_text("modules/naming.py", '"""', '"""A harmless edit. ')
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
