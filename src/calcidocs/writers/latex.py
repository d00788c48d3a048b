"""The PDF: what the LaTeX builder needs beyond the HTML one.

* **Anchors.** Sphinx's LaTeX writer writes a ``\\label`` for targets, sections,
  tables and figures, but not for the ids of inline or container nodes. A quoted
  passage on a source page is an inline node and a claim is a container, so
  without help a citation mark in the PDF would point nowhere. A target carrying
  the same ids is put right before each such node.
* **Front matter.** The home page's own sections become unnumbered headings of
  a short front matter, its grids of cards (links to pages, which the table of
  contents replaces) are left out, and the pages its toctrees include become
  the chapters (``calcidocs_latex_root_as_front_matter``).
* **Appendix.** The source pages (``calcidocs_latex_appendix``, by default
  ``sources/index`` and the pages of its toctree) move to the end of the book,
  after ``\\appendix``: chapters of the main matter, lettered appendices after.
* **Tables.** A table in the body of a page becomes a longtable, which breaks
  between rows, with column widths that keep each column's longest word whole
  (LaTeX cannot measure cells that hold lists). A table of
  ``calcidocs_latex_wide_table_columns`` columns or more is wrapped in a
  ``calcidocs-wide-table`` class, which ``calcidocs.sty`` sets on landscape
  pages in small type.
* **Style.** ``calcidocs.sty`` (highlighted passages, citation marks, claims) is
  copied next to the ``.tex`` file and loaded in its preamble.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

TEXINPUTS = Path(__file__).parent.parent / "texinputs"
STYLE = "calcidocs"

#: Nodes whose ids the LaTeX writer drops.
_UNANCHORED = (nodes.inline, nodes.container)


def _adopt_children(document: nodes.Node) -> None:
    """Point the children of each ``start_of_file`` back at it.

    Sphinx's ``inline_all_toctrees`` hands the body of each included page to a
    ``start_of_file`` node without updating the children's ``parent``, which
    still names the page's own document; the transforms below walk upwards.
    """
    for holder in document.findall(addnodes.start_of_file):
        for child in holder.children:
            child.parent = holder


class LatexAnchors(SphinxPostTransform):
    """Give inline and container nodes with ids a LaTeX label (a target before them)."""

    builders = ("latex",)
    # After FillSourceText (5) has written the highlighted passages.
    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        _adopt_children(self.document)
        for node in list(self.document.findall(nodes.Element)):
            parent = node.parent
            if not isinstance(node, _UNANCHORED) or not node["ids"] or parent is None:
                continue
            target = nodes.target("", "", ids=list(node["ids"]))
            if isinstance(node, nodes.container):
                # Inside the container, so that the label sits with its first line.
                node.insert(0, target)
            else:
                parent.insert(parent.index(node), target)


class HoistToctrees(SphinxPostTransform):
    """Pages a toctree includes become sections of the page, not of its last heading.

    In Markdown a toctree at the end of a page sits in the page's last section,
    so LaTeX would make the included pages subsections of that section. Each
    toctree goes right after the top-level section of its page that holds it.
    """

    builders = ("latex",)
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
        _adopt_children(self.document)
        for wrapper in list(self.document.findall(nodes.compound)):
            if "toctree-wrapper" not in wrapper["classes"] or wrapper.parent is None:
                continue
            top = _top_section(wrapper)
            if top is None:
                continue
            child: nodes.Element = wrapper
            while isinstance(child.parent, nodes.Element) and child.parent is not top:
                child = child.parent
            if child is wrapper or child.parent is not top:
                continue  # already at the top level of its page
            wrapper.parent.remove(wrapper)
            position = top.index(child) + 1
            # After the toctrees of the same section already moved, in order.
            while position < len(top) and _hoisted(top[position]):
                position += 1
            wrapper["calcidocs_hoisted"] = True
            top.insert(position, wrapper)


def _hoisted(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Element) and bool(node.get("calcidocs_hoisted"))


def _top_section(node: nodes.Node) -> nodes.section | None:
    """The title section of the page that ``node`` belongs to."""
    owner = node.parent
    while owner is not None and not isinstance(owner, addnodes.start_of_file):
        owner = owner.parent
    holder = owner if owner is not None else node.document
    if holder is None:
        return None
    return next((c for c in holder.children if isinstance(c, nodes.section)), None)


class RootAsFrontMatter(SphinxPostTransform):
    """The home page's sections become headings; the pages it includes, chapters."""

    builders = ("latex",)
    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        _adopt_children(self.document)
        if not self.config.calcidocs_latex_root_as_front_matter:
            return
        root = next(iter(self.document.findall(nodes.section)), None)
        if root is None:
            return
        # Grids of cards that link to pages: the table of contents does that.
        for grid in _own_nodes(root, nodes.container):
            if grid.get("design_component") == "grid-container" and grid.parent is not None:
                grid.parent.remove(grid)
        for section in _own_nodes(root, nodes.section):
            if section.parent is None:
                continue
            title = section.next_node(nodes.title)
            rest = [child for child in section.children if child is not title]
            # A heading over nothing (it held only cards) is left out.
            heading = nodes.rubric("", "", *title.children) if title is not None and rest else None
            targets = [nodes.target("", "", ids=[target_id]) for target_id in section["ids"]]
            replacement = [*targets, *([heading] if heading else []), *rest]
            if replacement:
                section.replace_self(replacement)
            else:
                section.parent.remove(section)


