"""Light nodes: a claim's marks and meta line, and the long lists of aggregates,
kept in the doctree as one node each and rendered from the claim records.

A claim is a few nodes: its container, its statement (text that search finds),
one :class:`light_inline` for its citation marks and one :class:`light_block`
for its meta line, which name the claim by its place in the domain's data. An
aggregate's cells and lists are each one :class:`light_block` holding the
records it shows. Each names a *view* (:data:`VIEWS`), a function that gives
its pieces (see :mod:`calcidocs.pieces`) from the data:

* the HTML writers (html, dirhtml, singlehtml, epub and the other builders of
  HTML) write the pieces as HTML when they reach the node, with the addresses
  the builder gives (:func:`visit_html`);
* for every other builder, :func:`expand` replaces the node with the nodes of
  its pieces before references are resolved, so LaTeX, text, man, Texinfo and
  XML lay them out as any other nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from docutils import nodes
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

from .domain import CalcidocsDomain, link_address
from .model import Claim
from .pieces import HTML, Block, Items, Para, Piece, blocks_to_nodes, links, to_nodes
from .render import citation_marks, claim_line, claim_link, meta_line


class light(nodes.Element):
    """Output rendered from the data (see the module's docstring).

    Attributes: ``view`` (a key of :data:`VIEWS`) and ``docname`` (the page that
    holds it, where its links start), and what the view reads.
    """


class light_inline(nodes.Inline, light):
    """Inline output from the data: pieces."""


class light_block(nodes.General, light):
    """Block output from the data: paragraphs and lists."""


#: view -> function(env, node) -> its pieces (light_inline) or blocks (light_block)
View = Callable[[BuildEnvironment, light], "tuple[Piece, ...] | tuple[Block, ...]"]
VIEWS: dict[str, View] = {}


def view(name: str) -> Callable[[View], View]:
    def register(function: View) -> View:
        VIEWS[name] = function
        return function

    return register


def domain_of(env: BuildEnvironment) -> CalcidocsDomain:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    return domain


# -- the claim's own ---------------------------------------------------------------


def of_claim(claim: Claim, position: int, view_name: str, **attributes: Any) -> light:
    """The node of ``view_name`` for the ``position``-th claim of its page."""
    kind = light_inline if view_name == "claim-marks" else light_block
    return kind("", view=view_name, docname=claim["docname"], position=position, **attributes)


def claim_of(env: BuildEnvironment, node: light) -> Claim:
    return domain_of(env).claim_at(node["docname"], node["position"])


@view("claim-marks")
def _claim_marks(env: BuildEnvironment, node: light) -> tuple[Piece, ...]:
    return citation_marks(claim_of(env, node), anchored=node.get("anchored", True))


@view("claim-meta")
def _claim_meta(env: BuildEnvironment, node: light) -> tuple[Block, ...]:
    return (Para(("calcidocs-meta",), meta_line(claim_of(env, node))),)


@view("claim-items")
def _claim_items(env: BuildEnvironment, node: light) -> tuple[Block, ...]:
    """A list of claims (records given by the aggregate that made the node)."""
    disputes: dict[str, list[str]] = node.get("disputes", {})
    lines: tuple[tuple[Piece, ...], ...]
    if node.get("bare"):  # the statements alone, each a link to its claim
        lines = tuple((claim_link(claim, claim["text"]),) for claim in node["claims"])
    else:
        lines = tuple(
            claim_line(claim, short=node.get("short", False), disputed_by=disputes.get(claim["id"]))
            for claim in node["claims"]
        )
    return (Items(node.get("ordered", False), tuple(node["list_classes"]), lines),)


@view("blocks")
def _blocks(env: BuildEnvironment, node: light) -> tuple[Block, ...]:
    """Blocks made by the aggregate itself (a source's highlighted text)."""
    blocks: tuple[Block, ...] = node["blocks"]
    return blocks


def pieces_of(env: BuildEnvironment, node: light) -> tuple[Any, ...]:
    return VIEWS[node["view"]](env, node)


def link_targets(env: BuildEnvironment, doctree: nodes.Node) -> Iterator[tuple[str, str]]:
    """The (kind, target) of every link the light nodes of ``doctree`` show."""
    for node in doctree.findall(light):
        yield from links(pieces_of(env, node))


# -- HTML ---------------------------------------------------------------------------


def resolver(builder: Builder, fromdocname: str) -> Callable[[str, str], tuple[str, str] | None]:
    domain = domain_of(builder.env)

    def resolve(kind: str, target: str) -> tuple[str, str] | None:
        found = domain.find(kind, target)
        if found is None:
            return None
        docname, anchor, title = found
        return link_address(builder, fromdocname, docname, anchor), title

    return resolve


def visit_html(self: Any, node: light) -> None:
    writer = HTML(self, resolver(self.builder, node["docname"]))
    found = pieces_of(self.builder.env, node)
    if isinstance(node, light_inline):
        self.body.append(writer.inline(found))
    else:
        self.body.append(writer.blocks(found))
    raise nodes.SkipNode


# -- other builders -------------------------------------------------------------------


def expand(env: BuildEnvironment, doctree: nodes.Node) -> None:
    """Replace every light node with the docutils nodes of its pieces."""
    for node in list(doctree.findall(light)):
        found = pieces_of(env, node)
        if isinstance(node, light_inline):
            replacement = to_nodes(found, node["docname"])
        else:
            replacement = blocks_to_nodes(found, node["docname"])
        if replacement:
            node.replace_self(replacement)
        else:
            assert node.parent is not None
            node.parent.remove(node)
