"""Checks of access.yaml, people.yaml and catalog.yaml."""
from __future__ import annotations

import json
from collections import Counter

from ... import naming
from ..errors import RegistryError, show, unknown
from ..load import Sources, missing_file
from ..model import Registry
from ._common import ACCESS, CATALOG, PEOPLE, _index




def check_people(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    doc = src.docs[PEOPLE]
    items = doc.data.get("people") or []
    first_user: dict[str, int] = {}
    first_email: dict[str, int] = {}
    first_github: dict[str, int] = {}
    managed = reg.organization.identity_center.users == "managed"
    for i, item in enumerate(items):
        user, gh = item.get("user_name"), item.get("github")
        email = item["email"].lower() if isinstance(item.get("email"), str) else None
        if managed:
            absent = [f for f in ("email", "given_name", "family_name") if not item.get(f)]
            if absent:
                errors.append(src.error(PEOPLE, ("people", i), f"missing {', '.join(absent)}: required when "
                                        "identity_center.users is managed (users are created from people.yaml)"))
        if user in first_user:
            errors.append(src.error(PEOPLE, ("people", i, "user_name"),
                                    f"user_name {show(user)} is used twice (first on line {doc.line('people', first_user[user])})"))
        first_user.setdefault(user, i)
        if email is not None:
            if email in first_email:
                errors.append(src.error(PEOPLE, ("people", i, "email"), f"email {show(item.get('email'))} is used twice "
                                        f"(first on line {doc.line('people', first_email[email])})"))
            first_email.setdefault(email, i)
        if gh is not None:
            if gh.lower() in first_github:
                errors.append(src.error(PEOPLE, ("people", i, "github"), f"GitHub handle {show(gh)} is used twice"))
            first_github.setdefault(gh.lower(), i)
    return errors


def check_roles(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    envs = {e.name: e for e in reg.environments}
    for role_name, role in reg.roles.items():
        for env_name, ps_name in role.permission_sets.items():
            path = ("roles", role_name, "permission_sets", env_name)
            if env_name not in envs:
                errors.append(src.error(ACCESS, path, unknown("environment", env_name, envs)))
                continue
            if ps_name not in reg.permission_sets:
                errors.append(src.error(ACCESS, path, unknown("permission set", ps_name, reg.permission_sets)))
                continue
            env, ps = envs[env_name], reg.permission_sets[ps_name]
            if env.human_access == "none":
                errors.append(src.error(ACCESS, path, f"environment {show(env_name)} gives people no access "
                                        f"(human_access: none); remove the mapping to {show(ps_name)}"))
            elif env.human_access == "read" and ps.access_level == "write":
                prod = " production" if env.production else ""
                errors.append(src.error(ACCESS, path, f"permission set {show(ps_name)} has access_level write but{prod} "
                                        f"environment {show(env_name)} allows at most read"))
    return errors


def check_permission_sets(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    for key, ps in reg.permission_sets.items():
        if key == naming.PLATFORM_ADMIN_PERMISSION_SET:
            errors.append(src.error(ACCESS, ("permission_sets", key), f"the name {show(key)} is reserved for the "
                                    "platform admins' permission set that the compiler creates"))
        if not ps.managed_policies and not ps.inline_policy:
            errors.append(src.error(ACCESS, ("permission_sets", key), "grants nothing: give managed_policies or an inline_policy"))
        if ps.inline_policy:
            path = ("permission_sets", key, "inline_policy")
            text = reg.files.get(ps.inline_policy)
            if text is None:
                errors.append(src.error(ACCESS, path, missing_file(src, "policy file", ps.inline_policy)))
            else:
                problem = iam_policy_problem(text)
                if problem:
                    errors.append(src.error(ACCESS, path, f"policy file {show(ps.inline_policy)} {problem}"))
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
        return f"must have \"Version\": \"2012-10-17\" (got {doc.get('Version')!r})"
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


def check_catalog(reg: Registry, src: Sources) -> list[RegistryError]:
    errors = []
    names = Counter(t.name for t in reg.templates)
    for t in reg.templates:
        i = _index(src, CATALOG, "templates", "name", t.name)
        if names[t.name] > 1:
            errors.append(src.error(CATALOG, ("templates", i, "name"), f"template {show(t.name)} is defined {names[t.name]} times"))
        if t.template not in reg.files:
            errors.append(src.error(CATALOG, ("templates", i, "template"), missing_file(src, "template file", t.template)))
    return errors
