"""The real documentation: it builds clean, and each kind of mistake fails it."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.util.console import strip_colors

from conftest import REPO, sphinx_build

PAGE = Path("docs/subtypes/dystrophic.md")


def _copy_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "conf.py", site / "conf.py")
    shutil.copytree(REPO / "docs", site / "docs")
    return site


def _check(site: Path, out: Path) -> tuple[int, str]:
    result = sphinx_build(["-E", "-W", "--keep-going", "-q", "-c", ".", "docs", str(out)], site)
    return result.returncode, strip_colors(result.stderr)


@pytest.fixture(scope="module")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    out = tmp_path_factory.mktemp("site") / "html"
    code, stderr = _check(REPO, out)
    return out, code, stderr


def test_the_real_docs_build_with_no_warning(site_build: tuple[Path, int, str]) -> None:
    _, code, stderr = site_build
    assert stderr == ""
    assert code == 0


def test_every_claim_of_the_real_docs_is_verified(site_build: tuple[Path, int, str]) -> None:
    out, _, _ = site_build
    data = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    assert set(data["sources"]) == {"s000", "s001", "s002", "s003", "s004"}
    assert data["claims"], "the site has claims"
    assert {c["status"] for c in data["claims"]} == {"verified"}


def test_the_real_claims_json_matches_its_schema(site_build: tuple[Path, int, str]) -> None:
    from jsonschema import Draft202012Validator

    from calcidocs.writers.claims_json import json_schema

    out, _, _ = site_build
    data = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    schema = json.loads((out / "claims.schema.json").read_text(encoding="utf-8"))
    assert schema == json_schema()  # the package's schema, next to the export
    validator = Draft202012Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    # what a schema cannot say: each cited source is described, each claim is once
    cited = {c["source"] for claim in data["claims"] for c in claim["citations"]}
    assert cited <= set(data["sources"])
    assert len({c["id"] for c in data["claims"]}) == len(data["claims"])
    # and the authoring guide shows every field of it
    guide = (out / "authoring.html").read_text(encoding="utf-8")
    assert "claims[].citations[].verified" in guide


def test_the_sources_are_the_seeds_byte_for_byte() -> None:
    manifest = (REPO / "docs/sources/manifest.toml").read_text(encoding="utf-8")
    for path in sorted((REPO / "docs/sources").glob("*.txt")):
        assert path.name in manifest
        seed = REPO.parent / "shared" / "seeds" / path.name
        if seed.exists():
            assert path.read_bytes() == seed.read_bytes()


def _line_of(text: str, pattern: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"no line matches {pattern!r}")


def _remove_source(text: str) -> tuple[str, int, str]:
    line = _line_of(text, r"^:::\{claim\}")
    lines = text.splitlines()
    source = _line_of(text, r"^:source: ")
    del lines[source - 1]
    return "\n".join(lines) + "\n", line, "uncited"


def _alter_quote(text: str) -> tuple[str, int, str]:
    line = _line_of(text, r"^:quote: ")
    lines = text.splitlines()
    lines[line - 1] = lines[line - 1].replace(":quote: ", ":quote: Never ", 1)
    return "\n".join(lines) + "\n", line, "quote"


def _source_outside(text: str) -> tuple[str, int, str]:
    line = _line_of(text, r"^:source: ")
    lines = text.splitlines()
    lines[line - 1] = ":source: ../../../etc/passwd"
    return "\n".join(lines) + "\n", line, "source"


def _unknown_subtype(text: str) -> tuple[str, int, str]:
    line = _line_of(text, r"^:subtype: ")
    lines = text.splitlines()
    lines[line - 1] = ":subtype: dystrophic crystalline"
    return "\n".join(lines) + "\n", line, "vocab"


def _duplicate_id(text: str) -> tuple[str, int, str]:
    first = re.search(r"^:id: (\S+)$", text, re.M)
    assert first
    addition = (
        f"\n:::{{claim}} The same id again.\n:id: {first.group(1)}\n:subtype: dystrophic\n"
        ":source: s004\n:quote: Dystrophic calcification arises in the setting\n:::\n"
    )
    return text + addition, len(text.splitlines()) + 2, "id"


def _uncited_paragraph(text: str) -> tuple[str, int, str]:
    addition = "\nThe nodules are always harmless and never need a doctor.\n"
    return text + addition, len(text.splitlines()) + 2, "uncited"


@pytest.mark.parametrize(
    "mistake",
    [
        _remove_source,
        _alter_quote,
        _source_outside,
        _unknown_subtype,
        _duplicate_id,
        _uncited_paragraph,
    ],
    ids=[
        "source-removed",
        "quote-altered",
        "source-outside",
        "unknown-subtype",
        "duplicate-id",
        "uncited-paragraph",
    ],
)
def test_each_mistake_fails_the_check_at_its_line(
    tmp_path: Path, mistake: Callable[[str], tuple[str, int, str]]
) -> None:
    site = _copy_site(tmp_path)
    page = site / PAGE
    text, line, subtype = mistake(page.read_text(encoding="utf-8"))
    page.write_text(text, encoding="utf-8")
    code, stderr = _check(site, tmp_path / "out")
    assert code != 0
    expected = f"{page}:{line}: WARNING: "
    hits = [
        w
        for w in stderr.splitlines()
        if w.startswith(expected) and w.endswith(f"[calcidocs.{subtype}]")
    ]
    assert len(hits) == 1, stderr


def _soup(out: Path, page: str):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup((out / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _captioned(page, caption: str):  # type: ignore[no-untyped-def]
    for table in page.find_all("table"):
        if table.caption and caption in table.caption.get_text():
            return table
    raise AssertionError(f"no table captioned {caption!r}")


def test_the_main_types_are_compared_in_a_table(site_build: tuple[Path, int, str]) -> None:
    out, _, _ = site_build
    table = _captioned(_soup(out, "subtypes/index"), "The main types of calcinosis cutis")
    rows = [r.find("th").get_text(strip=True) for r in table.tbody.find_all("tr")]
    assert rows == [
        "Dystrophic calcinosis cutis",
        "Metastatic calcinosis cutis",
        "Idiopathic calcinosis cutis",
        "Iatrogenic calcinosis cutis",
    ]
    assert table.find("a", href=lambda h: h and "#quote-" in h), "cells link to passages"


def test_every_source_sentence_is_quoted(site_build: tuple[Path, int, str]) -> None:
    out, _, _ = site_build
    table = _captioned(_soup(out, "review"), "Source coverage")
    shares = {
        r.find("th").get_text(strip=True): r.find_all("td")[-1].get_text(strip=True)
        for r in table.tbody.find_all("tr")
    }
    assert shares == dict.fromkeys(["s000", "s001", "s002", "s003", "s004"], "100%")


DISAGREEMENTS = [
    ("topic-symptoms-painless", "topic-symptoms-pain"),
    ("meta-four-types", "meta-three-types"),
    ("topic-course-chronic", "topic-course-may-resolve"),
    ("topic-treat-only-drugs", "topic-treat-medications"),
    ("topic-diag-clinical-picture", "topic-diag-tests"),
    ("topic-symptoms-skin-normal", "topic-symptoms-skin-discoloured"),
    ("topic-def-aka-scleroderma", "scleroderma-complication"),
]


def test_each_disagreement_is_shown_side_by_side(site_build: tuple[Path, int, str]) -> None:
    out, _, _ = site_build
    table = _captioned(_soup(out, "disagreements"), "dispute each other")
    pairs = set()
    for row in table.tbody.find_all("tr"):
        sides = []
        for cell in row.find_all("td"):
            link = cell.find("a", href=lambda h: h and "#claim-" in h)
            sides.append(link["href"].rsplit("#claim-", 1)[1])
        pairs.add(frozenset(sides))
    for one, two in DISAGREEMENTS:
        assert frozenset((one, two)) in pairs, (one, two)


# -- the drift check's mistakes, made by hand in a copy of the real docs ----------

CLAIM_LINE = re.compile(r"^:::\{claim\} (?P<text>.+)\n:id: (?P<id>\S+)\n", re.M)


def _first_claim(text: str, *, contains: str = "") -> re.Match[str]:
    for match in CLAIM_LINE.finditer(text):
        if contains in f" {match.group('text')} ":
            return match
    raise AssertionError(f"no claim with {contains!r} in its statement")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _statement_edit(text: str, new: Callable[[str], str], contains: str = "") -> tuple[str, int]:
    claim = _first_claim(text, contains=contains)
    start, end = claim.span("text")
    return text[:start] + new(claim.group("text")) + text[end:], _line_at(text, claim.start())


def _organ_added(text: str) -> tuple[str, int, str]:
    edited, line = _statement_edit(text, lambda s: s.rstrip(".") + ", and in the kidneys.")
    return edited, line, "names 'kidney' (organ)"


def _number_added(text: str) -> tuple[str, int, str]:
    edited, line = _statement_edit(text, lambda s: s.rstrip(".") + " in 40% of people.")
    return edited, line, "gives '40%'"


def _may_dropped(text: str) -> tuple[str, int, str]:
    edited, line = _statement_edit(text, lambda s: s.replace(" may ", " "), contains=" may ")
    return edited, line, "drops the quotes' hedge 'may'"


def _label_stronger(text: str) -> tuple[str, int, str]:
    label = re.search(r"^:label: .*$", text, re.M)
    assert label, "no claim with a label"
    edited = text[: label.start()] + ":label: Always in every patient" + text[label.end() :]
    return edited, _line_at(text, label.start()), "the label says 'always'"


def _uncited_after_reference(text: str) -> tuple[str, int, str]:
    claim = _first_claim(text)
    statement = claim.group("text").rstrip(".")
    addition = f"\n{statement} ({{claim}}`{claim.group('id')}`). It never heals.\n"
    return text + addition, len(text.splitlines()) + 2, "sentence cites no source: 'It never"


def _medical_editorial(text: str) -> tuple[str, int, str]:
    addition = "\n:::{editorial}\nThe deposits form in the kidneys.\n:::\n"
    return text + addition, len(text.splitlines()) + 3, "an editorial note makes a medical"


DRIFT_MISTAKES = {
    "organ-added": (_organ_added, "drift"),
    "number-added": (_number_added, "drift"),
    "may-dropped": (_may_dropped, "drift"),
    "label-stronger": (_label_stronger, "drift"),
    "uncited-after-reference": (_uncited_after_reference, "uncited"),
    "medical-editorial": (_medical_editorial, "drift"),
}


def _page_for(mistake: str) -> Path:
    """The first content page where the mistake can be made (dystrophic if it can)."""
    pages = [PAGE, *(p.relative_to(REPO) for p in sorted(REPO.glob("docs/*s/*.md")))]
    pages = [p for p in pages if p.parts[1] in ("subtypes", "topics")]
    for page in pages:
        try:
            DRIFT_MISTAKES[mistake][0]((REPO / page).read_text(encoding="utf-8"))
        except AssertionError:
            continue
        return page
    raise AssertionError(f"no page where {mistake} can be made")


@pytest.mark.parametrize("mistake", sorted(DRIFT_MISTAKES))
def test_each_drift_fails_the_check_at_its_line(tmp_path: Path, mistake: str) -> None:
    make, subtype = DRIFT_MISTAKES[mistake]
    site = _copy_site(tmp_path)
    page = site / _page_for(mistake)
    text, line, message = make(page.read_text(encoding="utf-8"))
    page.write_text(text, encoding="utf-8")
    code, stderr = _check(site, tmp_path / "out")
    assert code != 0
    hits = [
        w
        for w in stderr.splitlines()
        if w.startswith(f"{page}:{line}: WARNING: ")
        and message in w
        and w.endswith(f"[calcidocs.{subtype}]")
    ]
    assert len(hits) == 1, stderr


def _review_check(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m calcidocs.check`` in a copy of the site, as a reviewer runs it."""
    return subprocess.run(
        [sys.executable, "-m", "calcidocs.check", *args],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )


