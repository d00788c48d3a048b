"""Uncited prose: on content pages every paragraph is a claim, cites, or is editorial.

A paragraph passes when it stands inside a claim, an editorial block or a
"see also" box, when it cites a source or a claim inline (``{source}`` or
``{claim}``), or when it holds nothing but cross-references.
"""

from __future__ import annotations

from fnmatch import fnmatch

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from .domain import CalcidocsDomain
from .editorial import EDITORIAL_CLASS
from .problems import Check, Problem

CITING_ROLES = ("source", "claim")
EXEMPT_CLASSES = ("calcidocs-claim", EDITORIAL_CLASS, "calcidocs-generated")


def is_content_page(docname: str, patterns: list[str]) -> bool:
    return any(fnmatch(docname, pattern) for pattern in patterns)


def _exempt(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.seealso | nodes.system_message):
            return True  # a "see also" box, or a parser's own error message
        if isinstance(parent, nodes.Element) and any(
            cls in parent.get("classes", []) for cls in EXEMPT_CLASSES
        ):
            return True
        parent = parent.parent
    return False


def _cites(paragraph: nodes.paragraph) -> bool:
    return any(
        xref.get("refdomain") == "calcidocs" and xref.get("reftype") in CITING_ROLES
        for xref in paragraph.findall(addnodes.pending_xref)
    )


def _only_references(paragraph: nodes.paragraph) -> bool:
    copy = paragraph.deepcopy()
    for xref in list(copy.findall(addnodes.pending_xref)):
        xref.parent.remove(xref)
    return not any(char.isalnum() for char in copy.astext())


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Record an ``uncited`` problem for each paragraph that makes an uncited statement."""
    env = app.env
    if not is_content_page(env.docname, list(app.config.calcidocs_content_pages)):
        return
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    for paragraph in doctree.findall(nodes.paragraph):
        if _exempt(paragraph) or _cites(paragraph) or _only_references(paragraph):
            continue
        text = " ".join(paragraph.astext().split())
        shown = text if len(text) <= 70 else text[:69] + "\u2026"
        line = paragraph.line or (paragraph.parent.line if paragraph.parent else None) or 0
        domain.add_problem(
            Problem(
                env.docname,
                line,
                Check.UNCITED.value,
                f"paragraph cites no source: {shown!r} (make it a claim, cite a "
                "{source}, or put it in an {editorial} block)",
            )
        )
