"""`check-stacks DIR`: refuse, before any plan, a stack that uses anything the compiler does not emit.

A pull request's plan runs Terraform on the pull request's own stack files with AWS credentials (read-only,
docs/security.md). A plan executes more than one might think: providers are plugins run locally
(`external`, `http`, `local` run commands or reach the network), data sources are read during plan, a
`check` block or a `module` pulls in other code, a backend other than the state bucket sends the state
elsewhere. So the plan job first checks every stack against this allow-list, in the default branch's code,
and plans nothing if one stack fails. The lists are exactly what the compiler emits: a new resource type is
added here in the same change that starts emitting it (tests/delivery/test_allowlist.py fails until it is).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..naming import TERRAFORM_REQUIRED_VERSION

TOP_LEVEL = frozenset({"//", "terraform", "provider", "resource", "data", "output", "variable", "import", "moved", "removed"})
TERRAFORM_BLOCK = frozenset({"//", "backend", "required_providers", "required_version"})
PROVIDERS = {"aws": "hashicorp/aws"}
BACKENDS = frozenset({"s3"})
VARIABLES = frozenset({"assume_role_name"})
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


def problems(stack: str, doc: object) -> list[str]:
    """Every way one stack document leaves the allow-list (empty: it may be planned)."""
    if not isinstance(doc, dict):
        return [f"{stack}: not a JSON object"]
    out = [f"{stack}: top-level block `{k}` is not allowed" for k in sorted(set(doc) - TOP_LEVEL)]
    tf = doc.get("terraform") or {}
    out += [f"{stack}: terraform.{k} is not allowed" for k in sorted(set(tf) - TERRAFORM_BLOCK)]
    if tf.get("required_version") != TERRAFORM_REQUIRED_VERSION:  # the one constraint the compiler writes, always
        out.append(
            f"{stack}: terraform.required_version is {json.dumps(tf.get('required_version'))} "
            f"(only {json.dumps(TERRAFORM_REQUIRED_VERSION)}: S3-native state locking needs Terraform 1.10)"
        )
    out += [
        f"{stack}: backend `{k}` is not allowed (only {', '.join(sorted(BACKENDS))})"
        for k in sorted(set(tf.get("backend") or {}) - BACKENDS)
    ]
    for name, req in sorted((tf.get("required_providers") or {}).items()):
        source = req.get("source") if isinstance(req, dict) else req
        if PROVIDERS.get(name) != source:
            out.append(f"{stack}: required provider `{name}` ({source}) is not allowed (only hashicorp/aws)")
    out += [f"{stack}: provider `{k}` is not allowed" for k in sorted(set(doc.get("provider") or {}) - set(PROVIDERS))]
    out += [f"{stack}: variable `{k}` is not allowed" for k in sorted(set(doc.get("variable") or {}) - VARIABLES)]
    for kind, allowed in (("data", DATA_SOURCES), ("resource", RESOURCE_TYPES)):
        for tf_type, items in sorted((doc.get(kind) or {}).items()):
            if tf_type not in allowed:
                out.append(f"{stack}: {'data source' if kind == 'data' else 'resource type'} `{tf_type}` is not allowed")
                continue
            for name, body in sorted((items or {}).items()):
                bad = sorted(FORBIDDEN_IN_BLOCKS & set(body or {})) if isinstance(body, dict) else ["(not an object)"]
                out += [f"{stack}: {kind} {tf_type}.{name}: `{b}` is not allowed" for b in bad]
    return out


def check_folder(stacks: Path) -> tuple[int, list[str]]:
    """(stacks checked, problems) for every `<stack>/cdk.tf.json` and any other file that would be planned."""
    found, count = [], 0
    for folder in sorted(p for p in stacks.iterdir() if p.is_dir()):
        extra = sorted(
            p.name for p in folder.iterdir() if p.name != "cdk.tf.json" and (p.suffix in (".tf", ".json") or p.name.endswith(".tf.json"))
        )
        found += [f"{folder.name}: file `{name}` would be read by Terraform and is not allowed" for name in extra]
        path = folder / "cdk.tf.json"
        if not path.is_file():
            continue
        count += 1
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            found.append(f"{folder.name}: cannot read cdk.tf.json: {exc}")
            continue
        found += problems(folder.name, doc)
    return count, found
