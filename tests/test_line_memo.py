"""The lines of lists kept from one build to the next are found again exactly when
nothing they are made from has changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from calcidocs.writers.line_memo import LineMemo, PageLines
from calcidocs.writers.pieces import Link, Piece, text

CONTEXT = ("1", "html", ".html", ".html", "Translator", "views")


def _line(statement: str) -> tuple[Piece, ...]:
    return (Link("claim", "red-slow", text(statement)), " ", text("one source", "flag"))


def _find(titles: dict[str, str]) -> Callable[[str, str], tuple[str, str, str]]:
    return lambda kind, target: ("subtypes/red", f"claim-{target}", titles[target])


def test_equal_lines_have_one_key_whatever_their_objects() -> None:
    page = PageLines(CONTEXT, {}, _find({"red-slow": "Slow"}))
    # the same words, as one object and as two
    one = "The red form lasts for years."
    two = "".join(["The red form ", "lasts for years."])
    assert one is not two
    assert page.key(_line(one)) == page.key(_line(two))


def test_a_line_is_made_again_when_a_link_leads_elsewhere() -> None:
    before = PageLines(CONTEXT, {}, _find({"red-slow": "Slow"}))
    after = PageLines(CONTEXT, {}, _find({"red-slow": "Lasting for years"}))
    line = _line("The red form lasts for years.")
    assert before.key(line) != after.key(line)


def test_kept_lines_are_used_and_those_of_pages_not_written_stay(tmp_path: Path) -> None:
    path = tmp_path / "lines.pickle"
    find = _find({"red-slow": "Slow"})
    memo = LineMemo(path)
    written = memo.page(CONTEXT, "views", find)
    assert written.line(_line("A"), lambda: "<a>A</a>") == "<a>A</a>"
    other = memo.page((*CONTEXT[:-1], "overview"), "overview", find)
    other.line(_line("B"), lambda: "<a>B</a>")
    memo.save({"views", "overview"})

    again = LineMemo(path)
    page = again.page(CONTEXT, "views", find)
    made: list[str] = []

    def make() -> str:
        made.append("A")
        return ""

    assert page.line(_line("A"), make) == "<a>A</a>"
    assert made == []
    page.line(_line("C"), lambda: "<a>C</a>")
    again.save({"views", "overview"})

    third = LineMemo(path)
    kept = third.kept()
    assert sorted(kept) == ["overview", "views"]
    assert sorted(kept["views"][1].values()) == ["<a>A</a>", "<a>C</a>"]
    assert list(kept["overview"][1].values()) == ["<a>B</a>"]
    # a page that is gone loses its lines
    third.page(CONTEXT, "views", find).line(_line("A"), lambda: "")
    third.save({"views"})
    assert sorted(LineMemo(path).kept()) == ["views"]


def test_lines_of_another_builder_or_page_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "lines.pickle"
    find = _find({"red-slow": "Slow"})
    memo = LineMemo(path)
    memo.page(CONTEXT, "views", find).line(_line("A"), lambda: "<a>A</a>")
    memo.save({"views"})
    dirhtml = (CONTEXT[0], "dirhtml", *CONTEXT[2:])
    page = LineMemo(path).page(dirhtml, "views", find)
    assert page.line(_line("A"), lambda: "made") == "made"
