"""The PDF as a reader gets it: the real docs through LaTeX, read back as text.

Builds the docs with Sphinx's LaTeX builder and ``latexmk -pdf`` (as ``tox -e
pdf`` does), then reads the PDF with ``pdftotext`` and ``pypdf``: the title
page, the disclaimer, bookmarks, the claims with their citation marks, marks
that lead to the quoted passage in the sources appendix, the ICD-10 code, and
tables that fit the page. A small project (``tests/roots/test-latex``) checks
a table far too wide for a portrait page.

Needs latexmk, TeX Live and poppler-utils (see the README); skips without
latexmk only outside CI.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from docutils import nodes

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
WIDE = Path(__file__).resolve().parent / "roots" / "test-latex"
PAGE = "subtypes/dystrophic"
DISCLAIMER = "Not medical advice"
# An overfull line wider than this (in points) sticks out into the margin
# and is cut at the paper's edge: no table or text may do that.
OVERFULL_LIMIT_PT = 5.0

pytestmark = pytest.mark.skipif(
    shutil.which("latexmk") is None and not os.environ.get("CI"),
    reason="the PDF test needs latexmk and TeX Live (see the README)",
)


def squash(text: str) -> str:
    """Letters, digits and brackets only: PDF text breaks lines and hyphenates words."""
    return re.sub(r"[^0-9a-z\[\]]", "", text.casefold())


# -- reading a PDF ------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word on a page; coordinates in points from the top left corner."""

    left: float
    top: float
    right: float
    bottom: float
    text: str


@dataclass(frozen=True)
class Table:
    """A table as Sphinx wrote it: its caption and the text of each cell."""

    caption: str
    cells: list[str]
    columns: int


_PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD_RE = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass
class Book:
    """A built PDF with what it was built from."""

    out: Path
    pdf: Path
    log: str
    pages: list[str]  # the text of each page
    words: list[list[Word]]  # the words of each page, with their boxes
    heights: list[float]  # the height of each page, in points
    reader: Any
    app: Any
    tables: list[Table]
    seconds: dict[str, float] = field(default_factory=dict)

    def page_of(self, text: str, start: int = 0) -> int | None:
        """Index of the first page from ``start`` that holds ``text``."""
        wanted = squash(text)
        for number in range(start, len(self.pages)):
            if wanted in squash(self.pages[number]):
                return number
        return None

    def outline(self) -> list[tuple[str, int]]:
        """Every bookmark as (title, page index), in order."""
        found: list[tuple[str, int]] = []

        def walk(items: list[Any]) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item)
                else:
                    title = " ".join(item.title.split())
                    found.append((title, self.reader.get_destination_page_number(item)))

        walk(self.reader.outline)
        return found

    def overfull(self) -> list[float]:
        """How far (in points) each overfull line sticks out."""
        return [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", self.log)]


def build_pdf(srcdir: Path, confdir: Path, out: Path, texname: str) -> Book:
    """Sphinx's LaTeX builder, then latexmk, then the PDF read back."""
    from pypdf import PdfReader
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    for tool in ("latexmk", "pdftotext"):
        assert shutil.which(tool), f"{tool} is missing (see the README for the Debian packages)"
    tables: list[Table] = []

    def collect_tables(app: Any, doctree: nodes.document, docname: str) -> None:
        for table in doctree.findall(nodes.table):
            title = table.next_node(nodes.title)
            group = table.next_node(nodes.tgroup)
            tables.append(
                Table(
                    caption=title.astext() if title is not None else "",
                    cells=[entry.astext() for entry in table.findall(nodes.entry)],
                    columns=int(group["cols"]) if group is not None else 0,
                )
            )

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    # docutils_namespace: the extensions' directives, roles and nodes are
    # registered for this build only, not for the tests that follow it.
    with docutils_namespace():
        app = Sphinx(
            str(srcdir),
            str(confdir),
            str(out),
            str(out / ".doctrees"),
            "latex",
            status=StringIO(),
            warning=StringIO(),
            freshenv=True,
        )
        app.connect("doctree-resolved", collect_tables)
        app.build()
    assert app.statuscode == 0
    seconds["sphinx"] = time.perf_counter() - start

    start = time.perf_counter()
    result = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", texname],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    seconds["latexmk"] = time.perf_counter() - start
    log = (out / texname).with_suffix(".log").read_text(encoding="latin-1")
    assert result.returncode == 0, log[-3000:]
    pdf = (out / texname).with_suffix(".pdf")

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words, heights = [], []
    for _, height, body in _PAGE_RE.findall(xhtml):
        heights.append(float(height))
        words.append(
            [
                Word(float(a), float(b), float(c), float(d), html.unescape(text))
                for a, b, c, d, text in _WORD_RE.findall(body)
            ]
        )
    reader = PdfReader(str(pdf))
    assert len(pages) == len(words) == len(reader.pages)
    return Book(out, pdf, log, pages, words, heights, reader, app, tables, seconds)


def missing_words(text: str, words: list[Word]) -> list[str]:
    """The words of ``text`` that are not among ``words``, hyphenated or not."""
    whole: set[str] = set()
    heads: set[str] = set()  # first parts of words hyphenated at a line's end
    for word in words:
        parts = re.findall(r"[0-9a-z]+", word.text.casefold())
        whole.update(parts)
        if word.text.endswith("-") and parts:
            heads.add(parts[-1])

    def found(token: str) -> bool:
        return token in whole or any(
            token.startswith(head) and len(head) < len(token) and found(token[len(head) :])
            for head in heads
        )

    return sorted({t for t in re.findall(r"[0-9a-z]+", text.casefold()) if not found(t)})


def _user_space(book: Book, page: int) -> Any:
    """Map a point of ``pdftotext -bbox`` (the page as shown) to PDF user space.

    ``pdftotext`` measures from the top left of the page as a viewer shows it,
    turned by the page's /Rotate (landscape pages of wide tables); link
    rectangles are in the page's own coordinates, from the bottom left.
    """
    shown = book.reader.pages[page]
    width, height = float(shown.mediabox.width), float(shown.mediabox.height)
    rotation = shown.rotation % 360
    if rotation == 90:
        return lambda x, y: (y, x)
    if rotation == 180:
        return lambda x, y: (width - x, y)
    if rotation == 270:
        return lambda x, y: (width - y, height - x)
    return lambda x, y: (x, height - y)


def _inside(point: tuple[float, float], x0: float, y0: float, x1: float, y1: float) -> bool:
    x, y = point
    return min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1)


