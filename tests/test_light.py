"""Claims rendered from their records: what a reader gets, and what the doctree holds.

A claim leaves its box, its statement and the statement's text in the doctree;
its citation marks, its meta line and the long lists of the tables and source
pages are written from the records when a page is written. For HTML they are
written straight from the data; for every other builder they become docutils
nodes first. Both must give the reader the same page.
"""

from __future__ import annotations

import json
import pickle
import re
import zlib
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.search.en import SearchEnglish

from calcidocs.views import aggregates
from calcidocs.writers import light
from conftest import build, copy_root


def _pages(outdir: Path) -> dict[str, str]:
    return {
        str(path.relative_to(outdir)): path.read_text(encoding="utf-8")
        for path in sorted(outdir.rglob("*.html"))
    }


@pytest.mark.parametrize("builder", ["html", "singlehtml"])
def test_html_from_the_records_is_what_sphinx_writes_of_the_nodes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builder: str
) -> None:
    direct = build(copy_root("basic", tmp_path / "direct"), buildername=builder)
    assert direct.warnings == ""

    # The same project, with every light node turned into nodes before writing,
    # as for the builders that do not write HTML: Sphinx's HTML writer lays them out.
    def fill_then_expand(self: aggregates.FillAggregates, **kwargs: object) -> None:
        self.fill()
        light.expand(self.env, self.document)

    monkeypatch.setattr(aggregates.FillAggregates, "run", fill_then_expand)
    through_nodes = build(copy_root("basic", tmp_path / "nodes"), buildername=builder)
    assert through_nodes.warnings == ""

    written, expected = _pages(direct.outdir), _pages(through_nodes.outdir)
    assert written.keys() == expected.keys()
    shown = [name for name in written if "calcidocs-meta" in written[name]]
    assert shown, "no page shows a claim"
    for name in written:
        assert written[name] == expected[name], name


def test_a_claim_is_three_nodes_in_the_doctree(tmp_path: Path) -> None:
    result = build(copy_root("basic", tmp_path))
    assert result.warnings == ""
    doctree_path = next((result.outdir.parent / "doctrees").rglob("red.doctree"))
    doctree = pickle.loads(doctree_path.read_bytes())
    boxes = list(doctree.findall(light.claim_box))
    assert boxes
    for box in boxes:
        statement = box[0]
        assert isinstance(statement, light.claim_statement)
        assert [type(child) for child in statement.children] == [nodes.Text]
        # nothing of the marks or the meta line is stored: only the body, if any
        assert all(
            isinstance(child, nodes.container) and "calcidocs-claim-body" in child["classes"]
            for child in box.children[1:]
        )
        assert not list(box.findall(nodes.superscript))


def test_search_objects_are_the_terms_and_sources_not_each_claim(tmp_path: Path) -> None:
    result = build(copy_root("basic", tmp_path))
    index = (result.outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index.removeprefix("Search.setIndex(").removesuffix(")"))
    kinds = {number: name for number, (_, name, _) in data["objnames"].items()}
    found = {(kinds[str(entry[1])], entry[4]) for entry in data["objects"].get("", [])}
    # (Sphinx files an object under its display name)
    assert ("subtype", "Red form") in found
    assert ("source", "alpha") in found
    assert ("topic", "Causes") in found
    assert not any(kind == "claim" for kind, _ in found)
    # the claims stay in objects.inv, for intersphinx
    assert any(line.startswith("red-damage calcidocs:claim") for line in _inventory(result.outdir))


def _inventory(outdir: Path) -> list[str]:
    raw = (outdir / "objects.inv").read_bytes()
    return zlib.decompress(raw.split(b"\n", 4)[4]).decode().splitlines()


def test_statements_stay_in_the_search_index(tmp_path: Path) -> None:
    result = build(copy_root("basic", tmp_path))
    index = (result.outdir / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(index.removeprefix("Search.setIndex(").removesuffix(")"))["terms"]
    search = SearchEnglish({})
    statements = [claim["text"] for claim in result.claims_json()["claims"]]
    assert statements
    for statement in statements:
        words = [w for w in re.findall(r"\w+", statement) if len(w) > 2]
        for word in words:
            if word.lower() not in search.stopwords:
                assert search.stem(word.lower()) in terms, (word, statement)
