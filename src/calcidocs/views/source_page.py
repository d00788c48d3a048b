"""A source's page: its full text with every quoted passage highlighted.

``{source-text} KEY`` shows the source's details, then (filled after all
documents are read) its text: each quoted passage highlighted, anchored (the
claim's citation mark links there) and followed by a numbered link back to the
claim; each sentence no claim quotes yet marked for reviewers; and the list of
claims that quote it.
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

from docutils import nodes
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain, quote_anchor, source_anchor
from ..model import AggregateOptions, Citation, Claim, quoted_span
from ..problems import Check, Problem
from ..sources.coverage import coverage
from ..sources.library import library
from ..writers.light import light_block
from ..writers.pieces import Box, Link, Para, Piece, Span, Sup
from .aggregates import AggregateDirective, aggregate, renderer

Passage = tuple[Claim, Citation, int]  # claim, citation, number on the page


class SourceTextDirective(AggregateDirective):
    """``{source-text} KEY``: the source's details and its full, highlighted text."""

    kind = "source-text"
    required_arguments = 1
    optional_arguments = 0
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0].strip()
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        sources = library(self.env)
        source, error = sources.lookup(key)
        if source is None:
            domain.add_problem(
                Problem(self.env.docname, self.lineno, Check.SOURCE.value, f"source page: {error}")
            )
            return [nodes.paragraph("", f"The text of source {key!r} is not available.")]
        self.env.note_dependency(str(sources.path_of(source)))
        if sources.manifest_path is not None:
            self.env.note_dependency(str(sources.manifest_path))
        domain.add_source_page(self.env.docname, source.key)
        details = nodes.field_list(classes=["calcidocs-source-details"])
        for name, value in (
            ("Key", source.key),
            ("Title", source.title),
            ("File", source.file),
            ("SHA-256", source.actual_sha256),
            ("Reliability notes", " ".join(source.notes.split())),
        ):
            if value:
                body = nodes.paragraph("", value)
                details += nodes.field("", nodes.field_name("", name), nodes.field_body("", body))
        target = nodes.target("", "", ids=[source_anchor(source.key)])
        return [target, details, self.placeholder(key=source.key)]


def render_text(text: str, passages: list[Passage], unquoted: list[tuple[int, int]]) -> Box:
    """The source text, a paragraph per line, with ``passages`` highlighted and
    the ``unquoted`` sentences marked."""
    anchored: set[str] = set()
    lines: list[Para] = []
    position = 0
    # each line looks only at the spans that reach into it (linear, not lines x spans)
    spans = [quoted_span(citation) for _, citation, _ in passages]
    by_start = sorted(range(len(passages)), key=lambda i: spans[i][0])
    sentences = sorted(unquoted)
    next_passage = next_sentence = 0
    open_indices: list[int] = []
    open_sentences: list[tuple[int, int]] = []
    for raw_line in text.splitlines(keepends=True):
        line_start = position
        line_end = position + len(raw_line.rstrip("\r\n"))
        position += len(raw_line)
        open_indices = [i for i in open_indices if spans[i][1] > line_start]
        while next_passage < len(by_start):
            index = by_start[next_passage]
            if spans[index][0] >= line_end:
                break
            open_indices.append(index)
            next_passage += 1
        open_indices.sort()
        open_sentences = [(s, e) for s, e in open_sentences if e > line_start]
        while next_sentence < len(sentences) and sentences[next_sentence][0] < line_end:
            open_sentences.append(sentences[next_sentence])
            next_sentence += 1
        if not text[line_start:line_end].strip():
            continue
        cuts = {line_start, line_end}
        for start, end in [spans[i] for i in open_indices] + open_sentences:
            cuts.update(cut for cut in (start, end) if line_start < cut < line_end)
        line: list[Piece] = []
        for start, end in itertools.pairwise(sorted(cuts)):
            covering = [
                passages[i] for i in open_indices if spans[i][0] <= start and end <= spans[i][1]
            ]
            open_sentence = any(s <= start and end <= e for s, e in open_sentences)
            piece = text[start:end]
            if not covering and not open_sentence:
                line.append(piece)
                continue
            classes: tuple[str, ...] = ("calcidocs-quote",) if covering else ()
            if open_sentence:
                classes += ("calcidocs-unquoted",)
            ids = []
            for claim, citation, _ in covering:
                anchor = quote_anchor(claim["id"], citation["number"])
                if anchor not in anchored:
                    anchored.add(anchor)
                    ids.append(anchor)
            line.append(Span(classes, (piece,), tuple(ids)))
            for claim, citation, number in covering:
                if citation["end"] == end:
                    label = Span(("calcidocs-backlink",), (f"[{number}]",))
                    line.append(Sup((Link("claim", claim["id"], label),)))
        lines.append(Para(("calcidocs-source-line",), tuple(line)))
    return Box(("calcidocs-source-text",), tuple(lines))


def claims_list(passages: list[Passage], docname: str) -> list[nodes.Node]:
    """A numbered list of the claims that quote this source, in the order of the text."""
    if not passages:
        return [
            nodes.paragraph("", "No claim quotes this source yet.", classes=["calcidocs-empty"])
        ]
    items = light_block(
        "",
        view="claim-items",
        docname=docname,
        claims=[claim for claim, _, _ in passages],
        ordered=True,
        bare=True,
        list_classes=["calcidocs-quoting-claims"],
    )
    return [nodes.rubric("", "Claims that quote this source"), items]


def shown_on_source_page(domain: CalcidocsDomain, options: AggregateOptions) -> list[Claim]:
    return list(domain.index.citing.get(options["key"], []))


@renderer("source-text", shows=shown_on_source_page)
def render_source_text(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    key = node["options"]["key"]
    source, _ = library(env).lookup(key)
    if source is None or source.text is None:
        return [nodes.paragraph("", f"The text of {key!r} is not available.")]
    in_text_order = sorted(
        domain.index.passages.get(key, []),
        key=lambda pair: (pair[1]["start"], pair[1]["end"], pair[0]["id"]),
    )
    passages = [
        (claim, citation, number) for number, (claim, citation) in enumerate(in_text_order, start=1)
    ]
    cover = coverage(source, domain.index.all_claims, env.config.calcidocs_min_quote_words)
    unquoted = [(s.start, s.end) for s in cover.counted if not s.quoted]
    summary = nodes.paragraph(classes=["calcidocs-coverage-note"])
    summary += nodes.Text(
        f"Claims quote {cover.quoted} of the {len(cover.counted)} sentences of this source "
        f"({cover.share:.0%})."
    )
    if unquoted:
        summary += nodes.Text(" Sentences no claim quotes yet are ")
        summary += nodes.inline("", "marked like this", classes=["calcidocs-unquoted"])
        summary += nodes.Text(".")
    box = light_block(
        "",
        view="blocks",
        docname=node["docname"],
        blocks=(render_text(source.text, passages, unquoted),),
    )
    return [summary, box, *claims_list(passages, node["docname"])]
