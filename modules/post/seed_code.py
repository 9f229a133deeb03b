"""The `seed-code` job (shared services, with catalog.yaml `git.provider: codeconnections`): each published template
version's seed code is on its branch of the template's seed repository at the Git provider.

No AWS API writes to a GitHub, GitLab or Bitbucket repository except through a service that uses the connection, so
the push is a build of the platform's CodeBuild project (`<org>-seed-push`), started with the seed repository as its
source through the connection (modules/base/seed_push.py has the build). The job keeps no state: a seed is pushed once
CodeBuild has a SUCCEEDED build whose environment names that seed (its SHA-256), repository and branch; a running one
is waited for; a failed one is started again, naming the failed build (its log is in CloudWatch Logs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..base import seed_push
from .job_types import Action, Context, Note, Planned

if TYPE_CHECKING:
    from .manifest import SeedPush

JOB = "seed-code"
CONNECTIONS = "https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-update.html"
# https://docs.aws.amazon.com/codebuild/latest/APIReference/API_Build.html (buildStatus)
RUNNING = {"IN_PROGRESS"}
SUCCEEDED = "SUCCEEDED"


def connection_notes(ctx: Context, arn: str, job: str = JOB) -> tuple[str | None, list[Note]]:
    """(the connection's provider, what is wrong with it): it must exist, be AVAILABLE and be a provider CodeBuild reads."""
    found = ctx.gateway.connection(ctx.account_id, ctx.region, arn)
    if found is None:
        return None, [Note(job, "missing", arn, f"no such connection in account {ctx.account_id}: correct catalog.yaml git.connection_arn")]
    if found["status"] != "AVAILABLE":
        return None, [
            Note(
                job,
                "missing",
                arn,
                f"the connection is {found['status']}: a platform admin completes it once in the console (Developer Tools > "
                f"Settings > Connections > the connection > Update pending connection: {CONNECTIONS})",
            )
        ]
    if found["provider"] not in seed_push.SOURCE_TYPES:
        supported = ", ".join(seed_push.SOURCE_TYPES)
        return None, [Note(job, "missing", arn, f"the connection is to {found['provider']}; seed code is pushed to {supported} only")]
    return found["provider"], []


def seed_code(ctx: Context) -> Planned:
    spec = ctx.jobs.seed_code
    if not spec:
        return [], []
    provider, notes = connection_notes(ctx, spec.connection_arn)
    if provider is None:
        return [], notes
    builds = ctx.gateway.builds(ctx.account_id, ctx.region, spec.project)
    actions: list[Action] = []
    for seed in spec.seeds:
        target = f"{seed.repository}@{seed.version}"
        mine = [b for b in builds if _names(b, seed)]
        if any(b["status"] == SUCCEEDED for b in mine):
            continue
        running = [b for b in mine if b["status"] in RUNNING]
        if running:
            notes.append(Note(JOB, "waiting", target, f"build {running[0]['id']} is pushing it", settling=True))
            continue
        failed = f"; build {mine[0]['id']} ended {mine[0]['status']} (its log: CloudWatch Logs)" if mine else ""
        source_type, host = seed_push.SOURCE_TYPES[provider]
        overrides = {
            "sourceTypeOverride": source_type,
            "sourceLocationOverride": f"{host}/{seed.repository}.git",
            "sourceAuthOverride": {"type": "CODECONNECTIONS", "resource": spec.connection_arn},
            "environmentVariablesOverride": [{"name": k, "value": v, "type": "PLAINTEXT"} for k, v in _environment(seed)],
        }
        reason = f"the seed of {seed.template} {seed.version} is not on branch {seed.version} of {seed.repository}{failed}"
        actions.append(Action(JOB, "codebuild:StartBuild", target, reason, (("project", spec.project), ("overrides", overrides))))
    return actions, notes


def _environment(seed: SeedPush) -> list[tuple[str, str]]:
    return [
        ("SEED_BUCKET", seed.bucket),
        ("SEED_KEY", seed.key),
        ("SEED_SHA256", seed.sha256),
        ("SEED_TEMPLATE", seed.template),
        ("SEED_BRANCH", seed.version),
        ("SEED_REPOSITORY", seed.repository),
    ]


def _names(build: dict[str, object], seed: SeedPush) -> bool:
    env = build.get("env")
    return isinstance(env, dict) and all(env.get(k) == v for k, v in _environment(seed) if k != "SEED_BUCKET")


def seed_code_perform(ctx: Context, action: Action) -> None:
    ctx.gateway.start_build(ctx.account_id, ctx.region, action.param("project"), action.param("overrides"))