def _own_nodes(root: nodes.Element, kind: type[nodes.Element]) -> list[Any]:
    """Nodes of ``kind`` in ``root`` that belong to the root document itself.

    Nodes of documents that its toctrees include (in ``start_of_file``) are left
    out; the list is outermost first.
    """
    found: list[Any] = []

    def walk(node: nodes.Element) -> None:
        for child in node.children:
            if isinstance(child, addnodes.start_of_file):
                continue
            if isinstance(child, kind):
                found.append(child)
            if isinstance(child, nodes.Element):
                walk(child)

    walk(root)
    return found


class SourcesAppendix(SphinxPostTransform):
    """Move the source pages to the end of the book, as appendices."""

    builders = ("latex",)
    default_priority = 9

    def run(self, **kwargs: Any) -> None:
        _adopt_children(self.document)
        wanted = list(self.config.calcidocs_latex_appendix)
        if not wanted:
            return
        moved: list[nodes.Node] = []
        home: nodes.Element | None = None
        for node in list(self.document.findall(addnodes.start_of_file)):
            if node["docname"] not in wanted or node.parent is None:
                continue
            section = _enclosing_section(node)
            if home is None:
                home = section
            node.parent.remove(node)
            moved.append(node)
        if not moved or home is None:
            return
        home += nodes.raw("", "\\appendix\n", format="latex")
        home.extend(moved)


