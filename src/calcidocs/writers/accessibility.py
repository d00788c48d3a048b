"""HTML that assistive technology and the HTML standard accept.

Four fixes to markup that Sphinx or the theme writes, whatever the page says:

- A table that scrolls sideways in its wrapper (furo wraps every table in a
  ``div.table-wrapper`` so that a wide table scrolls instead of the page) can be
  reached by keyboard: the wrapper is a labelled region in the tab order. The
  wrapper no longer repeats the table's id (furo copies all of the table's
  attributes to it, so two elements shared one id).
- Toctree captions (``<p class="caption" role="heading">``, in the sidebar and
  in pages) get the ``aria-level`` that a heading role requires.
- A code block that is wider than the page scrolls sideways in its ``pre``:
  the ``pre`` is in the tab order, so that a keyboard can scroll it too.
- A domain index anchors each group as ``cap-NAME``: a group name with spaces
  made an invalid id. The template writes the name into the id and the link as
  it shows it, so the written page is mended: spaces in those anchors become
  hyphens. (The claim index is written with valid anchors:
  :mod:`calcidocs.writers.claim_index`.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from . import claim_index

#: The class furo gives the box around every table.
WRAPPER = "table-wrapper"

#: The level of toctree captions: headings below the page title.
CAPTION_LEVEL = 2

_HEADING_WITHOUT_LEVEL = re.compile(r'(<p\b[^>]*\brole="heading")(?![^>]*\baria-level=)')
# A domain index group's anchor and the links to it (Sphinx's and furo's templates).
_GROUP_ANCHOR = re.compile(r'((?:\bid="|\bhref="#)cap-)([^"]*)"')
# Pygments' block, as Sphinx writes it for every literal block.
_CODE_BLOCK = re.compile(r'(<div class="highlight"><pre)>')


class scroll_region(nodes.General, nodes.Element):
    """A box in which a wide table scrolls sideways; a keyboard can focus it."""


def visit_scroll_region(self: HTML5Translator, node: scroll_region) -> None:
    self.body.append(
        self.starttag(
            node,
            "div",
            CLASS="docutils container",
            tabindex="0",
            role="region",
            **{"aria-label": node["label"]},
        )
    )


def depart_scroll_region(self: HTML5Translator, node: scroll_region) -> None:
    self.body.append("</div>\n")


def _pass(self: Any, node: nodes.Node) -> None:
    pass


def table_label(table: nodes.table) -> str:
    """What a screen reader announces for a table's box: its caption, else its section."""
    for child in table.children:
        if isinstance(child, nodes.title):
            return " ".join(child.astext().split())
    parent = table.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            for child in parent.children:
                if isinstance(child, nodes.title):
                    return "Table: " + " ".join(child.astext().split())
        parent = parent.parent
    return "Table"


class ReachableTableWrappers(SphinxPostTransform):
    """Turn furo's table wrappers into keyboard-reachable regions without a second id.

    Runs after furo's wrapping transform (priority 500).
    """

    formats = ("html",)
    default_priority = 600

    def run(self, **kwargs: Any) -> None:
        regions: list[scroll_region] = []
        for wrapper in list(self.document.findall(nodes.container)):
            if WRAPPER not in wrapper["classes"]:
                continue
            tables = [child for child in wrapper.children if isinstance(child, nodes.table)]
            if len(tables) != 1:
                continue
            region = scroll_region("", label=table_label(tables[0]))
            region.extend(wrapper.children)
            # The table keeps its ids (links land on it); replace_self() would
            # copy the wrapper's copies of them onto the region.
            for attribute in ("ids", "names", "dupnames"):
                wrapper[attribute] = []
            wrapper.replace_self(region)
            regions.append(region)
        # Regions of one page are told apart by their names.
        count = Counter(region["label"] for region in regions)
        seen: Counter[str] = Counter()
        for region in regions:
            label = region["label"]
            if count[label] > 1:
                seen[label] += 1
                region["label"] = f"{label} ({seen[label]} of {count[label]})"


def add_heading_level(html: str) -> str:
    """Give every ``role="heading"`` paragraph without a level the caption level."""
    return _HEADING_WITHOUT_LEVEL.sub(rf'\1 aria-level="{CAPTION_LEVEL}"', html)


def reachable_code_blocks(html: str) -> str:
    """Put every highlighted code block's ``pre`` (which scrolls sideways) in the tab order."""
    return _CODE_BLOCK.sub(r'\1 tabindex="0">', html)


def _leveled(toctree: Callable[..., str]) -> Callable[..., str]:
    def wrapped(*args: Any, **kwargs: Any) -> str:
        return add_heading_level(toctree(*args, **kwargs))

    return wrapped


def fix_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Before the theme's own handler (furo builds its sidebar from ``toctree``)."""
    toctree = context.get("toctree")
    if callable(toctree):
        context["toctree"] = _leveled(toctree)
    body = context.get("body")
    if isinstance(body, str):
        context["body"] = reachable_code_blocks(add_heading_level(body))


def group_anchors_without_spaces(html: str) -> str:
    """``id="cap-Red form"`` and ``href="#cap-Red form"`` become ``cap-Red-form``."""
    return _GROUP_ANCHOR.sub(
        lambda match: match.group(1) + claim_index.without_spaces(match.group(2)) + '"', html
    )


def mend_domain_indices(app: Sphinx, exception: Exception | None) -> None:
    """Rewrite the written domain index pages with valid group anchors."""
    builder = app.builder
    if exception is not None or not isinstance(builder, StandaloneHTMLBuilder):
        return
    for name, *_ in builder.domain_indices:
        if name in claim_index.PAGES:  # written with valid anchors
            continue
        path = Path(builder.get_outfilename(name))
        # Pages only: the pickle and JSON builders write the context, not HTML.
        if path.suffix not in {".html", ".xhtml"} or not path.is_file():
            continue
        try:
            html = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        mended = group_anchors_without_spaces(html)
        if mended != html:
            path.write_text(mended, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(
        scroll_region,
        html=(visit_scroll_region, depart_scroll_region),
        latex=(_pass, _pass),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_post_transform(ReachableTableWrappers)
    app.connect("html-page-context", fix_page_context, priority=400)
    app.connect("build-finished", mend_domain_indices)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
