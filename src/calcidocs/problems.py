"""Warning subtypes and how problems are reported.

Every problem is a Sphinx warning of ``type="calcidocs"`` with one of the
subtypes below, so ``suppress_warnings = ["calcidocs.quote"]`` and ``-W`` work.
Problems found while reading a document are kept as plain data in the
environment and reported on every build, not only when the document is read.
"""

from __future__ import annotations

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


_HELP = {
    Check.UNCITED: "a claim cites no source; a content paragraph has no citation",
    Check.SOURCE: "unknown source key or file; a path that leaves the sources folder; an "
    "unreadable, binary or non-UTF-8 source; a manifest problem or hash mismatch",
    Check.QUOTE: "the quote is not in the cited source (the warning shows the closest "
    "passage); a quote too short; a citation without quote where quotes are required",
    Check.ID: "a claim without id, a duplicate or malformed id",
    Check.VOCAB: "an unknown subtype or topic",
    Check.REF: "a cross-reference that resolves to nothing",
}


class Problem(NamedTuple):
    """One problem, as plain data: where it is and what it says."""

    docname: str
    line: int
    check: str  # a Check value
    message: str


def emit(problem: Problem, location: str | tuple[str, int]) -> None:
    """Report ``problem`` as a typed Sphinx warning at ``location``."""
    logger.warning(
        "%s",
        problem.message,
        type="calcidocs",
        subtype=problem.check,
        location=location,
    )
