"""Exit codes of `post` (modules/post/run.py explains them), apart so the CLI maps errors without loading boto3."""

EXIT_NOTHING, EXIT_FAILED, EXIT_PENDING, EXIT_USAGE = 0, 1, 2, 3
