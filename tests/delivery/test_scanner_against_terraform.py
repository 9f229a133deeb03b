"""The expression scanner (modules/review/hclscan.py) against the real Terraform on PATH, differentially: whenever
Terraform calls a function in a value, the scanner must have refused that value.

Each value goes into an output-only configuration (no provider, nothing leaves the machine), carrying a marker call,
`file("/nonexistent/.../<n>")`, that fails with its path in the error when, and only when, Terraform calls it. The
values are hand-made (every way found so far to hide a call, and the compiler's own forms) and generated from a
fixed seed: expressions built from HCL's grammar with the spacing, comments, escapes and nesting that a scanner
can misread, and random token soup. Terraform reads every output of a configuration independently (a broken one
does not stop the others), so a few runs judge hundreds of values (one file each); outputs that fail are dropped and the rest run
again until a run has no error, so that nothing stays unevaluated.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from modules.review.allowlist import FUNCTIONS
from modules.review.hclscan import Found, Unscannable, scan_document

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(TERRAFORM is None, reason="needs terraform on PATH (the Terraform tier's machines have 1.11)")
DIR = "/nonexistent/sagemaker-registry-scan"
MARK = "@MARK@"  # replaced by the value's own marker path
CALLED = re.compile(re.escape(DIR) + r"/(\d+)")


def marker() -> str:
    return f'file("{MARK}")'


CALLS: list[object] = [  # hand-made values in which Terraform calls the marker: the review's three, and relatives
    {"//": "${base64encode(" + marker() + ")}"},
    {"a": {"//": "${" + marker() + "}"}},
    "${false?1:base64encode(false?1:" + marker() + ")}",
    "${1-" + marker() + "}",
    "${true?" + marker() + ":1}",
    "${[1][0]-" + marker() + "}",
    '${ file ("' + MARK + '")}',
    '${file\n("' + MARK + '")}',
    "${(" + marker() + ")}",
    "${{a = " + marker() + "}.a}",
    "${[for x in [1] : " + marker() + "]}",
    '${"${' + marker() + '}"}',
    '${"$${x}${' + marker() + '}"}',
    "$${x}${" + marker() + "}",
    "%%{x}${" + marker() + "}",
    "${~ " + marker() + " ~}",
    '${contains(["a"], ' + marker() + ")}",
    "${!contains([], " + marker() + ")}",
    {"${" + marker() + "}": 1},
    ["${" + marker() + "}"],
]
OTHERS: list[object] = [  # hand-made values Terraform does not call (a syntax error first, a literal, `try`): judged too
    "${1:" + marker() + "}",
    "${x.y-" + marker() + "}",
    "$$${" + marker() + "}",
    "${try(" + marker() + ", 1)}",
    '$${file("' + MARK + '")}',
    '${contains(["apply", "plan"], var.v)}',
    '${var.v == "plan" ? "a-plan" : "Admin"}',
    '${"(" == var.v}',
]
ATOMS = ["1", "0", "true", "false", "null", '"s"', '"("', "var.v", "[1, 2]", "{a = 1}", '"${var.v}"', 'contains(["a"], var.v)']
FUNCS = ["base64encode", "upper", "tostring", "jsonencode", "try", "can", "coalesce", "length", "contains", "provider::x::y"]
GAPS = ["", "", "", " ", "\t", "\n", "/**/", " /* ) */ "]
OPS = ["-", "+", "*", "==", "!=", "<", ">=", "&&", "||", "%", "/"]


def _expr(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.3:
        return marker() if rng.random() < 0.4 else rng.choice(ATOMS)
    e = lambda: _expr(rng, depth - 1)  # noqa: E731
    gap = lambda: rng.choice(GAPS)  # noqa: E731
    forms = [
        lambda: f"{gap()}!{e()}",
        lambda: f"-{e()}",
        lambda: f"{e()}{gap()}{rng.choice(OPS)}{gap()}{e()}",
        lambda: f"{e()}{gap()}?{gap()}{e()}{gap()}:{gap()}{e()}",
        lambda: f"({e()})",
        lambda: f"{rng.choice(FUNCS)}{gap()}({e()})",
        lambda: f"{rng.choice(FUNCS)}({e()}, {e()})",
        lambda: f"[{e()}][0]",
        lambda: f"{{a = {e()}}}.a",
        lambda: f'{{"k" = {e()}}}',
        lambda: f"[for x in [1] : {e()}]",
        lambda: f"{{for k, x in {{a = 1}} : k => {e()}}}",
        lambda: f"[{e()}][*]",
        lambda: f'"${{{e()}}}"',
        lambda: f'"x${{{e()}}}y"',
        lambda: f'"$${{{e()}}}"',
        lambda: f'"$$${{{e()}}}"',
        lambda: f'"%{{ if true }}${{{e()}}}%{{ endif }}"',
        lambda: f"<<EOT\n${{{e()}}}\nEOT\n",
        lambda: f"/* c */ {e()}",
        lambda: f"# c\n{e()}",
        lambda: f"{e()} // c\n",
        lambda: f"{e()}.{rng.choice(['a', 'contains', '0'])}",
    ]
    return rng.choice(forms)()


def _template(rng: random.Random) -> str:
    e = _expr(rng, rng.randint(1, 3))
    return rng.choice(
        [
            "${" + e + "}",
            "${" + e + "}",
            "x ${" + e + "} y",
            "$${" + e + "}",
            "$$${" + e + "}",
            "%{ if true }${" + e + "}%{ endif }",
            "%%{" + e + "}${" + e + "}",
            "${~ " + e + " ~}",
            '${"${' + e + '}"}',
        ]
    )


def _value(rng: random.Random) -> object:
    roll = rng.random()
    if roll < 0.7:
        return _template(rng)
    if roll < 0.9:
        return {rng.choice(["//", "a", "${var.v}", _template(rng)]): _value(rng)}
    return [_value(rng), _template(rng)]


SOUP = ["file(", f'"{MARK}"', ")", "(", "?", ":", "1", "-", "//", "#", "/*", "*/", "{", "}", "[", "]", '"', "${", "$${"]
SOUP += ["%{", "\n", "<<EOT\n", "EOT\n", "contains(", "var.v", ",", " ", ".", "!", "~", "\\", "x", "for x in [1]:", "=>", "1-", "true?"]


def _soup(rng: random.Random) -> str:
    """Random tokens around a marker call: mostly broken, now and then a call in a form nobody thought of."""
    before = "".join(rng.choice(SOUP) for _ in range(rng.randint(0, 6)))
    after = "".join(rng.choice(SOUP) for _ in range(rng.randint(0, 6)))
    body = before + marker() + after
    return "${" + body + "}" if rng.random() < 0.8 else body


def refused(value: object) -> bool:
    """What check-stacks makes of a value: a call outside the compiler's functions, or something it cannot read."""
    found = Found()
    try:
        scan_document(value, found)
    except Unscannable:
        return True
    return bool(found.calls - FUNCTIONS)


