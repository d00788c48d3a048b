"""Readability: the Flesch-Kincaid grade, as the check prints it and the review page shows it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from calcidocs.checks.readability import counts, grade, median, syllables
from conftest import build, copy_root


def test_syllables_come_from_the_packaged_dictionary() -> None:
    assert syllables("cat") == 1
    assert syllables("calcinosis") >= 3
    assert syllables("hyperparathyroidism") > syllables("calcium") > syllables("skin")


WORDS = ("cat", "calcinosis", "hyperparathyroidism", "subcutaneous", "inflammation")


def test_the_parsed_dictionary_is_kept_for_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build keeps the parsed dictionary next to its saved environment; the next
    build in a new process reads it there instead of parsing it, and counts the same."""
    import pyphen

    from calcidocs.checks import readability

    def new_process() -> None:  # what a new process starts with
        readability._dictionary.cache_clear()
        monkeypatch.setattr(pyphen, "hdcache", {})

    kept = tmp_path / readability.DICTIONARY_FILE
    new_process()
    parsed = [syllables(word, {}, str(kept)) for word in WORDS]
    assert kept.is_file()
    assert parsed == [syllables(word) for word in WORDS]

    new_process()
    with monkeypatch.context() as patch:
        patch.setattr(pyphen.HyphDict, "__init__", lambda *a: pytest.fail("parsed again"))
        assert [syllables(word, {}, str(kept)) for word in WORDS] == parsed

    kept.write_bytes(b"not a pickle")  # unreadable: parsed anew, and kept again
    new_process()
    assert [syllables(word, {}, str(kept)) for word in WORDS] == parsed
    new_process()
    with monkeypatch.context() as patch:
        patch.setattr(pyphen.HyphDict, "__init__", lambda *a: pytest.fail("parsed again"))
        assert [syllables(word, {}, str(kept)) for word in WORDS] == parsed
    new_process()


def test_the_grade_follows_the_formula() -> None:
    found = counts("The cat sat on the mat. It was warm.")
    assert (found.words, found.sentences) == (9, 2)
    expected = 0.39 * 9 / 2 + 11.8 * found.syllables / 9 - 15.59
    assert grade("The cat sat on the mat. It was warm.") == pytest.approx(expected)
    long_words = "Dystrophic calcification arises in the setting of normal serum calcium levels."
    assert grade(long_words) > grade("The skin is hard and it hurts.")
    assert grade("") == 0.0
    assert median([3.0, 1.0, 2.0]) == 2.0 and median([1.0, 2.0]) == 1.5


def test_each_content_page_gets_its_grade_on_the_review_page(tmp_path: Path) -> None:
    root = copy_root("drift", tmp_path)
    (root / "review.md").write_text("# Review\n\n```{readability-report}\n```\n", encoding="utf-8")
    result = build(root, confoverrides={"suppress_warnings": ["calcidocs"]})
    soup = BeautifulSoup(result.html("review"), "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert "Claim statements: median grade" in text
    table = soup.select_one("table.calcidocs-readability")
    assert table is not None
    rows = [[c.get_text(strip=True) for c in r.find_all(["th", "td"])] for r in table.tbody("tr")]
    assert [row[0] for row in rows] == ["The red form"]  # the one content page, by title
    assert 0.0 < float(rows[0][1]) < 20.0  # a school grade, one decimal
    assert rows[0][1] == f"{float(rows[0][1]):.1f}"
    assert int(rows[0][2]) > 50 and int(rows[0][3]) > 5  # words, sentences


def test_the_check_prints_each_content_page_grade(tmp_path: Path) -> None:
    root = copy_root("drift", tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "calcidocs.check", "--srcdir", str(root), "--confdir", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1  # the drift project has problems
    lines = result.stderr.splitlines()
    assert any(
        line.strip().startswith("readability: claim statements, median grade") for line in lines
    )
    page = [line for line in lines if line.strip().startswith("readability: subtypes/red: grade")]
    assert len(page) == 1 and "words" in page[0] and "sentences" in page[0]
