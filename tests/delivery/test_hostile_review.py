"""The attacks of a hostile review of the pipeline's trust boundary, each planted as a pull request would plant it (on
top of the repository fixture of test_planted_pull_requests.py) and each refused with a clear message, no traceback.
Most come in a pull request that also touches the compiler, so that check-stacks holds its stacks to the allow-list
alone (no rebuild to compare with): the allow-list must refuse them by itself."""

import pytest

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
