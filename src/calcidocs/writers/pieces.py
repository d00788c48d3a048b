"""What calcidocs shows around and about claims, as plain data, and its two renderings.

A citation mark, a claim's meta line, a line of a comparison table or of a
source's text is a tuple of *pieces*: text, spans with classes, superscripts,
emphasis and links that name their target (a claim, a subtype, a topic, a
source or a quoted passage) instead of an address. The pieces are built from
the claim records when a page is written, and become either

* docutils nodes (:func:`to_nodes`), with a ``pending_xref`` for each link,
  for the builders that lay pages out from nodes (LaTeX, text, man, Texinfo,
  XML), or
* HTML (:func:`to_html`), written straight into the page with the addresses
  the builder gives, so that no transform, search indexer or writer has to
  walk thousands of nodes per table.

Both give what the other would: the HTML is the markup that Sphinx's own
HTML writer makes of the nodes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, Protocol, Union

from docutils import nodes
from docutils.writers.html5_polyglot import HTMLTranslator as DocutilsHTML
from sphinx import addnodes


class Span(NamedTuple):
    """Text with classes (and anchors): ``<span class="...">``."""

    classes: tuple[str, ...]
    content: tuple[Piece, ...]
    ids: tuple[str, ...] = ()


class Link(NamedTuple):
    """A link to a calcidocs object; ``span`` is its text. When not ``explicit``,
    the text is the target's title (a subtype's name), with the span's classes."""

    kind: str
    target: str
    span: Span
    explicit: bool = True


class Sup(NamedTuple):
    content: tuple[Piece, ...]


class Em(NamedTuple):
    content: tuple[Piece, ...]


Piece = Union[str, Span, Link, Sup, Em]  # noqa: UP007 (a runtime alias of classes defined above)


class Para(NamedTuple):
    """A paragraph."""

    classes: tuple[str, ...]
    content: tuple[Piece, ...]


class Line(NamedTuple):
    """An item whose pieces are made only when needed: ``key`` names everything they
    are made from, so that the HTML of the item can be kept from one build to the
    next (see :mod:`calcidocs.writers.line_memo`)."""

    key: str
    make: Callable[[], tuple[Piece, ...]]


class Items(NamedTuple):
    """A list of one-paragraph items: bulleted, or numbered 1., 2., ..."""

    ordered: bool
    classes: tuple[str, ...]
    items: tuple[tuple[Piece, ...] | Line, ...]


def pieces_of(item: tuple[Piece, ...] | Line) -> tuple[Piece, ...]:
    """The pieces of an item of :class:`Items`."""
    return item.make() if isinstance(item, Line) else item


class Box(NamedTuple):
    """A container of paragraphs."""

    classes: tuple[str, ...]
    blocks: tuple[Para, ...]


Block = Union[Para, Items, Box]  # noqa: UP007


def text(value: str, *classes: str) -> Span:
    return Span(tuple(classes), (value,))


def links(pieces: Iterable[Piece | Block]) -> Iterable[tuple[str, str]]:
    """The (kind, target) of every link among ``pieces``, however deep."""
    for piece in pieces:
        if isinstance(piece, Link):
            yield piece.kind, piece.target
        elif isinstance(piece, Span | Sup | Em | Para):
            yield from links(piece.content)
        elif isinstance(piece, Items):
            for item in piece.items:
                yield from links(pieces_of(item))
        elif isinstance(piece, Box):
            yield from links(piece.blocks)


# -- as docutils nodes ------------------------------------------------------------


