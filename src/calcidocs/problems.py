"""Warning subtypes and how problems are reported.

Every problem is a Sphinx warning of ``type="calcidocs"`` with one of the
subtypes below, so ``suppress_warnings = ["calcidocs.quote"]`` and ``-W`` work.
Problems found while reading a document are kept as plain data in the
environment and reported on every build, not only when the document is read.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from sphinx.util import logging

from .model import Problem

logger = logging.getLogger("calcidocs")


class Check(StrEnum):
    """The warning subtypes, with what raises each."""

    UNCITED = "uncited"
    SOURCE = "source"
    QUOTE = "quote"
    ID = "id"
    VOCAB = "vocab"
    REF = "ref"
    DRIFT = "drift"
    REVIEW = "review"

    @property
    def help(self) -> str:
        return _HELP[self]

    @property
    def fix(self) -> str:
        return _FIX[self]


_HELP = {
    Check.UNCITED: "a claim cites no source; a sentence of a content page, outside claims and "
    "editorial blocks, has no citation of its own",
    Check.SOURCE: "unknown source key or file; a file the manifest does not list, or the "
    "manifest itself; a path that leaves the sources folder; an unreadable, binary or "
    "non-UTF-8 source; a manifest problem or hash mismatch",
    Check.QUOTE: "the quote is not in the cited source (the warning shows the closest "
    "passage); a quote too short; a citation without quote where quotes are required",
    Check.ID: "a claim without id, a duplicate or malformed id",
    Check.VOCAB: "an unknown subtype or topic",
    Check.REF: "a cross-reference that resolves to nothing",
    Check.DRIFT: "a statement, label or body (or a sentence citing a claim) says more than "
    "its quotes: a medical term, number, certainty or cause that none of them holds; a "
    "medical statement in an editorial block; a :drift-ok: that accepts nothing",
    Check.REVIEW: "with a review lock: a claim not yet reviewed, changed since its review, "
    "or whose cited source changed since; a review record whose claim is gone; a lock "
    "line that is no review record",
}


_FIX = {
    Check.UNCITED: "add :source: and :quote: to the claim; give the sentence its own "
    "{claim} or {source} reference, make it a claim, or put it in an {editorial} block",
    Check.SOURCE: "cite a key (or file) that docs/sources/manifest.toml lists, and list a "
    "new source there; keep sources UTF-8 text; after editing a source on purpose, update "
    "its sha256",
    Check.QUOTE: "copy the words from the source page (the warning shows the closest "
    "passage); quote enough words to mean something; give every citation a :quote:",
    Check.ID: "give the claim an :id: of lower-case letters, digits and '-', unique in the project",
    Check.VOCAB: "use a name of calcidocs_subtypes or calcidocs_topics in conf.py, or "
    "declare the new term there",
    Check.REF: "fix the name in the role or in :disputes:, or create the target",
    Check.DRIFT: "say no more than the quotes (keep their 'may', name what they name); or, "
    "as a reviewer who judged the words faithful, accept that one difference with "
    ":drift-ok: TOKEN: reason; move medical text out of editorial blocks into claims",
    Check.REVIEW: "read the claim and its quotes, then sign it off: python -m calcidocs.check "
    "--accept --reviewer NAME ID (it shows what changed, word by word, and writes the lock)",
}


#: The longest warning message (a longer one is cut short).
MAX_MESSAGE_CHARS = 1000
#: Characters that reorder or hide text on a terminal.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(message: str, limit: int | None = MAX_MESSAGE_CHARS) -> str:
    """``message`` fit for a reviewer's terminal: control characters, line separators
    and bidirectional overrides escaped (``\\x1b``), at most ``limit`` characters."""
    if limit is not None and len(message) > limit:
        message = message[: limit - 1] + "\u2026"
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
