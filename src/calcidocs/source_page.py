"""A source's page: its full text with every quoted passage highlighted.

``{source-text} KEY`` is read as a placeholder; after all documents are read,
:class:`FillSourceText` replaces it with the text, each quoted passage
highlighted, anchored (the claim's citation mark links there) and followed by
a numbered link back to the claim that quotes it.
"""

from __future__ import annotations

import itertools
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .domain import CalcidocsDomain, quote_anchor, source_anchor
from .library import library
from .problems import Check, Problem


class source_text(nodes.General, nodes.Element):
    """Placeholder for a source's full text, filled after all documents are read."""


class SourceTextDirective(SphinxDirective):
    """``{source-text} KEY``: the source's details and its full, highlighted text."""

    required_arguments = 1

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
        domain.note_aggregate(self.env.docname)
        details = nodes.field_list(classes=["calcidocs-source-details"])
        for name, value in (
            ("Key", source.key),
            ("Title", source.title),
            ("File", source.file),
            ("SHA-256", source.actual_sha256),
            ("Reliability notes", source.notes.strip()),
        ):
            if value:
                body = nodes.paragraph("", value)
                details += nodes.field("", nodes.field_name("", name), nodes.field_body("", body))
        placeholder = source_text(key=source.key, docname=self.env.docname)
        self.set_source_info(placeholder)
        return [nodes.target("", "", ids=[source_anchor(source.key)]), details, placeholder]


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line of ``text``."""
    spans = []
    position = 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if stripped.strip():
            spans.append((position, position + len(stripped)))
        position += len(line)
    return spans


def render_text(
    text: str, passages: list[tuple[dict[str, Any], dict[str, Any], int]], docname: str
) -> list[nodes.Node]:
    """The source text, a paragraph per line, with ``passages`` highlighted.

    Each passage is (claim, citation, number on this page).
    """
    anchored: set[str] = set()
    blocks: list[nodes.Node] = []
    for line_start, line_end in _lines(text):
        cuts = {line_start, line_end}
        for _, citation, _ in passages:
            for cut in (citation["start"], citation["end"]):
                if line_start < cut < line_end:
                    cuts.add(cut)
        ordered = sorted(cuts)
        para = nodes.paragraph(classes=["calcidocs-source-line"])
        for start, end in itertools.pairwise(ordered):
            covering = [p for p in passages if p[1]["start"] <= start and end <= p[1]["end"]]
            piece = text[start:end]
            if not covering:
                para += nodes.Text(piece)
                continue
            mark = nodes.inline("", piece, classes=["calcidocs-quote"])
            for claim, citation, _ in covering:
                anchor = quote_anchor(claim["id"], citation["number"])
                if anchor not in anchored:
                    anchored.add(anchor)
                    mark["ids"].append(anchor)
            para += mark
            for claim, citation, number in covering:
                if citation["end"] == end:
                    para += nodes.superscript("", "", back_link(claim, number, docname))
        blocks.append(para)
    return blocks


def back_link(claim: dict[str, Any], number: int, docname: str) -> nodes.Node:
    return addnodes.pending_xref(
        "",
        nodes.inline("", f"[{number}]", classes=["calcidocs-backlink"]),
        refdomain="calcidocs",
        reftype="claim",
        reftarget=claim["id"],
        refexplicit=True,
        refwarn=False,
        refdoc=docname,
        reftitle=claim["text"],
    )


def claims_list(
    passages: list[tuple[dict[str, Any], dict[str, Any], int]], docname: str
) -> list[nodes.Node]:
    """A numbered list of the claims that quote this source."""
    if not passages:
        return [
            nodes.paragraph("", "No claim quotes this source yet.", classes=["calcidocs-empty"])
        ]
    items = nodes.enumerated_list(
        enumtype="arabic", prefix="", suffix=".", classes=["calcidocs-quoting-claims"]
    )
    for claim, _, _ in passages:
        link = addnodes.pending_xref(
            "",
            nodes.inline("", claim["text"]),
            refdomain="calcidocs",
            reftype="claim",
            reftarget=claim["id"],
            refexplicit=True,
            refwarn=False,
            refdoc=docname,
        )
        items += nodes.list_item("", nodes.paragraph("", "", link))
    items["start"] = 1
    return [nodes.rubric("", "Claims that quote this source"), items]


class FillSourceText(SphinxPostTransform):
    """Replace each ``source_text`` placeholder, before references are resolved."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        for node in list(self.document.findall(source_text)):
            key = node["key"]
            source, _ = library(self.env).lookup(key)
            if source is None or source.text is None:
                node.replace_self(nodes.paragraph("", f"The text of {key!r} is not available."))
                continue
            in_text_order = sorted(
                domain.index.passages.get(key, []),
                key=lambda pair: (pair[1]["start"], pair[1]["end"], pair[0]["id"]),
            )
            passages = [
                (claim, citation, number)
                for number, (claim, citation) in enumerate(in_text_order, start=1)
            ]
            box = nodes.container(classes=["calcidocs-source-text"])
            box += render_text(source.text, passages, node["docname"])
            node.replace_self([box, *claims_list(passages, node["docname"])])