def xref(
    reftype: str,
    target: str,
    content: nodes.Node,
    docname: str = "",
    explicit: bool = True,
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
    return node


def to_nodes(pieces: Sequence[Piece], docname: str = "") -> list[nodes.Node]:
    """``pieces`` as inline docutils nodes; links are resolved later, from ``docname``."""
    result: list[nodes.Node] = []
    for piece in pieces:
        if isinstance(piece, str):
            result.append(nodes.Text(piece))
        elif isinstance(piece, Span):
            span = nodes.inline("", "", *to_nodes(piece.content, docname))
            span["classes"] = list(piece.classes)
            span["ids"] = list(piece.ids)
            result.append(span)
        elif isinstance(piece, Link):
            content = to_nodes((piece.span,), docname)[0]
            result.append(xref(piece.kind, piece.target, content, docname, piece.explicit))
        elif isinstance(piece, Sup):
            result.append(nodes.superscript("", "", *to_nodes(piece.content, docname)))
        else:
            result.append(nodes.emphasis("", "", *to_nodes(piece.content, docname)))
    return result


def blocks_to_nodes(blocks: Sequence[Block], docname: str = "") -> list[nodes.Node]:
    """``blocks`` as docutils body elements."""
    result: list[nodes.Node] = []
    for block in blocks:
        if isinstance(block, Para):
            result.append(
                nodes.paragraph(
                    "", "", *to_nodes(block.content, docname), classes=list(block.classes)
                )
            )
        elif isinstance(block, Items):
            listing: nodes.Element = (
                nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
                if block.ordered
                else nodes.bullet_list()
            )
            listing["classes"] = list(block.classes)
            for item in block.items:
                content = to_nodes(pieces_of(item), docname)
                listing += nodes.list_item("", nodes.paragraph("", "", *content))
            result.append(listing)
        else:
            box = nodes.container("", *blocks_to_nodes(block.blocks, docname))
            box["classes"] = list(block.classes)
            result.append(box)
    return result


# -- as HTML ----------------------------------------------------------------------

#: (kind, target) -> (address, title) of a link, or None when it leads nowhere
Resolve = Callable[[str, str], "tuple[str, str] | None"]


class Lines(Protocol):
    """Lines kept from the last build (see :mod:`calcidocs.writers.line_memo`)."""

    def get(self, key: str, make: Callable[[], str]) -> str: ...


class HTML:
    """Writes pieces as the HTML that Sphinx's writer makes of their nodes.

    ``translator`` gives the writer's escaping (so the text is escaped exactly as
    in the rest of the page) and ``resolve`` the address of each link.
    """

    def __init__(
        self, translator: nodes.NodeVisitor, resolve: Resolve, lines: Lines | None = None
    ) -> None:
        # Held weakly, so that a page's translator and its writer of pieces
        # form no reference cycle (which only a full collection frees).
        self.translator = weakref.proxy(translator)
        self.resolve = resolve
        self.lines = lines
        self._links: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._classes: dict[Sequence[str], str] = {}
        # docutils' escaping is a table of characters: used directly unless the
        # translator escapes in its own way
        self._table: dict[int, str] | None = (
            getattr(translator, "special_characters", None)
            if getattr(type(translator), "encode", None) is DocutilsHTML.encode
            else None
        )

    def encode(self, value: str) -> str:
        if self._table is not None:
            return value.translate(self._table)
        encoded: str = self.translator.encode(value)
        return encoded

    def attval(self, value: str) -> str:
        encoded: str = self.translator.attval(value)
        return encoded

    def classes(self, classes: Sequence[str]) -> str:
        if not classes:
            return ""
        found = self._classes.get(classes)
        if found is None:
            found = self._classes[classes] = f' class="{self.attval(" ".join(classes))}"'
        return found

    def inline(self, pieces: Sequence[Piece]) -> str:
        out: list[str] = []
        for piece in pieces:
            kind = type(piece)
            if kind is str:
                out.append(self.encode(piece))  # type: ignore[arg-type]
            elif kind is Span:
                out.append(self.span(piece))  # type: ignore[arg-type]
            elif kind is Link:
                out.append(self.link(piece))  # type: ignore[arg-type]
            elif kind is Sup:
                out.append(f"<sup>{self.inline(piece.content)}</sup>")  # type: ignore[union-attr]
            else:
                out.append(f"<em>{self.inline(piece.content)}</em>")  # type: ignore[union-attr]
        return "".join(out)

    def line(self, item: tuple[Piece, ...] | Line) -> str:
        """An item of a list: as :meth:`inline`; kept from the last build when ``lines``
        and the item is a :class:`Line`."""
        if not isinstance(item, Line):
            return self.inline(item)
        if self.lines is None:
            return self.inline(item.make())
        return self.lines.get(item.key, lambda: self.inline(item.make()))

    def span(self, span: Span) -> str:
        if span.ids:
            holder = nodes.inline(classes=list(span.classes), ids=list(span.ids))
            start = self.translator.starttag(holder, "span", "")
        else:
            start = f"<span{self.classes(span.classes)}>"
        content = span.content
        if len(content) == 1 and type(content[0]) is str:  # most spans: one text
            return f"{start}{self.encode(content[0])}</span>"
        return f"{start}{self.inline(content)}</span>"

    def link(self, link: Link) -> str:
        """``<a ...>`` and the link's text; the start tag is made once per target."""
        key = (link.kind, link.target)
        if key in self._links:
            found = self._links[key]
        else:
            found = self._links[key] = self._start_and_title(link.kind, link.target)
        if found is None:
            return self.span(link.span)
        start, title = found
        span = link.span if link.explicit else Span(link.span.classes, (title,))
        return f"{start}{self.span(span)}</a>"

    def _start_and_title(self, kind: str, target: str) -> tuple[str, str] | None:
        found = self.resolve(kind, target)
        if found is None:
            return None
        address, title = found
        titled = f' title="{self.attval(title)}"' if title else ""
        return f'<a class="reference internal" href="{self.attval(address)}"{titled}>', title

    def blocks(self, blocks: Sequence[Block]) -> str:
        return "".join(self.block_parts(blocks))

    def block_parts(self, blocks: Sequence[Block], out: list[str] | None = None) -> list[str]:
        """The HTML of ``blocks``, in parts (a list's lines are parts of their own)."""
        out = [] if out is None else out
        compact = bool(getattr(self.translator, "compact_simple", False))
        for block in blocks:
            if isinstance(block, Para):
                out.append(f"<p{self.classes(block.classes)}>{self.inline(block.content)}</p>\n")
            elif isinstance(block, Items):
                if block.ordered:
                    tag, classes = "ol", ("arabic", "simple", *block.classes)
                else:
                    simple = () if compact else ("simple",)
                    tag, classes = "ul", (*block.classes, *simple)
                out.append(f"<{tag}{self.classes(classes)}>\n")
                for item in block.items:  # the line itself as a part: a kept line, not a copy
                    out += ("<li><p>", self.line(item), "</p></li>\n")
                out.append(f"</{tag}>\n")
            else:
                out.append(f"<div{self.classes((*block.classes, 'docutils', 'container'))}>\n")
                self.block_parts(block.blocks, out)
                out.append("</div>\n")
        return out
