"""Weak passages: the manifest marks them, and claims resting only on them say so."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from conftest import build, copy_root

MANIFEST = ["sources", "manifest.toml"]


def _flags(html: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        claim["id"]: [flag.get_text() for flag in claim.select(".calcidocs-flag")]
        for claim in soup.select("div.calcidocs-claim")
    }


def test_a_claim_resting_only_on_a_weak_passage_shows_why(tmp_path: Path) -> None:
    result = build(copy_root("weak", tmp_path))
    flags = _flags(result.html("subtypes/red"))
    assert flags["claim-weak-only"] == [
        "one source",
        "weak passage: its later part contradicts its first",
    ]
    assert flags["claim-weak-and-strong"] == []  # a second source stands behind it
    assert flags["claim-strong"] == ["one source"]  # a passage the manifest does not mark
    exported = {c["id"]: c["weak"] for c in result.claims_json()["claims"]}
    assert exported == {
        "weak-only": ["its later part contradicts its first"],
        "weak-and-strong": [],
        "strong": [],
    }


def test_the_weak_mark_reaches_text_and_latex(tmp_path: Path) -> None:
    root = copy_root("weak", tmp_path)
    text = build(root, tmp_path / "text", buildername="text")
    page = " ".join((text.outdir / "subtypes" / "red.txt").read_text(encoding="utf-8").split())
    assert "weak passage: its later part contradicts its first" in page
    latex = build(root, tmp_path / "latex", buildername="latex")
    tex = " ".join(
        " ".join(p.read_text(encoding="utf-8").split()) for p in latex.outdir.glob("*.tex")
    )
    assert "weak passage: its later part contradicts its first" in tex


def test_a_weak_entry_that_marks_nothing_is_one_warning_at_its_line(tmp_path: Path) -> None:
    result = build(copy_root("weak", tmp_path))
    warnings = [(w["file"], w["line"], w["type"], w["message"]) for w in result.warning_list()]
    assert warnings == [
        (
            MANIFEST,
            21,
            "calcidocs.source",
            "source 'beta': weak passage phrase 'not in the text at all' is not in the source",
        ),
        (
            MANIFEST,
            25,
            "calcidocs.source",
            "source 'beta': weak passage lines '3-9' are not lines of the source (1 to 2)",
        ),
    ]
