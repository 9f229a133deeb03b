"""Where the registry was read from: each model object's `Source` (file, path in it, the parsed document) and the
Registry's `Origin` (what the loader learned about the folder). Plain records that the model holds and source.py
reports errors at; apart from both so that neither imports the other back."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .yamlio import Document


# Where a value was written is not part of what it is: two objects of equal fields are equal wherever they
# were written (pydantic compares private attributes too), hence compare=False throughout.
@dataclass(frozen=True)
class Source:
    """One model object's place: file relative to the registry folder, path in that file, the document."""

    rel: str = field(compare=False)
    path: tuple[Any, ...] = field(compare=False)
    doc: Document = field(compare=False, repr=False)


@dataclass(frozen=True)
class Origin:
    """What the loader learned about the registry folder that the models do not hold."""

    root: str = field(default="", compare=False)  # the folder, to read folders that entries point at (seed code)
    shown_root: str = field(default="", compare=False)  # the folder as the user typed it
    broken_teams: frozenset[str] = field(default=frozenset(), compare=False)  # team files that did not validate
    teams_unreadable: bool = field(default=False, compare=False)  # teams/ unreadable: team references not checked
    outside: frozenset[str] = field(default=frozenset(), compare=False)  # side files refused: outside the folder

    def shown(self, rel: str) -> str:
        return show_path(self.shown_root, rel)


def show_path(root: str, rel: str) -> str:
    joined = os.path.join(root, rel) if root not in ("", ".") else rel
    return joined.replace(os.sep, "/")
