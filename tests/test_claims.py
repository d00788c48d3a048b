"""What readers and tools see of claims: pages, marks, source pages, claims.json."""

from __future__ import annotations

import zlib
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import Build, build, copy_root


def _basic(tmp_path: Path) -> Build:
    result = build(copy_root("basic", tmp_path))
    assert result.warnings == ""
    assert result.status == 0
    return result


def test_claim_renders_statement_marks_and_terms(tmp_path: Path) -> None:
    result = _basic(tmp_path)
    page = BeautifulSoup(result.html("subtypes/red"), "html.parser")
    claim = page.find(id="claim-red-damage")
    assert claim is not None
    assert "The red form follows damage to the surface." in claim.get_text()
    mark = claim.find("a", href=True)
    assert mark["href"] == "../sources/alpha.html#quote-red-damage-1"
    assert mark.get_text() == "[alpha]"
    meta = claim.find(class_="calcidocs-meta").get_text(" ", strip=True)
    assert "Red form" in meta and "Causes" in meta and "quote found in source" in meta


def test_multi_source_yaml_claim_keeps_both_citations(tmp_path: Path) -> None:
    result = _basic(tmp_path)
    page = BeautifulSoup(result.html("subtypes/red"), "html.parser")
    marks = [a["href"] for a in page.find(id="claim-red-slow").find_all("a", href=True)]
    assert "../sources/alpha.html#quote-red-slow-1" in marks
    assert "../sources/beta.html#quote-red-slow-2" in marks
    claim = next(c for c in result.claims_json()["claims"] if c["id"] == "red-slow")
    assert [c["source"] for c in claim["citations"]] == ["alpha", "beta"]
    assert all(c["verified"] for c in claim["citations"])
    assert claim["status"] == "verified"


def test_source_page_highlights_each_quoted_passage_with_a_link_back(tmp_path: Path) -> None:
    result = _basic(tmp_path)
    page = BeautifulSoup(result.html("sources/alpha"), "html.parser")
    passage = page.find(id="quote-red-damage-1")
    assert "calcidocs-quote" in passage["class"]
    # typographic quotes and the em dash of the source are kept as they are
    assert passage.get_text() == (
        "The \u201cred\u201d form appears when the surface is damaged \u2014 "
        "usually after an injury."
    )
    back = passage.find_next("a")
    assert back["href"] == "../subtypes/red.html#claim-red-damage"
    # the bullet, case and line break of the quote matched the source line
    assert page.find(id="quote-red-slow-1").get_text() == "\u2022 It grows slowly over many months."
    text = page.find(class_="calcidocs-source-text").get_text()
    assert "Blue forms are rare and appear without a known cause." in text


def test_markup_in_claim_text_comes_out_escaped(tmp_path: Path) -> None:
    result = _basic(tmp_path)
    html = result.html("subtypes/red")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    claim = next(c for c in result.claims_json()["claims"] if c["id"] == "red-markup")
    assert claim["text"] == '<script>alert("claim")</script> *not emphasis* & more.'


def test_claims_json_follows_the_contract(tmp_path: Path) -> None:
    data = _basic(tmp_path).claims_json()
    assert data["schema"] == "calcidocs-claims/1"
    assert set(data["sources"]) == {"alpha", "beta"}
    assert set(data["sources"]["alpha"]) == {"file", "title", "sha256"}
    assert data["sources"]["alpha"]["file"] == "alpha.txt"
    ids = [c["id"] for c in data["claims"]]
    assert ids == sorted(ids) == ["red-damage", "red-heals", "red-markup", "red-slow"]
    first = data["claims"][0]
    assert set(first) == {
        "id",
        "text",
        "docname",
        "line",
        "subtypes",
        "topics",
        "status",
        "citations",
        "disputes",
        # beyond the contract: the differences a reviewer accepted, weak evidence, review
        "drift_ok",
        "weak",
        "review",
    }
    assert first["drift_ok"] == {} and first["weak"] == []
    assert first["review"] is None  # no review lock in this project
    assert first["docname"] == "subtypes/red"
    assert first["line"] == 10
    assert first["subtypes"] == ["red"] and first["topics"] == ["causes"]
    assert first["citations"] == [
        {
            "source": "alpha",
            "quote": 'The "red" form appears when the surface is damaged'
            " - usually after an injury.",
            "verified": True,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "The \u201cred\u201d form appears when the surface is damaged"
                    " \u2014 usually after an injury.",
                    "prefix": "Alpha Source\n\n",
                    "suffix": "\n\u2022 It grows slowly over many mon",
                },
                {"type": "TextPositionSelector", "start": 14, "end": 91},
            ],
        }
    ]


