"""Property: every registry that validates also synthesizes, with unique statement ids in each policy and unique
names per resource type in each stack. Registries are generated from the base fixture with keys chosen to make
derived names collide (people 'ivan.n'/'ivan_n', OUs 'Sand.box'/'Sand_box'/'workloads', policies with one leaf
name, shares 'fc-daily'/'fc--daily', two shares of one repository); synth is slow, so the examples are few."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.base.errors import RegistryInvalid
from modules.plan.layout import plan
from modules.registry.validate import load_registry
from tests.helpers import BASE, synthesize

PEOPLE = ["ivan.n", "ivan_n", "ivan-n", "ops-al", "al", "bob"]
OUS = ["Workloads/Sandbox", "Workloads/Sand.box", "Workloads/Sand_box", "workloads/sandbox", "Workloads"]
POLICIES = [
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/job-function/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
]
SHARE_NAMES = ["fc-daily", "fc--daily", "fc-daily-list", "fraud-models", "fraud-models-policy"]
RESOURCES = {
    "ecr_repository": ["fraud/scoring", "fraud/scoring2"],
    "model_package_group": ["fraud-xgb", "Fraud-XGB"],
    "s3_prefix": ["features/daily/", "acme-fraud-prod-data/x/"],
    "pipeline": ["train", "Train"],
    "feature_group": ["fc", "FC"],
}
NAME_ATTRS = ("name", "user_name", "model_package_group_name", "user_profile_name", "bucket")


@st.composite
def registries(draw):
    data = {p.relative_to(BASE).as_posix(): yaml.safe_load(p.read_text()) for p in BASE.rglob("*.yaml") if p.parent.name != "catalog"}
    people = draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3))
    for u in people:
        data["people.yaml"]["people"].append(
            {"user_name": u, "email": f"{u.replace('.', 'x')}@acme.example", "given_name": "G", "family_name": "F"}
        )
    fraud = data["teams/fraud.yaml"]
    for u in people:
        fraud["members"].append({"person": u, "role": draw(st.sampled_from(["lead", "data-scientist", "viewer"]))})
    envs = data["environments.yaml"]["environments"]
    envs[0]["organizational_unit"] = draw(st.sampled_from(OUS))
    envs[1]["organizational_unit"] = draw(st.sampled_from(OUS[:4] + ["Workloads/Dev"]))
    data["access.yaml"]["permission_sets"]["ReadOnly"]["managed_policies"] = draw(
        st.lists(st.sampled_from(POLICIES), unique=True, min_size=1, max_size=2)
    )
    for name in draw(st.lists(st.sampled_from(SHARE_NAMES[:3] + SHARE_NAMES[4:]), unique=True, max_size=2)):
        kind = draw(st.sampled_from(sorted(RESOURCES)))
        fraud["shares"].append(
            {
                "name": name,
                "kind": kind,
                "resource": draw(st.sampled_from(RESOURCES[kind])),
                "from": "prod",
                "to": [{"team": "risk", "environment": "prod"}],
            }
        )
    return data


def _policies(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if (
                k in ("policy", "resource_policy", "inline_policy", "assume_role_policy", "content")
                and isinstance(v, str)
                and v.lstrip().startswith("{")
            ):
                try:
                    out.append(json.loads(v))
                except ValueError:
                    pass
            else:
                _policies(v, out)
    elif isinstance(node, list):
        for v in node:
            _policies(v, out)
    return out


def _check_output(out: Path) -> None:
    for path in sorted((out / "stacks").glob("*/cdk.tf.json")):
        doc = json.loads(path.read_text())
        for policy in _policies(doc.get("resource", {}), []):
            statements = policy.get("Statement", [])
            sids = [s["Sid"] for s in statements if isinstance(s, dict) and "Sid" in s]
            assert len(sids) == len(set(sids)), (path.parent.name, sids)
        for rtype, resources in doc.get("resource", {}).items():
            for attr in NAME_ATTRS:
                # names are unique per region (a regional resource such as a Config recorder is "default" in each)
                names = [
                    f"{r.get('region', '')}/{str(r[attr]).lower()}"
                    for r in resources.values()
                    if isinstance(r, dict) and isinstance(r.get(attr), str) and "${" not in r[attr]
                ]
                assert len(names) == len(set(names)), (path.parent.name, rtype, attr, sorted(names))


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(registries())
def test_every_registry_that_validates_synthesizes(data):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "registry"
        shutil.copytree(BASE, root)
        for file, content in data.items():
            (root / file).write_text(yaml.safe_dump(content, sort_keys=False))
        try:
            reg = load_registry(root, shown_root="registry")
        except RegistryInvalid as exc:
            assert all(e.file.startswith("registry/") and e.line >= 1 for e in exc.errors)
            return
        out = Path(tmp) / "generated"
        synthesize(plan(reg), out)
        _check_output(out)
