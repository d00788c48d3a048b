"""The shape of the data every part of calcidocs reads.

A claim is a plain dict in the domain (pickled with the environment, merged per
document after a parallel read): :class:`Claim` and :class:`Citation` declare
its keys, so that the type checker checks every reader, at no cost when the
build runs. The other records a page contributes are small named tuples.

This module imports nothing of calcidocs: every other module may import it.
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple, NotRequired, TypedDict

#: The form of a claim id (an id of another form gets no anchor and no link).
ID_RE = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")

#: What a claim's citations prove, from best to worst.
Status = Literal["verified", "unverified", "uncited", "broken"]
STATUSES: tuple[Status, ...] = ("verified", "unverified", "uncited", "broken")

#: The most citations a claim may have (``:source:`` to ``:source-9:``).
MAX_CITATIONS = 9

#: The kinds of vocabulary term a claim is filed under.
TERM_KINDS = ("subtype", "topic")


class Citation(TypedDict):
    """One ``:source-N:`` / ``:quote-N:`` pair of a claim, and what became of it."""

    # -- as written ---------------------------------------------------------------
    #: 1 for ``:source:``, N for ``:source-N:``
    number: int
    #: the source's key (as written when the source was not found)
    source: str
    #: the quote, its runs of white space made single spaces ("" if none)
    quote: str

    # -- as checked against the source ---------------------------------------------
    #: the source was found and read
    found: bool
    #: the quote was found in the source
    verified: bool
    #: where the quote stands in the source's normalised text (None unless verified)
    start: int | None
    end: int | None
    #: the reasons the manifest gives for the weak passages the quote overlaps
    #: (only on a verified citation)
    weak: NotRequired[list[str]]


class Claim(TypedDict):
    """A claim as the ``claim`` directive reads it."""

    # -- identity and place ---------------------------------------------------------
    #: the ``:id:`` as written ("" when missing; may be malformed, see :data:`ID_RE`)
    id: str
    docname: str
    #: the directive's line
    line: int

    # -- what it says ------------------------------------------------------------------
    #: the statement, its runs of white space made single spaces
    text: str
    #: the short label of ``:label:`` ("" if none) and its line
    label: str
    label_line: int
    #: the text of the body, its runs of white space made single spaces, and its line
    body: str
    body_line: int

    # -- where it is filed, and what it disputes -----------------------------------------
    subtypes: list[str]
    topics: list[str]
    #: ids of the claims this one disputes
    disputes: list[str]

    # -- its evidence --------------------------------------------------------------------
    citations: list[Citation]
    status: Status
    #: the reasons of the weak passages when every verified quote rests on one
    weak: list[str]

    # -- what a reviewer accepted --------------------------------------------------------
    #: ``:drift-ok:``: token (lower case) -> reason, and the option's line
    drift_ok: dict[str, str]
    drift_ok_line: int


#: The options of an aggregate directive (a table, a list, a source's text, a report).
AggregateOptions = dict[str, Any]


class Aggregate(NamedTuple):
    """A table, list, source text or report on a page, filled from all claims."""

    kind: str
    options: AggregateOptions


class Term(NamedTuple):
    """A page's declaration of a vocabulary term (``{subtype}`` / ``{topic}`` directive)."""

    kind: str  # one of TERM_KINDS
    name: str
    anchor: str
    line: int
    #: the page with the highest priority is the term's page
    priority: int


class XRef(NamedTuple):
    """A calcidocs cross-reference written on a page, for the ``ref`` check."""

    reftype: str
    target: str
    line: int


class CitedSentence(NamedTuple):
    """A sentence of prose that cites claims (the drift check reads it against them)."""

    line: int
    text: str
    claims: list[str]


class EditorialSentence(NamedTuple):
    """A sentence of an editorial block, its references left out."""

    line: int
    text: str


class ClaimPrints(NamedTuple):
    """A claim's fingerprints, taken when its page is read (sha256, hexadecimal)."""

    #: of what a reviewer reads and signs (the review lock compares it)
    review: str
    #: of the whole record (a page that shows the claim is written again when it changes)
    record: str


class Problem(NamedTuple):
    """One problem, as plain data: where it is and what it says."""

    docname: str
    line: int
    check: str  # a Check value
    message: str


class FileProblem(NamedTuple):
    """A problem in a file that is no document (the source manifest, the review lock)."""

    location: str  # "path:line"
    check: str  # a Check value
    message: str


class ClaimResult(NamedTuple):
    """What the checks found for one claim, whatever the other pages hold."""

    #: the differences between its words and its quotes that no entry accepts
    drift: tuple[Problem, ...] = ()
    #: the ``:drift-ok:`` tokens its own drift used
    used: tuple[str, ...] = ()
    #: whether the review lock judges it (the lock is on, its id well formed)
    reviewed: bool = False
    #: its record's reviewer and date (None when it has no record)
    by: str | None = None
    on: str | None = None
    #: whether its record signs it as it is now
    current: bool = False
    #: the review problem, in words (None when current, or not reviewed)
    review: str | None = None


class PageResults(NamedTuple):
    """What the checks found for the claims of one page, and what they read besides
    the page: kept until the page is read again or any of it changes."""

    #: the digest of the lexicon the drift was found with
    lexicon: str
    #: the review lock's name and digest ("" when off, "error" when unreadable)
    lock: str
    #: each source the claims cite, and the sha256 of its text then ("" when unreadable)
    sources: tuple[tuple[str, str], ...]
    #: in the order of the page's claims
    claims: tuple[ClaimResult, ...]
    #: whether any claim has a problem, used a ``:drift-ok:`` entry or has one
    notable: bool


class ReadabilityCounts(NamedTuple):
    """The counts of a content page's prose, for its Flesch-Kincaid grade."""

    words: int
    sentences: int
    syllables: int


def split_names(value: str | None) -> list[str]:
    """Names from a space- or comma-separated option value, in order, each once."""
    names: list[str] = []
    for name in re.split(r"[\s,]+", value or ""):
        if name and name not in names:
            names.append(name)
    return names


def quoted_span(citation: Citation) -> tuple[int, int]:
    """Where a verified citation's quote stands in its source's normalised text."""
    start, end = citation["start"], citation["end"]
    if start is None or end is None:
        raise ValueError(f"the quote of {citation['source']!r} was not found: it has no place")
    return start, end
