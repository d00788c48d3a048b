"""What a claim and an aggregate leave in the doctree, rendered from the claim records
when a page is written.

A claim is three nodes: its :class:`claim_box` (which holds its anchor), its
:class:`claim_statement` and the statement's text, which search finds. Both
name the claim by its place in the domain's data; its citation marks and its
meta line are written from the record after them. An aggregate's cells, lists
and source text are each one :class:`light_block` holding the records it
shows, and naming a *view* (:data:`VIEWS`): a function that gives its blocks
(see :mod:`calcidocs.writers.pieces`) from the data.

* The HTML writers (html, dirhtml, singlehtml, epub and the other builders of
  HTML) write the pieces as HTML when they reach the node, with the addresses
  the builder gives (:data:`HTML_HANDLERS`).
* For every other builder, :func:`expand` replaces them with ordinary nodes
  before references are resolved, so LaTeX, text, man, Texinfo and XML lay
  them out as any other nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain, domain_of, link_address
from ..model import Claim
from .line_memo import LineMemo, context, memo_path
from .pieces import HTML, Block, Items, Line, Para, Piece, blocks_to_nodes, links, to_nodes
from .render import citation_marks, claim_line, claim_link, claim_links, meta_line
from .spliced import hold_or_join


class light_block(nodes.General, nodes.Element):
    """Paragraphs and lists rendered from the data (see the module's docstring).

    Attributes: ``view`` (a key of :data:`VIEWS`) and ``docname`` (the page that
    holds it, where its links start), and what the view reads.
    """


#: view -> function(env, node) -> its blocks
View = Callable[[BuildEnvironment, light_block], "tuple[Block, ...]"]
VIEWS: dict[str, View] = {}


def view(name: str) -> Callable[[View], View]:
    def register(function: View) -> View:
        VIEWS[name] = function
        return function

    return register


# -- the claim's own ---------------------------------------------------------------


class claim_box(nodes.container):
    """A claim: its statement and body as nodes; its meta line is written from the
    record after them. Attributes: ``docname`` and ``position`` (of the record)."""


class claim_statement(nodes.paragraph):
    """A claim's statement as text (which search finds); its citation marks are
    written from the record after it. Attributes as :class:`claim_box`, and
    ``anchored`` (whether the marks link: the claim has a well-formed id)."""


def claim_of(env: BuildEnvironment, node: nodes.Element) -> Claim:
    return domain_of(env).claim_at(node["docname"], node["position"])


def marks_of(env: BuildEnvironment, node: claim_statement) -> tuple[Piece, ...]:
    return citation_marks(claim_of(env, node), anchored=node.get("anchored", True))


def meta_of(env: BuildEnvironment, node: claim_box) -> tuple[Block, ...]:
    return (Para(("calcidocs-meta",), meta_line(claim_of(env, node))),)


@view("claim-items")
def _claim_items(env: BuildEnvironment, node: light_block) -> tuple[Block, ...]:
    """A list of claims (records given by the aggregate that made the node)."""
    domain = domain_of(env)
    disputes: dict[str, list[str]] = node.get("disputes", {})
    bare, short = bool(node.get("bare")), bool(node.get("short", False))
    lines: list[tuple[Piece, ...] | Line] = []
    for claim in node["claims"]:
        disputed_by = disputes.get(claim["id"])

        def make(
            claim: Claim = claim, disputed_by: list[str] | None = disputed_by
        ) -> tuple[Piece, ...]:
            if bare:  # the statement alone, a link to its claim
                return (claim_link(claim, claim["text"]),)
            return claim_line(claim, short=short, disputed_by=disputed_by)

        name = line_name(domain, claim, bare, short, disputed_by)
        lines.append(make() if name is None else Line(name, make))
    return (Items(node.get("ordered", False), tuple(node["list_classes"]), tuple(lines)),)


def line_name(
    domain: CalcidocsDomain, claim: Claim, bare: bool, short: bool, disputed_by: list[str] | None
) -> str | None:
    """A name of everything a claim's line in a list is made from: its record (by
    fingerprint), how the list shows it, and where its links lead (None when the record
    has no fingerprint). A link to the claim leads to the record itself unless another
    claim has its id first; a link to a quoted passage, to its source's page; a link to
    a disputing claim, to that claim, with its title as the link's text."""
    prints = domain.prints_of(claim)
    if prints is None:
        return None
    index = domain.index
    own = None if index.claims.get(claim["id"]) is claim else domain.find("claim", claim["id"])
    pages = [index.source_pages.get(c["source"]) for c in claim["citations"] if c["found"]]
    others = [domain.find("claim", other) for other in disputed_by or []]
    return repr((prints.record, bare, short, disputed_by, own, pages, others))