def _enclosing_section(node: nodes.Node) -> nodes.Element:
    """The nearest section around ``node`` (the document if there is none)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None:
        return node.document  # type: ignore[return-value]
    return parent


class TableLayout(SphinxPostTransform):
    """Tables that fit the page: column widths, page breaks, landscape if wide.

    LaTeX cannot measure columns whose cells hold lists, nor break a table
    across pages unless it is a longtable. So every table that stands in the
    body of a page (not in a box or a list) becomes a longtable with column
    widths that give each column at least its longest word and share the rest
    by the length of its text; a wide one is also wrapped in a class that
    ``calcidocs.sty`` sets on landscape pages in small type.
    """

    builders = ("latex",)
    default_priority = 11

    def run(self, **kwargs: Any) -> None:
        _adopt_children(self.document)
        limit = int(self.config.calcidocs_latex_wide_table_columns)
        for table in list(self.document.findall(nodes.table)):
            group = next(iter(table.findall(nodes.tgroup)), None)
            if group is None or not _in_body(table):
                continue
            wide = limit > 0 and int(group.get("cols", 0)) >= limit
            if "colwidths-given" not in table["classes"]:
                specs = [c for c in group.children if isinstance(c, nodes.colspec)]
                capacity = LANDSCAPE_CHARS if wide else PORTRAIT_CHARS
                weights = _column_weights(group, len(specs), capacity)
                for spec, weight in zip(specs, weights, strict=True):
                    spec["colwidth"] = weight
                table["classes"].append("colwidths-given")
            # A longtable may run over several pages, breaking between rows.
            if "longtable" not in table["classes"]:
                table["classes"].append("longtable")
            parent = table.parent
            if not wide or (
                isinstance(parent, nodes.container) and "calcidocs-wide-table" in parent["classes"]
            ):
                continue
            wrapper = nodes.container(classes=["calcidocs-wide-table"])
            table.replace_self(wrapper)
            wrapper += table


#: About how many characters a line of a table holds, across the page.
PORTRAIT_CHARS = 80
LANDSCAPE_CHARS = 150  # in small type


def _in_body(table: nodes.Element) -> bool:
    """Whether a longtable can stand where ``table`` is (not in a box or a list)."""
    parent = table.parent
    while parent is not None:
        if isinstance(
            parent,
            (
                nodes.Admonition,
                nodes.list_item,
                nodes.entry,
                nodes.topic,
                nodes.sidebar,
                nodes.footnote,
                nodes.block_quote,
                nodes.definition,
                nodes.field_body,
            ),
        ):
            return False
        parent = parent.parent
    return True


def _column_weights(group: nodes.Element, count: int, capacity: int) -> list[int]:
    """A width for each column, in characters of a line ``capacity`` long.

    Each column gets its longest word (which LaTeX cannot break, but after a
    hyphen) and the rest of the line is shared by the length of the columns' text.
    """
    totals = [0] * count
    longest = [0] * count
    for row in group.findall(nodes.row):
        column = 0
        for entry in row.children:
            if column < count:
                text = entry.astext()
                totals[column] += len(text)
                pieces = re.split(r"[\s\-\u2010-\u2014/]+", text)
                longest[column] = max([longest[column], *(len(p) for p in pieces)])
            if isinstance(entry, nodes.Element):
                column += int(entry.get("morecols", 0))
            column += 1
    # Headers are set in bold sans serif, a little wider than the text.
    least = [max(6, round(word * 1.2) + 2) for word in longest]
    spare = max(0, capacity - sum(least))
    share = [min(total, 40 * capacity) + 1 for total in totals]
    return [low + round(spare * part / sum(share)) for low, part in zip(least, share, strict=True)]


def _copy_style(app: Sphinx, exception: BaseException | None) -> None:
    if exception is None and app.builder.format == "latex":
        shutil.copyfile(TEXINPUTS / f"{STYLE}.sty", Path(app.outdir) / f"{STYLE}.sty")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the LaTeX parts (loaded by the extension's ``setup()``)."""
    app.add_config_value(
        "calcidocs_latex_appendix",
        ["sources/index"],
        "",
        types=(list, tuple),
        description="Documents (with the pages of their toctrees) set as appendices in the PDF.",
    )
    app.add_config_value(
        "calcidocs_latex_root_as_front_matter",
        True,
        "",
        types=(bool,),
        description="In the PDF, the home page's sections are headings of the front matter "
        "and the pages its toctrees include are the chapters.",
    )
    app.add_config_value(
        "calcidocs_latex_wide_table_columns",
        5,
        "",
        types=(int,),
        description="Tables with at least this many columns get a landscape page in the PDF "
        "(0: never).",
    )
    app.add_post_transform(LatexAnchors)
    app.add_post_transform(HoistToctrees)
    app.add_post_transform(RootAsFrontMatter)
    app.add_post_transform(SourcesAppendix)
    app.add_post_transform(TableLayout)
    app.add_latex_package(STYLE)
    app.connect("build-finished", _copy_style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
