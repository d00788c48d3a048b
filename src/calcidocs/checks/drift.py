"""Drift: what a text says that its quotes do not.

A claim's statement, label and body (and a sentence that cites a claim) may
not be stronger or broader than the quotes they rest on. Four kinds of
difference are found, each named by a *token* that a reviewer can accept on
the claim with ``:drift-ok:``:

- ``term``: a medical term of the lexicon named in the text but in no quote
  (synonyms and plurals count as the same term); token: the term's name;
- ``number``: a number, percentage or unit that no quote holds; token: as written;
- ``certainty``: the quotes hedge ("may", "can", "in some cases") and the text
  does not (token: the quotes' hedge), or the text says "always", "never",
  "only", ... where no quote does (token: that word);
- ``cause``: the text says that something causes, prevents or helps, where no
  quote does (token: the word as written).

Pure functions over plain text: this module imports nothing of Sphinx.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

KINDS = ("term", "number", "certainty", "cause")

_WORD = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*%?|%")

# Words about the sources themselves ("one source says", "both sources"): not
# statements about the disease, so their numbers and absolutes do not count.
_ATTRIBUTION = re.compile(
    r"\b(?:only\s+|just\s+)?(?:one|two|three|four|five|both|all|each|every|no|"
    r"another|other|several|some|neither|either|the|a|this|that|its|their)"
    r"\s+(?:(?:other|of|the|its|these|public|main|different|online|web|same|first|"
    r"second|third|fourth|fifth|last|latter|former|further|more|separate|cited)\s+){0,2}"
    r"(?:sources?|quotes?|marks?|statements?|claims?|pages?|sides?)\b"
    r"|\bs00\d\b"
)

_NUMBER_WORDS = {
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "half": "1/2",
    "quarter": "1/4",
    "third": "1/3",
    "twice": "x2",
    "double": "x2",
    "dozen": "12",
    "percent": "%",
    "%": "%",
}
_UNITS = frozenset({"mg", "mcg", "g", "kg", "ml", "dl", "mmol", "mol", "mm", "cm", "iu", "units"})

#: Words and phrases that hedge, by what they hedge. A text that drops every
#: hedge of one kind that its quotes use overstates them: "many cases resolve"
#: for "many cases ... may resolve" keeps how many but drops the "may".
HEDGES: dict[str, tuple[str, ...]] = {
    "possibility": (
        *("may", "might", "can", "could", "possible", "possibly", "perhaps"),
        *("likely", "unlikely", "probably", "potentially", "potential", "risk"),
        *("not always",),
    ),
    "belief": (
        *("believed", "thought", "suggest", "suggests", "suggested"),
        *("appear to", "appears to", "seem to", "seems to"),
    ),
    "frequency": (
        *("often", "usually", "commonly", "frequently", "generally", "typically"),
        *("mostly", "mainly", "rarely", "occasionally", "sometimes", "tends", "tend"),
        *("variably",),
    ),
    "extent": (
        *("some", "in some cases", "in many", "many cases", "many people", "many patients"),
        *("in most", "most cases", "most people", "most patients"),
    ),
}

#: Words that make a short text (a label) state something rather than name it.
STATING_WORDS = (
    *("is", "are", "was", "were", "be", "been", "can", "could", "may", "might", "will"),
    *("would", "should", "must", "do", "does", "did", "has", "have", "had", "not"),
    *("resolve", "clear", "cause", "lead", "help", "form", "develop", "occur", "appear"),
    *("affect", "need", "require", "heal", "disappear", "spread", "grow", "stay", "remain"),
    *("show", "hurt", "go", "come", "prevent", "improve", "follow", "arise", "happen"),
    *("last", "start", "begin", "become", "turn", "feel", "look", "get", "make", "give"),
)

#: Absolute words: a text may use one only where a quote does.
ABSOLUTES = (
    "always",
    "never",
    "only",
    "all",
    "every",
    "none",
    "nobody",
    "no one",
    "entirely",
    "completely",
    "fully",
    "certainly",
    "definitely",
    "must",
    "invariably",
    "cannot",
    "sole",
    "solely",
    "whole",
    "complete",
    "total",
    "totally",
)

#: Phrases in which an absolute word says nothing absolute.
_NOT_ABSOLUTE = re.compile(r"\b(?:above all|at all|first of all|all in all|after all)\b")

#: Causation and benefit: family -> words. A text word of a family needs a
#: quote word of the same family.
CAUSES: dict[str, tuple[str, ...]] = {
    "cause": (
        "because",
        "cause",
        "causes",
        "caused",
        "causing",
        "lead to",
        "leads to",
        "led to",
        "leading to",
        "result in",
        "results in",
        "resulting in",
        "result of",
        "resulted in",
        "due to",
        "owing to",
        "secondary to",
        "trigger",
        "triggers",
        "triggered",
        "induce",
        "induces",
        "induced",
        "responsible for",
        "lies behind",
        "lie behind",
        "produce",
        "produces",
        "produced",
        "brings on",
        "reason",
        "consequence",
        "etiology",
        "aetiology",
        "so that",
        "therefore",
    ),
    "benefit": (
        "help",
        "helps",
        "helped",
        "helping",
        "helpful",
        "prevent",
        "prevents",
        "prevented",
        "preventing",
        "benefit",
        "benefits",
        "beneficial",
        "improve",
        "improves",
        "improved",
        "improving",
        "relieve",
        "relieves",
        "relief",
        "alleviate",
        "alleviates",
        "alleviating",
        "reduce",
        "reduces",
        "reducing",
        "cure",
        "cures",
        "cured",
        "heal",
        "heals",
        "effective",
        "soften",
        "softens",
        "strengthen",
        "strengthens",
        "remove",
        "removes",
        "dissolve",
        "dissolves",
    ),
}


def words(text: str) -> list[str]:
    """The words of ``text``: lower case, split at anything but letters and digits."""
    return _WORD.findall(text.casefold().replace("\u2019", "'"))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A word without its plural ending (``lumps`` -> ``lump``, ``bodies`` -> ``body``)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


@dataclass(frozen=True)
class Term:
    """A medical term of the lexicon: its name, kind and the forms that name it."""

    name: str
    kind: str
    forms: tuple[str, ...]
    subject: bool = False
    implies: tuple[str, ...] = ()  # terms that a quote naming this one names too


@dataclass
class Lexicon:
    """The medical terms the drift check knows, ready for lookup."""

    terms: dict[str, Term] = field(default_factory=dict)
    # first stem of a form -> [(stems of the form, term name)], longest first
    _phrases: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)

    def add(self, term: Term) -> None:
        self.terms[term.name] = term
        for form in (term.name.replace("-", " "), *term.forms):
            stems = tuple(_stems(form))
            if not stems:
                continue
            entries = self._phrases.setdefault(stems[0], [])
            entries.append((stems, term.name))
            entries.sort(key=lambda entry: -len(entry[0]))

    def find(self, text: str) -> dict[str, str]:
        """The terms that a text names, read strictly: term name -> the words that
        named it first. A longer form wins over the shorter forms inside it
        ("calcinosis cutis" names the subject, not the skin)."""
        stems = _stems(text)
        found: dict[str, str] = {}
        position = 0
        while position < len(stems):
            for phrase, name in self._phrases.get(stems[position], ()):
                if tuple(stems[position : position + len(phrase)]) == phrase:
                    found.setdefault(name, " ".join(stems[position : position + len(phrase)]))
                    position += len(phrase)
                    break
            else:
                position += 1
        return found

    def find_generously(self, text: str) -> set[str]:
        """The terms that a quote names, read generously: every form at every
        position, and the terms each of them implies."""
        stems = _stems(text)
        found: set[str] = set()
        for position, first in enumerate(stems):
            for phrase, name in self._phrases.get(first, ()):
                if tuple(stems[position : position + len(phrase)]) == phrase:
                    found.add(name)
        for name in list(found):
            found.update(i for i in self.terms[name].implies if i in self.terms)
        return found

    def names(self, token: str) -> str | None:
        """The term that ``token`` (a term name or one of its forms) stands for."""
        if token in self.terms:
            return token
        found = self.find(token)
        return next(iter(found)) if len(found) == 1 else None


def parse_lexicon(text: str) -> tuple[Lexicon, list[str]]:
    """A lexicon from its TOML text, and the problems found in it."""
    lexicon = Lexicon()
    problems: list[str] = []
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return lexicon, [f"the lexicon is not valid TOML: {error}"]
    terms = data.get("term", {})
    if not isinstance(terms, dict):
        return lexicon, ["the lexicon has no [term.NAME] tables"]
    for name, entry in terms.items():
        if not isinstance(entry, dict):
            problems.append(f"lexicon term {name!r} is not a table")
            continue
        forms = entry.get("forms", [])
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            problems.append(f"lexicon term {name!r}: forms must be a list of strings")
            continue
        kind = entry.get("kind", "")
        implies = entry.get("implies", [])
        if not isinstance(implies, list):
            problems.append(f"lexicon term {name!r}: implies must be a list of term names")
            implies = []
        lexicon.add(
            Term(
                str(name),
                str(kind),
                tuple(forms),
                subject=bool(entry.get("subject", False)),
                implies=tuple(str(i) for i in implies),
            )
        )
    return lexicon, problems


@dataclass(frozen=True)
class Drift:
    """One thing a text says that its quotes do not."""

    kind: str  # one of KINDS
    token: str  # what ``:drift-ok:`` names to accept it
    message: str


def _without_attribution(text: str) -> str:
    return _ATTRIBUTION.sub(" ", text.casefold())


@lru_cache(maxsize=64)
def _padded(phrases: tuple[str, ...]) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """The first words of the phrases, and each phrase with the phrase between spaces
    (as it is looked for)."""
    firsts = frozenset(phrase.split()[0] for phrase in phrases if phrase.split())
    return firsts, tuple((phrase, f" {phrase} ") for phrase in phrases)


def _phrases_in(text_words: list[str], phrases: tuple[str, ...]) -> list[str]:
    """The phrases of ``phrases`` that occur in ``text_words``, in the order of ``phrases``."""
    firsts, padded = _padded(phrases)
    if firsts.isdisjoint(text_words):  # most texts hold none: no phrase can occur
        return []
    joined = " " + " ".join(text_words) + " "
    return [phrase for phrase, spaced in padded if spaced in joined]


@lru_cache(maxsize=50_000)
def root(word: str) -> str:
    """A word without its verb or plural ending (``removed``, ``removes`` -> ``remov``)."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