def _with_marker(value: object, n: int) -> object:
    return json.loads(json.dumps(value).replace(MARK, f"{DIR}/{n}"))


def _terraform_calls(values: dict[int, object], work: Path) -> set[int]:
    """The values in which Terraform calls the marker, evaluating every output (see the module's docstring)."""
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(work), "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": "/dev/null"}
    called: set[int] = set()
    pending = dict(values)
    subprocess.run([TERRAFORM, "init", "-input=false", "-no-color"], cwd=work, env=env, check=True, capture_output=True)
    (work / "variables.tf.json").write_text('{"variable": {"v": {"type": "string", "default": "plan"}}}')
    for _ in range(6):
        for old in work.glob("o*.tf.json"):
            old.unlink()
        for n, v in pending.items():  # one file per output: an error's range names its file
            (work / f"o{n}.tf.json").write_text(json.dumps({"output": {f"o{n}": {"value": v}}}))
        proc = subprocess.run(
            [TERRAFORM, "plan", "-input=false", "-no-color", "-json", "-lock=false"], cwd=work, env=env, capture_output=True, text=True
        )
        failed: set[int] = set()
        for line in proc.stdout.splitlines():
            message = json.loads(line)
            if message.get("type") != "diagnostic" or message["diagnostic"]["severity"] != "error":
                continue
            diag = message["diagnostic"]
            called |= {int(m) for m in CALLED.findall(diag["summary"] + " " + diag.get("detail", ""))}
            name = re.fullmatch(r"o(\d+)\.tf\.json", diag.get("range", {}).get("filename", ""))
            assert name, diag  # every error is an output's, in its own file
            failed.add(int(name.group(1)))
        if proc.returncode == 0 and not failed:
            return called
        assert failed, proc.stdout + proc.stderr
        pending = {n: v for n, v in pending.items() if n not in failed}
    raise AssertionError("Terraform kept failing on outputs it had not reported before")


def test_whenever_terraform_calls_a_function_the_scanner_refused_the_value(tmp_path):
    rng = random.Random(20261207)
    generated = [_value(rng) for _ in range(500)] + [_soup(rng) for _ in range(500)]
    values = {n: _with_marker(v, n) for n, v in enumerate(CALLS + OTHERS + generated)}
    called = _terraform_calls(values, tmp_path)
    missed = {n: values[n] for n in sorted(called) if not refused(values[n])}
    assert not missed, f"Terraform called a function the scanner let through: {missed}"
    # The oracle sees calls (a test that never sees one proves nothing): every hand-made one, and many generated ones.
    assert set(range(len(CALLS))) <= called, sorted(set(range(len(CALLS))) - called)
    assert len(called - set(range(len(CALLS) + len(OTHERS)))) >= 100, len(called)


def test_the_compilers_own_forms_pass_the_scanner_and_terraform(tmp_path):
    own = ['${contains(["apply", "plan"], var.v)}', '${var.v == "plan" ? "x-plan" : "Admin"}', "$${literal}", "plain (text)"]
    assert not any(refused(v) for v in own)
    assert _terraform_calls(dict(enumerate(own)), tmp_path) == set()
