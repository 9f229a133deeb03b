"""The typed options of each command: what cli.py makes of argparse's Namespace, and all a command gets.

Each field is named as the parser's dest (modules/commands/cli.py fills them by name). Pure dataclasses with no imports of
the compiler, so parsing the command line loads nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RegistryOptions:
    """graph: only the registry folder."""

    registry: str


@dataclass(frozen=True)
class ValidateOptions:
    registry: str
    today: date | None = None  # refuse expired entries this change adds or changes (the day is given, never read)
    base: str | None = None  # the git ref to compare with (with today)


@dataclass(frozen=True)
class ExpireOptions:
    registry: str
    today: date
    files: tuple[str, ...] = ()  # only these files (relative to the registry folder); () every file
    allow_file: str = "allow-destroy.yaml"
    dry_run: bool = False
    format: str = "text"  # text | json


@dataclass(frozen=True)
class SynthOptions:
    registry: str
    out: str | None  # None: $CDKTF_OUTDIR, else generated
    allow_destroy: bool = False
    quiet: bool = False
    full: bool = False
    jobs: int | None = None  # None: one worker per core


@dataclass(frozen=True)
class SharesOptions:
    registry: str
    format: str  # table | json


@dataclass(frozen=True)
class AccessOptions:
    registry: str
    format: str  # md | csv | json
    person: str | None = None
    account: str | None = None
    drift: str | None = None  # the access-drift job's JSON report: its findings join the review as "not from the registry"


@dataclass(frozen=True)
class DiffOptions:
    registry: str
    base: str
    out: str
    no_synth: bool
    format: str  # md | json
    plans: str | None = None


@dataclass(frozen=True)
class CheckDestroyOptions:
    base: str
    out: str
    allow_file: str
    head: str | None = None


@dataclass(frozen=True)
class CheckStacksOptions:
    repo: str  # a folder inside the repository
    rev: str  # the commit whose tree is read
    stacks: tuple[str, ...] = ()  # only these (default: every stack folder of the commit)
    rebuild: str = "auto"  # auto | never
    atlantis: bool = False  # check the Atlantis project of this step (PROJECT_NAME, REPO_REL_DIR, WORKSPACE)


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


@dataclass(frozen=True)
class SchemaOptions:
    registry: str
    check: bool


@dataclass(frozen=True)
class DriftOptions:
    stacks: str
    stack: tuple[str, ...] = ()  # only these stacks; () every stack in the folder
    shard: str | None = None  # "K/N": the stacks whose name hashes to K modulo N
    jobs: int = 4
    init: bool = False
    timeout: float = 1800.0  # per terraform command
    format: str = "md"  # md | json


@dataclass(frozen=True)
class AccessDriftOptions:
    manifests: str
    stacks: tuple[str, ...] = ()  # () every stack whose manifest has the access-drift section
    shard: str | None = None  # "K/N": the stacks whose name hashes to K modulo N
    account_role: str | None = None  # the role assumed in member accounts (None: the post-step's default)
    format: str = "md"  # md | json | table
    timeout: float = 900.0
    call_timeout: float = 60.0
