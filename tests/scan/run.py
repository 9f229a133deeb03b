"""checkov and parliament over synthesized stacks, with the reviewed suppressions. No pytest needed.

    python -m tests.scan.run [STACKS_DIR]      # default generated/stacks; exit 1 on any unsuppressed finding

The scanners live in .venv-scan (see .ci/scanners.txt); this module runs them as programs.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from modules.engine.destroy import instances
from tests.resolve import resolve

ROOT = Path(__file__).resolve().parents[2]
SCAN_BIN = ROOT / ".venv-scan" / "bin"
SUPPRESSIONS = Path(__file__).with_name("suppressions.yaml")

# Suppressions: `where` globs "<type>.<name>" (parliament: "<type>.<name>#<Sid>"), optional `detail` globs the
# finding's text (parliament: "Unknown condition <key> for action <action>"), so a suppression names the exact
# statement and condition key it is for and a new typo elsewhere is still reported. An optional `stack` globs the
# stack name, for a construct id that every stack uses (data-bucket-policy) but only one stack's finding is reviewed.
# An instance of a for_each resource is `<type>.<name>["<key>"]`: in `where` a bracket is literal (no [...] classes).
# A suppression holds for every valid registry, never only the example's: where a finding depends on a value the
# registry chooses (a region), it names the resource's role instead, with `role:` (ROLES below), not the value.

# Policy documents in the output: resource type -> attribute holding the JSON.
POLICY_FIELDS = {
    "aws_iam_role": "assume_role_policy",
    "aws_iam_role_policy": "policy",
    "aws_organizations_policy": "content",
    "aws_ssoadmin_permission_set_inline_policy": "inline_policy",
    "aws_s3_bucket_policy": "policy",
    "aws_kms_key": "policy",
    "aws_ecr_repository_policy": "policy",
    "aws_sagemaker_model_package_group_policy": "resource_policy",
    "aws_codeartifact_domain_permissions_policy": "policy_document",
    "aws_codeartifact_repository_permissions_policy": "policy_document",
}


@dataclass(frozen=True)
class Finding:
    scanner: str
    rule: str
    stack: str
    where: str  # "<resource type>.<name>"
    detail: str
    roles: frozenset[str] = frozenset()  # what the resource is for, whatever the registry's values (ROLES)

    def __str__(self) -> str:
        return f"{self.scanner} {self.rule} {self.stack}/{self.where}: {self.detail}"


def extract_policies(stacks: Path) -> list[dict]:
    out = []
    for path in sorted(stacks.glob("*/cdk.tf.json")):
        # each instance of a for_each resource on its own (`aws_iam_role_policy.role-policies["x"]`), as planned
        for address, res in sorted(instances(json.loads(path.read_text())).items()):
            field = POLICY_FIELDS.get(address.split(".", 1)[0])
            if field and field in res:
                # What IAM sees: Terraform's escape of a policy variable ($${aws:username}) undone.
                text = resolve(res[field]).replace("$${", "${")
                out.append({"stack": path.parent.name, "where": address, "text": text})
    return out


def run_parliament(stacks: Path) -> list[Finding]:
    policies = extract_policies(stacks)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(policies, f)
    try:
        proc = subprocess.run(
            [str(SCAN_BIN / "python"), str(Path(__file__).with_name("parliament_runner.py")), f.name],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(f.name)
    return [Finding("parliament", r["issue"], r["stack"], r["where"], r["detail"]) for r in json.loads(proc.stdout)]


def _home_region(doc: dict) -> str | None:
    """The region of the stack's default provider (the one without an alias): the account's home region."""
    providers = (doc.get("provider") or {}).get("aws") or []
    return next((p.get("region") for p in providers if isinstance(p, dict) and not p.get("alias")), None)


# Roles a resource instance plays in its stack, from its settings: `role:` in a suppression names one.
ROLES = {
    # a regional copy beside the home region's (Config recorders in every allowed region): the region is the registry's
    "outside-home-region": lambda body, doc: bool(body.get("region")) and body.get("region") != _home_region(doc),
}


def roles(body: dict, doc: dict) -> frozenset[str]:
    return frozenset(name for name, test in ROLES.items() if test(body, doc))


_EACH_MARK = re.compile(r" <each=.*>$")


def _indexed(value: object, key: str) -> object:
    """An instance's settings with `[each.key]` inside a reference read as the instance's own key (instances()
    leaves such an expression whole, marked with the instance), so checkov's graph links it to that instance."""
    if isinstance(value, dict):
        return {k: _indexed(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_indexed(v, key) for v in value]
    if isinstance(value, str) and "[each.key]" in value:
        return _EACH_MARK.sub("", value).replace("[each.key]", f'["{key}"]')
    return value


def run_checkov(stacks: Path) -> list[Finding]:
    # Each instance of a for_each resource is written as a resource of its own, its each.key/each.value replaced
    # (modules.engine.destroy.instances: what Terraform plans), so checkov reads every instance's real settings; a
    # finding names the instance's address (`aws_iam_role.roles["plan-role"]`).
    addresses: dict[tuple[str, str], str] = {}  # (stack, "<type>.<name as scanned>") -> the address in the output
    played: dict[tuple[str, str], frozenset[str]] = {}  # (stack, address in the output) -> its roles
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(stacks.glob("*/cdk.tf.json")):
            doc = json.loads(path.read_text())
            # checkov's terraform_json parser cannot read `import` or `moved` blocks (lists); they hold no settings to scan.
            doc.pop("import", None)
            doc.pop("moved", None)
            # Nor a string in the `terraform` block (it takes every member for a block): required_version, not a setting.
            (doc.get("terraform") or {}).pop("required_version", None)
            resources: dict[str, dict[str, dict]] = {}
            renamed = {}
            for i, (address, body) in enumerate(sorted(instances(doc).items())):
                played[(path.parent.name, address)] = roles(body, doc)
                rtype, name = address.split(".", 1)
                scanned = name if "[" not in name else f"{name.split('[', 1)[0]}--instance{i}"
                resources.setdefault(rtype, {})[scanned] = body if scanned == name else _indexed(body, name.split('["', 1)[1][:-2])
                addresses[(path.parent.name, f"{rtype}.{scanned}")] = address
                if scanned != name:
                    renamed[address] = f"{rtype}.{scanned}"
            if resources:
                doc["resource"] = resources
            text = json.dumps(doc)
            for address, scanned in renamed.items():  # references to an instance follow it (checkov's graph checks)
                text = text.replace(json.dumps(address)[1:-1], scanned)
            target = Path(tmp) / path.parent.name
            target.mkdir()
            (target / "cdk.tf.json").write_text(text)
        proc = subprocess.run(
            [
                str(SCAN_BIN / "checkov"),
                "-d",
                tmp,
                "--framework",
                "terraform_json",
                "--skip-download",
                "--quiet",
                "--compact",
                "-o",
                "json",
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"checkov failed: {proc.stderr[-2000:]}")
        reports = json.loads(proc.stdout or "[]")
    reports = [reports] if isinstance(reports, dict) else reports
    types = {(stack, key.split(".", 1)[1]): key.split(".", 1)[0] for stack, key in addresses}
    findings = []
    for report in reports:
        if report.get("summary", {}).get("parsing_errors"):
            raise RuntimeError(f"checkov could not parse a stack: {report.get('results', {}).get('parsing_errors')}")
        for failed in report.get("results", {}).get("failed_checks", []):
            stack = Path(failed["file_path"]).parent.name
            where = failed["resource"]
            if where.startswith("resource."):  # some checks name only the resource: construct ids are unique per stack
                name = where.removeprefix("resource.")
                where = f"{types.get((stack, name), 'resource')}.{name}"
            address = addresses.get((stack, where), where)
            played_roles = played.get((stack, address), frozenset())
            findings.append(Finding("checkov", failed["check_id"], stack, address, failed["check_name"], played_roles))
    return findings


def load_suppressions() -> dict[str, list[dict]]:
    return yaml.safe_load(SUPPRESSIONS.read_text())


def split(findings: list[Finding], suppressions: list[dict]) -> tuple[list[Finding], list[dict]]:
    """(findings no suppression covers, suppressions that covered nothing)."""
    used = [False] * len(suppressions)
    open_findings = []
    for f in findings:
        hit = False
        for i, s in enumerate(suppressions):
            rule = s.get("check") or s.get("issue")
            wheres = s["where"] if isinstance(s["where"], list) else [s["where"]]
            details = s.get("detail", "*")
            if (
                rule == f.rule
                and any(fnmatch.fnmatch(f.where, w.replace("[", "[[]")) for w in wheres)
                and fnmatch.fnmatchcase(f.detail, details)
                and fnmatch.fnmatch(f.stack, s.get("stack", "*"))
                and ("role" not in s or s["role"] in f.roles)
            ):
                used[i] = hit = True
        if not hit:
            open_findings.append(f)
    return open_findings, [s for s, u in zip(suppressions, used, strict=True) if not u]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stacks = Path(argv[0]) if argv else ROOT / "generated" / "stacks"
    if not (SCAN_BIN / "checkov").exists() or shutil.which(str(SCAN_BIN / "python")) is None:
        print("the scanners are not installed: run `make setup`", file=sys.stderr)
        return 2
    sup = load_suppressions()
    status = 0
    for name, runner, key in (("checkov", run_checkov, "checkov"), ("parliament", run_parliament, "parliament")):
        findings = runner(stacks)
        open_findings, unused = split(findings, sup[key])
        print(f"{name}: {len(findings)} findings, {len(findings) - len(open_findings)} suppressed with a reason, {len(open_findings)} open")
        for f in open_findings:
            print(f"  {f}")
        status |= bool(open_findings)
    return status


if __name__ == "__main__":
    sys.exit(main())
