"""The lines of lists kept from one build to the next are found again exactly when
nothing they are made from has changed."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

from calcidocs.domain import CalcidocsDomain
from calcidocs.writers.light import line_name
from calcidocs.writers.line_memo import LineMemo, StreamedLines
from calcidocs.writers.pieces import HTML, Items, Line
from conftest import copy_root

CONTEXT = ("1", "html", ".html", ".html", "Translator", "views")


@pytest.fixture
def domain(tmp_path: Path) -> Iterator[CalcidocsDomain]:
    """The domain of the basic project, once built."""
    app = SphinxTestApp(
        "html",
        srcdir=copy_root("basic", tmp_path),
        builddir=tmp_path / "out",
        status=StringIO(),
        warning=StringIO(),
    )
    try:
        app.build()
        found = app.env.domains["calcidocs"]
        assert isinstance(found, CalcidocsDomain)
        yield found
    finally:
        app.cleanup()


def test_a_line_is_named_by_its_record_how_it_is_shown_and_where_its_links_lead(
    domain: CalcidocsDomain,
) -> None:
    claim = domain.index.claims["red-slow"]
    name = line_name(domain, claim, False, False, ["red-heals"])
    assert name is not None
    assert name == line_name(domain, claim, False, False, ["red-heals"])
    assert name != line_name(domain, claim, False, True, ["red-heals"])  # short
    assert name != line_name(domain, claim, False, False, None)  # not disputed
    # the disputing claim's title is the text of its link: a new label names another line
    other = domain.index.claims["red-heals"]
    other["label"] = "Quick healing"
    domain._changed()  # as after a page is read again
    assert name != line_name(domain, domain.index.claims["red-slow"], False, False, ["red-heals"])


def test_a_line_is_named_anew_when_the_page_of_a_source_it_quotes_moves(
    domain: CalcidocsDomain,
) -> None:
    claim = domain.index.claims["red-slow"]
    name = line_name(domain, claim, False, False, None)
    source = next(c["source"] for c in claim["citations"] if c["found"])
    pages = domain.data["source_pages"]
    for docname, keys in list(pages.items()):
        if source in keys:
            pages[docname] = [key for key in keys if key != source]
    pages["elsewhere"] = [source]
    domain._changed()
    assert name != line_name(domain, domain.index.claims["red-slow"], False, False, None)


def test_a_claim_without_fingerprint_has_no_name(domain: CalcidocsDomain) -> None:
    copy: Any = dict(domain.index.claims["red-slow"])  # not a record of the domain
    assert line_name(domain, copy, False, False, None) is None


def test_kept_lines_are_used_and_those_of_pages_not_written_stay(tmp_path: Path) -> None:
    path = tmp_path / "lines.pickle"
    memo = LineMemo(path)
    assert memo.page(CONTEXT, "views").get("A", lambda: "<a>A</a>") == "<a>A</a>"
    memo.page((*CONTEXT[:-1], "overview"), "overview").get("B", lambda: "<a>B</a>")
    memo.save({"views", "overview"})

    again = LineMemo(path)
    page = again.page(CONTEXT, "views")
    made: list[str] = []

    def make() -> str:
        made.append("A")
        return ""

    assert page.get("A", make) == "<a>A</a>"
    assert made == []
    page.get("C", lambda: "<a>C</a>")
    again.save({"views", "overview"})

    third = LineMemo(path)
    kept = third.kept()
    assert sorted(kept) == ["overview", "views"]
    assert sorted(kept["views"][1].values()) == ["<a>A</a>", "<a>C</a>"]
    assert list(kept["overview"][1].values()) == ["<a>B</a>"]
    # a page that is gone loses its lines
    third.page(CONTEXT, "views").get("A", lambda: "")
    third.save({"views"})
    assert sorted(LineMemo(path).kept()) == ["views"]


def test_lines_of_another_builder_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "lines.pickle"
    memo = LineMemo(path)
    memo.page(CONTEXT, "views").get("A", lambda: "<a>A</a>")
    memo.save({"views"})
    dirhtml = (CONTEXT[0], "dirhtml", *CONTEXT[2:])
    assert LineMemo(path).page(dirhtml, "views").get("A", lambda: "made") == "made"


def test_streamed_lines_are_kept_as_written_and_only_when_all_are(tmp_path: Path) -> None:
    path = tmp_path / "claims.pickle"
    first = StreamedLines(path, ("schema", "claims.json"))
    assert [first.get(n, lambda n=n: f"<{n}>") for n in "AB"] == ["<A>", "<B>"]
    assert not path.exists()  # nothing replaces the kept lines before they are all written
    first.done(ok=True)

    made: list[str] = []

    def make(name: str) -> str:
        made.append(name)
        return f"[{name}]"

    second = StreamedLines(path, ("schema", "claims.json"))
    assert [second.get(n, lambda n=n: make(n)) for n in "BC"] == ["<B>", "[C]"]
    assert made == ["C"]
    second.done(ok=False)  # a build that failed while writing: the old lines stay
    assert not list(tmp_path.glob("*.tmp"))

    third = StreamedLines(path, ("schema", "claims.json"))
    assert third.kept and sorted(third.kept.values()) == ["<A>", "<B>"]
    third.done(ok=True)  # wrote no line: keeps none
    fourth = StreamedLines(path, ("schema", "claims.json"))
    assert fourth.kept == {}
    fourth.done(ok=False)
    # lines kept for another export are not used
    other = StreamedLines(path, ("schema", "other.json"))
    assert other.kept == {}
    other.done(ok=False)
    assert not list(tmp_path.glob("*.tmp"))


def test_streamed_lines_read_back_across_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(StreamedLines, "BATCH", 2)
    path = tmp_path / "claims.pickle"
    first = StreamedLines(path, ("schema", "claims.json"))
    for name in "ABCDE":
        first.get(name, lambda name=name: f"<{name}>")
    first.done(ok=True)
    second = StreamedLines(path, ("schema", "claims.json"))
    assert sorted(second.kept.values()) == ["<A>", "<B>", "<C>", "<D>", "<E>"]
    second.done(ok=False)


class _Translator:
    def encode(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;")

    def attval(self, text: str) -> str:
        return self.encode(text)


def test_html_of_a_line_is_its_pieces_or_what_was_kept(tmp_path: Path) -> None:
    translator = _Translator()
    memo = LineMemo(tmp_path / "lines.pickle")
    page = memo.page(CONTEXT, "views")
    writer = HTML(translator, lambda kind, target: None, page)
    items = Items(False, (), (Line("one", lambda: ("a < b",)), ("plain",)))
    html = writer.blocks((items,))
    assert "<li><p>a &lt; b</p></li>" in html
    assert "<li><p>plain</p></li>" in html
    kept = HTML(translator, lambda kind, target: None, memo.page(CONTEXT, "views"))
    items = Items(False, (), (Line("one", lambda: ("changed",)),))
    assert "a &lt; b" in kept.blocks((items,))  # same name: the kept line