def citation_links(book: Book, page: int) -> list[tuple[str, int, float, float]]:
    """The citation marks on ``page`` that are links: (mark, page, left, top) of each target.

    A mark is the text under the link's rectangle, such as ``[s004]``; the
    target is where a reader lands, the top left corner of the view.
    """
    reader = book.reader
    named = reader.named_destinations
    to_user = _user_space(book, page)
    found = []
    for annotation in reader.pages[page].get("/Annots") or []:
        link = annotation.get_object()
        action = link.get("/A")
        if link.get("/Subtype") != "/Link" or action is None or action.get("/S") != "/GoTo":
            continue
        x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
        mark = "".join(
            w.text
            for w in book.words[page]
            if _inside(to_user((w.left + w.right) / 2, (w.top + w.bottom) / 2), x0, y0, x1, y1)
        )
        destination = named.get(str(action.get("/D")))
        if not re.fullmatch(r"\[[\w.-]+\]", mark) or destination is None:
            continue
        found.append(
            (
                mark,
                reader.get_destination_page_number(destination),
                float(destination.left or 0),
                float(destination.top or 0),
            )
        )
    return found


_MARKS_RE = re.compile(r"(\[[\w.-]+\])+[.,;:]?")


def reading_lines(words: list[Word], height: float) -> list[list[Word]]:
    """The words of a page as lines, top to bottom, left to right.

    Citation marks and back-links (``[s004]``, ``[2]``) are left out: they
    are superscripts, set a little above their line. So are the running head
    and foot of the page.
    """
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.left)):
        if _MARKS_RE.fullmatch(word.text) or not 0.07 * height < word.top < 0.93 * height:
            continue
        if lines and abs(word.top - lines[-1][0].top) <= 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def text_at(book: Book, page: int, left: float, top: float, words: int = 40) -> str:
    """The text that starts where a link lands (PDF coordinates from the bottom left).

    A link target is a little above the line it marks, at the left edge of
    its first word.
    """
    y = book.heights[page] - top
    lines = reading_lines(book.words[page], book.heights[page])
    following = (
        reading_lines(book.words[page + 1], book.heights[page + 1])
        if page + 1 < len(book.words)
        else []
    )
    for index, line in enumerate(lines):
        if line[0].top >= y - 2:
            rest = [w for w in line if w.left >= left - 3]
            sequence = rest + [w for later in lines[index + 1 :] + following for w in later]
            return " ".join(w.text for w in sequence[:words])
    return ""


