"""Quote matching: exactly the normalisation the design names, and nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calcidocs.sources.normalize import _normalize_slowly, normalize
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
        alphabet=st.sampled_from("ab C\t\n \u00a0\u2028\u2019\u201c\u2014\u2022\u00dfx\u03a3\u00e9")
    )
)
def test_the_fast_path_equals_the_character_by_character_one(text: str) -> None:
    fast, slow = normalize(text), _normalize_slowly(text)
    assert fast.text == slow.text
    assert list(fast.offsets) == list(slow.offsets)
