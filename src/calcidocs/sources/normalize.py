"""Text normalisation for quote matching, with a map back to the original text.

The design allows exactly these differences between a quote and its source:
letter case, runs of white space, and typographic variants of quotes, dashes
and bullets. Nothing else is folded.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_BULLETS = "\u2022\u2023\u2043\u2219\u25aa\u25ab\u25cf\u25e6\u25cb\u25a0\u25a1\u00b7"

#: Each typographic variant and the plain character it stands for.
VARIANTS: dict[str, str] = {
    **dict.fromkeys(_SINGLE_QUOTES, "'"),
    **dict.fromkeys(_DOUBLE_QUOTES, '"'),
    **dict.fromkeys(_DASHES, "-"),
    **dict.fromkeys(_BULLETS, "\u2022"),
}


@dataclass(frozen=True)
class Normalized:
    """A normalised text and, for each of its characters, the index in the original."""

    text: str
    offsets: array  # array('l'): offsets[i] = index in the original of text[i]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span (start, end) covered by normalised ``text[start:end]``."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


#: Change it when :func:`normalize` changes what it makes (texts normalised before,
#: and kept by a build for the next, are then normalised again).
NORMALIZE_VERSION = 1

_TRANSLATION = str.maketrans(VARIANTS)
_WHITE_SPACE = re.compile(r"\s+")


def normalize(text: str) -> Normalized:
    """Fold case, white space runs and typographic variants; keep offsets.

    White space at either end is dropped and every inner run becomes one space.
    """
    folded = text.translate(_TRANSLATION).casefold()
    if len(folded) != len(text):  # a character folds to several (such as "ß")
        return _normalize_slowly(text)
    pieces: list[str] = []
    offsets = array("l")
    position = 0  # where the next word may start
    space_at = -1  # where the white space before it starts
    for space in _WHITE_SPACE.finditer(folded):
        start, end = space.span()
        if start > position:
            if pieces:
                pieces.append(" ")
                offsets.append(space_at)
            pieces.append(folded[position:start])
            offsets.extend(range(position, start))
        space_at, position = start, end
    if position < len(folded):
        if pieces:
            pieces.append(" ")
            offsets.append(space_at)
        pieces.append(folded[position:])
        offsets.extend(range(position, len(folded)))
    return Normalized("".join(pieces), offsets, text)


def normalized_text(text: str) -> str:
    """``normalize(text).text``, without the offsets (a quote, to look for)."""
    folded = text.translate(_TRANSLATION).casefold()
    if len(folded) != len(text):
        return _normalize_slowly(text).text
    # str.split() and the pattern's \s split at the same characters
    return " ".join(folded.split())


def _normalize_slowly(text: str) -> Normalized:
    """:func:`normalize`, one character at a time."""
    out: list[str] = []
    offsets = array("l")
    pending_space = -1
    for index, char in enumerate(text):
        if char.isspace():
            if out and pending_space < 0:
                pending_space = index
            continue
        if pending_space >= 0:
            out.append(" ")
            offsets.append(pending_space)
            pending_space = -1
        folded = VARIANTS.get(char, char).casefold()
        out.extend(folded)
        offsets.extend([index] * len(folded))
    return Normalized("".join(out), offsets, text)


def word_count(text: str) -> int:
    """How many white-space separated words ``text`` holds."""
    return len(text.split())
