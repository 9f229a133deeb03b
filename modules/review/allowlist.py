"""`check-stacks`: refuse, before any plan, a stack that holds anything the compiler does not emit.

A plan runs Terraform on stack files with AWS credentials (read-only in a pull request's plan, the apply role in
Atlantis), and a plan executes more than one might think: providers are plugins run locally (`external`,
`http`, `local` run commands or reach the network), data sources are read during plan, a `check` block or a
`module` pulls in other code, a backend or a provider configured otherwise sends credentials or state elsewhere,
and expressions call functions (`file("/proc/self/environ")`). So every stack is checked against this allow-list
in the default branch's code, before `terraform init`, and nothing is planned if one stack fails:

- the document is strict JSON (no repeated key: stacktree.py and strictjson.py), every block where the compiler
  writes an object is an object (an array there is refused, not crashed on);
- its top-level blocks, resource types and data sources are the compiler's (the lists below: a new type lands
  here in its own change first; tests/delivery/test_allowlist.py fails until it does), each in a kind of stack and
  through a provider the compiler puts it (placement.py);
- `terraform`, `provider`, the one variable, every `terraform_remote_state` and every `import` (the existing object it
  takes over) are exactly what the compiler writes for this registry and this stack (stackshape.py), and so are its
  outputs (outputshape.py) and the arguments that read a file or hold code AWS runs (bodies.py);
- every interpolation calls only the functions the compiler itself writes (FUNCTIONS; hclscan.py).
"""

from __future__ import annotations

import re
from typing import Any

from .bodies import body_problems
from .hclscan import Found, Unscannable, scan_document
from .outputshape import output_problems
from .placement import placement_problems
from .stackshape import Expect, import_problems, provider_problems, remote_state_problems, terraform_problems, variable_problems
from .strictjson import shown

TOP_LEVEL = frozenset({"//", "terraform", "provider", "resource", "data", "output", "variable", "import", "moved", "removed"})
# Every function an interpolation of the compiler's output calls (the mode variable's validation; a moving account's
# import id, its email looked up in the organization's account list). A test derives the set from what the compiler
# emits and fails when the two differ.
FUNCTIONS = frozenset({"contains", "lower", "one"})
DATA_SOURCES = frozenset({"aws_identitystore_user", "aws_organizations_organization", "terraform_remote_state"})
RESOURCE_TYPES = frozenset(
    {
        "aws_budgets_budget",
        "aws_cloudtrail",
        "aws_codeartifact_domain",
        "aws_codeartifact_domain_permissions_policy",
        "aws_codeartifact_repository",
        "aws_codeartifact_repository_permissions_policy",
        "aws_codebuild_project",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_log_metric_filter",
        "aws_cloudwatch_metric_alarm",
        "aws_config_configuration_aggregator",
        "aws_config_configuration_recorder",
        "aws_config_configuration_recorder_status",
        "aws_config_delivery_channel",
        "aws_default_security_group",
        "aws_ecr_repository",
        "aws_ecr_repository_policy",
        "aws_flow_log",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_identitystore_group",
        "aws_identitystore_group_membership",
        "aws_identitystore_user",
        "aws_kms_alias",
        "aws_kms_key",
        "aws_organizations_account",
        "aws_organizations_delegated_administrator",
        "aws_organizations_organization",
        "aws_organizations_organizational_unit",
        "aws_organizations_policy",
        "aws_organizations_policy_attachment",
        "aws_ram_principal_association",
        "aws_ram_resource_share",
        "aws_ram_sharing_with_organization",
        "aws_route_table",
        "aws_route_table_association",
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_object",
        "aws_sagemaker_domain",
        "aws_sagemaker_model_package_group",
        "aws_sagemaker_model_package_group_policy",
        "aws_sagemaker_servicecatalog_portfolio_status",
        "aws_sagemaker_studio_lifecycle_config",
        "aws_sagemaker_user_profile",
        "aws_security_group",
        "aws_servicecatalog_constraint",
        "aws_servicecatalog_portfolio",
        "aws_servicecatalog_portfolio_share",
        "aws_servicecatalog_principal_portfolio_association",
        "aws_servicecatalog_product",
        "aws_servicecatalog_product_portfolio_association",
        "aws_servicecatalog_provisioning_artifact",
        "aws_sns_topic",
        "aws_sns_topic_subscription",
        "aws_ssoadmin_account_assignment",
        "aws_ssoadmin_application_assignment",
        "aws_ssoadmin_managed_policy_attachment",
        "aws_ssoadmin_permission_set",
        "aws_ssoadmin_permission_set_inline_policy",
        "aws_subnet",
        "aws_vpc",
        "aws_vpc_endpoint",
    }
)
# Meta-arguments that run code or reach elsewhere; none is emitted.
FORBIDDEN_IN_BLOCKS = frozenset({"provisioner", "connection"})
_LABEL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,255}")