# -- the real docs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    return build_pdf(DOCS, ROOT, tmp_path_factory.mktemp("latex"), "calcidocs.tex")


@pytest.fixture(scope="module")
def claims(book: Book) -> list[dict[str, Any]]:
    from calcidocs.writers.claims_json import export

    return export(book.app.env)["claims"]


@pytest.fixture(scope="module")
def titles(book: Book) -> dict[str, str]:
    return {name: title.astext() for name, title in book.app.env.titles.items()}


@pytest.fixture(scope="module")
def appendix(book: Book, titles: dict[str, str]) -> int:
    """The index of the first page of the sources appendix."""
    marks = [n for title, n in book.outline() if title == f"A {titles['sources/index']}"]
    assert marks, f"no appendix A in the bookmarks: {book.outline()}"
    return marks[0]


def test_title_page_and_metadata(book: Book) -> None:
    assert "Calcinosis cutis, cited" in book.pages[0]
    metadata = book.reader.metadata
    assert metadata.title == "Calcinosis cutis, cited"
    assert "L94.2" in (metadata.get("/Keywords") or "")


def test_disclaimer_on_every_page(book: Book) -> None:
    # The back of the title page says it in full; every later page in its footer.
    assert "It is not medical advice" in " ".join(book.pages[1].split())
    missing = [n + 1 for n, page in enumerate(book.pages) if n and DISCLAIMER not in page]
    assert not missing, f"pages without the disclaimer: {missing}"


def test_bookmarks(book: Book, titles: dict[str, str], appendix: int) -> None:
    outline = book.outline()
    chapter = [n for title, n in outline if title.endswith(titles[PAGE])]
    assert chapter, f"no bookmark for {PAGE}: {outline}"
    assert chapter[0] < appendix
    # The sources are an appendix, a numbered bookmark each, after the main matter.
    sources = [name for name in titles if re.fullmatch(r"sources/s\d+", name)]
    assert sources
    for name in sources:
        marks = [(t, n) for t, n in outline if t.endswith(titles[name]) and t.startswith("A.")]
        assert marks, f"no appendix bookmark for {name}"
        assert marks[0][1] >= appendix


def test_claims_of_a_page_with_their_citation_marks(
    book: Book, claims: list[dict[str, Any]], appendix: int
) -> None:
    on_page = [c for c in claims if c["docname"] == PAGE and c["status"] == "verified"]
    assert on_page, f"no verified claim on {PAGE}"
    main_matter = squash(" ".join(book.pages[:appendix]))
    for claim in on_page:
        marks = "".join(f"[{c['source']}]" for c in claim["citations"])
        assert squash(claim["text"]) + squash(marks) in main_matter, claim["id"]


def test_a_content_page_says_when_its_claims_were_reviewed(
    book: Book, claims: list[dict[str, Any]], titles: dict[str, str], appendix: int
) -> None:
    """Under the chapter's title: the latest review of its claims, from the lock."""
    reviews = [c["review"] for c in claims if c["docname"] == PAGE]
    assert reviews and all(r["current"] for r in reviews)
    latest = max(r["on"] for r in reviews)
    names = sorted({r["by"] for r in reviews if r["on"] == latest})
    line = f"Claims on this page last reviewed on {latest} by {', '.join(names)}."
    chapter = [n for title, n in book.outline() if title.endswith(titles[PAGE])]
    assert chapter, f"no bookmark for {PAGE}"
    assert squash(line) in squash(book.pages[chapter[0]])
    first = book.page_of(line)
    assert first is not None and first < appendix


