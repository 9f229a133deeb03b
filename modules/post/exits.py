"""Exit codes of `post` and `access-drift` (modules/post/run.py explains them), apart so the command line maps errors
without loading boto3: 2 means "changes pending" (or access found), so a failure is 1 and a usage problem 3."""

from ..base.exits import Exits

EXIT_NOTHING, EXIT_FAILED, EXIT_PENDING, EXIT_USAGE = 0, 1, 2, 3

POST = Exits(
    usage=EXIT_USAGE,
    failed=EXIT_FAILED,
    label="post {mode}",
    interrupted="post {mode}: interrupted; actions already done stay done, run it again",
)
ACCESS_DRIFT = Exits(usage=EXIT_USAGE, failed=EXIT_FAILED, label="access-drift")