def test_review_sign_off_on_a_copy_of_the_real_docs(tmp_path: Path) -> None:
    """The check passes; an edited statement fails it, naming the claim; --accept signs
    it off and the check passes again; a changed source flags every claim citing it."""
    site = _copy_site(tmp_path)
    page = site / PAGE
    text = page.read_text(encoding="utf-8")
    line = _line_of(text, r"^:::\{claim\} ")
    statement = text.splitlines()[line - 1].removeprefix(":::{claim} ")
    claim_id = re.search(r"^:?id: (\S+)$", text, re.M).group(1)  # type: ignore[union-attr]
    page.write_text(
        text.replace(statement, statement.rstrip(".") + ", as the sources say.", 1), "utf-8"
    )

    failed = _review_check(site)
    assert failed.returncode == 1
    flagged = [w for w in failed.stderr.splitlines() if w.endswith("[calcidocs.review]")]
    assert len(flagged) == 1, failed.stderr
    assert flagged[0].startswith(f"{page}:{line}: WARNING: claim {claim_id}: statement changed")

    signed = _review_check(site, "--accept", "--reviewer", "Dr. Example Reviewer")
    assert signed.returncode == 0, signed.stderr
    assert f"claim {claim_id} (docs/{PAGE.relative_to('docs')}:{line})" in signed.stdout
    assert "    words: " in signed.stdout and ", as the sources say.+}" in signed.stdout
    lock = {
        record["id"]: record
        for record in map(json.loads, (site / "docs/claims.lock").read_text("utf-8").splitlines())
    }
    assert lock[claim_id]["by"] == "Dr. Example Reviewer"
    passed = _review_check(site, "--outdir", str(tmp_path / "html"))
    assert passed.returncode == 0, passed.stderr
    claims = json.loads((tmp_path / "html" / "claims.json").read_text(encoding="utf-8"))["claims"]
    assert {c["review"]["current"] for c in claims} == {True}

    key = "s003"
    manifest = site / "docs/sources/manifest.toml"
    pinned = re.search(rf'key = "{key}"\nfile = "([^"]+)"', manifest.read_text(encoding="utf-8"))
    source = site / "docs/sources" / pinned.group(1)  # type: ignore[union-attr]
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    source.write_bytes(source.read_bytes() + b"\n")
    after = hashlib.sha256(source.read_bytes()).hexdigest()
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(before, after), "utf-8")
    citing = {c["id"] for c in claims if any(x["source"] == key for x in c["citations"])}
    assert len(citing) > 10
    changed = _review_check(site)
    assert changed.returncode == 1
    warnings = [w for w in changed.stderr.splitlines() if " WARNING: " in w]
    assert all(w.endswith("[calcidocs.review]") for w in warnings), changed.stderr
    named = [re.search(r"WARNING: claim (\S+): source s003 changed", w) for w in warnings]
    assert {match.group(1) for match in named if match} == citing
    assert len(named) == len(citing)
