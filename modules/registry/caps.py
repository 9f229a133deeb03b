"""The caps of the registry's lists and texts, in one table, each derived from the AWS limit it protects.

`validate` refuses a value over its cap at `file:line` with the reason (checks/caps.py); the model puts each cap
into its field's description and the JSON Schema (model.py); the oracle's max-size registry fills every field
marked `fill` to its cap (tests/oracle/maxreg.py), so that what validates at the maxima is known to apply.
A field whose size no single AWS resource feels (how many people or teams there are) gets the organization-wide
quota it meets, and the max registry uses a few of it (`fill=False`): `make bench` measures scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"
SSO_QUOTAS = "https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html"
ORG_QUOTAS = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"


@dataclass(frozen=True)
class Cap:
    max: int
    unit: str  # "items" (a list's or mapping's entries) or "characters"
    why: str  # the AWS limit behind it, in words
    source: str  # the page that states it
    fill: bool = True  # the max registry fills the field to its cap

    @property
    def text(self) -> str:
        return f"at most {self.max} {self.unit}: {self.why}"


CONSUMED_SHARES = "account.consumed_shares"
# "Model.field" -> its cap. Fields whose pattern already bounds them (slugs, ids, names) are not repeated here.
CAPS: dict[str, Cap] = {
    "Organization.tags": Cap(45, "items", "AWS allows 50 tags per resource and the compiler adds up to 5 of its own", TAGGING),
    "Organization.allowed_regions": Cap(
        12,
        "items",
        "the region guardrail lists them in an SCP of at most 5,120 characters, beside the other organization-wide guardrails",
        ORG_QUOTAS,
    ),
    "Organization.trusted_services": Cap(60, "items", "the AWS services that can integrate with Organizations (about 50)", ORG_QUOTAS),
    "Organization.platform_admins": Cap(
        50, "items", "break-glass admins: each is a group membership managed in the identity stack", SSO_QUOTAS, fill=False
    ),
    "Organization.adoptable_accounts": Cap(
        1000, "items", "accounts in an organization (a quota the platform raises)", ORG_QUOTAS, fill=False
    ),
    "Organization.account_moves": Cap(
        1000, "items", "one entry per team whose accounts are moving (an organization's accounts, a quota)", ORG_QUOTAS, fill=False
    ),
    "Network.studio_allowed_cidrs": Cap(
        40,
        "items",
        "the Studio network guardrail lists them in an SCP of at most 5,120 characters, beside the other organization-wide guardrails",
        ORG_QUOTAS,
    ),
    "EnvironmentsFile.environments": Cap(
        10, "items", "each environment is an account per team; Organizations nests OUs 5 deep", ORG_QUOTAS, fill=False
    ),
    "Environment.organizational_unit": Cap(
        256, "characters", "the OU path is the OU's `ou_path` tag value, which AWS caps at 256 characters", TAGGING
    ),
    "AccessFile.permission_sets": Cap(
        2000, "items", "IAM Identity Center allows 2,000 permission sets per instance", SSO_QUOTAS, fill=False
    ),
    "AccessFile.roles": Cap(100, "items", "each role is an Identity Center group per team", SSO_QUOTAS, fill=False),
    "PermissionSet.managed_policies": Cap(
        20, "items", "IAM Identity Center attaches at most 20 managed policies to a permission set", SSO_QUOTAS
    ),
    "PermissionSet.description": Cap(
        700,
        "characters",
        "CreatePermissionSet's Description (Latin-1 characters only)",
        "https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html",
    ),
    "PeopleFile.people": Cap(100_000, "items", "an Identity Center identity store holds 100,000 users", SSO_QUOTAS, fill=False),
    "Person.email": Cap(
        254,
        "characters",
        "the longest email address SMTP delivers (RFC 5321); Identity Center takes 1,024",
        "https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_Email.html",
    ),
    "Person.given_name": Cap(64, "characters", "the account's given name in IAM Identity Center", SSO_QUOTAS),
    "Person.family_name": Cap(64, "characters", "the account's family name in IAM Identity Center", SSO_QUOTAS),
    "CatalogFile.templates": Cap(
        100,
        "items",
        "each template is a Service Catalog portfolio; 100 portfolios per account",
        "https://docs.aws.amazon.com/servicecatalog/latest/adminguide/limits.html",
        fill=False,
    ),
    "Template.previous": Cap(
        99,
        "items",
        "each version is a provisioning artifact; 100 per product",
        "https://docs.aws.amazon.com/servicecatalog/latest/adminguide/limits.html",
        fill=False,
    ),
    "Template.owner": Cap(
        50,
        "characters",
        "the portfolio's ProviderName, at most 50 characters",
        "https://docs.aws.amazon.com/servicecatalog/latest/dg/API_CreatePortfolio.html",
    ),
    "Template.description": Cap(
        700,
        "characters",
        "the product and portfolio descriptions (2,000 characters)",
        "https://docs.aws.amazon.com/servicecatalog/latest/dg/API_CreatePortfolio.html",
    ),
    "Team.description": Cap(700, "characters", "the team's groups' descriptions (1,024 characters)", SSO_QUOTAS),
    "Team.cost_center": Cap(255, "characters", "the `cost_center` tag value (CodeBuild takes 255)", TAGGING),
    "Team.owners": Cap(
        10,
        "items",
        "owners receive the budget alerts; a budget notification has at most 10 email subscribers",
        "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html",
    ),
    "Team.environments": Cap(
        10, "items", "one account per environment of environments.yaml (the max registry has a few)", ORG_QUOTAS, fill=False
    ),
    "Team.members": Cap(100, "items", "each member with Studio is a user profile in each team account's domain", SSO_QUOTAS),
    "SageMaker.instance_types": Cap(
        60,
        "items",
        "the team's instance-type SCP lists them in at most 5,120 characters",
        ORG_QUOTAS,
    ),
    "SageMaker.project_templates": Cap(
        100,
        "items",
        "one portfolio association per template (100 portfolios per account); at most the catalog's templates",
        "https://docs.aws.amazon.com/servicecatalog/latest/adminguide/limits.html",
        fill=False,
    ),
    "Team.shares": Cap(
        10,
        "items",
        "s3_prefix shares add statements to the producer's bucket policy (20 KB) and key policy (32 KB)",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
    ),
    "Share.to": Cap(
        10,
        "items",
        "each consumer is a principal in the producer's resource policies (a CodeArtifact-like 7,168-character policy at the smallest)",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
    ),
    "Share.resource": Cap(256, "characters", "a resource name or bucket/prefix", TAGGING),
    "TeamLibraries.publish": Cap(
        20,
        "items",
        "package ARNs in the team's execution and deploy roles' policies (IAM: 10,240 characters inline and 10 managed "
        "policies of 6,144 per role)",
        IAM_QUOTAS,
    ),
    # Not a field: how many shares one team account may consume (counted over every team's `to` lists).
    CONSUMED_SHARES: Cap(
        20,
        "items",
        "each share an account consumes adds statements to its execution role's policies (IAM: 10,240 characters inline "
        "and 10 managed policies of 6,144 per role)",
        IAM_QUOTAS,
    ),
}


def cap(key: str) -> Cap:
    return CAPS[key]


def described(key: str, text: str = "") -> str:
    """A field's description with its cap: what the JSON Schema and the registry reference show."""
    return f"{text}; {cap(key).text}" if text else cap(key).text


def schema(key: str) -> dict[str, int]:
    """The cap as JSON Schema (`maxItems` or `maxLength`), for editors; validate reports it with its reason."""
    c = cap(key)
    return {"maxItems" if c.unit == "items" else "maxLength": c.max}


def field(key: str, text: str = "") -> dict[str, Any]:
    """Keyword arguments of a capped pydantic Field: its description and its JSON Schema bound."""
    return {"description": described(key, text), "json_schema_extra": schema(key)}
