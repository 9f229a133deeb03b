"""Runs inside .venv-scan: lint the policies listed in a JSON file with parliament, print findings as JSON."""
import json
import sys

from parliament import analyze_policy_string


def main(path: str) -> None:
    out = []
    for p in json.load(open(path)):
        policy = analyze_policy_string(p["text"], ignore_private_auditors=True)
        for f in policy.findings:
            out.append({"stack": p["stack"], "where": p["where"], "issue": f.issue, "detail": str(f.detail)[:300]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
