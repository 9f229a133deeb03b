"""The registry's constrained field types: patterns with their help text, free text, CIDRs, durations, money.
Each carries its description into the JSON Schema; model.py builds the models from them."""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

# Patterns are ASCII classes only ([0-9], never \d, which is Unicode and lets '１２３' or '١٢٣' through) and
# match the whole value: pydantic's regex engine anchors `$` at the very end, and the Python-side patterns
# are used with fullmatch (`$` in `re.match` also matches before a trailing newline). tests/registry/
# test_patterns.py sweeps every pattern with Unicode digits and trailing newlines.
# What a pattern means in words, for error messages: pattern -> help.
PATTERN_HELP: dict[str, str] = {}


def pattern(regex: str, help: str, **field: Any) -> Any:
    """A field's pattern with its help text, for `Annotated[str, pattern(...)]` (a plain alias mypy reads as str)."""
    PATTERN_HELP[regex] = help
    return Field(pattern=regex, description=help, **field)


Slug = Annotated[str, pattern(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$", "3 to 20 lowercase letters, digits or hyphens, starting with a letter")]
EnvName = Annotated[str, pattern(r"^[a-z][a-z0-9]{1,9}$", "2 to 10 lowercase letters or digits, starting with a letter")]
RoleName = Annotated[str, pattern(r"^[A-Za-z][A-Za-z0-9_-]{0,30}[A-Za-z0-9]$", "2 to 32 letters, digits, _ or -, starting with a letter")]
# An IAM role name (no path): https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName).
IamRoleName = Annotated[str, pattern(r"^[A-Za-z0-9+=,.@_-]{1,64}$", "an IAM role name: 1 to 64 letters, digits or +=,.@_-")]
PermissionSetKey = Annotated[
    str, pattern(r"^[A-Za-z0-9+=,.@_-]{1,32}$", "1 to 32 letters, digits or +=,.@_- (the Identity Center permission set name)")
]
# Quote account ids ("012345678901"). The compiler keeps an unquoted one's text too, but YAML 1.2 tools (editors,
# check-jsonschema, yq) read it as a number and drop leading zeros: the schema accepts that number, so they do not
# flag a file the compiler accepts.
ACCOUNT_ID_HELP = 'exactly 12 digits 0-9; quote it ("012345678901"): unquoted, YAML 1.2 tools read a number'
AccountId = Annotated[
    str,
    pattern(r"^[0-9]{12}$", ACCOUNT_ID_HELP),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]{12}$"},
                {"type": "integer", "minimum": 0, "maximum": 999999999999},
            ],
            "description": ACCOUNT_ID_HELP,
        }
    ),
]
Region = Annotated[str, pattern(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$", "an AWS region name such as eu-west-1")]
UserName = Annotated[str, pattern(r"^[A-Za-z0-9+=,.@_-]{1,128}$", "1 to 128 letters, digits or +=,.@_-")]
Email = Annotated[str, pattern(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", "an email address such as alice@example.com")]
GitHubHandle = Annotated[
    str,
    pattern(
        r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$", "a GitHub user name (letters, digits and inner hyphens, at most 39 characters)"
    ),
]
# Each part at most 16 characters: the instance-type SCP and the execution role's conditions list them all.
InstanceType = Annotated[
    str,
    pattern(r"^ml\.[a-z0-9]{1,16}\.[a-z0-9]{1,16}$", "a SageMaker instance type such as ml.m5.xlarge (each part at most 16 characters)"),
]
BucketName = Annotated[
    str, pattern(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens")
]
OuPath = Annotated[
    str,
    pattern(
        r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}(/[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}){0,4}$",
        "an OU path under the root such as Workloads/Prod: 1 to 5 names of letters, digits, space, _.- separated by /",
    ),
]
ManagedPolicyArn = Annotated[
    str,
    pattern(
        r"^arn:aws[a-z-]*:iam::aws:policy/[A-Za-z0-9+=,.@_/-]{1,512}$",
        "an AWS managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess",
    ),
]
RelPath = Annotated[
    str,
    pattern(
        r"^[A-Za-z0-9_][A-Za-z0-9_/-]*(\.[A-Za-z0-9_/-]+)*$",
        "a relative path under registry/ such as policies/x.json (letters, digits, _-/ and single dots; no '..', no leading '/')",
    ),
]
Version = Annotated[str, pattern(r"^[0-9]+\.[0-9]+\.[0-9]+$", "a semantic version such as 1.2.0")]
ShareName = Annotated[
    str, pattern(r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$", "3 to 63 lowercase letters, digits or hyphens, starting with a letter")
]
InstanceArn = Annotated[
    str,
    pattern(
        r"^arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$",
        "an Identity Center instance ARN such as arn:aws:sso:::instance/ssoins-1234567890abcdef",
    ),
]
IdentityStoreId = Annotated[str, pattern(r"^d-[0-9a-f]{10}$", "an identity store id such as d-1234567890")]
# Tags reach every taggable resource, so they fit the strictest service the compiler tags: CodeBuild takes keys of
# at most 127 characters and values of at most 255 (botocore's codebuild model, KeyInput and ValueInput;
# https://docs.aws.amazon.com/codebuild/latest/APIReference/API_Tag.html), one less than most services.
TAG_KEY_MAX, TAG_VALUE_MAX = 127, 255
TagKey = Annotated[
    str,
    pattern(
        rf"^[A-Za-z0-9 _.:/=+@-]{{1,{TAG_KEY_MAX}}}$",
        f"1 to {TAG_KEY_MAX} letters, digits, spaces or _.:/=+@- (CodeBuild's limit, the strictest of the services tagged)",
    ),
]
# An empty tag value is refused: CloudTrail's and Service Catalog's tags need at least one character
# (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Tag.html).
TagValue = Annotated[
    str,
    pattern(
        rf"^[A-Za-z0-9 _.:/=+@-]{{1,{TAG_VALUE_MAX}}}$",
        f"1 to {TAG_VALUE_MAX} letters, digits, spaces or _.:/=+@- (CloudTrail and Service Catalog refuse an empty tag value, "
        "CodeBuild a longer one)",
    ),
]
OrganizationId = Annotated[str, pattern(r"^o-[a-z0-9]{10,32}$", "an organization id such as o-a1b2c3d4e5")]
ServicePrincipal = Annotated[
    str,
    pattern(
        r"^[a-z0-9][a-z0-9-]{0,62}(\.[a-z0-9][a-z0-9-]{0,62}){0,1}\.amazonaws\.com$",
        "an AWS service principal such as guardduty.amazonaws.com (at most 128 characters, as EnableAWSServiceAccess takes)",
    ),
]
BucketSuffix = Annotated[str, pattern(r"^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$", "1 to 16 lowercase letters, digits or inner hyphens")]
CodeArtifactName = Annotated[
    str, pattern(r"^[a-z][a-z0-9-]{0,48}[a-z0-9]$", "2 to 50 lowercase letters, digits or hyphens, starting with a letter")
]
# https://packaging.python.org/en/latest/specifications/name-normalization/ : a valid distribution name
PackageName = Annotated[
    str,
    pattern(
        r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]{0,98}[A-Za-z0-9])$",
        "a PyPI package name of at most 100 characters: letters, digits and ._- inside (each is a package ARN in the team's policies)",
    ),
]
PackagePrefix = Annotated[
    str,
    pattern(
        r"^[A-Za-z0-9][A-Za-z0-9._-]{0,48}[-_.]$",
        "the start of a PyPI package name, ending with -, _ or . (compared normalized: 'Acme_' is 'acme-')",
    ),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=700), Field(description="free text, 1 to 700 characters")]


def _err(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose message is final text (braces in it are not placeholders)."""
    return PydanticCustomError(kind, "{text}", {"text": message})


def _cidr(value: str) -> str:
    try:
        net = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise _err("cidr", f"invalid IPv4 CIDR '{value}': {exc}") from None
    return str(net)


def _vpc_cidr(value: str) -> str:
    net = ipaddress.IPv4Network(_cidr(value))
    # https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html : a VPC is /16 to /28; two
    # subnets in two zones with room for interface endpoints need at least a /24.
    if not 16 <= net.prefixlen <= 24:
        raise _err("cidr", f"VPC CIDR '{value}' has prefix /{net.prefixlen}; allowed: /16 to /24")
    if not net.is_private:
        raise _err("cidr", f"VPC CIDR '{value}' is not a private (RFC 1918) range")
    return str(net)


Cidr = Annotated[str, AfterValidator(_cidr), Field(description="an IPv4 CIDR such as 203.0.113.0/24")]
VpcCidr = Annotated[str, AfterValidator(_vpc_cidr), Field(description="a private IPv4 CIDR of /16 to /24 such as 10.10.0.0/22")]

_DURATION = re.compile(r"PT(?:([0-9]{1,4})H)?(?:([0-9]{1,5})M)?")


def _session_duration(value: str) -> str:
    m = _DURATION.fullmatch(value)
    if not m or not (m.group(1) or m.group(2)):
        raise _err("duration", f"invalid session duration '{value}': use ISO-8601 such as PT8H or PT1H30M")
    minutes = int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    # https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html : 1 to 12 hours
    if not 60 <= minutes <= 720:
        raise _err("duration", f"session duration '{value}' is {minutes} minutes; allowed: 1 to 12 hours (PT1H to PT12H)")
    return value


SessionDuration = Annotated[str, AfterValidator(_session_duration), Field(description="ISO-8601 duration from PT1H to PT12H")]


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _email_template(value: str) -> str:
    missing = [p for p in ("{team}", "{environment}") if p not in value]
    if missing:
        raise _err("template", f"invalid value '{value}': must contain {' and '.join(missing)}")
    sample = value.replace("{team}", "team").replace("{environment}", "env")
    if not _EMAIL.fullmatch(sample):
        raise _err("template", f"invalid value '{value}': not an email address once {{team}} and {{environment}} are filled in")
    return value


def _latin1(value: str) -> str:
    """https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html : Description matches
    [\u0009\u000a\u000d\u0020-\u007e\u00a1-\u00ff]* (Latin-1: no em dash, no curly quotes, no emoji)."""
    bad = sorted({c for c in value if not (c in "\t\n\r" or " " <= c <= "~" or "\xa1" <= c <= "\xff")})
    if bad:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" if c.isprintable() else f"U+{ord(c):04X}" for c in bad)
        raise _err("latin1", f"invalid value {value[:60]!r}: {shown} not allowed; AWS takes Latin-1 (ISO 8859-1) characters here")
    return value


Latin1Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=700),
    AfterValidator(_latin1),
    Field(description="free text of Latin-1 (ISO 8859-1) characters, 1 to 700"),
]
EmailTemplate = Annotated[str, AfterValidator(_email_template), Field(description="email with {team} and {environment} placeholders")]
Money = Annotated[Decimal, Field(gt=0, le=100_000_000, max_digits=12, decimal_places=2, description="US dollars per month, more than 0")]

Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD text (the loader keeps scalars as text): never a number read as a Unix time."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise _err("date", "not an ISO date: write it as YYYY-MM-DD, such as 2027-03-31")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _err("date", f"not a date: {exc}") from None


# The last day of access, inclusive, in UTC: the expiry run removes the entry from the next day on. synth never reads it.
Until = Annotated[
    date,
    BeforeValidator(_iso_date),
    Field(description="the last day of access (ISO date such as 2027-03-31, inclusive, UTC); removed by the expiry run's pull request"),
]