def test_citation_marks_lead_to_the_quoted_passages(
    book: Book, claims: list[dict[str, Any]], appendix: int
) -> None:
    """Every mark in the book lands on the first words of a passage it quotes."""
    quotes: dict[str, set[str]] = {}
    for claim in claims:
        for citation in claim["citations"]:
            if citation["verified"]:
                quotes.setdefault(citation["source"], set()).add(squash(citation["quote"]))
    reached: set[tuple[str, str]] = set()
    marks = 0
    for page in range(appendix):
        for mark, target, left, top in citation_links(book, page):
            marks += 1
            source = mark.strip("[]")
            assert target >= appendix, f"{mark} on page {page + 1} leads to page {target + 1}"
            landing = squash(text_at(book, target, left, top))
            starts = [q for q in quotes.get(source, ()) if landing.startswith(q[:30])]
            assert starts, f"{mark} on page {page + 1} lands on page {target + 1} at {landing!r}"
            reached.update((source, q) for q in starts)
    assert marks, "no citation mark in the book is a link"
    for claim in claims:
        if claim["docname"] == PAGE and claim["status"] == "verified":
            for citation in claim["citations"]:
                assert (citation["source"], squash(citation["quote"])) in reached, claim["id"]


def test_every_reference_resolves(book: Book) -> None:
    """No ``??`` in the text: every citation mark and back-link has its label."""
    undefined = re.findall(r"Hyper reference `([^']+)' on page", book.log)
    assert not undefined, undefined[:10]
    assert "There were undefined references" not in book.log


def test_sources_appendix_holds_the_source_texts(
    book: Book, claims: list[dict[str, Any]], titles: dict[str, str], appendix: int
) -> None:
    # the number after each quoted passage (its link back to the claim) may fall
    # inside a longer quote that overlaps it
    text = squash(re.sub(r"\[\d+\]", "", " ".join(book.pages[appendix:])))
    for name, title in titles.items():
        if re.fullmatch(r"sources/s\d+", name):
            assert squash(title) in text, name
    for claim in claims:
        if claim["docname"] == PAGE:
            for citation in claim["citations"]:
                assert squash(citation["quote"]) in text, claim["id"]


def test_icd10_code(book: Book, appendix: int) -> None:
    assert "L94.2" in " ".join(book.pages)
    pages = [
        path.relative_to(DOCS).as_posix()
        for folder in ("subtypes", "topics")
        for path in sorted((DOCS / folder).glob("*.md"))
        if "L94.2" in path.read_text(encoding="utf-8")
    ]
    if pages:
        assert "L94.2" in " ".join(book.pages[:appendix]), f"{pages[0]} has L94.2, the book not"


def test_tables_fit_the_page(book: Book) -> None:
    too_wide = [w for w in book.overfull() if w > OVERFULL_LIMIT_PT]
    assert not too_wide, f"{len(too_wide)} lines stick out of the page, up to {max(too_wide)}pt"
    assert "Overfull \\vbox" not in book.log, "something is taller than the page"


def test_tables_are_in_the_text(book: Book) -> None:
    """Every word of every table is in the PDF, from the table's caption on."""
    assert book.tables, "the book has no table"
    everything = [w for page in book.words for w in page]
    for table in book.tables:
        start = book.page_of(table.caption) if table.caption else 0
        assert start is not None, f"table {table.caption!r} is not in the PDF"
        near = [w for page in book.words[start : start + 12] for w in page]
        missing = missing_words(" ".join(table.cells), near if table.caption else everything)
        assert not missing, f"table {table.caption!r}: not in the PDF: {missing[:10]}"


# -- a table far too wide for a portrait page -----------------------------------------


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Book:
    return build_pdf(WIDE, WIDE, tmp_path_factory.mktemp("wide"), "wide.tex")


def test_wide_table_on_landscape_pages(wide: Book) -> None:
    table = next(t for t in wide.tables if t.columns >= 13)
    first = wide.page_of(table.caption)
    assert first is not None
    on_table_pages = [
        n for n, page in enumerate(wide.reader.pages) if squash("Subtype") in squash(wide.pages[n])
    ]
    assert len(on_table_pages) > 1, "the table should run over several pages"
    for number in on_table_pages:
        assert wide.reader.pages[number].rotation in (90, 270), f"page {number + 1} is portrait"
    # Nothing cut off: no line out of the page, no row below its bottom.
    assert not [w for w in wide.overfull() if w > OVERFULL_LIMIT_PT]
    assert "Overfull \\vbox" not in wide.log
    missing = missing_words(" ".join(table.cells), [w for p in wide.words for w in p])
    assert not missing, missing[:10]


def test_narrow_table_stays_portrait(wide: Book) -> None:
    table = next(t for t in wide.tables if t.caption == "Narrow")
    page = wide.page_of(table.caption)
    assert page is not None
    assert wide.reader.pages[page].rotation == 0
    assert "calcidocs_min_quote_words" in wide.pages[page]
