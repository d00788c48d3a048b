"""``claims.json``: every claim and source, for reviewers' tools.

Sorted, with no timestamps: identical for identical input, whatever the build
order or ``-j``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .domain import CalcidocsDomain, claim_sort_key
from .library import library

SCHEMA = "calcidocs-claims/1"


def export(env: BuildEnvironment) -> dict[str, Any]:
    """The claims export as plain data."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    sources = library(env)
    claims = sorted(domain.claims(), key=claim_sort_key)
    keys = set(sources.by_key)
    keys.update(c["source"] for claim in claims for c in claim["citations"] if c["found"])
    source_data: dict[str, dict[str, str]] = {}
    for key in sorted(keys):
        source, _ = sources.lookup(key)
        if source is not None:
            source_data[key] = {
                "file": source.file,
                "title": source.title,
                "sha256": source.actual_sha256,
            }
    return {
        "schema": SCHEMA,
        "sources": source_data,
        "claims": [
            {
                "id": claim["id"],
                "text": claim["text"],
                "docname": claim["docname"],
                "line": claim["line"],
                "subtypes": claim["subtypes"],
                "topics": claim["topics"],
                "status": claim["status"],
                "citations": [
                    {"source": c["source"], "quote": c["quote"], "verified": c["verified"]}
                    for c in claim["citations"]
                ],
                "disputes": claim["disputes"],
            }
            for claim in claims
        ],
    }


def write(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: write the export into the HTML output directory."""
    name = app.config.calcidocs_claims_json
    if exception is not None or not name or app.builder.format != "html":
        return
    text = json.dumps(export(app.env), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    Path(app.outdir, name).write_text(text, encoding="utf-8")
