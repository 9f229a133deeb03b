"""Resource arguments that read a file of the machine that applies, or hold code that AWS runs, in exactly the shape
the compiler writes for this registry.

The allow-list of types lets a stack hold an `aws_s3_object`, a CodeBuild project, a Studio lifecycle configuration,
a Service Catalog product; their arguments decide more than the type: `aws_s3_object.source` is a path the provider
reads on the Atlantis server at apply (`/proc/self/environ`, uploaded to any bucket), a CodeBuild project's buildspec
and image run when the post-step starts a seed push (with the connection to every seed repository), a lifecycle
configuration runs in every Studio app of the account, a provisioning artifact's template URL is the CloudFormation
every project of the template deploys. So:
- an argument that reads a local file is refused wherever it appears (READS_FILES; the compiler writes none);
- the seed-push project is the compiler's, argument for argument (modules/base/seed_push.py: name, buildspec, image), in
  shared services only, with no other argument (no environment variables, secondary sources, VPC, cache);
- a lifecycle configuration's script is the compiler's for the account's libraries (policies/libraries.py pip_script), in an
  account stack that has them;
- a template URL names this stack's own bucket and object.
A change to any of these lands in the compiler (here) in its own pull request first, like a new resource type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..base import naming, seed_push
from ..policies import libraries
from .stackshape import Expect
from .strictjson import shown

READS_FILES = {"aws_s3_object": frozenset({"source"})}
_META = frozenset({"//", "depends_on", "provider", "lifecycle", "tags", "tags_all"})
SEED_PUSH_KEYS = frozenset(
    {"artifacts", "build_timeout", "description", "encryption_key", "environment", "logs_config", "name", "service_role", "source"}
)
LIFECYCLE_KEYS = frozenset({"studio_lifecycle_config_name", "studio_lifecycle_config_app_type", "studio_lifecycle_config_content"})
_OWN_REF = re.compile(r"\$\{(?P<type>[a-z0-9_]+)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(\[\"[A-Za-z0-9+=,.@_/ -]+\"\])?\.(?P<attr>[a-z_]+)\}")
_TEMPLATE_URL = re.compile(
    r"https://\$\{aws_s3_bucket\.(?P<bucket>[A-Za-z_][A-Za-z0-9_-]*)\.bucket_regional_domain_name\}/"
    r"\$\{aws_s3_object\.(?P<object>[A-Za-z_][A-Za-z0-9_-]*)\.key\}"
)


def literal(text: str) -> str:
    """A literal string as it reads in a stack file (tfexpr.finalize escapes every template opener)."""
    return text.replace("${", "$${").replace("%{", "%%{")


def seed_push_project(org: str) -> dict[str, Any]:
    """The arguments of the seed-push project that decide what runs, exactly as the compiler writes them."""
    return {
        "name": seed_push.project_name(org),
        "source": {"buildspec": literal(seed_push.BUILDSPEC), "type": "NO_SOURCE"},
        "environment": {"compute_type": "BUILD_GENERAL1_SMALL", "image": seed_push.IMAGE, "type": "LINUX_CONTAINER"},
        "artifacts": {"type": "NO_ARTIFACTS"},
    }


def body_problems(stack: str, doc: Mapping[str, Any], e: Expect) -> list[str]:
    resources = doc.get("resource")
    if not isinstance(resources, dict):
        return []
    own = {(t, n) for t, items in resources.items() if isinstance(items, dict) for n in items}
    out: list[str] = []
    for tf_type, items in sorted(resources.items()):
        if not isinstance(items, dict):
            continue
        for name, body in sorted(items.items()):
            if not isinstance(body, dict):
                continue
            where = f"resource {tf_type}.{name}"
            out += [
                f"{where}.{a}: reads a file of the machine that applies; the compiler never writes it"
                for a in sorted(READS_FILES.get(tf_type, set()) & set(body))
            ]
            if tf_type == "aws_codebuild_project":
                out += _seed_push(stack, where, body, e, own)
            elif tf_type == "aws_sagemaker_studio_lifecycle_config":
                out += _lifecycle(stack, where, body, e)
            elif tf_type in ("aws_servicecatalog_product", "aws_servicecatalog_provisioning_artifact"):
                out += _template_urls(where, body, own)
    return out


def _seed_push(stack: str, where: str, body: dict[str, Any], e: Expect, own: set[tuple[str, str]]) -> list[str]:
    if stack != naming.SHARED_SERVICES_STACK:
        return [f"{where}: a CodeBuild project outside shared services; the compiler writes only the seed-push project there"]
    out = [
        f"{where}.{shown(k)}: not an argument the compiler writes for the seed-push project"
        for k in sorted(set(body) - SEED_PUSH_KEYS - _META)
    ]
    for key, want in seed_push_project(e.org).items():
        if body.get(key) != want:
            out.append(f"{where}.{key}: {shown(body.get(key))} where the compiler writes {shown(want)}")
    role = _OWN_REF.fullmatch(body.get("service_role", "")) if isinstance(body.get("service_role"), str) else None
    if not role or role["type"] != "aws_iam_role" or role["attr"] != "arn" or ("aws_iam_role", role["name"]) not in own:
        out.append(f"{where}.service_role: not a role of this stack")
    return out


def _lifecycle(stack: str, where: str, body: dict[str, Any], e: Expect) -> list[str]:
    want = e.lifecycle_scripts.get(stack)
    if want is None:
        return [f"{where}: a Studio lifecycle configuration where the compiler writes none (only an account stack with libraries)"]
    out = [f"{where}.{shown(k)}: not an argument the compiler writes" for k in sorted(set(body) - LIFECYCLE_KEYS - _META)]
    if body.get("studio_lifecycle_config_content") != want:
        out.append(f"{where}.studio_lifecycle_config_content: not the compiler's script for this account's libraries")
    if body.get("studio_lifecycle_config_app_type") not in libraries.STUDIO_APP_TYPES:
        out.append(f"{where}.studio_lifecycle_config_app_type: only {', '.join(libraries.STUDIO_APP_TYPES)}")
    return out


def _template_urls(where: str, body: dict[str, Any], own: set[tuple[str, str]]) -> list[str]:
    urls = [(f"{where}.template_url", body.get("template_url"))] if "template_url" in body else []
    params = body.get("provisioning_artifact_parameters")
    for n, p in enumerate(params if isinstance(params, list) else [params] if isinstance(params, dict) else []):
        if isinstance(p, dict) and "template_url" in p:
            urls.append((f"{where}.provisioning_artifact_parameters[{n}].template_url", p["template_url"]))
    out = []
    for at, url in urls:
        m = _TEMPLATE_URL.fullmatch(url) if isinstance(url, str) else None
        if not m or ("aws_s3_bucket", m["bucket"]) not in own or ("aws_s3_object", m["object"]) not in own:
            out.append(f"{at}: {shown(url)} is not an object of this stack's own bucket (the template every project deploys)")
    return out
