"""`post plan|apply`: the boto3 post-step for the named stacks' manifests (modules/post/run.py runs the jobs).

Its exit codes are its own (modules/post/exits.py): 2 means "changes pending", so a usage problem (Unusable) is 3
there; cli.py maps it, and an interruption or an internal error is "failed" (1), never 2."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..plan.layout import plan
from ..post import gateway
from ..post import run as runner  # called through the module: tests replace runner.run and gateway.AwsGateway
from ..post.deadline import Deadline
from ..post.manifest import manifest_files
from ..post.run import UsageError, as_json, as_table, exit_code, stack_names
from . import Unusable
from .loading import load
from .specs import PostOptions


def post(opts: PostOptions) -> int:
    if opts.registry is None:
        return _post(opts, Path(opts.manifests))
    rebuilt = Path(tempfile.mkdtemp(prefix="post-manifests-"))
    try:
        _rebuild(opts.registry, rebuilt)
        return _post(opts, rebuilt)
    finally:
        shutil.rmtree(rebuilt, ignore_errors=True)


def _rebuild(registry: str, folder: Path) -> None:
    """The manifests this compiler writes for the registry: what the post-step acts on, never a checkout's copy."""
    for rel, text in manifest_files(plan(load(registry))).items():
        path = folder / Path(rel).name
        path.write_text(text, encoding="utf-8")


def _post(opts: PostOptions, manifests: Path) -> int:
    apply = opts.mode == "apply"
    try:
        stacks = stack_names(manifests) if opts.all else list(opts.stacks)
        if not stacks:
            raise UsageError("name a stack with --stack NAME (or --all)")
        if (opts.tf_outputs or opts.tf_plan) and len(stacks) != 1:
            raise UsageError(f"--tf-outputs and --tf-plan describe one stack: name exactly one --stack with them (got {len(stacks)})")
        outputs, tf_plan = _read(opts.tf_outputs), _read(opts.tf_plan)
        deadline = Deadline.start(opts.timeout, what="run")
        aws = gateway.AwsGateway(deadline=deadline, call_seconds=opts.call_timeout)
        results = runner.run(
            stacks, manifests=manifests, gateway=aws, apply=apply, deadline=deadline, tf_outputs=outputs, tf_plan=tf_plan, only=opts.job
        )
    except UsageError as exc:
        raise Unusable(f"error: {exc}") from None
    print(as_json(results, apply=apply) if opts.format == "json" else as_table(results, apply=apply), end="")
    return exit_code(results, apply=apply)


def _read(path: str | None) -> Any:
    if not path:
        return None
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
