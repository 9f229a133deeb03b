"""Runs inside .venv-scan: lint the policies listed in a JSON file with parliament, print findings as JSON."""

import json
import sys

from parliament import analyze_policy_string


def main(path: str) -> None:
    out = []
    for p in json.load(open(path)):
        doc = json.loads(p["text"])
        statements = doc.get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        # One statement at a time, so a suppression can name the exact statement (by Sid) it is for.
        for i, statement in enumerate(statements):
            single = json.dumps({"Version": doc.get("Version", "2012-10-17"), "Statement": [statement]})
            where = f"{p['where']}#{statement.get('Sid') or i}"
            for f in analyze_policy_string(single, ignore_private_auditors=True).findings:
                out.append({"stack": p["stack"], "where": where, "issue": f.issue, "detail": str(f.detail)[:300]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
