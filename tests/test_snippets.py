"""The authoring guide's examples are test cases: each builds as the guide says.

Every file of ``docs/snippets/`` is built on a subtype page of a small project
with the site's own ``conf.py`` and sources. A ``warning-SUBTYPE.md`` snippet
(or ``warning-SUBTYPE-CASE.md``) must give exactly one ``calcidocs.SUBTYPE``
warning; every other snippet none. The project has no review lock: the review
check is on only for the ``review`` snippet, whose claim is then one not yet
reviewed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, build

SNIPPETS = sorted((REPO / "docs" / "snippets").glob("*.md"))


def _project(tmp_path: Path, snippet: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "docs" / "sources", root / "sources")
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copy(REPO / "docs" / "lexicon.toml", root / "lexicon.toml")
    (root / "subtypes").mkdir()
    (root / "subtypes" / "snippet.md").write_text(
        "# Snippet\n\n" + snippet.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (root / "vocabulary.md").write_text("# Vocabulary\n\n```{vocabulary}\n```\n", "utf-8")
    (root / "index.md").write_text(
        "# Snippets\n\n```{toctree}\nsubtypes/snippet\nsources/index\nvocabulary\n```\n",
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.stem for s in SNIPPETS])
def test_snippet_builds_as_documented(tmp_path: Path, snippet: Path) -> None:
    review = snippet.stem == "warning-review"
    result = build(
        _project(tmp_path, snippet),
        confoverrides=None if review else {"calcidocs_review_lock": None},
    )
    warnings = result.warning_list()
    if snippet.stem.startswith("warning-"):
        # warning-SUBTYPE.md, or warning-SUBTYPE-CASE.md for another case of it
        subtype = snippet.stem.removeprefix("warning-").split("-")[0]
        assert [w["type"] for w in warnings] == [f"calcidocs.{subtype}"], result.warnings
        assert warnings[0]["file"] == ["subtypes", "snippet.md"]
    else:
        assert result.warnings == ""
        claims = result.claims_json()["claims"]
        assert all(c["status"] == "verified" for c in claims)


def test_every_warning_subtype_has_a_snippet() -> None:
    from calcidocs.problems import Check

    names = {s.stem for s in SNIPPETS}
    assert {f"warning-{check.value}" for check in Check} <= names
