"""Every value a pull request controls reaches the change-summary comment escaped: nothing in it can open a code
span, a link, an HTML comment or a table cell, or start a line, so nothing can hide or rewrite what follows."""

import re
import shutil
import subprocess

import pytest

from modules.review.mdtext import UNLINK, code, text
from modules.review.model import Change, Coded, Imported, ResourceAction, StackPlan, Summary
from modules.review.render import markdown
from tests.helpers import EXAMPLE

HOSTILE = [
    "x` <!--",
    "<!-- the rest is hidden",
    "a|b|c",
    "line\n# heading\n> quote",
    "cr\rlf\r\n---",
    "[click](https://evil.example)",
    "![img](https://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "<details><summary>x</summary>",
    "**bold** _em_ ~~gone~~",
    "```\nfenced",
    "$x$ and $$y$$",
    "&lt;!-- entity",
    "- [ ] task",
    "1. one",
    "\u202eevil\u2066",
    "\\`backslash",
    "tab\there\u2028sep",
    "@northwind/platform-admins please approve",
    "see https://evil.example/x, www.evil.example or mailto:a@b.example",
    "zero\u200bwidth\u200c\u200d\u2060\ufeff\u00ad\u061cmarks\u3164",
    "fixes #12",
]
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u061c\u3164\u202e\u2066\r"


def summary(value: str) -> Summary:
    """A summary whose every rendered field holds value."""
    plan = StackPlan(
        value,
        add=1,
        replace=1,
        destroy=1,
        imports=1,
        replaced=(ResourceAction(value, value, (value,)),),
        destroyed=(ResourceAction(value, value),),
        imported=(Imported(value, value, (value,)),),
        errored=True,
    )
    changes = [
        Change("accounts", "account_created", value, details=(value, Coded(value, value)), strong=(value,)),
        Change("shares", "share_revoked", value, destructive=True, details=(value, Coded(value, value))),
    ]
    return Summary(changes=changes, stacks_to_plan=[value, value + "2"], plans=[plan])


BENIGN = markdown(summary("benign"), "benign")


_CODE_SPAN = re.compile(r"(?<!\\)`[^`\n]*`")


def _unescaped(md: str, char: str) -> int:
    return len(re.findall(r"(?<!\\)" + re.escape(char), md))


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_every_field_changes_nothing_around_it(value):
    md = markdown(summary(value), value)
    lines, benign = md.split("\n"), BENIGN.split("\n")
    assert len(lines) == len(benign), "no field can add or remove a line"
    for got, want in zip(lines, benign, strict=True):
        # each line starts as the template makes it start (a heading stays a heading, a quote a quote, ...); a line
        # that starts with a value starts with no block marker
        prefix = re.split(r"`?benign", want, maxsplit=1)[0]
        assert got.startswith(prefix), (got, want)
        if not prefix:
            assert not re.match(r"[#>+*|<~=]|-\s|\d+[.)]", got), got
        if want.startswith("|"):
            assert _unescaped(got, "|") == _unescaped(want, "|"), "no field can split a table cell"
    # outside code spans (which show their text literally, and which no value can close: a value with a backtick is
    # never put in one), every Markdown character is the template's own: the values' are all escaped
    outside, benign_outside = _CODE_SPAN.sub("", md), _CODE_SPAN.sub("", BENIGN)
    for char in "<`[]*~$&_":
        assert _unescaped(outside.replace(UNLINK, ""), char) == _unescaped(benign_outside, char), char
    assert not [ch for ch in INVISIBLE if ch in md], "no invisible character reaches the comment"
    # nothing GitHub would link or notify by itself: @mentions and emails, URLs, www., issue references
    assert not re.search(r"@\w|://|(?i:www)\.|(?<![\w&])#\d", outside), outside


def test_plain_names_stay_readable():
    assert code("fraud-dev") == "`fraud-dev`"
    assert code('aws_iam_role.roles["x"]') == '`aws_iam_role.roles["x"]`'
    assert text("budget of fraud-dev: $500 → $800 a month") == "budget of fraud-dev: \\$500 → \\$800 a month"
    assert text("vpc_id of aws_vpc.vpc") == "vpc_id of aws_vpc.vpc", "a word's inner underscore emphasizes nothing"
    assert text("1. x") == "1\\. x" and text("# h") == "\\# h" and text("-x") == "\\-x"
    assert text("@alice") == "@&#8203;alice" and text("https://x.example") == "https:&#8203;//x.example"
    assert code("@alice") == "`@alice`", "GitHub links nothing in a code span"
    assert code("pric\u200bing") == "pric ing", "an invisible character is shown as a space, outside a code span"


def test_a_hostile_stack_folder_reaches_the_comment_escaped(tmp_path, run_cli, example_out):
    """The attack as it was reproduced: a folder named ``x` <!--`` in a pull request's generated/stacks hid the rest
    of the comment (the Terraform numbers and the failed plans)."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root / "registry")
    shutil.copytree(example_out, root / "generated")

    def git(*args):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    shutil.copytree(root / "generated/stacks/pricing-dev", root / "generated/stacks/x` <!--")
    code_, out, err = run_cli(["diff", "--base", "main", "--no-synth"], cwd=root)
    assert code_ == 0, err
    assert "### Stacks that will plan (1)\nx\\` \\<!--\n" in out
    assert "<!--" not in out.replace("\\<!--", "")
