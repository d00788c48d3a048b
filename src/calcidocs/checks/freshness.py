"""Keeping every page fresh after an incremental build.

Tables, lists and source pages are filled from the claims of the whole project
when they are written. After every read, each page is fingerprinted with when
it was read and what its own cross-references resolve to (a subtype page was
added, a source page removed); a page holding an aggregate, also with the
claims it shows (as :data:`calcidocs.views.aggregates.SHOWS` picks them), the
targets its links lead to, and, for reports, every problem and the readability
of every content page. A page whose fingerprint differs from the one recorded
when it was last written is written again, without being read again.

The fingerprints are recorded only once the build has written every page, in a
small file next to the saved environment (one per builder, replaced at once,
never half written). A build stopped after the environment was saved, or while
pages were being written, leaves the old record: the next build writes again
every page that build read or found stale, so that each page, and the search
index, shows what a fresh build shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain
from ..views.aggregates import SHOWS
from ..writers.light import link_targets
from .cross_document import all_problems, file_problems

#: The version of the record's format: a record of another version counts as empty.
RECORD_VERSION = 1


def collect_links(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: remember every calcidocs reference of the page."""
    domain = app.env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    links = {
        (node["reftype"], node["reftarget"])
        for node in doctree.findall(pending_xref)
        if node.get("refdomain") == "calcidocs"
    }
    links.update(link_targets(app.env, doctree))
    domain.set_links(app.env.docname, sorted(links))


def _digest(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, default=str).encode()


def _shown(domain: CalcidocsDomain, records: Iterable[Mapping[str, object]]) -> bytes:
    """A digest of what an aggregate shows: each claim by its record fingerprint."""
    claims = domain.index.prints
    return _digest(
        [
            prints.record if (prints := claims.get(id(record))) is not None else record
            for record in records
        ]
    )


def page_prints(env: BuildEnvironment, domain: CalcidocsDomain) -> dict[str, str]:
    """The fingerprint of every page: when it was read, what its references resolve
    to, and what its aggregates show."""
    source_pages = _digest(sorted(domain.index.source_pages.items()))
    targets = _digest([source_pages.decode(), sorted(domain.index.terms.items())])
    everything: bytes | None = None
    prints = {docname: hashlib.sha256(_digest(read)) for docname, read in env.all_docs.items()}
    for docname, resolved, own_quotes in domain.resolutions():
        if docname in prints:
            prints[docname].update(_digest(resolved))
            if own_quotes:
                prints[docname].update(source_pages)
    for docname, aggregates in domain.aggregates():
        if docname not in prints:
            continue
        fingerprint = prints[docname]
        fingerprint.update(targets)
        for kind, options in aggregates:
            fingerprint.update(_digest([kind, options]))
            shows = SHOWS.get(kind)
            if shows is not None:
                fingerprint.update(_shown(domain, shows(domain, options)))
                continue
            if everything is None:
                everything = _digest(
                    [
                        _shown(domain, domain.index.all_claims).decode(),
                        all_problems(env),
                        file_problems(env),
                        sorted(domain.data["readability"].items()),
                    ]
                )
            fingerprint.update(everything)
    return {docname: fingerprint.hexdigest() for docname, fingerprint in sorted(prints.items())}


# -- what was written -------------------------------------------------------------


def record_path(app: Sphinx) -> Path:
    """The record of the pages this builder has written, next to the saved environment."""
    return Path(app.doctreedir) / f"calcidocs-written.{app.builder.name}.json"


def read_record(app: Sphinx) -> dict[str, str]:
    """docname -> the fingerprint of the page when it was last written into this output
    (empty when there is no record, or it is of another output or unreadable)."""
    try:
        data = json.loads(record_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("version") != RECORD_VERSION
        or data.get("outdir") != str(app.outdir)
        or not isinstance(data.get("pages"), dict)
    ):
        return {}
    return {str(k): str(v) for k, v in data["pages"].items()}


def write_record(app: Sphinx, pages: dict[str, str]) -> None:
    """Replace the record at once: a build stopped meanwhile leaves the old one whole."""
    path = record_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": RECORD_VERSION, "outdir": str(app.outdir), "pages": pages}
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, sort_keys=True, indent=0)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: pages to write again though they were not read again: those
    whose fingerprint differs from the one recorded when they were last written."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    prints = page_prints(env, domain)
    written = read_record(app)
    domain.unrecorded_prints = prints
    return [docname for docname, value in prints.items() if written.get(docname) != value]


def record_written(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: every page is now written as its fingerprint says."""
    domain = app.env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    prints, domain.unrecorded_prints = domain.unrecorded_prints, None
    if exception is None and prints is not None:
        write_record(app, prints)
