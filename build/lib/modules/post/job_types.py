"""The shapes every job shares: the actions it plans, the notes it leaves, what it is given, and `Job` itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the CLI's parser imports JOBS without boto3 or the plan
    from .gateway import Gateway
    from .manifest import Jobs


@dataclass(frozen=True)
class Action:
    job: str
    call: str  # the AWS API call, service:Operation
    target: str
    reason: str
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str) -> Any:
        return dict(self.params)[name]


@dataclass(frozen=True)
class Note:
    job: str
    level: str  # "waiting", "missing" (fails the run) or "warning" (could not be checked)
    target: str
    message: str
    settling: bool = False  # AWS is changing it by itself (deleting, promoting): apply waits for it


@dataclass
class Context:
    stack: str
    account_id: str
    region: str
    jobs: Jobs
    gateway: Gateway
    outputs: dict[str, Any] = field(default_factory=dict)
    tf_plan: dict[str, Any] | None = None


Planned = tuple[list[Action], list[Note]]


@dataclass(frozen=True)
class Job:
    name: str
    plan: Callable[[Context], Planned]
    perform: Callable[[Context, Action], None]
    waits_for: str  # what apply waits for (README)
