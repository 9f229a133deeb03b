"""The one way text enters the change summary's Markdown: `text` for prose, `code` for a name shown as code.

Everything in a summary can come from a pull request: stack names are folder names of its `generated/`, team and
share names, resources and people come from its registry, addresses from its plans. Markdown gives such text
power over what follows it: a backtick opens a code span, `<!--` hides the rest of the comment, `|` splits a
table cell, `](` makes a link, a newline starts a line that can be a heading or close a block quote. So the
summary's texts are plain (modules/review/model.py) and the renderer passes every one through these two
functions, which neutralize the class: control characters and line breaks become spaces, every character with
a meaning in GitHub's Markdown is backslash-escaped (CommonMark: any ASCII punctuation may be), and a code span
is used only for text that cannot close it.
GitHub Flavored Markdown: https://github.github.com/gfm/#backslash-escapes, #code-spans, #tables-extension-.
"""

from __future__ import annotations

import re

# Line breaks (\n, \r, U+2028/9, NEL), every other C0/C1 control, and the bidirectional controls that reorder what
# a reader sees (Trojan Source): a space each.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Inline Markdown and HTML anywhere in a line: escapes, code, emphasis, links and images, HTML and comments,
# tables, strikethrough, math, entities.
_INLINE = re.compile(r"[\\`*\[\]<>|~$&]")
# `_` emphasizes only at a word's edge (GFM: never inside a word), so `vpc_id` stays readable.
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What makes a line a heading, quote, list item or rule when it starts it.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
_SAFE_CODE = re.compile(r"[^`|\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def text(value: object) -> str:
    """value as Markdown that shows exactly its characters, on one line, and changes nothing after it."""
    s = _CONTROL.sub(" ", str(value))
    s = _INLINE.sub(lambda m: "\\" + m.group(0), s)
    s = _EDGE_UNDERSCORE.sub(r"\\_", s)
    # a marker character is escaped; an ordered list's number keeps its digits and escapes the `.` or `)` after it
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), s)


def code(value: object) -> str:
    """value as a code span when it cannot close or break one (no backtick, no pipe, no control character, no
    edge space); otherwise as escaped text, which shows the same characters."""
    s = str(value)
    if _SAFE_CODE.fullmatch(s) and s == s.strip():
        return f"`{s}`"
    return text(s)
