"""The command line: parse the arguments into a command's typed options, run it, map its errors to exit codes.

The commands themselves are modules/commands/ (one module each). Exit codes: 0 success, 1 the registry is wrong
(or a destroy was refused), 2 usage or environment problem; `post` has its own (0 nothing pending, 1 failed,
2 changes pending, 3 usage or environment), see modules/post/run.py.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from ..post.deadline import CALL_SECONDS, RUN_SECONDS
from ..post.exits import EXIT_FAILED as POST_FAILED
from ..post.exits import EXIT_USAGE as POST_USAGE
from ..post.jobs import JOBS  # the one registry of job names: --job's choices
from ..review.drift import EXIT_USAGE as DRIFT_USAGE
from . import EXIT_ENV, EXIT_INVALID, Invalid, Stop
from .options import (
    AccessDriftOptions,
    AccessOptions,
    CheckDestroyOptions,
    CheckStacksOptions,
    DiffOptions,
    DriftOptions,
    ExpireOptions,
    PostOptions,
    RegistryOptions,
    SchemaOptions,
    SharesOptions,
    SynthOptions,
    ValidateOptions,
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sagemaker-registry" if os.path.basename(sys.argv[0]) == "sagemaker-registry" else "python main.py",
        description="Compile the SageMaker platform registry (YAML) into Terraform with CDK Terrain.",
        epilog="Exit codes: 0 success, 1 the registry is wrong (every mistake is listed) or a destroy was refused, "
        "2 usage or environment problem. post, drift and access-drift have their own: 0 nothing pending (or found), 1 failed, "
        "2 changes pending (or drift found), 3 usage or environment (see their --help). Without a command: synth.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def with_registry(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--registry", default="registry", metavar="DIR", help="the registry folder (default: registry)")
        return sp

    v = with_registry(sub.add_parser("validate", help="check the registry and report every mistake with file:line"))
    v.add_argument(
        "--today",
        type=_day,
        metavar="YYYY-MM-DD",
        help="also refuse expired time-bound access (members[].until, grants) that this change adds or changes; warn on the rest",
    )
    v.add_argument("--base", metavar="REF", help="with --today: the git ref whose registry the change is compared with")
    ex = with_registry(
        sub.add_parser(
            "expire",
            help="remove the memberships and grants that expired before --today from their files (every other byte kept), "
            "with allow-destroy.yaml entries for the Studio profiles that go",
        )
    )
    ex.add_argument("--today", type=_day, required=True, metavar="YYYY-MM-DD", help="the day (UTC) the run is for")
    ex.add_argument(
        "--file", action="append", default=[], dest="files", metavar="FILE", help="only this file, relative to the registry (repeatable)"
    )
    ex.add_argument(
        "--allow-file", default="allow-destroy.yaml", metavar="FILE", help="the platform's opt-ins (default: allow-destroy.yaml)"
    )
    ex.add_argument("--dry-run", action="store_true", help="say what would be removed; write nothing")
    ex.add_argument("--format", choices=("text", "json"), default="text")
    s = with_registry(sub.add_parser("synth", help="compile the registry into Terraform JSON under --out"))
    s.add_argument("--out", default=None, metavar="DIR", help="output folder (default: generated, or $CDKTF_OUTDIR)")
    s.add_argument(
        "--allow-destroy",
        action="store_true",
        help="allow destroying or replacing what the previous output manages: a removed stack or share, a removed "
        "Studio profile, a change that forces a stateful resource to be replaced",
    )
    s.add_argument("--quiet", action="store_true", help="no progress line")
    s.add_argument(
        "--full", action="store_true", help="rebuild every stack (default: only stacks whose inputs changed since the last synth)"
    )
    s.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes that build stacks (default: one per core that has 1 GB of memory free)",
    )
    sh = with_registry(sub.add_parser("shares", help="print the share graph: producer -> consumers, kind, access"))
    sh.add_argument("--format", choices=("table", "json"), default="table")
    d = with_registry(sub.add_parser("diff", help="what the change since a git ref means: access, accounts, shares, stacks"))
    d.add_argument("--base", required=True, metavar="REF", help="git ref to compare with (e.g. origin/main)")
    d.add_argument("--out", default="generated", metavar="DIR", help="where the output is committed (default: generated)")
    d.add_argument(
        "--no-synth", action="store_true", help="compare with the output folder as it is instead of a fresh synth of the registry"
    )
    d.add_argument("--format", choices=("md", "json"), default="md")
    d.add_argument(
        "--plans",
        metavar="DIR",
        help="folder of `terraform show -json` plans, one <stack>.json per stack: "
        "adds Terraform's counts (add, change, replace, destroy) and the addresses it replaces or destroys",
    )
    g = sub.add_parser(
        "check-destroy",
        help="CI: fail when the output destroys or replaces what the base branch's output manages, "
        "unless this change adds a platform opt-in (allow-destroy.yaml)",
    )
    g.add_argument("--base", required=True, metavar="REF", help="git ref whose committed output to compare with")
    g.add_argument("--out", default="generated", metavar="DIR", help="the output folder of this change (default: generated)")
    g.add_argument(
        "--head",
        metavar="REF",
        help="read the output and the opt-ins as committed at REF (CI: the pull request's merge commit) instead of the working tree",
    )
    g.add_argument(
        "--allow-file",
        default="allow-destroy.yaml",
        metavar="FILE",
        help="the platform's opt-ins (default: allow-destroy.yaml at the repository root)",
    )
    cs = sub.add_parser(
        "check-stacks",
        help="CI and Atlantis, before terraform init: refuse a commit's stacks unless they hold only what the compiler emits "
        "for its registry (read from git's tree, never from a working folder)",
    )
    cs.add_argument("--repo", default=".", metavar="DIR", help="a folder inside the repository (default: .)")
    cs.add_argument("--rev", default="HEAD", metavar="REV", help="the commit to check (default: HEAD)")
    cs.add_argument("--stack", action="append", default=[], dest="stacks", metavar="NAME", help="only this stack (repeatable)")
    cs.add_argument(
        "--rebuild",
        choices=("auto", "never"),
        default="auto",
        help="auto: when the commit's compiler is this one, its stacks must equal this compiler's build of its registry",
    )
    cs.add_argument(
        "--atlantis",
        action="store_true",
        help="an Atlantis step: check only the project it runs for (PROJECT_NAME, REPO_REL_DIR, WORKSPACE) and atlantis.yaml",
    )
    a = with_registry(sub.add_parser("access", help="the access review: every person x account, what grants it, Studio"))
    a.add_argument("--format", choices=("md", "csv", "json"), default="md")
    a.add_argument("--person", metavar="USER", help="only this person's access")
    a.add_argument("--account", metavar="KEY", help="only this account (<team>-<environment>, shared-services, log-archive)")
    a.add_argument(
        "--drift", metavar="FILE", help="the JSON report of `access-drift`: add what people have that the registry does not grant"
    )
    with_registry(sub.add_parser("graph", help="a Mermaid diagram of OUs, team accounts and shares"))
    po = sub.add_parser(
        "post",
        help="the boto3 post-step: plan (dry run) or apply what Terraform cannot manage",
        epilog="Exit codes of post: 0 nothing pending, 1 something failed (a stack's error, a missing prerequisite, "
        "a time bound reached, changes left after apply), 2 changes pending (plan only), 3 usage or "
        "environment problem (arguments, manifests folder, unreadable file): the run did not start.",
    )
    po.add_argument("mode", choices=("plan", "apply"), nargs="?", default="plan")
    po.add_argument("--stack", action="append", default=[], dest="stacks", metavar="NAME", help="a stack (repeatable)")
    po.add_argument("--all", action="store_true", help="every stack that has a manifest")
    po.add_argument("--job", choices=tuple(JOBS), help="only this job")
    po.add_argument("--tf-outputs", metavar="FILE", help="`terraform output -json` of the stack (exactly one --stack)")
    po.add_argument(
        "--tf-plan", metavar="FILE", help="`terraform show -json` of the stack's plan (for studio-cleanup; exactly one --stack)"
    )
    po.add_argument("--manifests", default="generated/post", metavar="DIR", help="default: generated/post")
    po.add_argument(
        "--registry",
        metavar="DIR",
        help="rebuild the manifests from this registry with this compiler instead of reading --manifests "
        "(Atlantis: a checkout's generated/post is never trusted as it is)",
    )
    po.add_argument("--format", choices=("table", "json"), default="table")
    po.add_argument(
        "--timeout",
        type=_seconds,
        default=RUN_SECONDS,
        metavar="SECONDS",
        help=f"bound of the whole run, waits included (default: {RUN_SECONDS:g})",
    )
    po.add_argument(
        "--call-timeout",
        type=_seconds,
        default=CALL_SECONDS,
        metavar="SECONDS",
        help=f"bound of one API call, throttling retries included (default: {CALL_SECONDS:g})",
    )
    dr = sub.add_parser(
        "drift",
        help="refresh-only plan of every stack: what changed outside Terraform (attribute names, never values)",
        epilog="Exit codes of drift: 0 every stack in sync, 2 drift found, 1 a stack could not be checked (the others are "
        "still reported), 3 usage or environment problem.",
    )
    dr.add_argument("--stacks", default="generated/stacks", metavar="DIR", help="default: generated/stacks")
    dr.add_argument("--stack", action="append", default=[], metavar="NAME", help="only this stack (repeatable)")
    dr.add_argument("--shard", type=_shard, metavar="K/N", help="only the stacks whose name hashes to K modulo N (one night's share)")
    dr.add_argument("--jobs", type=_positive, default=4, metavar="N", help="stacks planned at once (default: 4)")
    dr.add_argument("--init", action="store_true", help="terraform init each stack first (with its backend)")
    dr.add_argument("--timeout", type=_seconds, default=1800.0, metavar="SECONDS", help="bound of each terraform command (default: 1800)")
    dr.add_argument("--format", choices=("md", "json"), default="md")
    ad = sub.add_parser(
        "access-drift",
        help="read-only: Identity Center assignments, group members, permission sets, Studio profiles, RAM shares and "
        "resource-policy principals that the registry does not grant, each with how to remove it",
        epilog="Exit codes of access-drift: 0 nothing found, 2 access not from the registry found, 1 a stack could not be "
        "checked (the others are still reported), 3 usage or environment problem.",
    )
    ad.add_argument("--manifests", default="generated/post", metavar="DIR", help="default: generated/post")
    ad.add_argument("--stack", action="append", default=[], dest="stacks", metavar="NAME", help="only this stack (repeatable)")
    ad.add_argument("--shard", type=_shard, metavar="K/N", help="only the stacks whose name hashes to K modulo N (one night's share)")
    ad.add_argument(
        "--account-role", metavar="NAME", help="the role to assume in member accounts (the read-only <org>-plan in the scheduled run)"
    )
    ad.add_argument("--format", choices=("md", "json", "table"), default="md")
    ad.add_argument(
        "--timeout", type=_seconds, default=RUN_SECONDS, metavar="SECONDS", help=f"bound of the whole run (default: {RUN_SECONDS:g})"
    )
    ad.add_argument(
        "--call-timeout", type=_seconds, default=CALL_SECONDS, metavar="SECONDS", help=f"bound of one API call (default: {CALL_SECONDS:g})"
    )
    sc = with_registry(
        sub.add_parser("schema", help="write the registry's JSON Schema (<registry>/schema.json) and reference (docs/registry.md)")
    )
    sc.add_argument("--check", action="store_true", help="exit 1 if the committed schema is stale instead of writing")
    return p


def _day(text: str) -> date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: {exc}") from None


def _shard(text: str) -> str:
    found = re.fullmatch(r"([0-9]+)/([0-9]+)", text)
    if not found or not int(found.group(1)) < int(found.group(2)):
        raise argparse.ArgumentTypeError(f"'{text}' is not a shard: write K/N with 0 <= K < N, such as 3/7")
    return text


def _positive(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive whole number")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number of seconds")
    return value


@dataclass(frozen=True)
class Command:
    """Where a command lives (modules/commands/<module>.py, a function of the same name) and its typed options."""

    module: str
    options: type  # a frozen dataclass of modules/commands/options.py, its fields named as the parser's dests
    cdktn: bool = False  # builds constructs: main.py re-runs Python optimized for it
    usage_exit: int = EXIT_ENV  # the exit code of a usage or environment problem (3 where 2 means something else)


COMMANDS: dict[str, Command] = {
    "validate": Command("validate", ValidateOptions),
    "expire": Command("expire", ExpireOptions),
    "synth": Command("synth", SynthOptions, cdktn=True),
    "shares": Command("shares", SharesOptions),
    "diff": Command("diff", DiffOptions, cdktn=True),
    "check-destroy": Command("check_destroy", CheckDestroyOptions),
    "check-stacks": Command("check_stacks", CheckStacksOptions),
    "access": Command("access", AccessOptions),
    "graph": Command("graph", RegistryOptions),
    "post": Command("post", PostOptions, usage_exit=POST_USAGE),
    "drift": Command("drift", DriftOptions, usage_exit=DRIFT_USAGE),
    "access-drift": Command("access_drift", AccessDriftOptions, usage_exit=POST_USAGE),
    "schema": Command("schema", SchemaOptions),
}


def options(command: Command, args: argparse.Namespace) -> Any:
    """The command's typed options: each field is the parsed argument of that name (a repeated one as a tuple)."""
    values = {f.name: getattr(args, f.name) for f in fields(command.options)}
    return command.options(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def wants_cdktn(argv: list[str]) -> bool:
    """Whether these arguments run a command that builds constructs (no arguments means synth)."""
    first = next((a for a in argv if not a.startswith("-")), "synth")
    return first in COMMANDS and COMMANDS[first].cdktn and "--help" not in argv and "-h" not in argv


def entry() -> None:
    """The installed command `sagemaker-registry` (pyproject.toml [project.scripts]): `python main.py` without main.py."""
    sys.exit(main())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    if not argv:
        argv = ["synth"]  # `cdktn synth` runs `python main.py` with no arguments
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, a usage error 2 (3 for post and drift, where 2 means something found)
        code = int(exc.code or 0)
        first = next((a for a in argv if not a.startswith("-")), "")
        return COMMANDS[first].usage_exit if code == 2 and first in COMMANDS else code
    if args.command is None:
        parser.print_help()
        return EXIT_ENV
    command = COMMANDS[args.command]
    opts = options(command, args)
    post, started = args.command == "post", False
    own = command.usage_exit != EXIT_ENV  # post, drift, access-drift: 2 means "found something", so failures are 1 and 3
    try:
        # Only the command that runs is imported: validate never loads cdktn or boto3, a no-op synth not even pydantic.
        run: Callable[[Any], int] = getattr(importlib.import_module(f".{command.module}", __package__), command.module)
        started = True
        return run(opts)
    except Stop as exc:
        print(exc.message, file=sys.stderr)
        if isinstance(exc, Invalid):
            return EXIT_INVALID
        return command.usage_exit  # Unusable
    except KeyboardInterrupt:
        if post:
            print(f"post {opts.mode}: interrupted; actions already done stay done, run it again", file=sys.stderr)
            return POST_FAILED
        print("interrupted; nothing was written", file=sys.stderr)
        return POST_FAILED if own else EXIT_ENV
    except Exception as exc:  # a bug or an environment problem: one line, the trace only on request
        if os.environ.get("REGISTRY_DEBUG"):
            raise
        name = "post" if post else args.command
        if own and not started:  # e.g. boto3 not importable: 2 means "changes pending" or "drift found", so 3
            print(
                f"{name}: internal error before the run started: {type(exc).__name__}: {exc} (set REGISTRY_DEBUG=1 for the traceback)",
                file=sys.stderr,
            )
            return command.usage_exit
        if own:  # "failed", never 2
            what = f"post {opts.mode}" if post else name
            print(f"{what}: FAILED: internal error: {type(exc).__name__}: {exc} (set REGISTRY_DEBUG=1 for the traceback)", file=sys.stderr)
            return POST_FAILED
        print(f"internal error: {type(exc).__name__}: {exc} (set REGISTRY_DEBUG=1 for the traceback); nothing was written", file=sys.stderr)
        return EXIT_ENV
