"""``claims.json``: every claim and source, for reviewers' tools.

Sorted, with no timestamps: identical for identical input, whatever the build
order or ``-j``. Its JSON Schema (draft 2020-12) ships with the package,
``calcidocs/schema/claims.schema.json``, and is written next to it in the
output (``claims.schema.json``): strict on the fields of the contract, open to
fields it does not name.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..checks.page_results import review_record
from ..checks.review import selectors
from ..checks.review_check import lock_file
from ..domain import CalcidocsDomain
from ..model import Citation, Claim, quoted_span
from ..sources.library import library
from .builders import is_epub
from .line_memo import StreamedLines, memo_path
from .pieces import Lines

SCHEMA = "calcidocs-claims/1"
#: The JSON Schema of the export.
SCHEMA_FILE = Path(__file__).parent.parent / "schema" / "claims.schema.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``claims.json``, as data."""
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def schema_name(name: str) -> str:
    """The schema's file name in the output, next to the export ``name``."""
    return f"{Path(name).stem}.schema.json"


#: The version of the claims' kept JSON: raise it whenever a claim's entry changes.
ENTRY_VERSION = 2


def export(env: BuildEnvironment) -> dict[str, Any]:
    """The claims export as plain data."""
    data = exported(env)
    data["claims"] = list(data["claims"])
    return data


def exported(env: BuildEnvironment, kept: Lines | None = None) -> dict[str, Any]:
    """The claims export, its claims an iterator that makes each one when it is read
    (so that the export of thousands of claims is never whole in memory). With
    ``kept``, each claim is its JSON text, taken from there when
    nothing it shows has changed."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    sources = library(env)
    lock = lock_file(env)
    claims = domain.index.all_claims  # in the order of claim_sort_key
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

    def citation(c: Citation) -> dict[str, Any]:
        """A citation, with W3C Web Annotation selectors of its passage when found."""
        selector: list[dict[str, Any]] = []
        if c["verified"]:
            source, _ = sources.lookup(c["source"])
            if source is not None and source.text is not None:
                selector = selectors(source.text, *quoted_span(c))
        return {
            "source": c["source"],
            "quote": c["quote"],
            "verified": c["verified"],
            "selector": selector,
        }

    def entry(claim: Claim) -> dict[str, Any]:
        return {
            "id": claim["id"],
            "text": claim["text"],
            "docname": claim["docname"],
            "line": claim["line"],
            "subtypes": claim["subtypes"],
            "topics": claim["topics"],
            "status": claim["status"],
            "citations": [citation(c) for c in claim["citations"]],
            "disputes": claim["disputes"],
            "drift_ok": claim.get("drift_ok", {}),
            "weak": claim.get("weak", []),
            "review": review_record(env, claim),
        }

    # What an entry shows besides its claim: the review lock (each claim's review
    # follows from it and the claim) and every source's file, title and text.
    shared = hashlib.sha256(
        _one([ENTRY_VERSION, None if lock is None else lock.key, source_data]).encode()
    ).hexdigest()
    first = domain.index.claims

    def encoded(claim: Claim) -> str:
        assert kept is not None
        prints = domain.prints_of(claim)
        record = prints.record if prints is not None else _one(claim)
        counts = "1" if first.get(claim["id"]) is claim else "0"
        return kept.get(f"{shared} {counts} {record}", lambda: _one(entry(claim)))

    return {
        "schema": SCHEMA,
        "sources": source_data,
        "claims": (entry(claim) if kept is None else encoded(claim) for claim in claims),
    }


def write(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: write the export into the HTML output directory, a claim at a
    time, each claim's entry kept for the next build (see :mod:`.line_memo`)."""
    name = app.config.calcidocs_claims_json
    if exception is not None or not name or app.builder.format != "html" or is_epub(app.builder):
        return
    kept = StreamedLines(memo_path(app.builder, "claims"), (SCHEMA, name))
    try:
        with Path(app.outdir, name).open("w", encoding="utf-8") as file:
            file.writelines(pieces(exported(app.env, kept), encoded=True))
    except BaseException:
        kept.done(ok=False)
        raise
    kept.done(ok=True)
    shutil.copyfile(SCHEMA_FILE, Path(app.outdir, name).with_name(schema_name(name)))


def _one(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def pieces(data: dict[str, Any], encoded: bool = False) -> Iterator[str]:
    """The export's text, a claim at a time: JSON with sorted keys and one claim per
    line: small diffs, and fast to write (an indented dump goes through Python's slow
    encoder, seconds for 4000 claims). With ``encoded``, each claim is its JSON text
    already (see :func:`exported`)."""

    yield '{\n  "claims": ['
    separator = "\n"
    for claim in data["claims"]:
        yield f"{separator}    "
        yield claim if encoded else _one(claim)
        separator = ",\n"
    yield "]" if separator == "\n" else "\n  ]"
    yield f',\n  "schema": {_one(data["schema"])},\n'
    sources = ",\n".join(
        f"    {_one(key)}: {_one(value)}" for key, value in sorted(data["sources"].items())
    )
    yield f'  "sources": {{\n{sources}\n  }}' if sources else '  "sources": {}'
    yield "\n}\n"