@lru_cache(maxsize=64)
def _root_index(phrases: tuple[str, ...]) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """The phrases by the root of their first word: (place in ``phrases``, roots)."""
    index: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for number, phrase in enumerate(phrases):
        wanted = tuple(root(w) for w in phrase.split())
        index.setdefault(wanted[0], []).append((number, wanted))
    return index


def _roots_in(
    text_words: list[str], phrases: tuple[str, ...], roots: list[str] | None = None
) -> list[str]:
    """The phrases that occur in ``text_words`` in any inflection, as written in the
    text (the first time each occurs), in the order of ``phrases``. ``roots``: the
    roots of ``text_words``, when already taken."""
    if roots is None:
        roots = [root(w) for w in text_words]
    index = _root_index(phrases)
    if index.keys().isdisjoint(roots):  # no phrase can start anywhere
        return []
    found: dict[int, str] = {}
    for start, first in enumerate(roots):
        for number, wanted in index.get(first, ()):
            if number not in found and tuple(roots[start : start + len(wanted)]) == wanted:
                found[number] = " ".join(text_words[start : start + len(wanted)])
    written: list[str] = []
    for number in sorted(found):
        if found[number] not in written:
            written.append(found[number])
    return written


def _numbers(text_words: list[str]) -> dict[str, str]:
    """Numbers and units of a text: value -> the word as written."""
    found: dict[str, str] = {}
    for word in text_words:
        if word[0].isdigit() or word == "%":
            value = word.replace(",", "")
            if value.endswith("%"):
                found.setdefault("%", "%")
                value = value[:-1]
            if value:
                found.setdefault(value, word)
        elif word in _NUMBER_WORDS:
            found.setdefault(_NUMBER_WORDS[word], word)
        elif word in _UNITS:
            found.setdefault(word, word)
    return found


