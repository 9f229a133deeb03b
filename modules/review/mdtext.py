"""The one way text enters the change summary's Markdown: `text` for prose, `code` for a name shown as code.

Everything in a summary can come from a pull request: stack names are folder names of its `generated/`, team and
share names, resources and people come from its registry, addresses from its plans. Markdown gives such text
power over what follows it: a backtick opens a code span, `<!--` hides the rest of the comment, `|` splits a
table cell, `](` makes a link, a newline starts a line that can be a heading or close a block quote. So the
summary's texts are plain (modules/review/model.py) and the renderer passes every one through these two
functions, which neutralize the class: control characters, line breaks and every invisible character (Unicode's
format characters, such as the bidirectional controls of Trojan Source, U+061C, zero-width spaces and joiners, and
the blank Hangul fillers) become spaces, every character with a meaning in GitHub's Markdown is backslash-escaped
(CommonMark: any ASCII punctuation may be), a code span is used only for text that cannot close it, and what GitHub
would link by itself in plain text (an @mention that notifies people, a bare URL, an email, `www.`, an issue
reference `#12`) gets a zero-width space entity after its first character, which shows the same text unlinked.
GitHub Flavored Markdown: https://github.github.com/gfm/#backslash-escapes, #code-spans, #tables-extension-,
#autolinks-extension-; GitHub's own references: https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls.
"""

from __future__ import annotations

import re
import unicodedata

# Line breaks (\n, \r, U+2028/9, NEL), every other C0/C1 control, every format character (Cf: bidirectional controls,
# U+061C, zero-width spaces and joiners, U+FEFF, soft hyphen, tags) and the blank Hangul fillers: a space each.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
# Inline Markdown and HTML anywhere in a line: escapes, code, emphasis, links and images, HTML and comments,
# tables, strikethrough, math, entities.
_INLINE = re.compile(r"[\\`*\[\]<>|~$&]")
# `_` emphasizes only at a word's edge (GFM: never inside a word), so `vpc_id` stays readable.
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# What makes a line a heading, quote, list item or rule when it starts it.
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
# What GitHub links in plain text: @mentions (and emails), URLs and `www.`, issue and pull request references.
_AUTOLINKED = re.compile(r"@|(?i:www)(?=\.)|(?i:[a-z][a-z0-9+.-]*:)(?=//)|(?<![A-Za-z0-9_&])#(?=\d)")
UNLINK = "&#8203;"  # a zero-width space, as an entity: the text reads the same, and nothing links it


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch in _BLANK_LETTERS


def _visible(value: object) -> str:
    return "".join(" " if _invisible(ch) else ch for ch in str(value))


def text(value: object) -> str:
    """value as Markdown that shows exactly its characters, on one line, and changes nothing after it."""
    s = _INLINE.sub(lambda m: "\\" + m.group(0), _visible(value))
    s = _EDGE_UNDERSCORE.sub(r"\\_", s)
    # a marker character is escaped; an ordered list's number keeps its digits and escapes the `.` or `)` after it
    s = _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), s)
    return _AUTOLINKED.sub(lambda m: m.group(0) + UNLINK, s)


def code(value: object) -> str:
    """value as a code span when it cannot close or break one (no backtick, no pipe, no invisible character, no edge
    space); otherwise as escaped text, which shows the same characters. GitHub links nothing inside a code span."""
    s = str(value)
    if s and s == s.strip() and not any(ch in "`|" or _invisible(ch) for ch in s):
        return f"`{s}`"
    return text(s)
