"""Readability: the Flesch-Kincaid grade of claim statements and content pages.

Grade = 0.39 x (words per sentence) + 11.8 x (syllables per word) - 15.59.
Syllables are counted with pyphen's hyphenation dictionary (``en_US``), which
ships with the package: one more than the hyphenation points of each word, as
textstat counted them before it moved to a dictionary downloaded at run time.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain
from ..model import ReadabilityCounts
from ..writers.line_memo import read_pickled, replace_pickled

if TYPE_CHECKING:
    import pyphen

#: The file, next to the saved environment, that keeps the parsed dictionary.
DICTIONARY_FILE = "calcidocs-hyphenation.pickle"

_WORD = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


#: the version of pyphen, whose dictionary counts the syllables
_PYPHEN = importlib.metadata.version("pyphen")


#: The version of the parsed dictionary kept next to the saved environment.
_KEPT_VERSION = 1


@lru_cache(maxsize=1)
def _dictionary(kept: str = "") -> pyphen.Pyphen:
    """pyphen's ``en_US`` dictionary. Parsing it takes a tenth of a second, so it is
    loaded only when a word is new, and, with ``kept`` (a file next to the saved
    environment), its parsed patterns are kept there for the next build."""
    import pyphen

    path = pyphen.LANGUAGES["en_US"]
    if kept and path not in pyphen.hdcache:
        pyphen.hdcache[path] = _kept_patterns(pyphen, path, Path(kept))
    return pyphen.Pyphen(lang="en_US")


def _kept_patterns(pyphen: Any, path: Path, kept: Path) -> Any:
    """pyphen's parsed dictionary at ``path``: as kept in ``kept`` when that was made
    from the same file by the same version, else parsed anew and kept there."""
    stat = os.stat(path)
    made_from = (_KEPT_VERSION, _PYPHEN, str(path), stat.st_size, stat.st_mtime_ns)
    with contextlib.suppress(Exception):  # unreadable or of another version: parsed anew
        found = read_pickled(kept)
        if found[0] == made_from:
            parsed = pyphen.HyphDict.__new__(pyphen.HyphDict)
            parsed.patterns, parsed.maxlen, parsed.cache = found[1], found[2], {}
            return parsed
    parsed = pyphen.HyphDict(path)
    replace_pickled(kept, (made_from, parsed.patterns, parsed.maxlen))
    return parsed


def let_go(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages are read, so the parsed dictionary (2 MB), which only
    reading them needed, is let go of; it is loaded again from where it is kept
    if a word must be counted later."""
    if _dictionary.cache_info().currsize:
        import pyphen

        pyphen.hdcache.pop(pyphen.LANGUAGES["en_US"], None)
        _dictionary.cache_clear()
    return []


def _counted(word: str, kept: str = "") -> int:
    if word[0].isdigit():
        return max(1, len(word.replace(".", "").replace(",", "")) // 2)
    dictionary = _dictionary(kept)
    found = max(1, len(dictionary.positions(word.lower())) + 1)
    dictionary.hd.cache.clear()  # pyphen's own memo of each word: the counts are kept instead
    return found


#: the counts of words counted without a table of known counts
_count = lru_cache(maxsize=20_000)(_counted)


def syllables(word: str, known: dict[str, int] | None = None, kept: str = "") -> int:
    """The syllables of ``word`` (at least one), taken from ``known`` when there,
    and kept there when counted (``kept``: see :func:`_dictionary`)."""
    if known is None:
        return _count(word)
    found = known.get(word)
    if found is None:
        found = known[word] = _counted(word, kept)
    return found


@dataclass(frozen=True)
class Counts:
    """Words, sentences and syllables of a text, which add up over texts."""

    words: int = 0
    sentences: int = 0
    syllables: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.syllables + other.syllables,
        )

    @property
    def grade(self) -> float:
        """The Flesch-Kincaid grade (0 for a text with no words)."""
        if not self.words:
            return 0.0
        sentences = max(self.sentences, 1)
        return 0.39 * self.words / sentences + 11.8 * self.syllables / self.words - 15.59


def counts(text: str, known: dict[str, int] | None = None, kept: str = "") -> Counts:
    """The counts of ``text``; a text that does not end a sentence still counts as one.
    ``known`` holds syllable counts (see :func:`syllables`)."""
    found = _WORD.findall(text)
    if not found:
        return Counts()
    ends = len(_SENTENCE_END.findall(text.strip()))
    if not _SENTENCE_END.search(text.strip()[-1:] + " "):
        ends += 1
    return Counts(len(found), max(ends, 1), sum(syllables(w, known, kept) for w in found))


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text``."""
    return counts(text).grade


# -- in the build --------------------------------------------------------------

#: Classes of inline text that readers do not read as prose (citation marks,
#: the meta line of terms and status).
NOT_PROSE = ("calcidocs-cite", "calcidocs-meta")


def _prose(node: nodes.Node) -> str:
    if isinstance(node, nodes.Text):
        return str(node)
    if isinstance(node, nodes.Element):
        if any(cls in node.get("classes", []) for cls in NOT_PROSE):
            return ""
        return "".join(_prose(child) for child in node.children)
    return ""


def page_counts(
    doctree: nodes.document, known: dict[str, int] | None = None, kept: str = ""
) -> Counts:
    """The counts of the prose of a page: every paragraph, marks and meta lines left out."""
    total = Counts()
    for paragraph in doctree.findall(nodes.paragraph):
        if any(cls in paragraph.get("classes", []) for cls in NOT_PROSE):
            continue
        total += counts(" ".join(_prose(paragraph).split()), known, kept)
    return total


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: keep the counts of a content page's prose in the domain."""
    from .uncited import is_content_page

    env = app.env
    if not is_content_page(env.docname, list(app.config.calcidocs_content_pages)):
        return
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    known = domain.known_syllables(f"pyphen {_PYPHEN}")
    found = page_counts(doctree, known, str(Path(env.doctreedir) / DICTIONARY_FILE))
    domain.set_readability(
        env.docname, ReadabilityCounts(found.words, found.sentences, found.syllables)
    )


def page_grades(env: BuildEnvironment) -> list[tuple[str, Counts]]:
    """Each content page with the counts of its prose, by docname."""
    stored = env.domains["calcidocs"].data["readability"]
    return [(docname, Counts(*stored[docname])) for docname in sorted(stored)]


def statement_grades(env: BuildEnvironment) -> list[float]:
    """The grade of each claim's statement."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    return [grade(claim["text"]) for claim in domain.index.all_claims]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
