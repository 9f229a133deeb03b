"""Every command in one place: its name, help, arguments and typed options, whether it builds constructs, and its exit
codes (`Command`, the table `COMMANDS`). modules/commands/cli.py builds the parser from the table and runs the
command's function, which gets its options and nothing else; a command module never parses and never exits.

Only light modules are imported here (dataclasses, argparse and a few constants), so that parsing the command line
loads nothing of the compiler: only the command that runs is imported.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date

from ..post import exits as post_exits
from ..post.deadline import CALL_SECONDS, RUN_SECONDS
from ..post.jobs import JOBS  # the one registry of job names: --job's choices
from ..review import drift
from . import Command
from .argtypes import day, positive, seconds, shard


def _none(p: argparse.ArgumentParser) -> None:
    """A command with no arguments of its own."""


# ---------------------------------------------------------------- each command: its options, then its arguments


@dataclass(frozen=True)
class RegistryOptions:
    """graph: only the registry folder."""

    registry: str


@dataclass(frozen=True)
class ValidateOptions:
    registry: str
    today: date | None = None  # refuse expired entries this change adds or changes (the day is given, never read)
    base: str | None = None  # the git ref to compare with (with today)


def _validate(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--today",
        type=day,
        metavar="YYYY-MM-DD",
        help="also refuse expired time-bound access (members[].until, grants) that this change adds or changes; warn on the rest",
    )
    p.add_argument("--base", metavar="REF", help="with --today: the git ref whose registry the change is compared with")


@dataclass(frozen=True)
class ExpireOptions:
    registry: str
    today: date
    files: tuple[str, ...] = ()  # only these files (relative to the registry folder); () every file
    allow_file: str = "allow-destroy.yaml"
    dry_run: bool = False
    format: str = "text"  # text | json


def _expire(p: argparse.ArgumentParser) -> None:
    p.add_argument("--today", type=day, required=True, metavar="YYYY-MM-DD", help="the day (UTC) the run is for")
    p.add_argument(
        "--file", action="append", default=[], dest="files", metavar="FILE", help="only this file, relative to the registry (repeatable)"
    )
    p.add_argument(
        "--allow-file", default="allow-destroy.yaml", metavar="FILE", help="the platform's opt-ins (default: allow-destroy.yaml)"
    )
    p.add_argument("--dry-run", action="store_true", help="say what would be removed; write nothing")
    p.add_argument("--format", choices=("text", "json"), default="text")


@dataclass(frozen=True)
class SynthOptions:
    registry: str
    out: str | None  # None: $CDKTF_OUTDIR, else generated
    allow_destroy: bool = False
    quiet: bool = False
    full: bool = False
    jobs: int | None = None  # None: one worker per core


def _synth(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=None, metavar="DIR", help="output folder (default: generated, or $CDKTF_OUTDIR)")
    p.add_argument(
        "--allow-destroy",
        action="store_true",
        help="allow destroying or replacing what the previous output manages: a removed stack or share, a removed "
        "Studio profile, a change that forces a stateful resource to be replaced",
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.add_argument(
        "--full", action="store_true", help="rebuild every stack (default: only stacks whose inputs changed since the last synth)"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes that build stacks (default: one per core that has 1 GB of memory free)",
    )


@dataclass(frozen=True)
class SharesOptions:
    registry: str
    format: str  # table | json


def _shares(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "json"), default="table")


@dataclass(frozen=True)
class DiffOptions:
    registry: str
    base: str
    out: str
    no_synth: bool
    format: str  # md | json
    plans: str | None = None


def _diff(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", required=True, metavar="REF", help="git ref to compare with (e.g. origin/main)")
    p.add_argument("--out", default="generated", metavar="DIR", help="where the output is committed (default: generated)")
    p.add_argument(
        "--no-synth", action="store_true", help="compare with the output folder as it is instead of a fresh synth of the registry"
    )
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument(
        "--plans",
        metavar="DIR",
        help="folder of `terraform show -json` plans, one <stack>.json per stack: "
        "adds Terraform's counts (add, change, replace, destroy) and the addresses it replaces or destroys",
    )


@dataclass(frozen=True)
class CheckDestroyOptions:
    base: str
    out: str
    allow_file: str
    head: str | None = None


def _check_destroy(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", required=True, metavar="REF", help="git ref whose committed output to compare with")
    p.add_argument("--out", default="generated", metavar="DIR", help="the output folder of this change (default: generated)")
    p.add_argument(
        "--head",
        metavar="REF",
        help="read the output and the opt-ins as committed at REF (CI: the pull request's merge commit) instead of the working tree",
    )
    p.add_argument(
        "--allow-file",
        default="allow-destroy.yaml",
        metavar="FILE",
        help="the platform's opt-ins (default: allow-destroy.yaml at the repository root)",
    )


@dataclass(frozen=True)
class CheckStacksOptions:
    repo: str  # a folder inside the repository
    rev: str  # the commit whose tree is read
    stacks: tuple[str, ...] = ()  # only these (default: every stack folder of the commit)
    rebuild: str = "auto"  # auto | never
    atlantis: bool = False  # check the Atlantis project of this step (PROJECT_NAME, REPO_REL_DIR, WORKSPACE)


def _check_stacks(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", metavar="DIR", help="a folder inside the repository (default: .)")
    p.add_argument("--rev", default="HEAD", metavar="REV", help="the commit to check (default: HEAD)")
    p.add_argument("--stack", action="append", default=[], dest="stacks", metavar="NAME", help="only this stack (repeatable)")
    p.add_argument(
        "--rebuild",
        choices=("auto", "never"),
        default="auto",
        help="auto: when the commit's compiler is this one, its stacks must equal this compiler's build of its registry",
    )
    p.add_argument(
        "--atlantis",
        action="store_true",
        help="an Atlantis step: check only the project it runs for (PROJECT_NAME, REPO_REL_DIR, WORKSPACE) and atlantis.yaml",
    )


@dataclass(frozen=True)
class AccessOptions:
    registry: str
    format: str  # md | csv | json
    person: str | None = None
    account: str | None = None
    drift: str | None = None  # the access-drift job's JSON report: its findings join the review as "not from the registry"


def _access(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("md", "csv", "json"), default="md")
    p.add_argument("--person", metavar="USER", help="only this person's access")
    p.add_argument("--account", metavar="KEY", help="only this account (<team>-<environment>, shared-services, log-archive)")
    p.add_argument(
        "--drift", metavar="FILE", help="the JSON report of `access-drift`: add what people have that the registry does not grant"
    )


@dataclass(frozen=True)
class PostOptions:
    mode: str  # plan | apply
    stacks: tuple[str, ...]
    all: bool
    job: str | None
    tf_outputs: str | None
    tf_plan: str | None
    manifests: str
    format: str  # table | json
    timeout: float
    call_timeout: float
    registry: str | None = None  # rebuild the manifests from this registry instead of reading --manifests


def _post(p: argparse.ArgumentParser) -> None:
    p.add_argument("mode", choices=("plan", "apply"), nargs="?", default="plan")
    p.add_argument("--stack", action="append", default=[], dest="stacks", metavar="NAME", help="a stack (repeatable)")
    p.add_argument("--all", action="store_true", help="every stack that has a manifest")
    p.add_argument("--job", choices=tuple(JOBS), help="only this job")
    p.add_argument("--tf-outputs", metavar="FILE", help="`terraform output -json` of the stack (exactly one --stack)")
    p.add_argument("--tf-plan", metavar="FILE", help="`terraform show -json` of the stack's plan (for studio-cleanup; exactly one --stack)")
    p.add_argument("--manifests", default="generated/post", metavar="DIR", help="default: generated/post")
    p.add_argument(
        "--registry",
        metavar="DIR",
        help="rebuild the manifests from this registry with this compiler instead of reading --manifests "
        "(Atlantis: a checkout's generated/post is never trusted as it is)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--timeout",
        type=seconds,
        default=RUN_SECONDS,
        metavar="SECONDS",
        help=f"bound of the whole run, waits included (default: {RUN_SECONDS:g})",
    )
    p.add_argument(
        "--call-timeout",
        type=seconds,
        default=CALL_SECONDS,
        metavar="SECONDS",
        help=f"bound of one API call, throttling retries included (default: {CALL_SECONDS:g})",
    )


@dataclass(frozen=True)
class DriftOptions:
    stacks: str
    stack: tuple[str, ...] = ()  # only these stacks; () every stack in the folder
    shard: str | None = None  # "K/N": the stacks whose name hashes to K modulo N
    jobs: int = 4
    init: bool = False
    timeout: float = 1800.0  # per terraform command
    format: str = "md"  # md | json


def _drift(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stacks", default="generated/stacks", metavar="DIR", help="default: generated/stacks")
    p.add_argument("--stack", action="append", default=[], metavar="NAME", help="only this stack (repeatable)")
    p.add_argument("--shard", type=shard, metavar="K/N", help="only the stacks whose name hashes to K modulo N (one night's share)")
    p.add_argument("--jobs", type=positive, default=4, metavar="N", help="stacks planned at once (default: 4)")
    p.add_argument("--init", action="store_true", help="terraform init each stack first (with its backend)")
    p.add_argument("--timeout", type=seconds, default=1800.0, metavar="SECONDS", help="bound of each terraform command (default: 1800)")
    p.add_argument("--format", choices=("md", "json"), default="md")


@dataclass(frozen=True)
class AccessDriftOptions:
    manifests: str
    stacks: tuple[str, ...] = ()  # () every stack whose manifest has the access-drift section
    shard: str | None = None  # "K/N": the stacks whose name hashes to K modulo N
    account_role: str | None = None  # the role assumed in member accounts (None: the post-step's default)
    format: str = "md"  # md | json | table
    timeout: float = 900.0
    call_timeout: float = 60.0


def _access_drift(p: argparse.ArgumentParser) -> None:
    p.add_argument("--manifests", default="generated/post", metavar="DIR", help="default: generated/post")
    p.add_argument("--stack", action="append", default=[], dest="stacks", metavar="NAME", help="only this stack (repeatable)")
    p.add_argument("--shard", type=shard, metavar="K/N", help="only the stacks whose name hashes to K modulo N (one night's share)")
    p.add_argument(
        "--account-role", metavar="NAME", help="the role to assume in member accounts (the read-only <org>-plan in the scheduled run)"
    )
    p.add_argument("--format", choices=("md", "json", "table"), default="md")
    p.add_argument(
        "--timeout", type=seconds, default=RUN_SECONDS, metavar="SECONDS", help=f"bound of the whole run (default: {RUN_SECONDS:g})"
    )
    p.add_argument(
        "--call-timeout", type=seconds, default=CALL_SECONDS, metavar="SECONDS", help=f"bound of one API call (default: {CALL_SECONDS:g})"
    )


@dataclass(frozen=True)
class SchemaOptions:
    registry: str
    check: bool


def _schema(p: argparse.ArgumentParser) -> None:
    p.add_argument("--check", action="store_true", help="exit 1 if the committed schema is stale instead of writing")


# ---------------------------------------------------------------- the table, in the order `--help` lists them

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command("validate", "validate", "check the registry and report every mistake with file:line", ValidateOptions, _validate),
        Command(
            "expire",
            "expire",
            "remove the memberships and grants that expired before --today from their files (every other byte kept), "
            "with allow-destroy.yaml entries for the Studio profiles that go",
            ExpireOptions,
            _expire,
        ),
        Command("synth", "synth", "compile the registry into Terraform JSON under --out", SynthOptions, _synth, cdktn=True),
        Command("shares", "shares", "print the share graph: producer -> consumers, kind, access", SharesOptions, _shares),
        Command("diff", "diff", "what the change since a git ref means: access, accounts, shares, stacks", DiffOptions, _diff, cdktn=True),
        Command(
            "check-destroy",
            "check_destroy",
            "CI: fail when the output destroys or replaces what the base branch's output manages, "
            "unless this change adds a platform opt-in (allow-destroy.yaml)",
            CheckDestroyOptions,
            _check_destroy,
            registry=False,
        ),
        Command(
            "check-stacks",
            "check_stacks",
            "CI and Atlantis, before terraform init: refuse a commit's stacks unless they hold only what the compiler emits "
            "for its registry (read from git's tree, never from a working folder)",
            CheckStacksOptions,
            _check_stacks,
            registry=False,
        ),
        Command("access", "access", "the access review: every person x account, what grants it, Studio", AccessOptions, _access),
        Command("graph", "graph", "a Mermaid diagram of OUs, team accounts and shares", RegistryOptions, _none),
        Command(
            "post",
            "post",
            "the boto3 post-step: plan (dry run) or apply what Terraform cannot manage",
            PostOptions,
            _post,
            registry=False,  # its own --registry: rebuild the manifests from it
            exits=post_exits.POST,
            epilog="Exit codes of post: 0 nothing pending, 1 something failed (a stack's error, a missing prerequisite, "
            "a time bound reached, changes left after apply), 2 changes pending (plan only), 3 usage or "
            "environment problem (arguments, manifests folder, unreadable file): the run did not start.",
        ),
        Command(
            "drift",
            "drift",
            "refresh-only plan of every stack: what changed outside Terraform (attribute names, never values)",
            DriftOptions,
            _drift,
            registry=False,
            exits=drift.EXITS,
            epilog="Exit codes of drift: 0 every stack in sync, 2 drift found, 1 a stack could not be checked (the others are "
            "still reported), 3 usage or environment problem.",
        ),
        Command(
            "access-drift",
            "access_drift",
            "read-only: Identity Center assignments, group members, permission sets, Studio profiles, RAM shares and "
            "resource-policy principals that the registry does not grant, each with how to remove it",
            AccessDriftOptions,
            _access_drift,
            registry=False,
            exits=post_exits.ACCESS_DRIFT,
            epilog="Exit codes of access-drift: 0 nothing found, 2 access not from the registry found, 1 a stack could not be "
            "checked (the others are still reported), 3 usage or environment problem.",
        ),
        Command(
            "schema",
            "schema",
            "write the registry's JSON Schema (<registry>/schema.json) and reference (docs/registry.md)",
            SchemaOptions,
            _schema,
        ),
    )
}
