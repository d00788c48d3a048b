"""Source coverage: which sentences of each source some claim quotes.

A source is cut into sentences (per line, then at sentence ends). A sentence
is *quoted* when verified quotes cover at least half of its characters. Lines
the manifest lists under ``exclude`` (navigation, sign-up prompts) and
sentences too short to quote (fewer words than ``calcidocs_min_quote_words``)
are not counted.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..model import Claim, quoted_span
from .manifest import Source
from .normalize import normalize, word_count

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
QUOTED_SHARE = 0.5


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    counted: bool  # False: excluded by the manifest or too short to quote
    quoted: bool


@dataclass(frozen=True)
class Coverage:
    key: str
    sentences: list[Sentence]
    claims: list[str]  # ids of the claims citing the source

    @property
    def counted(self) -> list[Sentence]:
        return [s for s in self.sentences if s.counted]

    @property
    def quoted(self) -> int:
        return sum(1 for s in self.counted if s.quoted)

    @property
    def share(self) -> float:
        counted = len(self.counted)
        return self.quoted / counted if counted else 1.0


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: lines, cut after ``.``, ``!`` or ``?``."""
    spans = []
    position = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        cursor = 0
        for match in [*SENTENCE_END.finditer(body), None]:
            end = match.start() if match else len(body)
            piece = body[cursor:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((position + cursor + lead, position + cursor + len(piece.rstrip())))
            if match:
                cursor = match.end()
        position += len(line)
    return spans


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined, in order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covered(start: int, end: int, merged: list[tuple[int, int]]) -> int:
    """How many characters of [start, end) the merged spans cover."""
    first = bisect.bisect_right(merged, (start, start)) - 1
    total = 0
    for q_start, q_end in merged[max(first, 0) :]:
        if q_start >= end:
            break
        total += max(0, min(end, q_end) - max(start, q_start))
    return total


def coverage(source: Source, claims: list[Claim], min_words: int) -> Coverage:
    """The coverage of ``source`` by the verified quotes of ``claims``."""
    text = source.text or ""
    excluded = [normalize(line).text for line in source.exclude if line.strip()]
    quotes: list[tuple[int, int]] = []
    citing: list[str] = []
    for claim in claims:
        cites = [c for c in claim["citations"] if c["source"] == source.key]
        if cites:
            citing.append(claim["id"])
        quotes.extend(quoted_span(c) for c in cites if c["verified"])
    merged = merge_spans(quotes)
    result = []
    for start, end in sentences(text):
        piece = text[start:end]
        counted = word_count(piece) >= min_words and not (
            excluded and any(normalize(piece).text in e for e in excluded)
        )
        non_space = sum(1 for ch in piece if not ch.isspace())
        covered = _covered(start, end, merged)
        quoted = non_space > 0 and covered >= QUOTED_SHARE * len(piece)
        result.append(Sentence(start, end, piece, counted, quoted))
    return Coverage(source.key, result, sorted(set(citing)))
