"""A registry at the maxima `validate` accepts, for the oracle: a few teams, every capped field at its cap.

Every list and text the caps table marks `fill` is filled to its cap (modules/registry/caps.py, the table validate
reads); names are as long as their patterns and the derived-name limits let them be together (an execution role
name `<org>-<team>-<env>-sagemaker-execution` holds 64 characters, so the longest organization and environment
names leave the team name 12); the OU paths are as deep and long as allowed; one team consumes every other team's
shares. Fields the table leaves unfilled (people, teams, templates: scale, which `make bench` measures) get a few.
Fields whose length a pattern bounds are at that bound where they reach AWS: the package prefix, an adopted account's
access role, the Git owner and connection of the seed code; end dates and grants are there too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from modules.registry.caps import CAPS, CONSUMED_SHARES
from modules.registry.checks.organization import known_regions
from modules.registry.fields import TAG_KEY_MAX, TAG_VALUE_MAX
from modules.shares import KINDS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "registry"
ORG = "o" + "r" * 18 + "g"  # 20 characters, the Slug maximum
SUFFIX = "s" * 12  # bucket_suffix: what the longest data bucket name leaves (63 characters)
ENVS = ("sandboxenv", "developenv", "preprodenv", "production")  # 10 characters each
ROLE_NAME_MAX = 64 - len("-sagemaker-execution")  # IAM role names: 64
TEAM_LEN = ROLE_NAME_MAX - len(ORG) - max(map(len, ENVS)) - 2  # 12
TEAMS = tuple(f"t{i}" + "x" * (TEAM_LEN - 3) + f"{i}" for i in range(5))
ROLES = ("lead" + "r" * 27 + "1", "viewer" + "v" * 25 + "2")  # 32 characters: the RoleName maximum
PERMISSION_SETS = ("W" * 31 + "1", "R" * 31 + "2")  # 32 characters
REGION_SORT = sorted(known_regions(), key=lambda r: (-len(r), r))
PREFIX = "p" + "k" * 48 + "-"  # libraries.package_prefix: 50 characters, the pattern's maximum
ACCESS_ROLE = "LegacyAdmin" + "=,.@_-+" + "a" * (64 - 18)  # adoptable_accounts[].access_role: an IAM role name of 64
GIT_OWNER = "/".join(f"g{i}" + "o" * 98 for i in range(5))  # 5 levels of 100 characters


def n(key: str) -> int:
    return CAPS[key].max


def _ou(root: str, i: int) -> str:
    """An OU path of 5 levels, 256 characters: the cap (the `ou_path` tag) and the pattern's depth."""
    first = f"{root}{i}" + "o" * (50 - len(root) - 1)
    rest = [f"L{level}{i}" + "u" * 47 for level in range(4)]
    path = "/".join([first, *rest])
    return (path + "x" * (n("Environment.organizational_unit") - len(path)))[: n("Environment.organizational_unit")]


def _tags() -> list[str]:
    """Organization tags at the cap: keys and values as long as the tag patterns allow."""
    out = []
    for i in range(n("Organization.tags")):
        key = f"k{i:02d}" + "K" * (TAG_KEY_MAX - 3)
        value = f"v{i:02d}" + "V" * (TAG_VALUE_MAX - 3)
        out.append(f'  "{key}": "{value}"')
    return out


def _organization(home: str) -> str:
    regions = [home] + [r for r in REGION_SORT if r != home][: n("Organization.allowed_regions") - 1]
    cidrs = [f"100.{i}.{i}.{i}/32" for i in range(100, 100 + n("Network.studio_allowed_cidrs"))]
    services = [f"s{i:02d}" + "e" * 40 + ".amazonaws.com" for i in range(n("Organization.trusted_services"))]
    return "\n".join(
        [
            f"name: {ORG}",
            'management_account_id: "100000000001"',
            'organization_id: "o-' + "a" * 32 + '"',
            f"trusted_services: [{', '.join(services)}]",
            f'bucket_suffix: "{SUFFIX}"',
            f"home_region: {home}",
            f"allowed_regions: [{', '.join(regions)}]",
            'account_email: "aws+{team}-{environment}@' + "e" * 20 + '.example"',
            "state_backend: {bucket: " + "b" * 63 + f", region: {home}}}",
            "identity_center:",
            '  instance_arn: "arn:aws:sso:::instance/ssoins-6987a1b2c3d4e5f6"',
            '  identity_store_id: "d-93671a2b3c"',
            "shared_services_account_id: '200000000002'",
            "log_archive_account_id: '300000000003'",
            "network:",
            f"  studio_allowed_cidrs: [{', '.join(cidrs)}]",
            "adoptable_accounts:",
            f"  '012345678901': {{team: {TEAMS[1]}, environment: {ENVS[3]}, access_role: '{ACCESS_ROLE}'}}",
            "libraries:",
            "  domain: d" + "d" * 48 + "n",
            "  repository: r" + "r" * 48 + "y",
            "  upstreams: [pypi, npmjs, maven-central, nuget, crates-io, rubygems]",
            f"  package_prefix: '{PREFIX}'",
            "platform_admins: [" + _person(0) + "]",
            "tags:",
            *_tags(),
        ]
    )