def _labels(kind: str, value: object, allowed: frozenset[str]) -> tuple[list[str], list[tuple[str, str, dict[str, Any]]]]:
    """(problems, [(type, name, body)]) of a `resource` or `data` block: objects all the way down to the bodies."""
    what = "data source" if kind == "data" else "resource type"
    if not isinstance(value, dict):
        return [f"{kind}: a JSON {type(value).__name__} where the compiler writes an object of blocks"], []
    out: list[str] = []
    bodies = []
    for tf_type, items in sorted(value.items()):
        if tf_type not in allowed:
            out.append(f"{what} {shown(tf_type)} is not allowed")
            continue
        if not isinstance(items, dict):
            out.append(f"{kind} {tf_type}: a JSON {type(items).__name__} where the compiler writes an object of blocks")
            continue
        for name, body in sorted(items.items()):
            if not _LABEL.fullmatch(name):
                out.append(f"{kind} {tf_type}.{shown(name)}: not a name the compiler writes")
            elif not isinstance(body, dict):
                out.append(f"{kind} {tf_type}.{name}: a JSON {type(body).__name__} where the compiler writes one block body")
            else:
                out += [f"{kind} {tf_type}.{name}: `{b}` is not allowed" for b in sorted(FORBIDDEN_IN_BLOCKS & set(body))]
                bodies.append((tf_type, name, body))
    return out, bodies


def _listed(kind: str, value: object, keys: frozenset[str]) -> list[str]:
    """`moved`, `import`, `removed`: a list of small objects of strings (removed: its lifecycle's destroy flag)."""
    if not isinstance(value, list):
        return [f"{kind}: a JSON {type(value).__name__} where the compiler writes a list"]
    out = []
    for n, item in enumerate(value):
        if not isinstance(item, dict) or not set(item) <= keys:
            out.append(f"{kind}[{n}]: only {', '.join(sorted(keys))}")
        elif kind == "removed" and item.get("lifecycle", {}) != {"destroy": False} and "lifecycle" in item:
            out.append(f"{kind}[{n}].lifecycle: only destroy = false (a removed block may hold no provisioner)")
        elif not all(isinstance(v, str) for k, v in item.items() if k != "lifecycle"):
            out.append(f"{kind}[{n}]: only strings")
    return out


LISTED = {
    "moved": frozenset({"from", "to"}),
    "import": frozenset({"id", "to", "provider"}),
    "removed": frozenset({"from", "lifecycle"}),
}


def problems(stack: str, doc: object, expect: Expect) -> list[str]:
    """Every way one stack document leaves the allow-list (empty: it may be planned), each line naming the stack."""
    return [f"{shown(stack)}: {p}" for p in _problems(stack, doc, expect)]


def _problems(stack: str, doc: object, e: Expect) -> list[str]:
    if not isinstance(doc, dict):
        return ["not a JSON object"]
    out = [f"top-level block {shown(k)} is not allowed" for k in sorted(set(doc) - TOP_LEVEL)]
    out += terraform_problems(stack, doc.get("terraform"), e)
    if "provider" in doc:
        out += provider_problems(stack, doc["provider"], e)
    if "variable" in doc:
        out += variable_problems(doc["variable"])
    for kind, allowed in (("data", DATA_SOURCES), ("resource", RESOURCE_TYPES)):
        if kind in doc:
            found, bodies = _labels(kind, doc[kind], allowed)
            out += found
            if kind == "data":
                remote = {name: body for t, name, body in bodies if t == "terraform_remote_state"}
                out += remote_state_problems(stack, remote, e)
    out += body_problems(stack, doc, e) + placement_problems(e.kinds.get(stack, ""), doc)
    if "output" in doc:
        out += output_problems(stack, doc, e)
    for kind, keys in LISTED.items():
        if kind in doc:
            out += _listed(kind, doc[kind], keys)
    if "import" in doc:
        out += import_problems(stack, doc["import"], e)
    found_calls = Found()
    try:
        scan_document(doc, found_calls)
    except Unscannable as exc:
        out.append(f"an expression the compiler never writes: {exc}")
    only = ", ".join(sorted(FUNCTIONS))
    out += [f"an expression calls {shown(f)}(), which the compiler never does (only {only})" for f in sorted(found_calls.calls - FUNCTIONS)]
    return out
