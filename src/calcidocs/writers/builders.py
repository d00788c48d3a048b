"""What builders other than ``html`` need, so that each one Sphinx ships builds cleanly.

* **singlehtml** writes every page into one file, where a page's address is a
  fragment (``#document-glossary``). A link to an anchor of a page must then be
  the anchor alone: the domain makes its own links so
  (:func:`calcidocs.domain.refnode`), and the links that Sphinx makes with two
  fragments (``#document-glossary#term-X``, to a glossary term) are mended.
  It writes no index or search page either: the links that a theme puts to
  those (Sphinx's ``<link rel="index">`` and ``rel="search"``, a search box)
  are left out there.
* **epub** packs every file of its output folder into the book, and warns about
  each file it cannot type. ``sphinx-build -b epub SRC OUT`` keeps Sphinx's
  doctrees in ``OUT/.doctrees``: they are left out of the book (Sphinx would
  warn about each), and so is ``claims.json``, which is written only for sites.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder

#: Pages that singlehtml does not write.
SINGLEHTML_MISSING = frozenset({"genindex", "search"})
#: The theme's sidebar templates that lead to a page singlehtml does not write.
SINGLEHTML_SIDEBARS_LEFT_OUT = frozenset({"searchbox.html", "sidebar/search.html"})


def is_epub(builder: Builder) -> bool:
    return builder.name.startswith("epub")


def _singlehtml_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: in singlehtml, no links to pages it does not write."""
    if app.builder.name != "singlehtml":
        return
    hasdoc = context.get("hasdoc")
    if callable(hasdoc):
        context["hasdoc"] = lambda name: name not in SINGLEHTML_MISSING and hasdoc(name)
    sidebars = context.get("sidebars")
    if isinstance(sidebars, list | tuple):
        context["sidebars"] = [s for s in sidebars if s not in SINGLEHTML_SIDEBARS_LEFT_OUT]
    # the table of contents, as the theme renders it (furo: before this handler)
    toctree = context.get("toctree")
    if callable(toctree):
        context["toctree"] = lambda *args, **kwargs: _mend_html(toctree(*args, **kwargs))
    for key in ("furo_navigation_tree", "toc"):
        if isinstance(context.get(key), str):
            context[key] = _mend_html(context[key])


_DOUBLE_FRAGMENT = re.compile(r'href="#document-[^"#]*#')


def _mend_html(html: str) -> str:
    """``href="#document-PAGE#ANCHOR"`` -> ``href="#ANCHOR"`` in rendered HTML."""
    return _DOUBLE_FRAGMENT.sub('href="#', html)


def _singlehtml_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: in singlehtml, ``#document-PAGE#ANCHOR`` becomes ``#ANCHOR``."""
    if app.builder.name != "singlehtml":
        return
    root = f"#document-{app.config.root_doc}"
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if uri.startswith("#") and "#" in uri[1:]:
            reference["refuri"] = uri[uri.rindex("#") :]
        elif uri == root:  # the root page has no such anchor: its top is the page's
            reference["refuri"] = "#"


def _epub_leaves_out_doctrees(app: Sphinx, builder: Builder) -> None:
    """``write-started``: the doctrees kept in the output folder stay out of the book."""
    if not is_epub(builder):
        return
    outdir = Path(builder.outdir)
    try:
        inside = Path(builder.doctreedir).resolve().relative_to(outdir.resolve())
    except ValueError:
        return  # the doctrees are elsewhere (sphinx-build -M, -d)
    found = []
    for root, _, files in os.walk(outdir / inside):
        # named as the epub builder names the files it finds
        found += [os.path.relpath(os.path.join(root, name), outdir) for name in files]
    excluded = list(app.config.epub_exclude_files)
    app.config.epub_exclude_files = excluded + sorted(set(found) - set(excluded))


def setup(app: Sphinx) -> dict[str, Any]:
    # after the theme's own handler, which renders the navigation (furo)
    app.connect("html-page-context", _singlehtml_page, priority=900)
    app.connect("doctree-resolved", _singlehtml_links)
    app.connect("write-started", _epub_leaves_out_doctrees)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