def _environments() -> str:
    lines = ["environments:"]
    for i, env in enumerate(ENVS):
        vpc = i > 0
        lines += [
            f"  - name: {env}",
            f"    organizational_unit: {_ou('Workloads' if i < 3 else 'Production', i)}",
            f"    production: {'true' if env == 'production' else 'false'}",
            "    budget_usd: 99999999.99",
            f"    sagemaker_network: {'vpc_only' if vpc else 'public_internet'}",
            f"    human_access: {'read' if env == 'production' else 'write'}",
            f"    vpc_cidr: 10.{10 * (i + 1)}.0.0/22",
        ]
    return "\n".join(lines)


def _latin1(length: int) -> str:
    """Text of every Latin-1 printable kind, to the length."""
    base = "Latin-1 text: é à ü ß ñ ø © ± ¿ ¡ "
    return (base * (length // len(base) + 1))[:length].rstrip() + "."


def _access() -> str:
    managed = [f"arn:aws:iam::aws:policy/P{i:02d}" + "p" * 100 for i in range(n("PermissionSet.managed_policies"))]
    lines = ["permission_sets:"]
    for key, level in zip(PERMISSION_SETS, ("write", "read"), strict=True):
        lines += [
            f"  {key}:",
            f"    description: '{_latin1(n('PermissionSet.description'))}'",
            "    session_duration: PT12H",
            f"    managed_policies: [{', '.join(managed)}]",
            "    inline_policy: policies/ml-engineer.json",
            f"    access_level: {level}",
        ]
    lines.append("roles:")
    for role, ps in zip(ROLES, PERMISSION_SETS, strict=True):
        envs = ", ".join(f"{e}: {ps}" for e in ENVS if not (ps == PERMISSION_SETS[0] and e == "production"))
        lines += [f"  {role}:", f"    studio: {'true' if role == ROLES[0] else 'false'}", f"    permission_sets: {{{envs}}}"]
    return "\n".join(lines)


def _person(i: int) -> str:
    """Studio members' user names are the 63-character profile name maximum."""
    return f"u{i:03d}" + "x" * 59


def _people(count: int) -> str:
    lines = ["people:"]
    for i in range(count):
        user = _person(i)
        local = f"{user[:30]}@"
        email = local + ".".join(["m" * 60] * 4)[: n("Person.email") - len(local) - len(".example")] + ".example"
        lines.append(
            f"  - {{user_name: {user}, email: {email}, given_name: {'G' * n('Person.given_name')}, "
            f"family_name: {'F' * n('Person.family_name')}, github: g{i:03d}" + "h" * 35 + "}"
        )
    return "\n".join(lines)


def _catalog(home: str) -> str:
    lines = [
        "git:",
        "  provider: codeconnections",
        f"  connection_arn: 'arn:aws:codeconnections:{home}:200000000002:connection/{'c' * 64}'",
        f"  owner: '{GIT_OWNER}'",
        "templates:",
    ]
    for name, template, seed in (("t" * 19 + "1", "build-train-deploy", True), ("t" * 19 + "2", "batch-inference", False)):
        lines += [
            f"  - name: {name}",
            f"    description: '{'D' * n('Template.description')}'",
            f"    template: catalog/{template}.yaml",
            *([f"    seed_code: catalog/{template}-seed/"] if seed else []),
            '    version: "999999.999999.999999"',
            f"    previous: [{{version: '0.0.1', template: catalog/{template}.yaml}}]",
            f"    owner: {'O' * n('Template.owner')}",
        ]
    return "\n".join(lines)


def _share_resource(kind: str, team: int, i: int) -> str:
    """The longest resource each kind allows, distinct per producer and share."""
    tag = f"{team}{i:02d}"
    if kind in ("model_package_group", "feature_group"):
        return f"r{tag}" + "r" * (63 - 1 - len(tag))
    if kind == "s3_prefix":
        return (f"p{tag}/" + "s" * 300)[:255] + "/"
    if kind == "ecr_repository":
        return f"r{tag}/" + "e" * (256 - 2 - len(tag))
    return f"p{tag}" + "p" * (256 - 1 - len(tag))


def _team(t: int, people: int, consumed: dict[tuple[str, str], int]) -> str:
    name = TEAMS[t]
    count = n("Team.members") if t == 0 else min(people, n("Team.members"))  # team 0 at the cap, the others a few
    # every third member's access ends some day: the date changes no output, the review shows it
    members = [f"  - {{person: {_person(i)}, role: {ROLES[i % 2]}" + (", until: 2099-12-31}" if i % 3 == 0 else "}") for i in range(count)]
    kinds = sorted(KINDS)
    shares = []
    if t > 0:  # every other team shares, team 0 first, as much as each account may consume
        targets = [(TEAMS[o], e) for o in range(len(TEAMS)) if o != t for e in ENVS]
        chosen = [x for x in targets if consumed.get(x, 0) + n("Team.shares") <= n(CONSUMED_SHARES)][: n("Share.to")]
        for x in chosen:
            consumed[x] = consumed.get(x, 0) + n("Team.shares")
        for i in range(n("Team.shares")):
            kind = kinds[i % len(kinds)]
            env = ENVS[3] if kind != "pipeline" else ENVS[1]
            to = ", ".join(f"{{team: {a}, environment: {e}}}" for a, e in chosen)
            shares += [
                f"  - name: s{t}{i:02d}" + "s" * 58 + "z",
                f"    kind: {kind}",
                f"    resource: {_share_resource(kind, t, i)}",
                f"    from: {env}",
                f"    to: [{to}]",
                "    access: read",
            ]
    publish = [(f"{PREFIX}t{t}-p{i:02d}-" + "q" * 100)[:100] for i in range(n("TeamLibraries.publish"))]
    instance_types = [f"ml.i{i:02d}" + "x" * 13 + ".z" + "y" * 15 for i in range(n("SageMaker.instance_types"))]  # 16 + 16
    envs = ", ".join(f"{e}: {{account_id: '012345678901'}}" if (t == 1 and e == ENVS[3]) else f"{e}: {{}}" for e in ENVS)
    return "\n".join(
        [
            f"name: {name}",
            f"description: '{'T' * n('Team.description')}'",
            f"cost_center: {'C' * n('Team.cost_center')}",
            f"owners: [{', '.join(_person(i) for i in range(n('Team.owners')))}]",
            f"environments: {{{envs}}}",
            "members:",
            *members,
            "sagemaker:",
            f"  instance_types: [{', '.join(instance_types)}]",
            f"  project_templates: [{'t' * 19 + '1'}, {'t' * 19 + '2'}]",
            "  idle_shutdown_minutes: 525600",
            "libraries:",
            f"  publish: [{', '.join(publish)}]",
            *(["shares:", *shares] if shares else []),
        ]
    )


def _grants(teams: int, people: int) -> str:
    """A grant into every team but the first, each of a person who is not its member, with the longest reason."""
    lines = ["grants:"]
    for t in range(1, teams):
        person = _person(max(people, n("Team.members")) - t)  # beyond the few members the other teams have
        envs = ", ".join(e for e in ENVS if e != "production")  # the Studio role maps a write permission set there
        lines += [
            f"  - person: {person}",
            f"    team: {TEAMS[t]}",
            f"    role: {ROLES[0]}",
            f"    environments: [{envs}]",
            "    until: 2099-12-31",
            f"    reason: '{'R' * 700}'",
        ]
    return "\n".join(lines)


def generate(dest: Path, *, teams: int = 5, people: int = 12) -> Path:
    """Write the registry to dest/registry and return its path."""
    reg = dest / "registry"
    reg.mkdir(parents=True)
    shutil.copytree(EXAMPLE / "catalog", reg / "catalog")
    shutil.copytree(EXAMPLE / "policies", reg / "policies")
    home = next(r for r in REGION_SORT if r.count("-") == 2 and not r.startswith(("us-gov", "cn-", "us-iso", "eusc")))
    files = {
        "organization.yaml": _organization(home),
        "environments.yaml": _environments(),
        "access.yaml": _access(),
        "people.yaml": _people(max(people, n("Team.owners"), n("Team.members"))),
        "catalog.yaml": _catalog(home),
        "grants.yaml": _grants(teams, people),
    }
    (reg / "teams").mkdir()
    consumed: dict[tuple[str, str], int] = {}
    for t in range(teams):
        files[f"teams/{TEAMS[t]}.yaml"] = _team(t, people, consumed)
    for rel, text in files.items():
        (reg / rel).write_text(text + "\n", encoding="utf-8")
    return reg
