"""The JSON Schema of ``claims.json``: strict on the contract, open to new fields.

(The real site's export is validated in ``tests/test_site.py``, and every
export of the hostile-input tests in ``tests/test_hostile.py``.)
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from calcidocs.writers.claims_json import SCHEMA_FILE, json_schema
from conftest import build, copy_root

SHA = "a" * 64
EXPORT: dict[str, Any] = {
    "schema": "calcidocs-claims/1",
    "sources": {"alpha": {"file": "alpha.txt", "title": "Alpha", "sha256": SHA}},
    "claims": [
        {
            "id": "c1",
            "text": "A statement.",
            "docname": "subtypes/red",
            "line": 3,
            "subtypes": ["red"],
            "topics": [],
            "status": "verified",
            "citations": [{"source": "alpha", "quote": "some words here", "verified": True}],
            "disputes": [],
        },
        {
            "id": "",
            "text": "",
            "docname": "subtypes/red",
            "line": 9,
            "subtypes": [],
            "topics": [],
            "status": "uncited",
            "citations": [],
            "disputes": ["c1"],
        },
    ],
}


def _validator() -> Draft202012Validator:
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(data: dict[str, Any]) -> list[str]:
    return [error.message for error in _validator().iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema_shipped_with_the_package() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert _errors(EXPORT) == []


def _with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(EXPORT)
    change(data)
    return data


def _claim(data: dict[str, Any]) -> dict[str, Any]:
    claim: dict[str, Any] = data["claims"][0]
    return claim


WRONG = {
    "another format": lambda d: d.update(schema="calcidocs-claims/2"),
    "no sources": lambda d: d.pop("sources"),
    "a source without its hash": lambda d: d["sources"]["alpha"].pop("sha256"),
    "a hash that is not one": lambda d: d["sources"]["alpha"].update(sha256="00"),
    "a claim without id": lambda d: _claim(d).pop("id"),
    "a line as text": lambda d: _claim(d).update(line="3"),
    "line 0": lambda d: _claim(d).update(line=0),
    "an unknown status": lambda d: _claim(d).update(status="fine"),
    "a term twice": lambda d: _claim(d).update(subtypes=["red", "red"]),
    "a citation without quote": lambda d: _claim(d)["citations"][0].pop("quote"),
    "verified as text": lambda d: _claim(d)["citations"][0].update(verified="yes"),
    "verified with a quote not found": lambda d: _claim(d)["citations"][0].update(verified=False),
    "uncited with a citation": lambda d: _claim(d).update(status="uncited"),
    "broken with every quote found": lambda d: _claim(d).update(status="broken"),
    "unverified with every quote given": lambda d: _claim(d).update(status="unverified"),
}


@pytest.mark.parametrize("case", list(WRONG))
def test_the_schema_holds_the_contract(case: str) -> None:
    assert _errors(_with(WRONG[case])), case


def test_fields_it_does_not_name_are_welcome() -> None:
    """Fields other versions add (a review record, W3C selectors, accepted drift)."""

    def extend(data: dict[str, Any]) -> None:
        data["generator"] = "calcidocs"
        data["sources"]["alpha"]["notes"] = "A test source."
        claim = _claim(data)
        claim["review"] = {"by": "A. Reviewer", "on": "2026-01-01", "current": True}
        claim["drift_ok"] = {"cause": "the source says so"}
        claim["citations"][0]["selectors"] = [
            {"type": "TextQuoteSelector", "exact": "some words here", "prefix": "", "suffix": ""},
            {"type": "TextPositionSelector", "start": 0, "end": 15},
        ]

    assert _errors(_with(extend)) == []


def test_an_export_with_every_status_matches_the_schema(tmp_path: Path) -> None:
    """The problems project has claims of every status, broken ones of every kind."""
    result = build(copy_root("problems", tmp_path))
    data = result.claims_json()
    assert {c["status"] for c in data["claims"]} == {"verified", "unverified", "uncited", "broken"}
    assert _errors(data) == []
    written = json.loads((result.outdir / "claims.schema.json").read_text(encoding="utf-8"))
    assert written == json_schema()
