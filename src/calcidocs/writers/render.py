"""Pieces of output shared by claims, tables, lists and reports."""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes
from docutils.utils import smartquotes

from ..model import Citation, Claim
from .pieces import Link, Piece, Span, Sup, text


def citation_mark(claim_id: str, citation: Citation) -> Piece:
    """A superscript ``[key]`` that links to the quoted passage on the source page."""
    label = f"[{citation['source']}]"
    if not claim_id or not citation["found"]:
        return Sup((text(label, "calcidocs-cite", "calcidocs-cite-broken"),))
    return Sup((Link("quote", f"{claim_id}#{citation['number']}", text(label, "calcidocs-cite")),))


def citation_marks(claim: Claim, anchored: bool = True) -> tuple[Piece, ...]:
    """Each citation's mark, after a space (unlinked when not ``anchored``)."""
    claim_id = claim["id"] if anchored else ""
    marks: list[Piece] = []
    for citation in claim["citations"]:
        marks += [" ", citation_mark(claim_id, citation)]
    return tuple(marks)


def evidence_flags(claim: Claim) -> list[Span]:
    """How much stands behind a claim, as readers see it: "one source" when only
    one source backs it, and each reason the manifest gives when every quote
    rests on a passage it marks as weak."""
    flags = []
    if source_count(claim) == 1:
        flags.append(text("one source", "calcidocs-flag", "calcidocs-single-source"))
    for reason in claim.get("weak", []):
        # typographic quotes, as Sphinx gives the text of a page
        reason = smartquotes.educateQuotes(reason, language="en")
        flags.append(text(f"weak passage: {reason}", "calcidocs-flag", "calcidocs-weak"))
    return flags


def source_count(claim: Claim) -> int:
    """How many distinct sources a claim's verified or unverified citations name."""
    return len({c["source"] for c in claim["citations"] if c["found"]})


#: What each status means, in the words readers see ("verified" would read as
#: "medically verified"; ``claims.json`` keeps the status names).
STATUS_WORDS = {
    "verified": "quote found in source",
    "unverified": "no quote to check",
    "uncited": "no source cited",
    "broken": "quote not found in source",
}


def status_flag(status: str, *classes: str) -> Span:
    """A claim's status as readers see it."""
    return text(STATUS_WORDS.get(status, status), *classes, f"calcidocs-status-{status}")


def claim_link(claim: Claim, shown: str, *classes: str) -> Piece:
    """``shown`` linking to the claim (plain text when the claim has no id)."""
    if claim["id"]:
        return Link("claim", claim["id"], text(shown, *classes))
    return text(shown, *classes)


def claim_line(
    claim: Claim,
    *,
    short: bool = False,
    disputed_by: list[str] | None = None,
) -> tuple[Piece, ...]:
    """A claim in a list or a table: its link (label when ``short``), marks and flags."""
    shown = (claim["label"] or claim["text"]) if short else claim["text"]
    result: list[Piece] = [claim_link(claim, shown), *citation_marks(claim)]
    flags: list[Piece] = [*evidence_flags(claim)]
    if disputed_by:
        names: list[Piece] = ["disputed by "]
        for index, other in enumerate(disputed_by):
            if index:
                names.append(", ")
            names.append(Link("claim", other, text(other), explicit=False))
        flags.append(Span(("calcidocs-flag", "calcidocs-disputed"), tuple(names)))
    if claim["status"] != "verified":
        flags.append(status_flag(claim["status"], "calcidocs-flag"))
    for each in flags:
        result += [" ", each]
    return tuple(result)


def claim_links(claim: Claim) -> list[tuple[str, str]]:
    """The (kind, target) of the links of a claim's marks and meta line."""
    found = [("quote", f"{claim['id']}#{c['number']}") for c in claim["citations"] if c["found"]]
    found += [("subtype", name) for name in claim["subtypes"]]
    found += [("topic", name) for name in claim["topics"]]
    return found + [("claim", name) for name in claim["disputes"]]


def meta_line(claim: Claim) -> tuple[Piece, ...]:
    """Subtypes, topics, disputes and status of a claim, as a line of links."""
    result: list[Piece] = []
    for kind, names in (
        ("subtype", claim["subtypes"]),
        ("topic", claim["topics"]),
        ("claim", claim["disputes"]),
    ):
        if not names:
            continue
        key = "Disputes" if kind == "claim" else kind.capitalize()
        result.append(text(f"{key}: ", "calcidocs-meta-key"))
        for index, name in enumerate(names):
            if index:
                result.append(", ")
            result.append(Link(kind, name, text(name), explicit=False))
        result.append(" \u00b7 ")
    for flag in evidence_flags(claim):
        result += [flag, " \u00b7 "]
    result.append(status_flag(claim["status"], "calcidocs-status"))
    return tuple(result)


def simple_table(
    caption: str,
    header: list[str],
    rows: Sequence[Sequence[nodes.Node | str]],
    widths: list[int],
    stub: bool = True,
    classes: tuple[str, ...] = (),
) -> nodes.table:
    """A docutils table with a caption, a header row and (optionally) a stub column.

    A cell is a string or a node (a paragraph, a list, ...).
    """
    table = nodes.table(classes=["calcidocs-table", *classes])
    if caption:
        table += nodes.title("", caption)
    group = nodes.tgroup(cols=len(header))
    table += group
    for index, width in enumerate(widths):
        colspec = nodes.colspec(colwidth=width)
        if stub and index == 0:
            colspec["stub"] = 1
        group += colspec
    head = nodes.thead()
    group += head
    head_row = nodes.row()
    for cell in header:
        head_row += nodes.entry("", nodes.paragraph("", cell))
    head += head_row
    body = nodes.tbody()
    group += body
    for row in rows:
        body_row = nodes.row()
        for value in row:
            entry = nodes.entry()
            entry += nodes.paragraph("", value) if isinstance(value, str) else value
            body_row += entry
        body += body_row
    return table