_PART_END = re.compile(r"(?<=[.;:!?])\s+|\s+[-\u2013\u2014\u2022]\s+")
_FUNCTION_WORDS = frozenset(
    {
        *("the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "by"),
        *("with", "from", "as", "is", "are", "be", "been", "was", "were", "it", "its"),
        *("this", "that", "these", "those", "which", "who", "can", "may", "such"),
        *("other", "also", "not"),
    }
)


def _parts(quote: str) -> list[list[str]]:
    """The words of each sentence or list item of a quote."""
    return [words(_without_attribution(part)) for part in _PART_END.split(quote)]


def _content(part_words: list[str]) -> set[str]:
    return {stem(w) for w in part_words if len(w) > 2 and w not in _FUNCTION_WORDS}


def _echoes(text_content: set[str], part: list[str]) -> bool:
    """Whether a text (its :func:`_content`) says again what a part of a quote says:
    they share at least two content words, and a third of the part's."""
    content = _content(part)
    shared = len(content & text_content)
    return bool(content) and shared >= min(2, len(content)) and shared * 3 >= len(content)


def find_drift(
    text: str,
    quotes: list[str],
    lexicon: Lexicon,
    filed_under: Iterable[str] = (),
    *,
    label: bool = False,
    restates: bool = True,
) -> list[Drift]:
    """What ``text`` says that none of ``quotes`` says, in a fixed order.

    ``filed_under`` names the subtypes the claim is filed under: naming one of
    them is what the filing says, which the reviewer checks on the meta line.
    A ``label`` that only names things ("Hands, feet") is not held to the
    quotes' hedges; one that states something ("Resolves on its own") is.
    A text that ``restates`` its quotes (a claim's statement) keeps the hedges
    of a one-sentence quote whatever its words; other texts (a label, a body, a
    sentence citing a claim) keep those of the quote sentences they say again.
    """
    if not quotes:
        return []
    plain = _without_attribution(text)
    text_words = words(plain)
    quote_words = [words(_without_attribution(quote)) for quote in quotes]
    every_quote_word = [w for qw in quote_words for w in qw]
    drifts: list[Drift] = []

    quoted_terms: set[str] = set()
    for quote in quotes:
        quoted_terms.update(lexicon.find_generously(quote))
    for name, written in lexicon.find(plain).items():
        term = lexicon.terms[name]
        if term.subject or name in quoted_terms or name in filed_under:
            continue
        kind = f" ({term.kind})" if term.kind else ""
        drifts.append(
            Drift("term", name, f"names {written!r}{kind}, which none of its quotes names")
        )

    quoted_numbers = _numbers(every_quote_word)
    for value, written in _numbers(text_words).items():
        if value not in quoted_numbers:
            drifts.append(
                Drift("number", written, f"gives {written!r}, which none of its quotes gives")
            )

    # A quote of one sentence is what the text rests on; of a longer quote,
    # only the sentences that the text says again.
    parts = [part for quote in quotes for part in _parts(quote) if part]
    if restates and len(parts) == 1:
        echoed = parts
    else:
        text_content = _content(text_words)
        echoed = [part for part in parts if _echoes(text_content, part)]
    text_roots = [root(w) for w in text_words]
    if not label or _roots_in(text_words, STATING_WORDS, text_roots):
        for group in HEDGES.values():
            quote_hedges = [h for part in echoed for h in _phrases_in(part, group)]
            if quote_hedges and not _phrases_in(text_words, group):
                hedge = max(quote_hedges, key=len)  # "in some cases" over "some"
                drifts.append(
                    Drift(
                        "certainty",
                        hedge,
                        f"drops the quotes' hedge {hedge!r}: say as they do that it is not certain",
                    )
                )
    if not _phrases_in(every_quote_word, ABSOLUTES):
        absolute_words = words(_NOT_ABSOLUTE.sub(" ", plain))
        for absolute in _phrases_in(absolute_words, ABSOLUTES):
            drifts.append(
                Drift("certainty", absolute, f"says {absolute!r}, which none of its quotes says")
            )

    quote_roots = [root(w) for w in every_quote_word]
    for family, family_words in CAUSES.items():
        if _roots_in(every_quote_word, family_words, quote_roots):
            continue
        for written in _roots_in(text_words, family_words, text_roots):
            what = "a cause" if family == "cause" else "a benefit"
            drifts.append(
                Drift(
                    "cause",
                    written,
                    f"states {what} with {written!r} where its quotes state none",
                )
            )
    return drifts


def medical_terms(text: str, lexicon: Lexicon) -> dict[str, str]:
    """The non-subject terms that ``text`` names (for editorial notes)."""
    return {
        name: written
        for name, written in lexicon.find(_without_attribution(text)).items()
        if not lexicon.terms[name].subject
    }


def medical_numbers(text: str) -> dict[str, str]:
    """The numbers and units of ``text``, words about the sources set aside."""
    return _numbers(words(_without_attribution(text)))


def parse_accepted(value: str) -> dict[str, str]:
    """``:drift-ok:`` entries: ``TOKEN`` or ``TOKEN: reason``, separated by ``;``.

    Returns token (lower case) -> reason (may be empty), in the order written.
    """
    accepted: dict[str, str] = {}
    for entry in value.split(";"):
        token, _, reason = entry.partition(":")
        token = " ".join(token.split()).casefold()
        if token:
            accepted[token] = " ".join(reason.split())
    return accepted


def is_accepted(drift: Drift, accepted: dict[str, str], lexicon: Lexicon) -> str | None:
    """The accepted token that covers ``drift``, or None."""
    token = drift.token.casefold()
    for candidate in accepted:
        if candidate == token:
            return candidate
        if drift.kind == "term" and lexicon.names(candidate) == drift.token:
            return candidate
    return None
