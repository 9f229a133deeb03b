"""The command line: parse arguments, run one command, map errors to exit codes.

Exit codes: 0 success, 1 the registry is wrong (or a destroy was refused), 2 usage or environment problem;
`post` has its own (0 nothing pending, 1 failed, 2 changes pending, 3 usage or environment), see modules/post/run.py.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_ENV = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python main.py",
        description="Compile the SageMaker platform registry (YAML) into Terraform with CDK Terrain.",
        epilog="Exit codes: 0 success, 1 the registry is wrong (every mistake is listed) or a destroy was refused, "
               "2 usage or environment problem. post has its own: 0 nothing pending, 1 failed, 2 changes pending, "
               "3 usage or environment (see post --help). Without a command: synth.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def with_registry(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--registry", default="registry", metavar="DIR", help="the registry folder (default: registry)")
        return sp

    with_registry(sub.add_parser("validate", help="check the registry and report every mistake with file:line"))
    s = with_registry(sub.add_parser("synth", help="compile the registry into Terraform JSON under --out"))
    s.add_argument("--out", default=None, metavar="DIR", help="output folder (default: generated, or $CDKTF_OUTDIR)")
    s.add_argument("--allow-destroy", action="store_true",
                   help="allow destroying or replacing what the previous output manages: a removed stack or share, a removed Studio profile, a change that forces a stateful resource to be replaced")
    s.add_argument("--quiet", action="store_true", help="no progress line")
    s.add_argument("--full", action="store_true",
                   help="rebuild every stack (default: only stacks whose inputs changed since the last synth)")
    s.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes that build stacks (default: one per core)")
    sh = with_registry(sub.add_parser("shares", help="print the share graph: producer -> consumers, kind, access"))
    sh.add_argument("--format", choices=("table", "json"), default="table")
    d = with_registry(sub.add_parser("diff", help="what the change since a git ref means: access, accounts, shares, stacks"))
    d.add_argument("--base", required=True, metavar="REF", help="git ref to compare with (e.g. origin/main)")
    d.add_argument("--out", default="generated", metavar="DIR", help="where the output is committed (default: generated)")
    d.add_argument("--no-synth", action="store_true",
                   help="compare with the output folder as it is instead of a fresh synth of the registry")
    d.add_argument("--format", choices=("md", "json"), default="md")
    d.add_argument("--plans", metavar="DIR", help="folder of `terraform show -json` plans, one <stack>.json per stack: "
                   "adds Terraform's counts (add, change, replace, destroy) and the addresses it replaces or destroys")
    g = (sub.add_parser(
        "check-destroy", help="CI: fail when the output destroys or replaces what the base branch's output manages, "
                              "unless this change adds a platform opt-in (allow-destroy.yaml)"))
    g.add_argument("--base", required=True, metavar="REF", help="git ref whose committed output to compare with")
    g.add_argument("--out", default="generated", metavar="DIR", help="the output folder of this change (default: generated)")
    g.add_argument("--head", metavar="REF", help="read the output and the opt-ins as committed at REF (CI: the pull "
                   "request's merge commit) instead of the working tree")
    g.add_argument("--allow-file", default="allow-destroy.yaml", metavar="FILE",
                   help="the platform's opt-ins (default: allow-destroy.yaml at the repository root)")
    cs = sub.add_parser("check-stacks", help="CI, before a plan: refuse stacks that use a provider, data source, "
                        "resource type or block outside the compiler's allow-list")
    cs.add_argument("stacks", nargs="?", default="generated/stacks", metavar="DIR", help="default: generated/stacks")
    a = with_registry(sub.add_parser("access", help="the access review: every person x account, what grants it, Studio"))
    a.add_argument("--format", choices=("md", "csv", "json"), default="md")
    a.add_argument("--person", metavar="USER", help="only this person's access")
    a.add_argument("--account", metavar="KEY", help="only this account (<team>-<environment>, shared-services, log-archive)")
    with_registry(sub.add_parser("graph", help="a Mermaid diagram of OUs, team accounts and shares"))
    from .post.deadline import CALL_SECONDS, RUN_SECONDS
    from .post.jobs import JOBS

    po = sub.add_parser(
        "post", help="the boto3 post-step: plan (dry run) or apply what Terraform cannot manage",
        epilog="Exit codes of post: 0 nothing pending, 1 something failed (a stack's error, a missing prerequisite, "
               "a time bound reached, changes left after apply), 2 changes pending (plan only), 3 usage or "
               "environment problem (arguments, manifests folder, unreadable file): the run did not start.")
    po.add_argument("mode", choices=("plan", "apply"), nargs="?", default="plan")
    po.add_argument("--stack", action="append", default=[], metavar="NAME", help="a stack (repeatable)")
    po.add_argument("--all", action="store_true", help="every stack that has a manifest")
    po.add_argument("--job", choices=tuple(JOBS), help="only this job")
    po.add_argument("--tf-outputs", metavar="FILE", help="`terraform output -json` of the stack (exactly one --stack)")
    po.add_argument("--tf-plan", metavar="FILE",
                    help="`terraform show -json` of the stack's plan (for studio-cleanup; exactly one --stack)")
    po.add_argument("--manifests", default="generated/post", metavar="DIR", help="default: generated/post")
    po.add_argument("--format", choices=("table", "json"), default="table")
    po.add_argument("--timeout", type=_seconds, default=RUN_SECONDS, metavar="SECONDS",
                    help=f"bound of the whole run, waits included (default: {RUN_SECONDS:g})")
    po.add_argument("--call-timeout", type=_seconds, default=CALL_SECONDS, metavar="SECONDS",
                    help=f"bound of one API call, throttling retries included (default: {CALL_SECONDS:g})")
    sc = with_registry(sub.add_parser("schema", help="write the registry's JSON Schema to <registry>/schema.json"))
    sc.add_argument("--check", action="store_true", help="exit 1 if the committed schema is stale instead of writing")
    return p


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number of seconds")
    return value


def _load(registry: str):
    """Load the registry or exit: 1 with every mistake, 2 when the folder is not there."""
    from .registry.errors import RegistryInvalid
    from .registry.validate import load_registry

    if not os.path.isdir(registry):
        print(f"error: registry folder '{registry}' not found (use --registry DIR)", file=sys.stderr)
        raise SystemExit(EXIT_ENV)
    try:
        return load_registry(registry, shown_root=registry.rstrip("/") or "/")
    except RegistryInvalid as exc:
        print(exc.report(), file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None


def summary(reg) -> str:
    active = [t for t in reg.teams if t.active]
    accounts = sum(len(t.environments) for t in reg.teams)
    adopted = sum(1 for t in reg.teams for e in t.environments.values() if e.account_id)
    shares = sum(len(t.shares) for t in active)
    decom = sum(t.status == "decommissioned" for t in reg.teams)
    return (f"{_n(len(reg.teams), 'team')} ({len(active)} active, {decom} decommissioned), "
            f"{_n(accounts, 'account')} ({adopted} adopted), {_n(len(reg.people), 'person', 'people')}, {_n(shares, 'share')}")


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def cmd_validate(args) -> int:
    reg = _load(args.registry)
    print(f"{args.registry}: valid — {summary(reg)}")
    return EXIT_OK


def cmd_schema(args) -> int:
    from .outputs.schema import schema_text

    path = Path(args.registry) / "schema.json"
    text = schema_text()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{path} is stale: run `python main.py schema` and commit it", file=sys.stderr)
            return EXIT_INVALID
        print(f"{path} is up to date")
        return EXIT_OK
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    print(f"wrote {path}")
    return EXIT_OK


ROOT_FILES = ("atlantis.yaml", ".github/CODEOWNERS")  # what synth writes beside --out in a project (outputs.root_files)


def cmd_synth(args) -> int:
    from . import fingerprint

    out = args.out or os.environ.get("CDKTF_OUTDIR") or "generated"
    started = time.perf_counter()
    out_path = Path(out).resolve()
    # atlantis.yaml and CODEOWNERS belong at the project root: written only when --out sits in one.
    root = out_path.parent
    in_project = (root / "cdktf.json").is_file() or (root / ".git").exists()
    digest = fingerprint.registry_digest(Path(args.registry))
    beside = ROOT_FILES if in_project else ()
    note = None if args.full else fingerprint.unchanged(out_path, digest, beside)
    if note is not None:  # the very registry and compiler of the last synth, its output intact: nothing to do
        print(f"{out}: {note} — registry and compiler as at the last synth, checked in "
              f"{time.perf_counter() - started:.1f} s\nno stack changed")
        return EXIT_OK
    # Past the no-op check: only now the registry model (pydantic) and the compiler are imported.
    from .outputs import root_files
    from .stacks import plan
    from .synth import DestroyRefused, NotAnOutputFolder, synthesize, tty_progress

    # A registry edit under the same compiler rebuilds a few stacks, in this process: import cdktn meanwhile.
    # (A changed compiler rebuilds everything in worker processes: importing here too would only compete.)
    if not args.full and fingerprint.same_compiler(out_path):
        from .build import prefetch

        prefetch()
    from .registry.unsynthesized import unsynthesized

    reg = _load(args.registry)
    pending = unsynthesized(reg)
    if pending:
        print("\n".join(str(e) for e in pending), file=sys.stderr)
        print(f"{len(pending)} field(s) not synthesized yet; nothing was written.", file=sys.stderr)
        return EXIT_INVALID
    the_plan = plan(reg)
    extra = root_files(reg, the_plan, root=root, out=out_path, registry_dir=Path(args.registry)) if in_project else {}
    try:
        from .build import default_jobs

        if args.jobs is not None and args.jobs < 1:
            print("error: --jobs must be at least 1", file=sys.stderr)
            return EXIT_ENV
        result = synthesize(the_plan, Path(out), allow_destroy=args.allow_destroy, root_files=extra,
                            progress=None if args.quiet else tty_progress(), full=args.full,
                            jobs=args.jobs or default_jobs(), registry_digest=digest,
                            note=f"{len(the_plan.stack_names)} stacks — {summary(reg)}")
    except DestroyRefused as exc:
        print(exc.report(out), file=sys.stderr)
        return EXIT_INVALID
    except NotAnOutputFolder as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ENV
    if result.recovered:
        print(f"note: {result.recovered}", file=sys.stderr)
    took = time.perf_counter() - started
    print(f"{out}: {result.stacks} stacks ({len(result.built)} built, the others unchanged), {result.resources} resources "
          f"in {took:.1f} s — {summary(reg)}")
    if result.worker_peaks_kb:
        print("peak memory per build process: " + ", ".join(f"{kb // 1024} MB" for kb in result.worker_peaks_kb))
    if result.changed or result.removed:
        shown = ", ".join(result.changed[:12]) + (f", ... ({len(result.changed)} in all)" if len(result.changed) > 12 else "")
        print(f"changed stacks: {shown or 'none'}" + (f"; removed: {', '.join(result.removed)}" if result.removed else ""))
    else:
        print("no stack changed")
    return EXIT_OK


def cmd_shares(args) -> int:
    from .outputs.shares import shares_json, shares_table
    from .stacks import plan

    reg = _load(args.registry)
    the_plan = plan(reg)
    print(shares_json(the_plan) if args.format == "json" else shares_table(the_plan), end="")
    return EXIT_OK


def cmd_access(args) -> int:
    from .outputs.access import access_report
    from .stacks import plan

    reg = _load(args.registry)
    print(access_report(reg, plan(reg), args.format, person=args.person, account=args.account), end="")
    return EXIT_OK


def cmd_graph(args) -> int:
    from .outputs.graph import mermaid
    from .stacks import plan

    reg = _load(args.registry)
    print(mermaid(plan(reg)), end="")
    return EXIT_OK


def cmd_diff(args) -> int:
    from .review import gitbase, render
    from .review.command import BaseInvalid, change_summary
    from .review.tfplan import PlanError, read_plans

    reg = _load(args.registry)
    try:
        plans = read_plans(Path(args.plans)) if args.plans else None
        summary = change_summary(reg, Path(args.registry), args.base, Path(args.out), synth_now=not args.no_synth,
                                 plans=plans)
    except BaseInvalid as exc:
        print(exc, file=sys.stderr)
        return EXIT_ENV
    except (gitbase.GitError, PlanError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ENV
    title = f"Registry change since {args.base}"
    print(render.as_json(summary) if args.format == "json" else render.markdown(summary, title), end="")
    return EXIT_OK


def cmd_check_destroy(args) -> int:
    from .review import gitbase
    from .review.guard import OptInInvalid, check

    try:
        result = check(args.base, Path(args.out), Path(args.allow_file), head_ref=args.head)
    except OptInInvalid as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except gitbase.GitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ENV
    print(result.report(args.base), end="")
    return EXIT_INVALID if result.refused else EXIT_OK


def cmd_check_stacks(args) -> int:
    from .review.allowlist import check_folder

    folder = Path(args.stacks)
    if not folder.is_dir():
        print(f"error: stacks folder '{folder}' not found", file=sys.stderr)
        return EXIT_ENV
    count, found = check_folder(folder)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"check-stacks: {len(found)} problem(s): nothing may be planned until they are gone", file=sys.stderr)
        return EXIT_INVALID
    print(f"check-stacks: {count} stacks use only allowed providers, data sources and resource types")
    return EXIT_OK


def cmd_post(args) -> int:
    """Exit codes of its own (modules/post/run.py): 2 is "changes pending" there, so usage is 3."""
    import json

    from .post.deadline import Deadline
    from .post.gateway import AwsGateway
    from .post.run import EXIT_FAILED, EXIT_USAGE, UsageError, as_json, as_table, exit_code, run, stack_names

    def read(path):
        if not path:
            return None
        try:
            return json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read {path}: {exc}") from None

    apply = args.mode == "apply"
    try:
        manifests = Path(args.manifests)
        stacks = stack_names(manifests) if args.all else args.stack
        if not stacks:
            raise UsageError("name a stack with --stack NAME (or --all)")
        if (args.tf_outputs or args.tf_plan) and len(stacks) != 1:
            raise UsageError("--tf-outputs and --tf-plan describe one stack: name exactly one --stack with them "
                             f"(got {len(stacks)})")
        outputs, tf_plan = read(args.tf_outputs), read(args.tf_plan)
        deadline = Deadline.start(args.timeout, what="run")
        gateway = AwsGateway(deadline=deadline, call_seconds=args.call_timeout)
        results = run(stacks, manifests=manifests, gateway=gateway, apply=apply, deadline=deadline, tf_outputs=outputs,
                      tf_plan=tf_plan, only=args.job)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"post {args.mode}: interrupted; actions already done stay done, run it again", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # a bug or an unexpected environment: one line, exit "failed", never 2 ("pending")
        if os.environ.get("REGISTRY_DEBUG"):
            raise
        print(f"post {args.mode}: FAILED: internal error: {type(exc).__name__}: {exc} "
              "(set REGISTRY_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_FAILED
    print(as_json(results, apply=apply) if args.format == "json" else as_table(results, apply=apply), end="")
    return exit_code(results, apply=apply)


COMMANDS = {"post": cmd_post, "validate": cmd_validate, "synth": cmd_synth, "schema": cmd_schema, "shares": cmd_shares,
            "diff": cmd_diff, "access": cmd_access, "graph": cmd_graph,
            "check-destroy": cmd_check_destroy, "check-stacks": cmd_check_stacks}
CDKTN_COMMANDS = {"synth", "diff"}


def wants_cdktn(argv: list[str]) -> bool:
    """Whether these arguments run a command that builds constructs (no arguments means synth)."""
    first = next((a for a in argv if not a.startswith("-")), "synth")
    return first in CDKTN_COMMANDS and "--help" not in argv and "-h" not in argv


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    if not argv:
        argv = ["synth"]  # `cdktn synth` runs `python main.py` with no arguments
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, a usage error 2 (3 for post, where 2 means changes pending)
        code = int(exc.code or 0)
        return 3 if code == 2 and next((a for a in argv if not a.startswith("-")), "") == "post" else code
    if args.command is None:
        parser.print_help()
        return EXIT_ENV
    try:
        return COMMANDS[args.command](args)
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return EXIT_ENV
    except Exception as exc:  # a bug or an environment problem: one line, the trace only on request
        if os.environ.get("REGISTRY_DEBUG"):
            raise
        if args.command == "post":  # e.g. boto3 not importable: post's 2 means "changes pending", so 3
            print(f"post: internal error before the run started: {type(exc).__name__}: {exc} "
                  "(set REGISTRY_DEBUG=1 for the traceback)", file=sys.stderr)
            return 3
        print(f"internal error: {type(exc).__name__}: {exc} (set REGISTRY_DEBUG=1 for the traceback); "
              "nothing was written", file=sys.stderr)
        return EXIT_ENV
