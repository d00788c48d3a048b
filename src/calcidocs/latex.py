"""The PDF: what the LaTeX builder needs beyond the HTML one.

* **Anchors.** Sphinx's LaTeX writer writes a ``\\label`` for targets, sections,
  tables and figures, but not for the ids of inline or container nodes. A quoted
  passage on a source page is an inline node and a claim is a container, so
  without help a citation mark in the PDF would point nowhere. A target carrying
  the same ids is put right before each such node.
* **Appendix.** The source pages (``calcidocs_latex_appendix``, by default
  ``sources/index`` and the pages of its toctree) move to the end of the book,
  after ``\\appendix``: chapters of the main matter, lettered appendices after.
* **Wide tables.** A table of ``calcidocs_latex_wide_table_columns`` columns or
  more is wrapped in a ``calcidocs-wide-table`` class, which ``calcidocs.sty``
  sets on a landscape page in small type, so that no column is squeezed below
  the width of its words.
* **Style.** ``calcidocs.sty`` (highlighted passages, citation marks, claims) is
  copied next to the ``.tex`` file and loaded in its preamble.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

TEXINPUTS = Path(__file__).parent / "texinputs"
STYLE = "calcidocs"

#: Nodes whose ids the LaTeX writer drops.
_UNANCHORED = (nodes.inline, nodes.container)


class LatexAnchors(SphinxPostTransform):
    """Give inline and container nodes with ids a LaTeX label (a target before them)."""

    builders = ("latex",)
    # After FillSourceText (5) has written the highlighted passages.
    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(_element_with_ids)):
            parent = node.parent
            if parent is None:
                continue
            target = nodes.target("", "", ids=list(node["ids"]))
            if isinstance(node, nodes.container):
                # Inside the container, so that the label sits with its first line.
                node.insert(0, target)
            else:
                parent.insert(parent.index(node), target)


def _element_with_ids(node: nodes.Node) -> bool:
    return isinstance(node, _UNANCHORED) and bool(node["ids"])  # type: ignore[index]


class SourcesAppendix(SphinxPostTransform):
    """Move the source pages to the end of the book, as appendices."""

    builders = ("latex",)
    default_priority = 7

    def run(self, **kwargs: Any) -> None:
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
        for node in moved:
            home += node


def _enclosing_section(node: nodes.Node) -> nodes.Element:
    """The nearest section around ``node`` (the document if there is none)."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.section):
        parent = parent.parent
    if parent is None:
        return node.document  # type: ignore[return-value]
    return parent


class WideTables(SphinxPostTransform):
    """Wrap tables of many columns in a class the LaTeX style sets in landscape."""

    builders = ("latex",)
    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        limit = int(self.config.calcidocs_latex_wide_table_columns)
        if limit <= 0:
            return
        for table in list(self.document.findall(nodes.table)):
            group = next(iter(table.findall(nodes.tgroup)), None)
            if group is None or int(group.get("cols", 0)) < limit:
                continue
            parent = table.parent
            if isinstance(parent, nodes.container) and "calcidocs-wide-table" in parent["classes"]:
                continue
            wrapper = nodes.container(classes=["calcidocs-wide-table"])
            table.replace_self(wrapper)
            wrapper += table


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
        "calcidocs_latex_wide_table_columns",
        6,
        "",
        types=(int,),
        description="Tables with at least this many columns get a landscape page in the PDF "
        "(0: never).",
    )
    app.add_post_transform(LatexAnchors)
    app.add_post_transform(SourcesAppendix)
    app.add_post_transform(WideTables)
    app.add_latex_package(STYLE)
    app.connect("build-finished", _copy_style)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
