"""The command line's argument types: each turns a string into the value its option holds, or says what to write."""

from __future__ import annotations

import argparse
import re
from datetime import date


def day(text: str) -> date:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: {exc}") from None


def shard(text: str) -> str:
    found = re.fullmatch(r"([0-9]+)/([0-9]+)", text)
    if not found or not int(found.group(1)) < int(found.group(2)):
        raise argparse.ArgumentTypeError(f"'{text}' is not a shard: write K/N with 0 <= K < N, such as 3/7")
    return text


def positive(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive whole number")
    return int(text)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number of seconds")
    return value