def test_selectors_anchor_each_quote_in_its_source_file(tmp_path: Path) -> None:
    """W3C Web Annotation selectors: the position counts characters of the source file
    from 0, and the exact text, prefix and suffix are the file's own characters."""
    result = _basic(tmp_path)
    root = tmp_path / "basic" / "sources"
    data = result.claims_json()
    checked = 0
    for claim in data["claims"]:
        for citation in claim["citations"]:
            quote, position = citation["selector"]
            text = (root / data["sources"][citation["source"]]["file"]).read_text("utf-8")
            start, end = position["start"], position["end"]
            assert text[start:end] == quote["exact"]
            assert text[:start].endswith(quote["prefix"])
            assert text[end:].startswith(quote["suffix"])
            assert len(quote["prefix"]) == min(32, start)
            checked += 1
    assert checked == 5


def test_objects_inv_lists_claims_terms_and_sources(tmp_path: Path) -> None:
    result = _basic(tmp_path)
    raw = (result.outdir / "objects.inv").read_bytes()
    body = zlib.decompress(raw.split(b"\n", 4)[4]).decode()
    # "$" stands for the object's name at the end of its anchor; the display name
    # is the link text of the project's own role (a claim's label, or its statement);
    # a claim's priority -1 keeps it out of the search index's objects
    assert "red-damage calcidocs:claim -1 subtypes/red.html#claim-$ After damage" in body
    assert "red-slow calcidocs:claim -1 subtypes/red.html#claim-$ The red form grows" in body
    assert "red calcidocs:subtype 1 subtypes/red.html#subtype-$ Red form" in body
    assert "alpha calcidocs:source 1 sources/alpha.html#source-$ -" in body
    assert "causes calcidocs:topic 1 vocab.html#vocabulary-topic-$ Causes" in body


def test_roles_resolve_to_their_targets(tmp_path: Path) -> None:
    result = _basic(tmp_path)
    page = BeautifulSoup(result.html("subtypes/red"), "html.parser")
    hrefs = {a.get_text(): a["href"] for a in page.find_all("a", href=True)}
    assert hrefs["alpha"] == "../sources/alpha.html#source-alpha"
    assert hrefs["After damage"] == "#claim-red-damage"
    assert hrefs["Blue form"] == "../vocab.html#vocabulary-subtype-blue"
    assert hrefs["Course"] == "../vocab.html#vocabulary-topic-course"


def test_claim_index_page_lists_claims_by_subtype(tmp_path: Path) -> None:
    result = _basic(tmp_path)
    page = BeautifulSoup(result.html("calcidocs-claims"), "html.parser")
    assert page.title is not None and page.title.get_text().startswith("Claim index")
    # a heading per group, and a link at the top to each
    groups = {section["id"]: section for section in page.select("section[id^=cap-]")}
    assert [a["href"] for a in page.select('a[href^="#cap-"]')] == [f"#{g}" for g in groups]
    red = groups["cap-Red-form"]
    assert red.h2 is not None and red.h2.get_text() == "Red form"
    # each claim: its statement, linking to it, its status and its id
    entry = next(li for li in red.find_all("li") if "red-damage" in li.get_text())
    link = entry.find("a")
    assert link["href"] == "subtypes/red.html#claim-red-damage"
    assert link.get_text() == "The red form follows damage to the surface."
    assert entry.get_text(" ", strip=True).endswith("(verified) red-damage")
    # text is text, never markup
    markup = next(li for li in red.find_all("li") if "red-markup" in li.get_text())
    assert markup.find("script") is None
    assert '<script>alert("claim")</script>' in markup.get_text()


def test_text_builder_renders_claims_and_source_text(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    result = build(srcdir, srcdir / "_text", buildername="text")
    assert result.warnings == ""
    red = (result.outdir / "subtypes/red.txt").read_text(encoding="utf-8")
    assert "The red form follows damage to the surface. ^[alpha]" in red
    alpha = (result.outdir / "sources/alpha.txt").read_text(encoding="utf-8")
    assert "Blue forms are rare" in alpha
