"""A deployment whose accounts exist, for the account-move tests: stacks of a synthesized output as if applied (state
files built from their plans, tests/terraform/drift_state.py), the accounts with real ids in the organization's state
and in the stand-in's store (what AWS holds, and the organization's account list that a lookup import reads).

    lab = Deployment(work, store, env)
    lab.seed(output_folder, ["organization", "fraud-access", ...], accounts)   # once, from the first phase's output
    lab.use(output_folder)                                                     # a phase's stack files, same states
    lab.plan("fraud-access") -> Plan(ok, changes, errors)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.terraform import drift_state, runner

ACCOUNT = "aws_organizations_account"
ORG_ID = "o-abcdefghij"
SEED_ROUNDS = 6  # at most: a stack's longest chain of references (VPC, subnet, route table, endpoint, domain)
_OU_REF = re.compile(r"^\$\{aws_organizations_organizational_unit\.([A-Za-z0-9_-]+)\.id\}$")


@dataclass
class Change:
    address: str
    actions: tuple[str, ...]
    importing: str | None  # the id of the object imported, when the change imports one


@dataclass
class Plan:
    stack: str
    ok: bool
    changes: list[Change] = field(default_factory=list)  # every resource change that is not a plain no-op
    errors: list[str] = field(default_factory=list)
    outputs: dict[str, list[str]] = field(default_factory=dict)  # output -> actions, when not a no-op

    def of_type(self, tf_type: str) -> list[Change]:
        return [c for c in self.changes if c.address.split(".")[0] == tf_type]


class Deployment:
    def __init__(self, work: Path, store: Path, env: dict[str, str]):
        self.work, self.store, self.env = work, store, env
        self.stacks: list[str] = []
        self.plans: list[Plan] = []  # every plan made, for the assertions that hold across all of them

    # ---- state ----
    def use(self, out: Path) -> None:
        """The stack files of an output (one phase of the move), planned against the states there are."""
        states = {name: self.work / name / "terraform.tfstate" for name in self.stacks}
        runner.prepare(out / "stacks", self.work, states=states)

    def seed(self, out: Path, stacks: list[str], accounts: dict[str, dict[str, str]]) -> None:
        """Apply, in effect, `stacks` of the output `out` (the organization first: the others read it); accounts:
        key -> {id, email, name} of every team account AWS has, all held by the organization stack."""
        self.stacks = list(stacks)
        self.use(out)
        org = json.loads((self.work / "organization" / "cdk.tf.json").read_text())["resource"][ACCOUNT]
        remote = {key: account_object(a, "", org[f"account-{key}"]["tags"]) for key, a in accounts.items()}
        doc: dict = {"objects": {ACCOUNT: {r["id"]: r for r in remote.values()}}}
        self._write(doc)  # an adopted account is imported while the organization stack is seeded
        for name in stacks:
            # Seeded again from its own state until it holds still: a value a plan could not know (an id or ARN another
            # resource of the stack points at) was filled with a placeholder of its own, which the next plan passes on.
            state_path, last = self.work / name / "terraform.tfstate", None
            for _ in range(SEED_ROUNDS):
                found_objects = drift_state.seed(self.work / name, self.env)
                now = json.loads(state_path.read_text())["resources"]
                if now == last:
                    break
                last = now
            for kind, found in found_objects.items():
                if kind != ACCOUNT:
                    doc["objects"].setdefault(kind, {}).update(found)
            if name == "organization":
                self._settle_accounts(org, remote)
            self._write(doc)
            drift_state.settle(self.work / name, self.env)

    def _settle_accounts(self, bodies: dict[str, dict], remote: dict[str, dict]) -> None:
        """The organization's state holds the accounts AWS has: their ids, in the OUs the state has."""
        path = self.work / "organization" / "terraform.tfstate"
        state = json.loads(path.read_text())
        ous = {r["name"]: r["instances"][0]["attributes"]["id"] for r in state["resources"] if r["type"].endswith("organizational_unit")}
        for r in state["resources"]:
            if r["type"] == ACCOUNT:
                key = r["name"].removeprefix("account-")
                ou = _OU_REF.match(bodies[r["name"]]["parent_id"])
                remote[key]["parent_id"] = ous[ou.group(1)] if ou else ""
                r["instances"][0]["attributes"].update(remote[key])
        path.write_text(json.dumps(state))

    def _write(self, doc: dict) -> None:
        fields = ("arn", "email", "id", "joined_method", "joined_timestamp", "name", "state", "status")
        listed = [{k: a.get(k) for k in fields} for a in doc["objects"][ACCOUNT].values()]
        org = {"id": ORG_ID, "master_account_id": "111111111111", "accounts": listed, "non_master_accounts": listed}
        self.store.write_text(json.dumps({**doc, "data": {"aws_organizations_organization": org}}))

    def copy(self, to: Path) -> Deployment:
        """The same deployment in another folder (a scenario of its own); the store is shared and not changed by plans."""
        shutil.copytree(self.work, to)
        other = Deployment(to, self.store, self.env)
        other.stacks = list(self.stacks)
        return other

    def held(self, stack: str, tf_type: str = ACCOUNT) -> dict[str, str]:
        """Address -> id of the objects of a type in a stack's state."""
        state = json.loads((self.work / stack / "terraform.tfstate").read_text())
        return {
            f"{r['type']}.{r['name']}": r["instances"][0]["attributes"]["id"]
            for r in state["resources"]
            if r["mode"] == "managed" and r["type"] == tf_type
        }

    def outputs(self, stack: str) -> dict[str, object]:
        state = json.loads((self.work / stack / "terraform.tfstate").read_text())
        return {k: v["value"] for k, v in state.get("outputs", {}).items()}

    # ---- terraform ----
    def _tf(self, stack: str, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_INPUT": "0", **self.env}
        return subprocess.run(
            ["terraform", f"-chdir={self.work / stack}", *args], capture_output=True, text=True, env=env, timeout=600, check=False
        )

    def plan(self, stack: str, out: str = "tfplan") -> Plan:
        runner.announce_types([self.work / stack], self.env)
        proc = self._tf(stack, "plan", "-input=false", "-lock=false", "-json", "-no-color", "-out", out)
        result = Plan(stack, proc.returncode == 0, errors=runner.diagnostics(proc.stdout, "plan"))
        if result.ok:
            shown = json.loads(self._tf(stack, "show", "-json", out).stdout)
            for rc in shown.get("resource_changes", []):
                actions = tuple(rc["change"]["actions"])
                importing = (rc["change"].get("importing") or {}).get("id")
                if actions != ("no-op",) or importing:
                    result.changes.append(Change(rc["address"], actions, importing))
            result.outputs = {k: v["actions"] for k, v in (shown.get("output_changes") or {}).items() if v["actions"] != ["no-op"]}
        self.plans.append(result)
        return result

    def apply(self, stack: str, plan_file: str = "tfplan") -> None:
        proc = self._tf(stack, "apply", "-input=false", "-lock=false", "-no-color", plan_file)
        if proc.returncode:
            raise AssertionError(f"apply of {stack} failed: {proc.stderr[-2000:]}")


def account_object(account: dict[str, str], parent_id: str, tags: dict[str, str]) -> dict[str, object]:
    """An account as AWS describes it (what the provider's Read returns): role_name and the billing access are not read
    back, and create_govcloud is left unset as in the configuration (the stand-in applies no provider defaults)."""
    aid = account["id"]
    return {
        "id": aid,
        "arn": f"arn:aws:organizations::111111111111:account/{ORG_ID}/{aid}",
        "email": account["email"],
        "name": account["name"],
        "parent_id": parent_id,
        "status": "ACTIVE",
        "state": "ACTIVE",
        "joined_method": "CREATED",
        "joined_timestamp": "2025-01-01T00:00:00Z",
        "govcloud_id": "",
        "close_on_deletion": False,
        "tags": tags,
        "tags_all": tags,
    }
