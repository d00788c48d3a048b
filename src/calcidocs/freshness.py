"""Keeping every page fresh after an incremental build.

Tables, lists and source pages are filled from the claims of the whole project
when they are written. After every read, each page holding one is fingerprinted
with the claims it shows (as :data:`calcidocs.aggregates.SHOWS` picks them),
the targets its links lead to, and, for reports, every problem and the
readability of every content page: when the
fingerprint changed, the page is written again, without being read again.
A page whose own cross-references now land elsewhere (a subtype page was
added, a source page removed) is written again too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .aggregates import SHOWS
from .checks import all_problems, file_problems
from .domain import CalcidocsDomain


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


def _digest(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, default=str).encode()


def stale_aggregates(env: BuildEnvironment, domain: CalcidocsDomain) -> list[str]:
    """Pages whose aggregates would now show something else than when last written.

    Records the new fingerprints, so each page is reported once.
    """
    targets = _digest(
        [sorted(domain.index.source_pages.items()), sorted(domain.index.terms.items())]
    )
    everything: bytes | None = None
    stale = []
    for docname, aggregates in domain.aggregates():
        fingerprint = hashlib.sha256(targets)
        for kind, options in aggregates:
            fingerprint.update(_digest([kind, options]))
            shows = SHOWS.get(kind)
            if shows is not None:
                fingerprint.update(_digest(list(shows(domain, options))))
                continue
            if everything is None:
                everything = _digest(
                    [
                        domain.index.all_claims,
                        all_problems(env),
                        file_problems(env),
                        sorted(domain.data["readability"].items()),
                    ]
                )
            fingerprint.update(everything)
        value = fingerprint.hexdigest()
        if domain.data["prints"].get(docname) != value:
            domain.data["prints"][docname] = value
            stale.append(docname)
    return stale


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: pages to write again though they were not read again."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    return sorted(set(domain.stale_pages()) | set(stale_aggregates(env, domain)))
