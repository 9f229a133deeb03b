"""The typed options of each command: what cli.py makes of argparse's Namespace, and all a command gets.

Each field is named as the parser's dest (modules/cli.py fills them by name). Pure dataclasses with no imports of
the compiler, so parsing the command line loads nothing else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegistryOptions:
    """validate, graph: only the registry folder."""

    registry: str


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
