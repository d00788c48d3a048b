"""Comparison tables, claim lists, disagreements, coverage and the citation report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from conftest import ROOTS, Build, build, copy_root


def _views(tmp_path: Path) -> tuple[Build, BeautifulSoup]:
    result = build(copy_root("basic", tmp_path))
    assert result.warnings == ""
    return result, BeautifulSoup(result.html("views"), "html.parser")


def _table(page: BeautifulSoup, caption: str) -> Tag:
    for table in page.find_all("table"):
        if table.caption and caption in table.caption.get_text():
            return table
    raise AssertionError(f"no table captioned {caption!r}")


def test_comparison_table_has_caption_headers_and_claim_cells(tmp_path: Path) -> None:
    _, page = _views(tmp_path)
    table = _table(page, "Red and blue compared")
    assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == [
        "Subtype",
        "Causes",
        "Course",
    ]
    rows = table.tbody.find_all("tr")
    assert [r.find("th").get_text(strip=True) for r in rows] == ["Red form", "Blue form"]
    red_causes = rows[0].find_all("td")[0]
    # :short: shows the label, with the citation mark linking to the passage
    assert "After damage" in red_causes.get_text()
    hrefs = [a["href"] for a in red_causes.find_all("a", href=True)]
    assert "subtypes/red.html#claim-red-damage" in hrefs
    assert "sources/alpha.html#quote-red-damage-1" in hrefs
    assert "one source" in red_causes.get_text()
    red_course = rows[0].find_all("td")[1].get_text(" ", strip=True)
    assert "disputed by" in red_course
    assert [td.get_text(strip=True) for td in rows[1].find_all("td")] == [
        "No source covers this.",
        "No source covers this.",
    ]


def test_claim_list_filters_combine(tmp_path: Path) -> None:
    _, page = _views(tmp_path)
    lists = page.find_all("ul", class_="calcidocs-claim-list")
    course = lists[0].get_text(" ", strip=True)
    assert "may heal within weeks" in course and "grows slowly" in course
    assert "follows damage" not in course
    alpha = lists[1].get_text(" ", strip=True)
    assert "follows damage" in alpha and "grows slowly" in alpha
    assert "heal within weeks" not in alpha


def test_disagreements_show_both_sides_with_their_quotes(tmp_path: Path) -> None:
    _, page = _views(tmp_path)
    table = _table(page, "Where the sources disagree")
    cells = table.tbody.find("tr").find_all("td")
    assert "may heal within weeks" in cells[0].get_text()
    assert "the red form heals within weeks" in cells[0].get_text()
    assert "grows slowly" in cells[1].get_text()
    assert "The red form lasts for years." in cells[1].get_text()


def test_coverage_and_report_agree_with_claims_json(tmp_path: Path) -> None:
    result, page = _views(tmp_path)
    coverage = _table(page, "Source coverage")
    rows = {
        r.find("th").get_text(strip=True): [td.get_text(strip=True) for td in r.find_all("td")]
        for r in coverage.tbody.find_all("tr")
    }
    assert rows["alpha"] == ["2", "2 of 3", "67%"]
    assert rows["beta"] == ["3", "3 of 3", "100%"]
    counts = _table(page, "Claims by status")
    shown = {
        r.find("th").get_text(strip=True): int(r.find("td").get_text(strip=True))
        for r in counts.tbody.find_all("tr")
    }
    claims = result.claims_json()["claims"]
    for status in ("verified", "unverified", "uncited", "broken"):
        assert shown[status] == sum(1 for c in claims if c["status"] == status)
    assert shown["total"] == len(claims)
    assert "No problems" in page.get_text()


def test_source_page_marks_sentences_no_claim_quotes(tmp_path: Path) -> None:
    result = build(copy_root("basic", tmp_path))
    page = BeautifulSoup(result.html("sources/alpha"), "html.parser")
    unquoted = [s.get_text() for s in page.select(".calcidocs-source-text .calcidocs-unquoted")]
    assert unquoted == ["Blue forms are rare and appear without a known cause."]
    assert "Claims quote 2 of the 3 sentences of this source (67%)." in page.get_text()


def test_report_lists_every_problem_with_its_location(tmp_path: Path) -> None:
    srcdir = copy_root("problems", tmp_path)
    (srcdir / "report.md").write_text("# Report\n\n```{citation-report}\n```\n", "utf-8")
    index = srcdir / "index.md"
    index.write_text(
        index.read_text("utf-8").replace("subtypes/bad", "subtypes/bad\nreport"), "utf-8"
    )
    result = build(srcdir)
    page = BeautifulSoup(result.html("report"), "html.parser")
    table = _table(page, "Every problem")
    rows = [
        [td.get_text(strip=True) for td in r.find_all(["th", "td"])]
        for r in table.tbody.find_all("tr")
    ]
    located = {row[0]: row[1] for row in rows}
    assert located["subtypes/bad:12"] == "calcidocs.source"
    assert len(rows) == len(result.warning_list())


def test_latex_output_holds_the_tables(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    result = build(srcdir, srcdir / "_latex", buildername="latex")
    assert result.warnings == ""
    tex = next(result.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "Red and blue compared" in tex
    assert "No source covers this." in tex
    assert "Where the sources disagree" in tex
    assert "Source coverage" in tex


def test_text_output_holds_the_tables(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    result = build(srcdir, srcdir / "_text", buildername="text")
    assert result.warnings == ""
    text = (result.outdir / "views.txt").read_text(encoding="utf-8")
    assert "No source covers this." in text
    assert "Heals in weeks" in text


def test_editing_a_claim_refreshes_the_table_on_another_page(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    out = tmp_path / "out"
    assert "Heals in weeks" in build(srcdir, out).html("views")
    page = srcdir / "subtypes" / "red.md"
    page.write_text(
        page.read_text("utf-8").replace(":label: Heals in weeks", ":label: Gone in weeks"), "utf-8"
    )
    result = build(srcdir, out)
    views = result.html("views")
    assert "Gone in weeks" in views and "Heals in weeks" not in views


def _run_check(root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``python -m calcidocs.check`` on a test project, as a reviewer runs it."""
    args = ["--srcdir", str(root), "--confdir", str(root), "--outdir", str(tmp_path / "html")]
    return subprocess.run(
        [sys.executable, "-m", "calcidocs.check", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_command_reports_problems_and_summary(tmp_path: Path) -> None:
    done = _run_check(ROOTS / "test-problems", tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("WARNING:") == 25
    assert "claims: 16 (5 verified, 1 unverified, 1 uncited, 9 broken)" in done.stderr
    assert "source alpha: 7 claims cite it; 1 of 3 sentences quoted (33%)" in done.stderr
    assert "problems: 25" in done.stderr
    assert "result: FAILED" in done.stderr


def test_check_command_passes_a_clean_project(tmp_path: Path) -> None:
    done = _run_check(ROOTS / "test-basic", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    assert "problems: 0" in done.stderr and "result: passed" in done.stderr
