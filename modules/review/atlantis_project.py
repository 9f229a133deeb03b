"""What the first step of every Atlantis workflow stage checks about the project it runs for.

The repository's `atlantis.yaml` is read by Atlantis from the pull request: the server-side repo config
(atlantis/repos.yaml) lets it override nothing (`allowed_overrides: []`: no workflow, no requirements), but
a project's `dir`, `workspace`, `terraform_version`, `branch` and the repository's `autodiscover` and
`policies` keys are not overrides, so a pull request could still point a project at a folder of its own or pick
another Terraform, and a comment can append Terraform arguments (`atlantis plan -- -var-file=...`). Atlantis passes
the project and those arguments to each step (`PROJECT_NAME`, `REPO_REL_DIR`, `WORKSPACE`, `COMMENT_ARGS`,
https://www.runatlantis.io/docs/custom-workflows#custom-run-command); this refuses a project that is not one of
the registry's stacks in its own folder, comment arguments, and an `atlantis.yaml` with any key the compiler does not
write.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from .stacktree import STACKS
from .strictjson import shown

REPO_KEYS = frozenset({"version", "automerge", "parallel_plan", "parallel_apply", "projects"})
PROJECT_KEYS = frozenset({"name", "dir", "execution_order_group", "depends_on", "autoplan"})


def env_problems(env: Mapping[str, str], stacks: frozenset[str]) -> list[str]:
    """The project Atlantis runs this step for must be a stack of the registry, in its folder, default workspace."""
    name, rel_dir, workspace = env.get("PROJECT_NAME", ""), env.get("REPO_REL_DIR", ""), env.get("WORKSPACE", "")
    out = []
    if name not in stacks:
        out.append(f"Atlantis project {shown(name)} is not a stack the registry derives")
    elif rel_dir != f"{STACKS}/{name}":
        out.append(f"Atlantis project {shown(name)} runs in {shown(rel_dir)}, not in its stack folder {STACKS}/{name}")
    if workspace != "default":
        out.append(f"Atlantis project {shown(name)} uses workspace {shown(workspace)}; every stack plans in `default`")
    if env.get("COMMENT_ARGS"):
        # `atlantis plan -- -var-file=/proc/self/environ`: Terraform would quote the file in its error message
        out.append("extra Terraform arguments from a comment (atlantis plan -- ...) are not accepted: the stacks need none")
    return out


def repo_config_problems(text: bytes | None, stacks: frozenset[str], expected: str | None) -> list[str]:
    """The committed atlantis.yaml: exactly `expected` (this compiler's, when the commit's compiler is the same),
    else only the keys the compiler writes, each project one of the registry's stacks in its folder."""
    if text is None:
        return ["atlantis.yaml: missing at the repository root"]
    if expected is not None:
        return [] if text == expected.encode() else ["atlantis.yaml: differs from what the registry compiles to (run `make synth`)"]
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return ["atlantis.yaml: not YAML"]
    if not isinstance(doc, dict):
        return ["atlantis.yaml: not a mapping"]
    out = [f"atlantis.yaml: key {shown(str(k))} is not one the compiler writes" for k in sorted(map(str, set(doc) - REPO_KEYS))]
    projects = doc.get("projects")
    if not isinstance(projects, list):
        return out + ["atlantis.yaml: projects is not a list"]
    for n, p in enumerate(projects):
        if not isinstance(p, dict):
            out.append(f"atlantis.yaml: projects[{n}] is not a mapping")
            continue
        out += [
            f"atlantis.yaml: projects[{n}].{shown(str(k))} is not a key the compiler writes"
            for k in sorted(map(str, set(p) - PROJECT_KEYS))
        ]
        name = p.get("name")
        if name not in stacks or p.get("dir") != f"{STACKS}/{name}":
            out.append(f"atlantis.yaml: projects[{n}] is not a stack of the registry in its own folder")
    return out
