"""The claim index as the HTML builders write it: every claim, by subtype, from the records.

Sphinx writes a domain index with its ``domainindex.html`` template, a table row
per entry. The claim index has an entry per claim and subtype, so on a large
site that template was the slowest page of every build, and the largest. The
builders that write pages of HTML write it from the index's groups
(:class:`calcidocs.domain.ClaimIndex`) instead, into the theme's plain page
template (``page.html``): a heading per group, with its claims as a list. Each
group is anchored ``cap-NAME`` (white space as hyphens), and a line of links
at the top leads to each group, as on Sphinx's page.

The pickle and JSON builders save the groups as Sphinx gives them, and LaTeX
writes the index as Sphinx does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import escape
from typing import Any

from sphinx.application import Sphinx

from .spliced import splices, writes_html_files

#: The pages that this module writes in place of Sphinx's domain index template.
PAGES = frozenset({"calcidocs-claims"})

_SPACE = re.compile(r"[ \t\n\f\r]+")


def without_spaces(name: str) -> str:
    """A group's name as its anchor holds it: each run of white space a hyphen."""
    return _SPACE.sub("-", name.strip())


def group_anchor(name: str) -> str:
    return "cap-" + without_spaces(name)


def index_parts(
    title: str, groups: list[tuple[str, list[Any]]], pathto: Callable[[str], str]
) -> tuple[str, Iterator[str], str]:
    """The page's body: what comes before the entries, the entries (made as they are
    read), what comes after."""
    jumps = " | ".join(
        f'<a href="#{escape(group_anchor(name))}"><strong>{escape(name)}</strong></a>'
        for name, _ in groups
    )
    head = (
        f'<section class="calcidocs-claim-index">\n<h1>{escape(title)}</h1>\n'
        f'<p class="calcidocs-index-jumps">{jumps}</p>\n'
    )
    return head, _entries(groups, pathto), "</section>\n"


def _entries(groups: list[tuple[str, list[Any]]], pathto: Callable[[str], str]) -> Iterator[str]:
    addresses: dict[str, str] = {}
    for name, entries in groups:
        yield (
            f'<section id="{escape(group_anchor(name))}">\n<h2>{escape(name)}</h2>\n'
            '<ul class="calcidocs-index-entries">\n'
        )
        for entry in entries:
            text, _, docname, anchor, extra, _, description = entry
            address = addresses.get(docname)
            if address is None:
                address = addresses[docname] = escape(pathto(docname))
            status = f" <em>({escape(extra)})</em>" if extra else ""
            yield (
                f'<li><a class="reference internal" href="{address}#{escape(anchor)}">'
                f"{escape(text)}</a>{status} "
                f'<code class="docutils literal notranslate">{escape(description)}</code></li>\n'
            )
        yield "</ul>\n</section>\n"


def write_from_groups(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> str | None:
    """``html-page-context``: the claim index's body from its groups, in ``page.html``."""
    if pagename not in PAGES or templatename != "domainindex.html":
        return None
    builder = app.builder
    pathto = context.get("pathto")
    groups = context.get("content")
    if not writes_html_files(builder) or not callable(pathto) or not isinstance(groups, list):
        return None
    title = str(context.get("indextitle", ""))
    head, entries, tail = index_parts(title, groups, pathto)
    held = splices(builder)  # the entries are then made as they go into the file
    context["body"] = head + (held.hold(entries) if held is not None else "".join(entries)) + tail
    context["title"] = title
    return "page.html"
