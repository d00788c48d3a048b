"""The drift check: words that say more than their quotes, at their lines.

Two kinds of test: a small project whose every claim and sentence is one case
(each warning at its line, nothing else), and hand-made pairs of words and
quotes, faithful and drifting, that measure what the check catches and what
it wrongly flags.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from calcidocs.checks.drift import Lexicon, find_drift, parse_accepted
from calcidocs.checks.lexicon import read_lexicon
from conftest import REPO, build, copy_root

RED = ["subtypes", "red.md"]

EXPECTED = [
    (14, "drift", "claim organ-added: the statement names 'skin' (tissue)"),
    (22, "drift", "claim number-added: the statement gives '6'"),
    (30, "drift", "claim may-dropped: the statement drops the quotes' hedge 'may'"),
    (42, "drift", "claim label-stronger: the label drops the quotes' hedge 'in some cases'"),
    (42, "drift", "claim label-stronger: the label says 'always'"),
    (47, "drift", "claim cause-added: the statement states a cause with 'causes'"),
    (70, "drift", "claim unused-accept: ':drift-ok: kidney' accepts no difference"),
    (73, "uncited", "sentence cites no source: 'It never heals.'"),
    (75, "drift", "a sentence citing faithful drops the quotes' hedge 'may'"),
    (75, "drift", "a sentence citing faithful names 'skin' (tissue)"),
    (84, "drift", "claim body-drift: the body gives '10'"),
    (84, "drift", "claim body-drift: the body gives '2'"),
    (89, "drift", "an editorial note makes a medical statement (it names 'kidney')"),
]


def test_each_drift_is_one_warning_at_its_line(tmp_path: Path) -> None:
    result = build(copy_root("drift", tmp_path))
    warnings = result.warning_list()
    found = sorted(
        (w["line"], w["type"].removeprefix("calcidocs."), w["message"]) for w in warnings
    )
    assert all(w["file"] == RED for w in warnings), result.warnings
    assert len(found) == len(EXPECTED), result.warnings
    for (line, check, text), (got_line, got_check, message) in zip(EXPECTED, found, strict=True):
        assert (got_line, got_check) == (line, check), (line, text, message)
        assert text in message, (text, message)
    assert result.status != 0  # -W: a drift fails the build


def test_review_page_lists_each_accepted_difference(tmp_path: Path) -> None:
    result = build(copy_root("drift", tmp_path))
    soup = BeautifulSoup(result.html("review"), "html.parser")
    table = soup.select_one("table.calcidocs-accepted-drift")
    assert table is not None
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.select("tbody tr")
    ]
    assert len(rows) == 2  # the accepted skin, and the kidney that accepts nothing
    accepted = next(row for row in rows if row[1] == "skin")
    assert "a cream is used to soften" in accepted[0]
    assert accepted[2] == "the source speaks of cutaneous lesions in the line before"
    claim = soup.select_one("a[href*='claim-accepted']")
    assert claim is not None


def test_accepting_a_difference_silences_only_that_difference(tmp_path: Path) -> None:
    root = copy_root("drift", tmp_path)
    page = root / "subtypes" / "red.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace(":id: organ-added\n", ":id: organ-added\n:drift-ok: cutaneous: checked\n")
    page.write_text(text, encoding="utf-8")
    messages = [w["message"] for w in build(root).warning_list()]
    assert not any("claim organ-added" in m for m in messages)  # a form names the term
    assert any("claim number-added" in m for m in messages)  # the others stay


# -- hand-made cases: (words, quotes); the first list is faithful ------------------

SITE_LEXICON = REPO / "docs" / "lexicon.toml"
NORMAL_SERUM = (
    "Dystrophic calcification arises in the setting of normal serum calcium and phosphate levels."
)

FAITHFUL = [
    (
        "Dystrophic calcinosis arises while serum calcium and phosphate are normal.",
        [NORMAL_SERUM],
    ),
    ("Kidney disease may lie behind it.", ["It may be caused by renal disease."]),
    ("Deposits may form in the skin.", ["Calcium may be deposited in cutaneous tissue."]),
    ("The lumps can be painful.", ["The nodules can be painful."]),
    ("One source says the nodules may be painless.", ["The nodules may be painless"]),
    ("Two sources name biopsy as a test.", ["A skin biopsy is used to diagnose it", "biopsy"]),
    ("In some cases surgery may be needed.", ["In some cases, surgery may be necessary."]),
    ("It is often related to kidney disease.", ["This is often related to kidney disease."]),
    ("Only one source names the ICD-10 code L94.2.", ["ICD-10 code: L94.2"]),
    (
        "Women suffer from it most often, above all older women.",
        ["women most often suffer, especially older age groups."],
    ),
    ("Doctors can remove the deposits by surgery.", ["the deposits can be removed surgically"]),
]

DRIFTING = [
    (
        "Dystrophic calcinosis forms in damaged skin while blood calcium and phosphate "
        "stay normal.",
        [NORMAL_SERUM],
        "term",
    ),
    (
        "Kidney disease or another metabolic condition often lies behind the metastatic form.",
        ["This is often related to kidney disease or other metabolic conditions."],
        "cause",
    ),
    (
        "The deposits clear up on their own.",
        ["The deposits may resolve on their own."],
        "certainty",
    ),
    ("About 30% of patients have it.", ["Many patients have it."], "number"),
    ("The nodules always hurt.", ["The nodules can be painful."], "certainty"),
    (
        "A balanced diet helps prevent it.",
        ["Maintaining a healthy lifestyle with balanced nutrition to promote bone health"],
        "cause",
    ),
    ("It affects the kidneys.", ["It affects the skin."], "term"),
    ("Ammonium chloride is given in 500 mg doses.", ["Ammonium chloride is used."], "number"),
    ("Surgery is needed.", ["In some cases, surgery may be necessary."], "certainty"),
    ("Children get it.", ["Adults get it."], "term"),
]


@pytest.fixture(scope="module")
def site_lexicon() -> Lexicon:
    lexicon, problems = read_lexicon(SITE_LEXICON)
    assert problems == []
    return lexicon


def test_faithful_words_are_not_flagged(site_lexicon: Lexicon) -> None:
    flagged = [(text, find_drift(text, quotes, site_lexicon)) for text, quotes in FAITHFUL]
    assert [f for f in flagged if f[1]] == []


def test_drifting_words_are_caught_with_their_kind(site_lexicon: Lexicon) -> None:
    for text, quotes, kind in DRIFTING:
        kinds = {d.kind for d in find_drift(text, quotes, site_lexicon)}
        assert kind in kinds, (text, kinds)


def test_the_subtype_a_claim_is_filed_under_may_be_named(site_lexicon: Lexicon) -> None:
    quote = ["The main abnormality is damaged skin."]
    text = "In the dystrophic form the main fault is damaged skin."
    assert [d.token for d in find_drift(text, quote, site_lexicon)] == ["dystrophic"]
    assert find_drift(text, quote, site_lexicon, filed_under=["dystrophic"]) == []


def test_drift_ok_entries_and_reasons() -> None:
    assert parse_accepted("kidney: the quote says renal; May ; blood vessels") == {
        "kidney": "the quote says renal",
        "may": "",
        "blood vessels": "",
    }


def test_a_broken_lexicon_is_one_warning_and_the_build_goes_on(tmp_path: Path) -> None:
    root = copy_root("drift", tmp_path)
    (root / "lexicon.toml").write_text("[term.kidney\nforms = 1\n", encoding="utf-8")
    result = build(root)
    lexicon_warnings = [w for w in result.warning_list() if "lexicon" in w["message"]]
    assert len(lexicon_warnings) == 1
    assert lexicon_warnings[0]["type"] == "calcidocs.drift"
    assert "lexicon.toml" in lexicon_warnings[0]["path"]
    assert "Traceback" not in result.warnings
    assert len(result.claims_json()["claims"]) == 9  # no claim lost


# -- incremental builds: each claim's drift is remembered across builds ------------


def _drop_skin(root: Path) -> None:
    lexicon = root / "lexicon.toml"
    text = lexicon.read_text(encoding="utf-8")
    start = text.index("[term.skin]")
    end = text.find("[term.", start + 1)
    lexicon.write_text(text[:start] + (text[end:] if end != -1 else ""), encoding="utf-8")


def _change_skin_kind(root: Path) -> None:
    lexicon = root / "lexicon.toml"
    text = lexicon.read_text(encoding="utf-8")
    assert 'kind = "tissue"' in text
    lexicon.write_text(text.replace('kind = "tissue"', 'kind = "layer"'), encoding="utf-8")


def _break_lexicon(root: Path) -> None:
    (root / "lexicon.toml").write_text("[term.kidney\nforms = 1\n", encoding="utf-8")


def _edit_statement(root: Path) -> None:
    page = root / "subtypes" / "red.md"
    text = page.read_text(encoding="utf-8")
    old = ":::{claim} The red form may follow damage to the skin."
    assert old in text
    page.write_text(
        text.replace(old, ":::{claim} The red form follows damage to the skin."), "utf-8"
    )


@pytest.mark.parametrize(
    "change",
    [_drop_skin, _change_skin_kind, _break_lexicon, _edit_statement],
    ids=["term-removed", "kind-changed", "lexicon-broken", "statement"],
)
@pytest.mark.parametrize("parallel", [0, 2], ids=["j1", "j2"])
def test_an_incremental_build_after_an_edit_warns_as_a_fresh_one(
    tmp_path: Path, change: Callable[[Path], None], parallel: int
) -> None:
    root = copy_root("drift", tmp_path)
    before = build(root, tmp_path / "incremental", parallel=parallel).warning_list()
    change(root)
    incremental = build(root, tmp_path / "incremental", parallel=parallel).warning_list()
    fresh = build(root, tmp_path / "fresh", fresh=True).warning_list()
    assert incremental == fresh
    assert incremental != before  # the edit changed what the check finds


def test_the_warnings_come_back_when_the_lexicon_does(tmp_path: Path) -> None:
    root = copy_root("drift", tmp_path)
    original = (root / "lexicon.toml").read_text(encoding="utf-8")
    before = build(root, tmp_path / "out").warning_list()
    _drop_skin(root)
    without = build(root, tmp_path / "out").warning_list()
    assert not any("'skin'" in w["message"] for w in without)
    (root / "lexicon.toml").write_text(original, encoding="utf-8")
    assert build(root, tmp_path / "out").warning_list() == before
