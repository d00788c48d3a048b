"""MyST's directive options, read faster when every line is a plain ``:key: value``.

MyST reads a directive's option block with a YAML-like scanner that walks it one
character at a time. A claim has five or more options, and that scan was the largest
single cost of reading a page of claims: 0.2 ms a claim, more than the claim directive
itself. Nearly every block is a run of ``key: value`` lines whose values are plain
text; this module reads those with one regular expression per line and gives MyST
the very tokens its own scanner makes. Any other block (quotes, ``|`` or ``>``
values, comments, a value that goes on over several lines, blank lines, tabs, a
byte order mark) goes to MyST's scanner as before.

The tests compare both readers' tokens on every option block of the project's own
pages and on hand-made ones, so a change in MyST shows as a failing test, not as
options read differently.
"""

from __future__ import annotations

import re
from typing import Any

#: A line read here: a key of plain characters, a colon, then either nothing or
#: spaces and a value that MyST's plain scanner takes as it stands.
_LINE = re.compile(
    r"(?P<key>[A-Za-z0-9][A-Za-z0-9_.-]*):"
    r"(?: +(?P<value>[^ '\"|>#\t\r\n\x85\u2028\u2029\ufeff]"
    r"[^\t\r\n\x85\u2028\u2029\ufeff]*?))? *"
)
#: What MyST's scanner reads differently from the text as it stands: a comment
#: (`` #``), and the characters it takes as the end, line breaks or skips.
_SPECIAL = re.compile(r" #|[\0\t\r\x85\u2028\u2029\ufeff]")


def tokens_of_plain_block(text: str, tokens_module: Any) -> tuple[list[Any], Any] | None:
    """MyST's ``(tokens, state)`` for an option block of plain ``key: value`` lines,
    or None when the block is anything else (MyST's scanner then reads it)."""
    if not text or _SPECIAL.search(text):
        return None
    position = tokens_module.Position
    key_token = tokens_module.KeyToken
    value_token = tokens_module.ValueToken
    tokens: list[Any] = []
    index = 0
    for number, line in enumerate(text.split("\n")):
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key = match["key"]
        value = match["value"]
        key_end = len(key)
        key_item = key_token(
            position(index, number, 0), position(index + key_end, number, key_end), key
        )
        if value is None:
            # MyST gives no value token for ``key:`` at the end of a line (the next
            # key starts a line) and an empty one for ``key:`` ending the block
            if number == text.count("\n"):
                return None
            tokens.append((key_item, None))
        else:
            start = match.start("value")
            end = match.end("value")
            tokens.append(
                (
                    key_item,
                    value_token(
                        position(index + start, number, start),
                        position(index + end, number, end),
                        value,
                    ),
                )
            )
        index += len(line) + 1
    return tokens, tokens_module.State()


def read_plain_blocks_quickly() -> bool:
    """Have MyST's directive parser read plain option blocks here (see the module).

    Done once; left alone (False) if MyST is missing or is not shaped as expected."""
    try:
        from myst_parser.parsers import directives as myst_directives
        from myst_parser.parsers import options as myst_options
    except ImportError:
        return False
    current = getattr(myst_directives, "options_to_tokens", None)
    if getattr(current, "calcidocs_quick", False):
        return True
    scanner = getattr(myst_options, "options_to_tokens", None)
    if current is None or current is not scanner:
        return False
    if not all(hasattr(myst_options, n) for n in ("Position", "KeyToken", "ValueToken", "State")):
        return False

    def options_to_tokens(
        text: str, line_offset: int = 0, column_offset: int = 0
    ) -> tuple[list[Any], Any]:
        quick = tokens_of_plain_block(text, myst_options)
        if quick is not None:
            return quick
        return scanner(text, line_offset, column_offset)

    options_to_tokens.calcidocs_quick = True  # type: ignore[attr-defined]
    myst_directives.options_to_tokens = options_to_tokens
    return True