@view("blocks")
def _blocks(env: BuildEnvironment, node: light_block) -> tuple[Block, ...]:
    """Blocks made by the aggregate itself (a source's highlighted text)."""
    blocks: tuple[Block, ...] = node["blocks"]
    return blocks


def blocks_of(env: BuildEnvironment, node: light_block) -> tuple[Block, ...]:
    return VIEWS[node["view"]](env, node)


def link_targets(env: BuildEnvironment, doctree: nodes.Node) -> Iterator[tuple[str, str]]:
    """The (kind, target) of every link that the output from the data shows."""
    for box in doctree.findall(claim_box):
        yield from claim_links(claim_of(env, box))
    for node in doctree.findall(light_block):
        yield from links(blocks_of(env, node))


# -- HTML ---------------------------------------------------------------------------


def html_writer(translator: Any, docname: str) -> HTML:
    """The writer of pieces for the page being written (one per translator and page,
    so that each link's address is found once per page), which keeps the lines of its
    lists for the next build."""
    writers: dict[str, HTML] = translator.__dict__.setdefault("_calcidocs_writers", {})
    writer = writers.get(docname)
    if writer is None:
        builder = translator.builder
        domain = domain_of(builder.env)
        if domain.line_memo is None:
            domain.line_memo = LineMemo(memo_path(builder))
        lines = domain.line_memo.page(context(translator, docname), docname)
        writer = writers[docname] = HTML(translator, resolver(builder, docname), lines)
    return writer


def keep_lines(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: keep the lines written for the next build."""
    domain = domain_of(app.env)
    memo, domain.line_memo = domain.line_memo, None
    if exception is None and memo is not None:
        memo.save(set(app.env.all_docs))


def resolver(builder: Builder, fromdocname: str) -> Callable[[str, str], tuple[str, str] | None]:
    """(kind, target) -> the address and title of a link from ``fromdocname``."""
    domain = domain_of(builder.env)
    pages: dict[str, str] = {}  # docname -> its address from this page

    def resolve(kind: str, target: str) -> tuple[str, str] | None:
        found = domain.find(kind, target)
        if found is None:
            return None
        docname, anchor, title = found
        return link_address(builder, fromdocname, docname, anchor, pages), title

    return resolve


def visit_html(self: Any, node: light_block) -> None:
    parts = html_writer(self, node["docname"]).block_parts(blocks_of(self.builder.env, node))
    self.body.append(hold_or_join(self.builder, parts))
    raise nodes.SkipNode


def visit_box_html(self: Any, node: claim_box) -> None:
    self.visit_container(node)


def depart_box_html(self: Any, node: claim_box) -> None:
    self.body.append(html_writer(self, node["docname"]).blocks(meta_of(self.builder.env, node)))
    self.depart_container(node)


def visit_statement_html(self: Any, node: claim_statement) -> None:
    self.visit_paragraph(node)


def depart_statement_html(self: Any, node: claim_statement) -> None:
    self.body.append(html_writer(self, node["docname"]).inline(marks_of(self.builder.env, node)))
    self.depart_paragraph(node)


Handler = Callable[[Any, Any], None]
#: node class -> its (visit, depart) in the HTML writers
HTML_HANDLERS: dict[type[nodes.Element], tuple[Handler, Handler | None]] = {
    light_block: (visit_html, None),
    claim_box: (visit_box_html, depart_box_html),
    claim_statement: (visit_statement_html, depart_statement_html),
}


# -- other builders -------------------------------------------------------------------


def expand(env: BuildEnvironment, doctree: nodes.Node) -> None:
    """Replace every light node with the docutils nodes of its pieces, and each claim's
    own with a container and a paragraph that hold its marks and meta line."""
    for statement in list(doctree.findall(claim_statement)):
        plain = nodes.paragraph("", "", *statement.children, *marks_nodes(env, statement))
        plain.update_basic_atts(statement)
        plain.source, plain.line = statement.source, statement.line
        statement.replace_self(plain)
    for box in list(doctree.findall(claim_box)):
        meta = blocks_to_nodes(meta_of(env, box), box["docname"])
        holder = nodes.container("", *box.children, *meta)
        holder.update_basic_atts(box)
        holder.source, holder.line = box.source, box.line
        box.replace_self(holder)
    for node in list(doctree.findall(light_block)):
        replacement = blocks_to_nodes(blocks_of(env, node), node["docname"])
        if replacement:
            node.replace_self(replacement)
        else:
            assert node.parent is not None
            node.parent.remove(node)


def marks_nodes(env: BuildEnvironment, statement: claim_statement) -> list[nodes.Node]:
    return to_nodes(marks_of(env, statement), statement["docname"])
