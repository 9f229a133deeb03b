"""Literal strings reach AWS as written; only the compiler's own references are Terraform interpolations.

A regression: CloudFormation's `${SageMakerProjectId}` in a catalog template reached `aws_s3_object.content`
unescaped, and Terraform read it as a reference. Every literal from the registry now passes through
`tfexpr.finalize` (escaped to `$${` / `%%{`), and references are built with `tfexpr.expression`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from modules.base.tfexpr import OPEN, UnsafeText, expression, finalize, unmarked_interpolations
from modules.engine.build import build_app, write_stack
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import EXAMPLE

PAYLOADS = {
    "dollar": '${file("/etc/passwd")}',
    "directive": "%{ for x in [1] }x%{ endfor }",
    "policy-variable": "${aws:username}",
}
_IAM_VARIABLE = re.compile(r"\$\{[a-z0-9-]+:[A-Za-z0-9_-]+\}?$")
# An unescaped `${...}` or `%{...}` (one not preceded by the escape character).
_OPEN_INTERPOLATION = re.compile(r"(?<![$%])[$%]\{([^}]*)\}")


def test_finalize_escapes_literals_and_opens_references():
    text = json.dumps({"a": "cost ${x} %{ if y }", "b": expression("aws_vpc.vpc.id"), f"k{expression('var.k')}": 1})
    out = json.loads(finalize(text))
    assert out["a"] == "cost $${x} %%{ if y }"
    assert out["b"] == "${aws_vpc.vpc.id}"
    assert "k${var.k}" in out
    assert OPEN not in finalize(text)


def test_an_already_escaped_literal_stays_literal():
    # `$${x}` written by a user means the five characters "$${x}" to them; Terraform must see it escaped again.
    assert finalize('"$${x}"') == '"$$${x}"'


def test_a_reference_right_after_a_literal_dollar_is_refused():
    with pytest.raises(UnsafeText):
        finalize(json.dumps("$" + expression("var.x")))


def test_registry_text_cannot_forge_a_reference():
    """The marker carries a per-process nonce; text that imitates an old-style reference is escaped."""
    forged = "__tfexpr0000000000000000__{aws_iam_role.deploy-role.arn}"
    assert forged not in OPEN
    assert finalize(json.dumps(forged)) == json.dumps(forged)


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> tuple[Path, Path, set[str]]:
    """The example registry with `${...}` and `%{...}` in every kind of literal text, built raw and finalized."""
    root = tmp_path_factory.mktemp("injected")
    reg = root / "registry"
    shutil.copytree(EXAMPLE, reg)
    edit(reg / "people.yaml", "given_name: Amara", f"given_name: 'Amara {PAYLOADS['dollar']}'")
    edit(reg / "people.yaml", "family_name: Silva", f"family_name: '{PAYLOADS['directive']}'")
    edit(
        reg / "access.yaml",
        "description: Read-only console access",
        f"description: 'Read-only {PAYLOADS['dollar']} {PAYLOADS['directive']}'",
    )
    edit(
        reg / "teams" / "pricing.yaml",
        "description: Dynamic pricing and markdown optimisation",
        f"description: 'Pricing {PAYLOADS['dollar']}'",
    )
    edit(
        reg / "policies" / "ml-engineer.json",
        '"Resource": "arn:aws:logs:*:*:log-group:/aws/sagemaker/*"',
        f'"Resource": "arn:aws:logs:*:*:log-group:/aws/sagemaker/{PAYLOADS["policy-variable"]}/*"',
    )
    edit(
        reg / "catalog" / "batch-inference.yaml",
        "Description: SageMaker Project - scheduled",
        f"Description: SageMaker Project {PAYLOADS['directive']} - scheduled",
    )
    registry = load_registry(reg)
    inputs = set()
    for path in reg.rglob("*"):
        if path.is_file():
            # bytes a tool's cache may leave in a seed folder (never packed: seedzip.IGNORED_NAMES) are not text
            text = path.read_bytes().decode("utf-8", errors="replace")
            inputs |= {m.group(0) for m in _OPEN_INTERPOLATION.finditer(text)}
    out = root / "out"
    build_app(plan(registry), str(out)).synth()
    raw = root / "raw"
    shutil.copytree(out, raw)
    for path in sorted((out / "stacks").glob("*/cdk.tf.json")):
        write_stack(out, path.parent.name, path.read_text(encoding="utf-8"))
    return raw / "stacks", out / "stacks", inputs


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_no_reference_bypasses_the_marker(injected):
    """cdktn's raw output holds `${`/`%{` only where the registry wrote them: a cdktn token (`resource.arn`)
    would render a reference there, which finalize would then escape into a literal."""
    raw, _, inputs = injected
    for path in sorted(raw.glob("*/cdk.tf.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        found = {f for text in strings(doc) for f in unmarked_interpolations(text)}
        # IAM policy variables the compiler writes (${sagemaker:DomainId}) are literals too: HCL has no ':' in a
        # reference, so they can never be one.
        leaked = {f for f in found if not any(i.startswith(f) for i in inputs) and not _IAM_VARIABLE.match(f)}
        assert leaked == set(), f"{path.parent.name}: references built without tfexpr.expression: {sorted(leaked)}"


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_every_literal_payload_reaches_the_output_escaped(injected, name):
    _, final, _ = injected
    payload = PAYLOADS[name]
    escaped = payload.replace("${", "$${").replace("%{", "%%{")
    texts = {p.parent.name: p.read_text(encoding="utf-8") for p in final.glob("*/cdk.tf.json")}
    hits = [stack for stack, text in texts.items() if json.dumps(escaped)[1:-1] in text]
    assert hits, f"payload {name} not found escaped in any stack"


def test_every_open_interpolation_is_a_reference_to_something_in_its_stack(injected):
    _, final, _ = injected
    for path in sorted(final.glob("*/cdk.tf.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        addresses = {f"{t}.{n}" for t, named in doc.get("resource", {}).items() for n in named}
        addresses |= {f"data.{t}.{n}" for t, named in doc.get("data", {}).items() for n in named}
        addresses |= {f"var.{n}" for n in doc.get("variable", {})}
        # `each.key`/`each.value` mean something only inside a for_each resource, outside its map
        in_for_each = {id(body) for named in doc.get("resource", {}).values() for body in named.values() if "for_each" in body}
        for s, each_ok in _strings_in(doc, in_for_each):
            for m in _OPEN_INTERPOLATION.finditer(s):
                expr = m.group(1)
                if each_ok and re.match(r"^each\.(key|value)\b", expr):
                    continue
                assert m.group(0).startswith("${"), f"{path.parent.name}: a template directive in the output: {s[:120]}"
                if re.match(r"^[a-z_]+\(", expr) or " ? " in expr:  # a call or the mode condition: its references
                    names = re.findall(r"\bvar\.[a-z_]+", expr)
                    assert names and all(n in addresses for n in names), f"{path.parent.name}: {expr}"
                    continue
                parts = expr.split(".")
                address = ".".join(parts[:3] if parts[0] == "data" else parts[:2])
                address = re.sub(r"\[.*$", "", address)
                assert address in addresses, f"{path.parent.name}: ${{{expr}}} names nothing in the stack"


def _strings_in(node, for_each_bodies: set[int], each_ok: bool = False):
    """Every string (keys too) and whether it sits in a for_each resource's body, outside the for_each map."""
    if isinstance(node, str):
        yield node, each_ok
    elif isinstance(node, dict):
        inside = each_ok or id(node) in for_each_bodies
        for k, v in node.items():
            yield k, inside
            yield from _strings_in(v, for_each_bodies, inside and k != "for_each")
    elif isinstance(node, list):
        for v in node:
            yield from _strings_in(v, for_each_bodies, each_ok)


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
