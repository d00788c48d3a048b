"""Pieces of output shared by claims, tables, lists and reports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes


def xref(
    reftype: str,
    target: str,
    content: nodes.Node,
    docname: str = "",
    explicit: bool = True,
    title: str = "",
) -> addnodes.pending_xref:
    """A reference to a calcidocs object, resolved by the domain (never warns itself)."""
    node = addnodes.pending_xref(
        "",
        content,
        refdomain="calcidocs",
        reftype=reftype,
        reftarget=target,
        refexplicit=explicit,
        refwarn=False,
    )
    if docname:
        node["refdoc"] = docname
    if title:
        node["reftitle"] = title
    return node


def citation_mark(claim_id: str, citation: dict[str, Any], docname: str = "") -> nodes.Node:
    """A superscript ``[key]`` that links to the quoted passage on the source page."""
    label = nodes.inline("", f"[{citation['source']}]", classes=["calcidocs-cite"])
    if not claim_id or not citation["found"]:
        label["classes"].append("calcidocs-cite-broken")
        return nodes.superscript("", "", label)
    return nodes.superscript(
        "", "", xref("quote", f"{claim_id}#{citation['number']}", label, docname)
    )


def evidence_flags(claim: dict[str, Any]) -> list[nodes.inline]:
    """How much stands behind a claim, as readers see it: "one source" when only
    one source backs it, and each reason the manifest gives when every quote
    rests on a passage it marks as weak."""
    flags = []
    if source_count(claim) == 1:
        flags.append(
            nodes.inline("", "one source", classes=["calcidocs-flag", "calcidocs-single-source"])
        )
    for reason in claim.get("weak", []):
        flags.append(
            nodes.inline(
                "", f"weak passage: {reason}", classes=["calcidocs-flag", "calcidocs-weak"]
            )
        )
    return flags


def source_count(claim: dict[str, Any]) -> int:
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


def status_flag(status: str, *classes: str) -> nodes.inline:
    """A claim's status as readers see it."""
    return nodes.inline(
        "",
        STATUS_WORDS.get(status, status),
        classes=[*classes, f"calcidocs-status-{status}"],
    )


def claim_line(
    claim: dict[str, Any],
    docname: str,
    *,
    short: bool = False,
    disputed_by: list[str] | None = None,
) -> list[nodes.Node]:
    """A claim as inline nodes: its link (label when ``short``), marks and flags."""
    text = (claim["label"] or claim["text"]) if short else claim["text"]
    result: list[nodes.Node] = []
    if claim["id"]:
        result.append(
            xref("claim", claim["id"], nodes.inline("", text), docname, title=claim["text"])
        )
    else:
        result.append(nodes.inline("", text))
    for citation in claim["citations"]:
        result.append(nodes.Text(" "))
        result.append(citation_mark(claim["id"], citation, docname))
    flags: list[nodes.Node] = [*evidence_flags(claim)]
    if disputed_by:
        flag = nodes.inline("", "", classes=["calcidocs-flag", "calcidocs-disputed"])
        flag += nodes.Text("disputed by ")
        for index, other in enumerate(disputed_by):
            if index:
                flag += nodes.Text(", ")
            flag += xref("claim", other, nodes.inline("", other), docname, explicit=False)
        flags.append(flag)
    if claim["status"] != "verified":
        flags.append(status_flag(claim["status"], "calcidocs-flag"))
    for each in flags:
        result += [nodes.Text(" "), each]
    return result


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
