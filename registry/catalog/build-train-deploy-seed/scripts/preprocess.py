"""Runs inside the processing job: split the raw CSV files into train and validation sets (label first)."""
from __future__ import annotations

import random
from pathlib import Path

INPUT = Path("/opt/ml/processing/input")
OUTPUT = Path("/opt/ml/processing")
VALIDATION_SHARE = 0.2


def split(rows: list[str], seed: int = 42) -> tuple[list[str], list[str]]:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    cut = int(len(rows) * (1 - VALIDATION_SHARE))
    return rows[:cut], rows[cut:]


def main() -> None:
    rows = [line for path in sorted(INPUT.glob("*.csv")) for line in path.read_text().splitlines()[1:] if line]
    train, validation = split(rows)
    for name, part in (("train", train), ("validation", validation)):
        (OUTPUT / name).mkdir(parents=True, exist_ok=True)
        (OUTPUT / name / f"{name}.csv").write_text("\n".join(part) + "\n")


if __name__ == "__main__":
    main()
