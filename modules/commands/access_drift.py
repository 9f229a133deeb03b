"""`access-drift`: the post-step's read-only access-drift job over every stack whose manifest has it, as one report.

It reaches member accounts through `--account-role` (the read-only plan role in the scheduled workflow) and Identity
Center with the caller's own credentials. Exit codes are the post-step's: 0 nothing found, 2 access not from the
registry found, 1 a stack could not be checked (the others are still reported), 3 usage or environment.
"""

from __future__ import annotations

from pathlib import Path

from ..post import gateway
from ..post import run as runner  # called through the module: tests replace runner.run and gateway.AwsGateway
from ..post.access_report import JOB, as_json, markdown
from ..post.deadline import Deadline
from ..post.run import UsageError, as_table, exit_code, load_manifest, manifests_dir, stack_names
from ..review.drift import in_shard
from . import Unusable
from .specs import AccessDriftOptions


def access_drift(opts: AccessDriftOptions) -> int:
    try:
        manifests = manifests_dir(Path(opts.manifests))
        stacks = list(opts.stacks) or [s for s in stack_names(manifests) if load_manifest(manifests, s).jobs.access_drift is not None]
        stacks = [s for s in stacks if in_shard(s, opts.shard)]
        if not stacks:
            raise UsageError(f"no manifest in {manifests} has an access-drift section (run `python main.py synth` first)")
        deadline = Deadline.start(opts.timeout, what="run")
        aws = gateway.AwsGateway(deadline=deadline, call_seconds=opts.call_timeout, role=opts.account_role)
        results = runner.run(stacks, manifests=manifests, gateway=aws, apply=False, deadline=deadline, only=JOB)
    except UsageError as exc:
        raise Unusable(f"error: {exc}") from None
    if opts.format == "json":
        print(as_json(results), end="")
    elif opts.format == "table":
        print(as_table(results, apply=False), end="")
    else:
        print(markdown(results), end="")
    return exit_code(results, apply=False)
