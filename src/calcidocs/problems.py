"""Warning subtypes and how problems are reported.

Every problem is a Sphinx warning of ``type="calcidocs"`` with one of the
subtypes below, so ``suppress_warnings = ["calcidocs.quote"]`` and ``-W`` work.
Problems found while reading a document are kept as plain data in the
environment and reported on every build, not only when the document is read.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import NamedTuple

from sphinx.util import logging

logger = logging.getLogger("calcidocs")


class Check(StrEnum):
    """The warning subtypes, with what raises each."""

    UNCITED = "uncited"
    SOURCE = "source"
    QUOTE = "quote"
    ID = "id"
    VOCAB = "vocab"
    REF = "ref"

    @property
    def help(self) -> str:
        return _HELP[self]

    @property
    def fix(self) -> str:
        return _FIX[self]


_HELP = {
    Check.UNCITED: "a claim cites no source; a content paragraph has no citation",
    Check.SOURCE: "unknown source key or file; a file the manifest does not list, or the "
    "manifest itself; a path that leaves the sources folder; an unreadable, binary or "
    "non-UTF-8 source; a manifest problem or hash mismatch",
    Check.QUOTE: "the quote is not in the cited source (the warning shows the closest "
    "passage); a quote too short; a citation without quote where quotes are required",
    Check.ID: "a claim without id, a duplicate or malformed id",
    Check.VOCAB: "an unknown subtype or topic",
    Check.REF: "a cross-reference that resolves to nothing",
}


_FIX = {
    Check.UNCITED: "add :source: and :quote: to the claim; make the paragraph a claim, cite "
    "a source inline with {source}, or put it in an {editorial} block",
    Check.SOURCE: "cite a key (or file) that docs/sources/manifest.toml lists, and list a "
    "new source there; keep sources UTF-8 text; after editing a source on purpose, update "
    "its sha256",
    Check.QUOTE: "copy the words from the source page (the warning shows the closest "
    "passage); quote enough words to mean something; give every citation a :quote:",
    Check.ID: "give the claim an :id: of lower-case letters, digits and '-', unique in the project",
    Check.VOCAB: "use a name of calcidocs_subtypes or calcidocs_topics in conf.py, or "
    "declare the new term there",
    Check.REF: "fix the name in the role or in :disputes:, or create the target",
}


class Problem(NamedTuple):
    """One problem, as plain data: where it is and what it says."""

    docname: str
    line: int
    check: str  # a Check value
    message: str


#: The longest warning message (a longer one is cut short).
MAX_MESSAGE_CHARS = 1000
#: Characters that reorder or hide text on a terminal.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(message: str) -> str:
    """``message`` fit for a reviewer's terminal: control characters, line separators
    and bidirectional overrides escaped (``\\x1b``), at most :data:`MAX_MESSAGE_CHARS`."""
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1] + "\u2026"
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI
        else char
        for char in message
    )


def emit(problem: Problem, location: str | tuple[str, int]) -> None:
    """Report ``problem`` as a typed Sphinx warning at ``location``."""
    logger.warning(
        "%s",
        printable(problem.message),
        type="calcidocs",
        subtype=problem.check,
        location=location,
    )
