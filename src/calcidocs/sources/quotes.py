"""Finding a quote in its source, and the closest passage when it is not there."""

from __future__ import annotations

from dataclasses import dataclass

from .normalize import Normalized, normalize, normalized_text

#: Longest passage, in characters, that a "closest passage" hint shows.
HINT_MAX_CHARS = 240


@dataclass(frozen=True)
class Match:
    """Where a quote stands in the original source text."""

    start: int
    end: int


def find_quote(source: Normalized, quote: str) -> Match | None:
    """The first place where ``quote`` stands in ``source``, or None.

    Both sides are normalised the same way (see :mod:`calcidocs.sources.normalize`).
    """
    needle = normalized_text(quote)
    if not needle:
        return None
    found = source.text.find(needle)
    if found < 0:
        return None
    start, end = source.span(found, found + len(needle))
    return Match(start, end)


def closest_passage(source: Normalized, quote: str) -> tuple[str, float] | None:
    """The passage of ``source`` most like ``quote``, in the source's own words.

    Only the first :data:`HINT_MAX_CHARS` characters of a longer quote are
    aligned. Returns the passage (white space folded, widened to whole words, cut
    to :data:`HINT_MAX_CHARS`) and a similarity score from 0 to 100, or None when
    the source is empty.
    """
    # the alignment costs far more than linear time in the quote's length: a wrong
    # quote of a few thousand characters took minutes on a large source
    needle = normalize(quote).text[:HINT_MAX_CHARS]
    if not needle or not source.text:
        return None
    from rapidfuzz import fuzz  # only for a quote not found: its import costs a build 30 ms

    alignment = fuzz.partial_ratio_alignment(needle, source.text)
    if alignment is None:
        return None
    start, end = source.span(alignment.dest_start, alignment.dest_end)
    text = source.original
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    passage = " ".join(text[start:end].split())
    if len(passage) > HINT_MAX_CHARS:
        passage = passage[: HINT_MAX_CHARS - 1].rstrip() + "\u2026"
    return passage, round(alignment.score, 1)
