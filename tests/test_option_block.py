"""Plain option blocks are read without MyST's scanner, into the very same tokens.

MyST reads a directive's ``:key: value`` lines with a scanner that walks them one
character at a time; calcidocs reads the plain ones with a regular expression
(``calcidocs.directives.option_block``). Whatever it reads must be token for token
what MyST's scanner makes, and whatever it cannot read must go to the scanner.
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest
from myst_parser.parsers import directives as myst_directives
from myst_parser.parsers import options as myst_options

from calcidocs.directives.option_block import read_plain_blocks_quickly, tokens_of_plain_block
from conftest import REPO, build, copy_root

OPENING = re.compile(r"^(:{3,}|`{3,})\{[^}]+\}")


def option_blocks(text: str) -> list[str]:
    """The option blocks of a MyST page, as MyST hands them to its scanner: the
    ``:key: value`` lines without their colon, or the lines between ``---`` lines."""
    blocks = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if not OPENING.match(line.lstrip()):
            continue
        following = lines[number + 1 :]
        block: list[str] = []
        if following and following[0].startswith("---"):
            for index, later in enumerate(following[1:]):
                if later.startswith("---"):
                    block = following[1 : index + 1]
                    break
            if block:
                blocks.append(dedent("\n".join(block)))
            continue
        for later in following:
            stripped = later.lstrip()
            if not stripped.startswith(":") or stripped.startswith(":::"):
                break
            block.append(stripped[1:])
        if block:
            blocks.append("\n".join(block))
    return blocks


def project_blocks() -> list[str]:
    pages = sorted((REPO / "docs").rglob("*.md")) + sorted((REPO / "tests" / "roots").rglob("*.md"))
    return [block for page in pages for block in option_blocks(page.read_text(encoding="utf-8"))]


def scanned(text: str) -> tuple[list[object], object] | str:
    """MyST's own reading of ``text``: its tokens and state, or the error it raises."""
    try:
        return myst_options.options_to_tokens(text)
    except myst_options.TokenizeError as err:
        return f"error: {err}"


def test_every_plain_block_of_the_project_reads_as_mysts_scanner_reads_it() -> None:
    blocks = project_blocks()
    read = 0
    for block in blocks:
        quick = tokens_of_plain_block(block, myst_options)
        if quick is None:
            continue
        read += 1
        assert quick == scanned(block), block
    # most blocks of the project are plain; those with a ``|`` quote are not
    assert len(blocks) > 250
    assert read > len(blocks) / 2, (read, len(blocks))


PLAIN = [
    "id: c1",
    "id: c1\nsource: s1\nquote: a b c",
    "quote: two  spaces inside   ",
    "quote: a colon: inside, and a hash#inside",
    "quote: - starts with a dash, [brackets] {braces} & * ! % @ `tick`",
    "drift-ok: always=often, never\nlabel.x: Zürich naïve \u2013 \u201ccurly\u201d quotes",
    "label:\nid: c2",
    "id:    spaced out",
    "id: a\nid: b",
]

NOT_PLAIN = [
    "",
    "quote: a # comment",
    "# comment\nid: c1",
    "quote: 'single quoted'",
    'quote: "double quoted"',
    "quote: |\n  literal",
    "quote: >\n  folded",
    "quote: goes on\n  over two lines",
    "id: c1\n\nsource: s1",
    "id:\tc1",
    "quote: tab\tinside",
    "id: c1\r\nsource: s1",
    "\ufeffid: c1",
    "id: nul\0",
    "id:c1",
    "  id: c1",
    "id: c1\nlabel:",
    "-key: c1",
    "'key': c1",
    "a b: c",
    "quote: line\u2028separator",
]


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_block_gives_the_scanners_tokens(text: str) -> None:
    quick = tokens_of_plain_block(text, myst_options)
    assert quick is not None
    assert quick == scanned(text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_any_other_block_is_left_to_the_scanner(text: str) -> None:
    assert tokens_of_plain_block(text, myst_options) is None


def test_myst_reads_through_the_quick_reader_and_falls_back_on_the_rest() -> None:
    assert read_plain_blocks_quickly()
    reader = myst_directives.options_to_tokens
    assert reader is not myst_options.options_to_tokens
    for text in PLAIN:
        assert reader(text) == scanned(text)
    for text in NOT_PLAIN:
        try:
            result: object = reader(text)
        except myst_options.TokenizeError as err:
            result = f"error: {err}"
        assert result == scanned(text), text


TWINS = """
:::{claim} The red form can follow damage to the surface.
:id: plain-twin
:subtype: red
:source: alpha
:quote: The "red" form appears when the surface is damaged
:::

:::{claim} The red form can come after the surface is damaged.
:id: scanned-twin
:subtype: red
:source: alpha
:quote: 'The "red" form appears when the surface is damaged'
:::
"""


def test_claims_with_plain_and_scanned_blocks_read_alike(tmp_path: Path) -> None:
    """A claim whose options MyST's scanner reads (a quoted value) and its plain twin
    build alike: same quote, verified at the same place."""
    srcdir = copy_root("basic", tmp_path)
    page = srcdir / "subtypes" / "red.md"
    page.write_text(page.read_text(encoding="utf-8") + TWINS, encoding="utf-8")
    result = build(srcdir, fresh=True)
    assert result.status == 0, result.warnings
    claims = {c["id"]: c for c in result.claims_json()["claims"]}
    plain, scanned_twin = claims["plain-twin"], claims["scanned-twin"]
    assert plain["status"] == scanned_twin["status"] == "verified"
    assert plain["citations"] == scanned_twin["citations"]
    # the build had MyST read plain blocks here
    assert getattr(myst_directives.options_to_tokens, "calcidocs_quick", False)
