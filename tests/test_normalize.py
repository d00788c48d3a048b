"""Quote matching: exactly the normalisation the design names, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calcidocs.sources.library import normalize_all
from calcidocs.sources.manifest import SourceLibrary
from calcidocs.sources.normalize import (
    NORMALIZE_VERSION,
    Normalized,
    _normalize_slowly,
    normalize,
    normalized_text,
)
from calcidocs.sources.quotes import closest_passage, find_quote

SOURCE = normalize("The \u201cred\u201d form \u2014 seen   ONCE.\n\u2022 It grows.")


def test_case_white_space_quotes_dashes_and_bullets_are_folded() -> None:
    found = find_quote(SOURCE, 'the "red" FORM - seen once. \u2219 it grows')
    assert found is not None
    assert SOURCE.original[found.start : found.end] == (
        "The \u201cred\u201d form \u2014 seen   ONCE.\n\u2022 It grows"
    )


def test_anything_else_is_not_folded() -> None:
    assert find_quote(SOURCE, "The red form seen once") is None  # quotes dropped
    assert find_quote(SOURCE, "The \u201cred\u201d form \u2014 seen once!") is None
    assert find_quote(SOURCE, "") is None


def test_closest_passage_is_shown_in_the_sources_words() -> None:
    passage, score = closest_passage(SOURCE, "the red form, seen twice") or ("", 0)
    assert passage.startswith("The \u201cred\u201d form")
    assert 50 < score < 100


@given(
    st.text(
        alphabet=st.sampled_from(
            "ab C\t\n \u00a0\u2028\u2019\u201c\u2014\u2022\u00dfx\u03a3\u00e9\x1c\u3000\x85\u200b"
        )
    )
)
def test_the_fast_path_equals_the_character_by_character_one(text: str) -> None:
    fast, slow = normalize(text), _normalize_slowly(text)
    assert fast.text == slow.text
    assert list(fast.offsets) == list(slow.offsets)
    # the text alone (a quote to look for) is the same again
    assert normalized_text(text) == fast.text


def _library(folder: Path, text: str) -> SourceLibrary:
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "manifest.toml").write_text(
        '[[source]]\nkey = "a"\nfile = "a.txt"\ntitle = "A"\n', encoding="utf-8"
    )
    return SourceLibrary(folder, folder / "manifest.toml", 1_000_000)


def test_a_build_takes_the_texts_the_last_build_normalised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = (NORMALIZE_VERSION, normalize_all(_library(tmp_path, "The red  form."), None))
    calls: list[str] = []

    def counted(text: str) -> Normalized:
        calls.append(text)
        return normalize(text)

    monkeypatch.setattr("calcidocs.sources.manifest.normalize", counted)
    same = _library(tmp_path, "The red  form.")
    assert normalize_all(same, kept) == kept[1]
    assert calls == []  # taken as kept
    assert same.all_sources()[0].normalized.text == "the red form."
    changed = _library(tmp_path, "The blue form.")
    assert [n.text for n in normalize_all(changed, kept).values()] == ["the blue form."]
    assert calls == ["The blue form."]  # a new text is normalised
    assert normalize_all(_library(tmp_path, "The red  form."), (0, kept[1]))
    assert calls[-1] == "The red  form."  # another version's texts are not taken
