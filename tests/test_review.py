"""Review sign-off: the lock, the ``review`` check, ``--accept``, and what readers see."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, MutableMapping
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from calcidocs.checks import review_check
from calcidocs.checks.review import (
    Anchor,
    LockEntry,
    anchor_change,
    fingerprint,
    format_lock,
    parse_lock,
    reviewed_fields,
    word_diff,
)
from conftest import Build, build, copy_root

RED = ["subtypes", "red.md"]
BLUE = ["subtypes", "blue.md"]
LOCK = ["review", "claims.lock"]
REVIEWED_ON = "2026-01-15"  # the date in the test project's lock
# claim -> line on its page; the lock's lines are sorted by id
LINES = {"red-damage": 6, "red-slow": 15, "red-heals": 30, "blue-rare": 6}
LOCK_LINES = {"blue-rare": 1, "red-damage": 2, "red-heals": 3, "red-slow": 4}


def _review(tmp_path: Path) -> Path:
    return copy_root("review", tmp_path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_source(srcdir: Path, name: str, old: str, new: str) -> None:
    """Change a source and pin its new sha256 in the manifest, as a writer would."""
    source = srcdir / "sources" / name
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    _edit(source, old, new)
    after = hashlib.sha256(source.read_bytes()).hexdigest()
    _edit(srcdir / "sources" / "manifest.toml", before, after)


def _reviews(result: Build) -> list[dict]:
    return [w for w in result.warning_list() if w["type"] == "calcidocs.review"]


def _check(
    srcdir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m calcidocs.check`` on a test project, as a reviewer runs it."""
    return subprocess.run(
        [sys.executable, "-m", "calcidocs.check", "--srcdir", ".", "--confdir", ".", *args],
        cwd=srcdir,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _lock(srcdir: Path) -> dict[str, dict]:
    lines = (srcdir / "claims.lock").read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def _reviewed_line(html: str) -> str:
    line = BeautifulSoup(html, "html.parser").find(class_="calcidocs-reviewed")
    return line.get_text(" ", strip=True) if line else ""


# -- the lock as data ---------------------------------------------------------------


CLAIM = {
    "id": "c",
    "text": "A statement.",
    "label": "",
    "body": "Some detail.",
    "subtypes": ["red"],
    "topics": ["causes"],
    "citations": [{"source": "alpha", "quote": "three words here", "number": 1}],
    "disputes": [],
}


def test_the_fingerprint_covers_what_a_reviewer_reads() -> None:
    base = fingerprint(reviewed_fields(CLAIM))
    for key, value in [
        ("text", "Another statement."),
        ("label", "Short"),
        ("body", "Other detail."),
        ("subtypes", ["blue"]),
        ("topics", ["course"]),
        ("citations", [{"source": "beta", "quote": "three words here", "number": 1}]),
        ("citations", [{"source": "alpha", "quote": "three other words", "number": 1}]),
        ("disputes", ["d"]),
    ]:
        assert fingerprint(reviewed_fields({**CLAIM, key: value})) != base, key
    # where the claim stands is not what the reviewer signs
    assert fingerprint(reviewed_fields({**CLAIM, "docname": "x", "line": 99})) == base


def test_an_optional_field_changes_only_the_claims_that_have_it() -> None:
    base = fingerprint(reviewed_fields(CLAIM))
    assert fingerprint(reviewed_fields({**CLAIM, "drift_ok": []})) == base
    assert fingerprint(reviewed_fields({**CLAIM, "drift_ok": ["cause"]})) != base


def test_word_diff_marks_removed_and_added_words() -> None:
    assert word_diff("forms in damaged skin", "forms in injured skin") == (
        "forms in [-damaged-]{+injured+} skin"
    )
    assert word_diff("a b", "a b c") == "a b {+c+}"
    assert word_diff("a b c", "a c") == "a [-b-] c"


def test_the_lock_reads_back_as_written() -> None:
    text = (Path(__file__).parent / "roots" / "test-review" / "claims.lock").read_text("utf-8")
    lock = parse_lock(text)
    assert not lock.problems
    assert format_lock(lock.entries) == text
    assert all(entry.consistent for entry in lock.entries.values())


def test_a_parsed_lock_keeps_each_record_as_read_and_tells_a_hand_edit() -> None:
    text = (Path(__file__).parent / "roots" / "test-review" / "claims.lock").read_text("utf-8")
    lines = text.splitlines()
    record = json.loads(lines[0])
    edited = {**record, "reviewed": {**record["reviewed"], "statement": "Edited by hand."}}
    lines[0] = json.dumps(edited, sort_keys=True, ensure_ascii=False)
    # the parsed lock is kept pickled between builds
    lock = pickle.loads(pickle.dumps(parse_lock("\n".join(lines) + "\n")))
    assert not lock.problems
    for line in lines:
        data = json.loads(line)
        entry = lock.entries[data["id"]]
        assert entry.to_json() == data
        assert entry.reviewed == data["reviewed"]
        assert [a.to_json() for a in entry.anchors] == data["anchors"]
        assert entry.consistent == (data["id"] != record["id"])
        for anchor in data["anchors"]:
            assert entry.anchor(anchor["number"]) == Anchor(**anchor)
    assert entry.anchor(99) is None


def test_a_kept_lock_reads_back_each_record_as_it_is_asked_for() -> None:
    text = (Path(__file__).parent / "roots" / "test-review" / "claims.lock").read_text("utf-8")
    lock = pickle.loads(pickle.dumps(parse_lock(text)))
    first, *others = sorted(lock.entries)
    assert lock.entries[first].to_json() == json.loads(text.splitlines()[0])
    # read back again with one record asked for and the others not: the same lock
    again = pickle.loads(pickle.dumps(lock))
    assert format_lock(again.entries) == text
    assert sorted(again.entries) == [first, *others] and len(again.entries) == len(others) + 1
    assert "no-such-claim" not in again.entries and again.entries.get("no-such-claim") is None


def test_each_bad_lock_line_is_one_problem_at_its_line() -> None:
    good = (Path(__file__).parent / "roots" / "test-review" / "claims.lock").read_text("utf-8")
    first = good.splitlines()[0]
    record = json.loads(first)
    lines = [
        first,
        "<<<<<<< HEAD",
        "[1, 2]",
        json.dumps({**record, "id": "other", "on": "yesterday"}),
        json.dumps({**record, "id": "other", "fingerprint": "abc"}),
        "",
        first,
    ]
    lock = parse_lock("\n".join(lines) + "\n")
    assert [line for line, _ in lock.problems] == [2, 3, 4, 5, 7]
    messages = [message for _, message in lock.problems]
    assert "line 2 of the review lock is not JSON" in messages[0]
    assert "not a JSON object" in messages[1]
    assert "'on' is not a date" in messages[2]
    assert "'fingerprint' is not a sha256" in messages[3]
    assert "recorded twice in the review lock (first at line 1)" in messages[4]
    assert list(lock.entries) == [record["id"]]


def test_hostile_lock_lines_are_problems_not_crashes() -> None:
    good = (Path(__file__).parent / "roots" / "test-review" / "claims.lock").read_text("utf-8")
    record = json.loads(good.splitlines()[0])
    lines = [
        "[" * 100_000 + "]" * 100_000,
        json.dumps({**record, "reviewed": {"statement": [[[["deep"]]]]}}),
        json.dumps({**record, "anchors": [{"number": "1"}]}),
        json.dumps({**record, "sources": {"alpha": 1}}),
        json.dumps({**record, "on": "20260115"}),
        "\x00\x1b[31m",
        "NaN",
    ]
    lock = parse_lock("\n".join(lines))
    assert [line for line, _ in lock.problems] == [1, 2, 3, 4, 5, 6, 7]
    assert not lock.entries


def _anchor(
    start: int, prefix: str = "the text before the quote, full", suffix: str = "after"
) -> Anchor:
    return Anchor(1, "s", start, start + 10, prefix, suffix)


def test_a_quote_in_a_changed_source_moved_or_its_surroundings_changed() -> None:
    old = _anchor(100)
    assert anchor_change(old, None) == "the quote is no longer found in it"
    assert (
        anchor_change(old, _anchor(100)) == "the quote and the text around it are where they were"
    )
    assert anchor_change(old, _anchor(140)) == (
        "the quote moved (from character 100 to 140), the text around it is unchanged"
    )
    changed = anchor_change(old, _anchor(100, suffix="later"))
    assert changed.startswith("the text around the quote changed")
    assert "[quote] after" in changed and "[quote] later" in changed
    both = anchor_change(old, _anchor(90, prefix="other words before the quote, ok"))
    assert both.startswith("the quote moved (from character 100 to 90) and the text around")
    # white space only: a full window of 32 characters shifts, the words stay
    wide = "x" * 10 + " the text before the quote"
    assert len(wide) == 36
    assert anchor_change(
        _anchor(100, wide[-32:]), _anchor(101, wide.replace(" the", "  the")[-32:])
    ) == ("the quote moved (from character 100 to 101), the text around it is unchanged")


# -- the check ------------------------------------------------------------------------


def test_a_reviewed_project_builds_clean_and_shows_the_review_date(tmp_path: Path) -> None:
    result = build(_review(tmp_path))
    assert result.warnings == ""
    assert result.status == 0
    for page in ("subtypes/red", "subtypes/blue"):
        assert _reviewed_line(result.html(page)) == (
            f"Claims on this page last reviewed on {REVIEWED_ON} by A. Reviewer."
        )
    # pages that are no content pages say nothing of reviews
    assert "calcidocs-reviewed" not in result.html("report")
    claims = result.claims_json()["claims"]
    signed = {"by": "A. Reviewer", "on": REVIEWED_ON, "current": True}
    assert {c["id"]: c["review"] for c in claims} == {claim: signed for claim in LINES}


def test_the_review_date_is_in_the_latex_output(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    result = build(srcdir, srcdir / "_latex", buildername="latex")
    assert result.warnings == ""
    tex = next(result.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert tex.count("Claims on this page last reviewed on 2026\\sphinxhyphen{}01") == 2


def _edit_statement(srcdir: Path) -> tuple[list, int, str]:
    _edit(
        srcdir / "subtypes/red.md", "follows damage to the surface", "follows harm to the surface"
    )
    message = "claim red-damage: statement changed since its review by A. Reviewer on 2026-01-15"
    return RED, LINES["red-damage"], message


def _edit_quote(srcdir: Path) -> tuple[list, int, str]:
    _edit(
        srcdir / "subtypes/red.md",
        "quote-2: The red form lasts for years.",
        "quote-2: The red form lasts",
    )
    return RED, LINES["red-slow"], "claim red-slow: citations changed since its review"


def _edit_body_and_topic(srcdir: Path) -> tuple[list, int, str]:
    page = srcdir / "subtypes/red.md"
    _edit(page, "Both sources speak of a slow course.", "Both sources speak of a long course.")
    _edit(page, "topic: course\nsource: alpha", "topic: course causes\nsource: alpha")
    return RED, LINES["red-slow"], "claim red-slow: body, topics changed since its review"


def _add_claim(srcdir: Path) -> tuple[list, int, str]:
    page = srcdir / "subtypes/blue.md"
    line = len(page.read_text(encoding="utf-8").splitlines()) + 2
    page.write_text(
        page.read_text(encoding="utf-8") + "\n:::{claim} Blue forms appear without a cause.\n"
        ":id: blue-cause\n:subtype: blue\n:source: alpha\n"
        ":quote: appear without a known cause\n:::\n",
        encoding="utf-8",
    )
    return BLUE, line, "claim blue-cause has not been reviewed (it is not in claims.lock)"


def _remove_claim(srcdir: Path) -> tuple[list, int, str]:
    page = srcdir / "subtypes/blue.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text[: text.index(":::{claim}")], encoding="utf-8")
    return LOCK, LOCK_LINES["blue-rare"], "the review of claim 'blue-rare' (by A. Reviewer on"


def _rename_claim(srcdir: Path) -> tuple[list, int, str]:
    _edit(srcdir / "subtypes/red.md", ":id: red-heals", ":id: red-heals-soon")
    return LOCK, LOCK_LINES["red-heals"], "has no claim: it was removed or its id changed"


def _bad_lock_line(srcdir: Path) -> tuple[list, int, str]:
    lock = srcdir / "claims.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    return LOCK, 5, "line 5 of the review lock is not JSON"


def _hand_edited_record(srcdir: Path) -> tuple[list, int, str]:
    _edit(
        srcdir / "claims.lock",
        "Blue forms are rare and have no known cause.",
        "Blue forms are rare.",
    )
    return BLUE, LINES["blue-rare"], "its record (claims.lock:1) was edited by hand"


@pytest.mark.parametrize(
    "change",
    [
        _edit_statement,
        _edit_quote,
        _edit_body_and_topic,
        _add_claim,
        _remove_claim,
        _rename_claim,
        _bad_lock_line,
        _hand_edited_record,
    ],
    ids=[
        "statement",
        "quote",
        "body-topic",
        "new-claim",
        "removed",
        "renamed",
        "bad-line",
        "hand-edit",
    ],
)
def test_each_change_since_review_is_one_review_warning_at_its_line(
    tmp_path: Path, change: Callable[[Path], tuple[list, int, str]]
) -> None:
    srcdir = _review(tmp_path)
    file, line, text = change(srcdir)
    result = build(srcdir)
    assert result.status == 1
    warnings = result.warning_list()
    hits = [w for w in warnings if w["file"] == file and w["line"] == line and text in w["message"]]
    assert [w["type"] for w in hits] == ["calcidocs.review"], result.warnings
    if change is _rename_claim:  # the renamed claim is also a new one
        assert len(warnings) == 2, result.warnings
    else:
        assert len(warnings) == 1, result.warnings
    assert "Traceback" not in result.warnings


def test_the_label_change_is_named_with_the_body(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit(srcdir / "subtypes/red.md", ":label: After damage", ":label: After any damage")
    (warning,) = _reviews(build(srcdir))
    assert warning["message"].startswith("claim red-damage: label changed since its review")


def test_a_changed_source_flags_every_claim_citing_it(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_source(srcdir, "beta.txt", "Beta Source", "Beta source, second edition")
    result = build(srcdir)
    warnings = result.warning_list()
    assert {w["message"].split(":")[0] for w in warnings} == {"claim red-slow", "claim red-heals"}
    assert all(w["type"] == "calcidocs.review" for w in warnings)
    assert {w["line"] for w in warnings} == {LINES["red-slow"], LINES["red-heals"]}
    for warning in warnings:
        assert (
            "source beta changed since its review by A. Reviewer on 2026-01-15"
            in (warning["message"])
        )
        assert "the quote moved (from character" in warning["message"]
        assert "the text around it is unchanged" in warning["message"]
    reviews = {c["id"]: c["review"]["current"] for c in result.claims_json()["claims"]}
    assert reviews == {"blue-rare": True, "red-damage": True, "red-heals": False, "red-slow": False}
    assert _reviewed_line(result.html("subtypes/red")) == (
        f"Claims on this page last reviewed on {REVIEWED_ON} by A. Reviewer. "
        "2 of 3 claims await review."
    )


def test_a_changed_source_says_when_the_text_around_a_quote_changed(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_source(srcdir, "beta.txt", "Some say the red form", "Others hold the red form")
    slow, warning = _reviews(build(srcdir))
    assert slow["line"] == LINES["red-slow"]  # the words after its quote changed
    assert "the text around the quote changed" in slow["message"]
    assert warning["line"] == LINES["red-heals"]
    assert (
        "the quote moved (from character 116 to 119) and the text around it changed"
        in (warning["message"])
    )
    assert "years. Some say [quote] .…', now '" in warning["message"]
    assert "years. Others hold [quote] .…'" in warning["message"]


def test_a_source_edit_that_breaks_a_quote_says_so(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_source(srcdir, "beta.txt", "heals within weeks", "heals within days")
    warnings = build(srcdir).warning_list()
    review = [w for w in warnings if w["type"] == "calcidocs.review"]
    assert [w["line"] for w in review] == [LINES["red-slow"], LINES["red-heals"]]
    assert "the quote and the text around it are where they were" in review[0]["message"]
    assert "the quote is no longer found in it" in review[1]["message"]
    assert {w["type"] for w in warnings} == {"calcidocs.review", "calcidocs.quote"}


def test_without_a_lock_every_claim_awaits_review(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    (srcdir / "claims.lock").unlink()
    result = build(srcdir)
    assert sorted((w["file"][-1], w["line"]) for w in _reviews(result)) == sorted(
        ("blue.md" if claim.startswith("blue") else "red.md", line) for claim, line in LINES.items()
    )
    assert len(result.warning_list()) == len(LINES)
    assert _reviewed_line(result.html("subtypes/red")) == "The claims on this page await review."
    assert {c["review"]["current"] for c in result.claims_json()["claims"]} == {False}


def test_a_lock_that_is_no_file_is_one_warning(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    (srcdir / "claims.lock").unlink()
    (srcdir / "claims.lock").mkdir()
    result = build(srcdir)
    # one warning, at the lock: not one more for each claim it would have signed
    assert [(w["file"], w["message"]) for w in result.warning_list()] == [
        (LOCK, "the review lock is not a regular file")
    ]
    assert "Traceback" not in result.warnings


def test_a_lock_that_links_out_of_its_folder_is_not_read(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    outside = tmp_path / "elsewhere.lock"
    (srcdir / "claims.lock").rename(outside)
    (srcdir / "claims.lock").symlink_to(outside)
    assert [(w["file"], w["message"]) for w in build(srcdir).warning_list()] == [
        (LOCK, "the review lock is a link that leads out of its folder")
    ]


def test_the_report_lists_review_problems_with_the_lock_line(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _remove_claim(srcdir)
    result = build(srcdir)
    page = BeautifulSoup(result.html("report"), "html.parser")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in page.find_all("tr")
    ]
    assert ["claims.lock:1", "calcidocs.review"] in [row[:2] for row in rows]


def test_the_review_check_is_off_without_a_lock_setting(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_statement(srcdir)
    result = build(srcdir, confoverrides={"calcidocs_review_lock": None})
    assert result.warnings == ""
    assert "calcidocs-reviewed" not in result.html("subtypes/red")
    assert {c["review"] for c in result.claims_json()["claims"]} == {None}


def test_suppress_warnings_silences_the_review_check(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_statement(srcdir)
    result = build(srcdir, confoverrides={"suppress_warnings": ["calcidocs.review"]})
    assert result.warnings == ""


def test_parallel_build_gives_the_same_reviews(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_statement(srcdir)
    _edit_source(srcdir, "beta.txt", "Beta Source", "Beta source, second edition")
    serial = build(srcdir, tmp_path / "serial", fresh=True)
    parallel = build(srcdir, tmp_path / "parallel", parallel=2, fresh=True)
    assert (parallel.outdir / "claims.json").read_bytes() == (
        serial.outdir / "claims.json"
    ).read_bytes()
    assert parallel.html("subtypes/red") == serial.html("subtypes/red")
    assert sorted(w["message"] for w in parallel.warning_list()) == sorted(
        w["message"] for w in serial.warning_list()
    )


# -- signing off ----------------------------------------------------------------------


def test_accept_refuses_to_run_without_a_reviewer(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_statement(srcdir)
    before = _files(srcdir)
    for args in (["--accept"], ["--accept", "--reviewer", "  "], ["--accept", "--reviewer="]):
        done = _check(srcdir, *args)
        assert done.returncode == 2, args
        assert "--accept needs --reviewer NAME" in done.stderr
    done = _check(srcdir, "--reviewer", "B. Reviewer")
    assert done.returncode == 2 and "go with --accept" in done.stderr
    assert _files(srcdir) == before


def test_accept_shows_the_change_word_by_word_and_writes_only_the_lock(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_statement(srcdir)
    assert _check(srcdir).returncode == 1
    before = _files(srcdir)
    done = _check(srcdir, "--accept", "--reviewer", "B. Reviewer", "--on", "2026-03-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:6] == [
        "claim red-damage (subtypes/red.md:6)",
        "  reviewed by A. Reviewer on 2026-01-15; since then:",
        "  statement:",
        "    was:   The red form follows damage to the surface.",
        "    now:   The red form follows harm to the surface.",
        "    words: The red form follows [-damage-]{+harm+} to the surface.",
    ]
    assert "signed 1 claim(s) as reviewed by B. Reviewer on 2026-03-01: claims.lock" in done.stdout
    after = _files(srcdir)
    assert {name for name in after if after[name] != before.get(name)} == {"claims.lock"}
    assert set(after) == set(before)
    lock = _lock(srcdir)
    assert (lock["red-damage"]["by"], lock["red-damage"]["on"]) == ("B. Reviewer", "2026-03-01")
    assert (
        lock["red-damage"]["reviewed"]["statement"] == "The red form follows harm to the surface."
    )
    assert lock["red-slow"]["by"] == "A. Reviewer"  # the others are left as they were
    changed = [
        line
        for line, old in zip(
            after["claims.lock"].splitlines(), before["claims.lock"].splitlines(), strict=True
        )
        if line != old
    ]
    assert len(changed) == 1  # one claim signed, one line of the lock changed
    passed = _check(srcdir)
    assert passed.returncode == 0, passed.stderr
    assert "reviews: 4 of 4 claims signed off as they are; latest review 2026-03-01" in (
        passed.stderr
    )


def test_accept_signs_a_new_claim_showing_all_of_it(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _add_claim(srcdir)
    done = _check(
        srcdir, "--accept", "--reviewer", "B. Reviewer", env={"SOURCE_DATE_EPOCH": "1772323200"}
    )
    assert done.returncode == 0, done.stderr
    assert "claim blue-cause (subtypes/blue.md:14)\n  never reviewed; it reads:\n" in done.stdout
    assert "  statement: Blue forms appear without a cause.\n" in done.stdout
    assert "  citations: [alpha] appear without a known cause\n" in done.stdout
    record = _lock(srcdir)["blue-cause"]
    assert record["on"] == "2026-03-01"  # from SOURCE_DATE_EPOCH
    assert record["sources"] == {
        "alpha": hashlib.sha256((srcdir / "sources/alpha.txt").read_bytes()).hexdigest()
    }
    (anchor,) = record["anchors"]
    text = (srcdir / "sources/alpha.txt").read_text(encoding="utf-8")
    assert text[anchor["start"] : anchor["end"]] == "appear without a known cause"
    assert text[: anchor["start"]].endswith(anchor["prefix"])
    assert _check(srcdir).returncode == 0


def test_accept_signs_only_the_listed_claims(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_source(srcdir, "beta.txt", "Beta Source", "Beta source, second edition")
    done = _check(
        srcdir, "--accept", "--reviewer", "B. Reviewer", "--on", "2026-03-01", "red-heals"
    )
    assert done.returncode == 0, done.stderr
    assert "  source beta changed (sha256 f88e4d05dbbb -> " in done.stdout
    assert "the quote moved (from character 116 to 132)" in done.stdout
    assert "red-slow" not in done.stdout
    still = _check(srcdir)
    assert still.returncode == 1
    flagged = [line for line in still.stderr.splitlines() if "[calcidocs.review]" in line]
    assert len(flagged) == 1 and "claim red-slow: source beta changed" in flagged[0]


def test_a_build_lets_go_of_the_lock_records_once_the_pages_are_read(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _remove_claim(srcdir)  # one record whose claim is gone, for the lock warning
    app = SphinxTestApp("html", srcdir=srcdir, status=StringIO(), warning=StringIO())
    try:
        app.build()
        found = review_check.lock_file(app.env)
        assert found is not None
        entries = found.lock.entries
        assert isinstance(entries, review_check.ReleasedEntries)
        # the warning of the gone claim's record asked for its record once: only then
        # were the records read again, as they are in the lock
        assert "the review of claim 'blue-rare'" in app._warning.getvalue()
        assert set(entries) == set(_lock(srcdir))
        assert "red-damage" in entries and "nothing-such" not in entries
        assert {i: e.to_json() for i, e in entries.items()} == _lock(srcdir)
        # and what the check reports after the build is what the records say
        state = review_check.state(app.env)
        assert state is not None
        assert {i: r.current for i, r in state.reviews.items()} == {
            "red-damage": True,
            "red-heals": True,
            "red-slow": True,
        }
    finally:
        app.cleanup()


def test_released_records_are_read_again_only_when_one_is_asked_for() -> None:
    text = (Path(__file__).parent / "roots" / "test-review" / "claims.lock").read_text("utf-8")
    records = parse_lock(text).entries
    reads: list[int] = []

    def read_again() -> MutableMapping[str, LockEntry]:
        reads.append(1)
        return records

    released = review_check.ReleasedEntries(iter(records), read_again)
    assert list(released) == list(records) and len(released) == len(records)
    assert "red-damage" in released and released.get("no-such-claim") is None
    assert reads == []
    assert released["red-damage"] is records["red-damage"]
    assert released.get("red-slow") is records["red-slow"]
    assert reads == [1]


def test_accept_drops_the_records_of_removed_claims(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _remove_claim(srcdir)
    done = _check(srcdir, "--accept", "--reviewer", "B. Reviewer")
    assert done.returncode == 0, done.stderr
    assert (
        "claim blue-rare: dropped its review record (by A. Reviewer on 2026-01-15)" in done.stdout
    )
    assert set(_lock(srcdir)) == {"red-damage", "red-heals", "red-slow"}
    assert _check(srcdir).returncode == 0


def test_accept_writes_nothing_for_an_unknown_id_or_a_bad_lock(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    _edit_statement(srcdir)
    before = _files(srcdir)
    done = _check(srcdir, "--accept", "--reviewer", "B. Reviewer", "no-such-claim")
    assert done.returncode == 2
    assert (
        "nothing written: no claim and no review record has the id 'no-such-claim'" in done.stderr
    )
    assert _files(srcdir) == before
    _bad_lock_line(srcdir)
    before = _files(srcdir)
    done = _check(srcdir, "--accept", "--reviewer", "B. Reviewer")
    assert done.returncode == 2
    assert "claims.lock:5: line 5 of the review lock is not JSON" in done.stderr
    assert _files(srcdir) == before


def test_accept_with_nothing_to_sign_leaves_the_lock_alone(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    before = _files(srcdir)
    done = _check(srcdir, "--accept", "--reviewer", "B. Reviewer")
    assert done.returncode == 0
    assert "nothing to sign: every claim is signed off as it is" in done.stdout
    assert _files(srcdir) == before


# -- pages stay fresh ------------------------------------------------------------------


def test_an_incremental_build_after_accept_shows_the_new_date(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    out = tmp_path / "out"
    first = build(srcdir, out)
    assert REVIEWED_ON in _reviewed_line(first.html("subtypes/blue"))
    done = _check(
        srcdir, "--accept", "--reviewer", "B. Reviewer", "--on", "2026-03-01", "blue-rare"
    )
    assert done.returncode == 0, done.stderr
    second = build(srcdir, out)
    assert _reviewed_line(second.html("subtypes/blue")) == (
        "Claims on this page last reviewed on 2026-03-01 by B. Reviewer."
    )
    assert REVIEWED_ON in _reviewed_line(second.html("subtypes/red"))
    fresh = build(srcdir, tmp_path / "fresh", fresh=True)
    for page in ("subtypes/red", "subtypes/blue", "report"):
        assert second.html(page) == fresh.html(page), page
    assert second.claims_json() == fresh.claims_json()


def test_after_a_review_only_the_pages_of_the_signed_claims_are_written_again(
    tmp_path: Path,
) -> None:
    srcdir = _review(tmp_path)
    out = tmp_path / "out"
    first = build(srcdir, out)
    written = {
        page: (first.outdir / f"{page}.html").stat().st_mtime_ns
        for page in ("subtypes/red", "subtypes/blue", "report")
    }
    done = _check(
        srcdir, "--accept", "--reviewer", "B. Reviewer", "--on", "2026-03-01", "blue-rare"
    )
    assert done.returncode == 0, done.stderr
    second = build(srcdir, out)
    again = {page: (second.outdir / f"{page}.html").stat().st_mtime_ns for page in written}
    assert again["subtypes/blue"] != written["subtypes/blue"]
    assert again["subtypes/red"] == written["subtypes/red"]
    assert again["report"] == written["report"]  # it shows no review that changed


def test_a_lock_made_after_the_first_build_reaches_the_pages(tmp_path: Path) -> None:
    srcdir = _review(tmp_path)
    lock = srcdir / "claims.lock"
    text = lock.read_text(encoding="utf-8")
    lock.unlink()
    out = tmp_path / "out"
    assert "await review" in _reviewed_line(build(srcdir, out).html("subtypes/red"))
    lock.write_text(text, encoding="utf-8")
    second = build(srcdir, out)
    assert second.warnings == ""
    assert _reviewed_line(second.html("subtypes/red")) == (
        f"Claims on this page last reviewed on {REVIEWED_ON} by A. Reviewer."
    )


# -- incremental builds: the parsed lock is kept while its bytes are the same ------


def _drop_first_record(srcdir: Path) -> None:
    lock = srcdir / "claims.lock"
    lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
    lock.write_text("".join(lines[1:]), encoding="utf-8")


@pytest.mark.parametrize(
    "change",
    [_bad_lock_line, _hand_edited_record, _drop_first_record],
    ids=["bad-line", "hand-edit", "record-dropped"],
)
def test_an_incremental_build_after_a_lock_edit_warns_as_a_fresh_one(
    tmp_path: Path, change: Callable[[Path], object]
) -> None:
    srcdir = _review(tmp_path)
    original = (srcdir / "claims.lock").read_bytes()
    before = build(srcdir, tmp_path / "out").warning_list()
    assert before == []
    change(srcdir)
    incremental = build(srcdir, tmp_path / "out").warning_list()
    assert incremental == build(srcdir, tmp_path / "fresh", fresh=True).warning_list()
    assert incremental != before
    (srcdir / "claims.lock").write_bytes(original)  # back to the lock parsed first
    assert build(srcdir, tmp_path / "out").warning_list() == before


@pytest.mark.parametrize("parallel", [0, 2], ids=["j1", "j2"])
def test_a_claim_that_takes_an_id_from_an_unchanged_page_is_judged_as_in_a_fresh_build(
    tmp_path: Path, parallel: int
) -> None:
    # The new page sorts before subtypes/red, so its claim becomes the one the id
    # names: red.md is not read again, yet its claim no longer counts for the review
    # (and the page's review line loses it), as in a fresh build.
    srcdir = _review(tmp_path)
    build(srcdir, tmp_path / "out", parallel=parallel)
    (srcdir / "subtypes" / "orange.md").write_text(
        "---\norphan: true\n---\n# Orange\n\n"
        ":::{claim} The red form follows harm to the surface.\n:id: red-damage\n"
        ":subtype: red\n:source: alpha\n"
        ':quote: The "red" form appears when the surface is damaged\n:::\n',
        encoding="utf-8",
    )
    incremental = build(srcdir, tmp_path / "out", parallel=parallel)
    fresh = build(srcdir, tmp_path / "fresh", fresh=True)
    assert incremental.warning_list() == fresh.warning_list()
    messages = [w["message"] for w in incremental.warning_list()]
    assert any("duplicate claim id 'red-damage'" in m for m in messages)
    assert any(m.startswith("claim red-damage: statement") for m in messages)
    for page in ("subtypes/red.html", "subtypes/orange.html"):
        assert _reviewed_line((incremental.outdir / page).read_text(encoding="utf-8")) == (
            _reviewed_line((fresh.outdir / page).read_text(encoding="utf-8"))
        )
    # red.md's other claims are signed as they are; the new claim is not
    red = (incremental.outdir / "subtypes/red.html").read_text(encoding="utf-8")
    assert (
        _reviewed_line(red) == f"Claims on this page last reviewed on {REVIEWED_ON} by A. Reviewer."
    )
    orange = (incremental.outdir / "subtypes/orange.html").read_text(encoding="utf-8")
    assert _reviewed_line(orange) == "The claims on this page await review."
    assert (incremental.outdir / "claims.json").read_bytes() == (
        fresh.outdir / "claims.json"
    ).read_bytes()
