"""Long runs of HTML are written into their page's file after Sphinx writes the page.

A reader must not be able to tell: every file is the same, byte for byte, as
when the runs are held in the page's body. A builder that saves the body
itself (JSON) gets it whole, and a build stopped while a page is being
spliced leaves no half page that the next build keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from calcidocs.writers import spliced
from conftest import build, copy_root

LEFT_OUT = {".buildinfo"}


def _files(outdir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(outdir).as_posix(): path.read_bytes()
        for path in sorted(outdir.rglob("*"))
        if path.is_file() and ".doctrees" not in path.parts and path.name not in LEFT_OUT
    }


def _count_held(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    held: list[int] = []
    hold = spliced.Splices.hold

    def counting(self: spliced.Splices, parts: Iterable[str]) -> str:
        held.append(1)
        return hold(self, parts)

    monkeypatch.setattr(spliced.Splices, "hold", counting)
    return held


@pytest.mark.parametrize("buildername", ["html", "dirhtml", "epub"])
def test_spliced_pages_equal_pages_held_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, buildername: str
) -> None:
    srcdir = copy_root("basic", tmp_path)
    book = {"version": "1", "copyright": "the authors"}  # what an EPUB must name
    monkeypatch.setattr(spliced, "THRESHOLD", 1 << 40)  # no run is long enough
    whole = build(srcdir, tmp_path / "whole", buildername=buildername, confoverrides=book)
    held = _count_held(monkeypatch)
    monkeypatch.setattr(spliced, "THRESHOLD", 0)  # every run is
    split = build(srcdir, tmp_path / "split", buildername=buildername, confoverrides=book)
    assert whole.warnings == split.warnings == ""
    assert len(held) >= 5  # tables' cells, lists, source text, the claim index
    files, expected = _files(split.outdir), _files(whole.outdir)
    assert files.keys() == expected.keys()
    differ = {name for name in files if files[name] != expected[name]}
    # the book's zip and its package file record when they were made: the files
    # they hold are compared
    assert differ - {"content.opf", "Projectnamenotset.epub"} == set()
    assert not any(b"calcidocs-spliced" in content for content in files.values())

    # a page written again keeps the mode Sphinx gave it
    def modes(outdir: Path) -> set[int]:
        pages = (p for p in outdir.rglob("*") if p.suffix in {".html", ".xhtml"})
        return {page.stat().st_mode for page in pages}

    assert modes(split.outdir) == modes(whole.outdir)
    assert len(modes(whole.outdir)) == 1


def test_json_builder_keeps_the_body_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spliced, "THRESHOLD", 0)
    held = _count_held(monkeypatch)
    result = build(copy_root("basic", tmp_path), buildername="json")
    assert result.warnings == ""
    assert held == []
    views = (result.outdir / "views.fjson").read_text(encoding="utf-8")
    assert "calcidocs-spliced" not in views
    assert "The red form follows damage to the surface." in views


def test_a_build_stopped_while_splicing_is_mended_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page is replaced at once: stopped before, it is as Sphinx wrote it, and the
    next build writes it again."""
    monkeypatch.setattr(spliced, "THRESHOLD", 0)
    srcdir = copy_root("basic", tmp_path)
    outdir = build(srcdir).outdir
    page = srcdir / "subtypes" / "red.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "The red form follows damage to the surface.", "After damage, the red form follows."
        ),
        encoding="utf-8",
    )

    def stopped(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as stop:
        stop.setattr(spliced.os, "replace", stopped)
        with pytest.raises(KeyboardInterrupt):
            build(srcdir)
    marked = [p for p in outdir.rglob("*.html") if "calcidocs-spliced" in p.read_text("utf-8")]
    assert len(marked) == 1  # the page being spliced, as Sphinx wrote it
    assert not [p for p in outdir.rglob("*.tmp")]

    again = build(srcdir)
    fresh = build(srcdir, tmp_path / "fresh", fresh=True)
    assert again.warnings == fresh.warnings
    assert "After damage, the red form follows." in again.html("views")
    pages, expected = _files(again.outdir), _files(fresh.outdir)
    html = [name for name in expected if name.endswith(".html")]
    assert [name for name in html if pages[name] != expected[name]] == []
