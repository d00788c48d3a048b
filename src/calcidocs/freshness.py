"""Keeping every page fresh after an incremental build.

Tables, lists and source pages are filled from all claims of the project, so
a change anywhere (a page added, changed or removed, or a cited source edited,
which re-reads the pages citing it) makes every page holding one outdated.
And a page whose cross-references now land elsewhere (a subtype page was
added, a source page removed) is written again even though it did not change.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .domain import CalcidocsDomain


def outdated_aggregates(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: the pages holding aggregates, when anything changed."""
    if not (added or changed or removed):
        return []
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    return sorted(domain.aggregate_docs() - removed)


def collect_links(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: remember every calcidocs reference of the page."""
    domain = app.env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    links = {
        (node["reftype"], node["reftarget"])
        for node in doctree.findall(pending_xref)
        if node.get("refdomain") == "calcidocs"
    }
    domain.set_links(app.env.docname, sorted(links))


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: pages whose references resolve differently now."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    return domain.stale_pages()
