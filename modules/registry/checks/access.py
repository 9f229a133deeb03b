"""Checks of access.yaml, people.yaml and catalog.yaml."""

from __future__ import annotations

import json
from collections import Counter

from ...base import naming
from ...base.errors import RegistryError, show, unknown
from ..model import Person, Registry
from ..source import error, line, source_of
from ._common import missing_file


def check_people(reg: Registry) -> list[RegistryError]:
    errors = []
    first_user: dict[str, Person] = {}
    first_email: dict[str, Person] = {}
    first_github: dict[str, Person] = {}
    managed = reg.organization.identity_center.users == "managed"
    # In the file's order (the registry sorts people by user_name): "first" is the first written.
    for person in sorted(reg.people, key=lambda p: source_of(p).path):
        user, gh = person.user_name, person.github
        email = person.email.lower() if person.email is not None else None
        if managed:
            absent = [f for f in ("email", "given_name", "family_name") if not getattr(person, f)]
            if absent:
                errors.append(
                    error(
                        person,
                        None,
                        f"missing {', '.join(absent)}: required when identity_center.users is managed (users are created from people.yaml)",
                    )
                )
        if user in first_user:
            errors.append(error(person, "user_name", f"user_name {show(user)} is used twice (first on line {line(first_user[user])})"))
        first_user.setdefault(user, person)
        if email is not None:
            if email in first_email:
                errors.append(
                    error(person, "email", f"email {show(person.email)} is used twice (first on line {line(first_email[email])})")
                )
            first_email.setdefault(email, person)
        if gh is not None:
            if gh.lower() in first_github:
                errors.append(error(person, "github", f"GitHub handle {show(gh)} is used twice"))
            first_github.setdefault(gh.lower(), person)
    return errors


def check_roles(reg: Registry) -> list[RegistryError]:
    errors = []
    envs = {e.name: e for e in reg.environments}
    for role in reg.roles.values():
        for env_name, ps_name in role.permission_sets.items():
            at = ("permission_sets", env_name)
            if env_name not in envs:
                errors.append(error(role, at, unknown("environment", env_name, envs)))
                continue
            if ps_name not in reg.permission_sets:
                errors.append(error(role, at, unknown("permission set", ps_name, reg.permission_sets)))
                continue
            env, ps = envs[env_name], reg.permission_sets[ps_name]
            if env.human_access == "none":
                errors.append(
                    error(
                        role,
                        at,
                        f"environment {show(env_name)} gives people no access (human_access: none); remove the mapping to {show(ps_name)}",
                    )
                )
            elif env.human_access == "read" and ps.access_level == "write":
                prod = " production" if env.production else ""
                errors.append(
                    error(
                        role,
                        at,
                        f"permission set {show(ps_name)} has access_level write but{prod} environment {show(env_name)} allows at most read",
                    )
                )
    return errors


def check_permission_sets(reg: Registry) -> list[RegistryError]:
    errors = []
    for key, ps in reg.permission_sets.items():
        if key == naming.PLATFORM_ADMIN_PERMISSION_SET:
            errors.append(
                error(ps, None, f"the name {show(key)} is reserved for the platform admins' permission set that the compiler creates")
            )
        if not ps.managed_policies and not ps.inline_policy:
            errors.append(error(ps, None, "grants nothing: give managed_policies or an inline_policy"))
        if ps.inline_policy:
            text = reg.files.get(ps.inline_policy)
            if text is None:
                errors.append(error(ps, "inline_policy", missing_file(reg.origin, "policy file", ps.inline_policy)))
            else:
                problem = iam_policy_problem(text)
                if problem:
                    errors.append(error(ps, "inline_policy", f"policy file {show(ps.inline_policy)} {problem}"))
    return errors


_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "NotPrincipal"}


def iam_policy_problem(text: str) -> str | None:
    """None if text is a JSON IAM identity policy, else what is wrong with it."""
    # https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PutInlinePolicyToPermissionSet.html : 32,768 characters
    if len(text) > 32768:
        return f"is {len(text)} characters; an inline policy may have at most 32768"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    if not isinstance(doc, dict):
        return "must hold a JSON object with Version and Statement"
    if doc.get("Version") != "2012-10-17":
        return f'must have "Version": "2012-10-17" (got {doc.get("Version")!r})'
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return "must have a non-empty Statement list"
    for i, st in enumerate(statements):
        if not isinstance(st, dict):
            return f"Statement[{i}] must be an object"
        extra = set(st) - _STATEMENT_KEYS
        if extra:
            return f"Statement[{i}] has unknown key(s) {', '.join(sorted(extra))}"
        if st.get("Effect") not in ("Allow", "Deny"):
            return f"Statement[{i}] Effect must be Allow or Deny (got {st.get('Effect')!r})"
        if ("Action" in st) == ("NotAction" in st):
            return f"Statement[{i}] needs exactly one of Action or NotAction"
        if ("Resource" in st) == ("NotResource" in st):
            return f"Statement[{i}] needs exactly one of Resource or NotResource"
        if "Principal" in st or "NotPrincipal" in st:
            return f"Statement[{i}] has a Principal: a permission set policy is an identity policy and takes none"
    return None


def check_catalog(reg: Registry) -> list[RegistryError]:
    errors = []
    names = Counter(t.name for t in reg.templates)
    reported: set[str] = set()
    for t in sorted(reg.templates, key=lambda t: source_of(t).path):  # in the file's order: a repeat at its first
        if names[t.name] > 1 and t.name not in reported:
            errors.append(error(t, "name", f"template {show(t.name)} is defined {names[t.name]} times"))
            reported.add(t.name)
        if t.template not in reg.files:
            errors.append(error(t, "template", missing_file(reg.origin, "template file", t.template)))
    return errors
