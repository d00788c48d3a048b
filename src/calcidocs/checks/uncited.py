"""Prose outside claims, sentence by sentence.

On content pages every sentence outside a claim carries its own citation (a
``{claim}`` or ``{source}`` reference in that sentence; a reference elsewhere in
the paragraph does not cover it), or stands in an editorial block or a "see
also" box. A sentence made only of references counts with the sentence before.

While reading, this module also keeps, as plain data in the domain, the
sentences that cite claims (the drift check holds each to the quotes of the
claims it cites) and the sentences of editorial blocks (which may make no
medical statement); see :mod:`calcidocs.checks.drift_checks`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from ..directives.editorial import EDITORIAL_CLASS
from ..domain import CalcidocsDomain
from ..problems import Check, Problem

CITING_ROLES = ("source", "claim")
EXEMPT_CLASSES = ("calcidocs-claim", EDITORIAL_CLASS, "calcidocs-generated")

# A sentence ends at ".", "!" or "?" (and any closing quote or bracket), before
# white space and a capital, a digit, an opening quote or bracket.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[A-Z0-9\"'\u201c\u2018(\[])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "dr.", "no.", "approx.", "ca.")
SHOWN_CHARS = 70
#: Words that only lead to references ("See {topic}`treatment`.").
NAVIGATION_WORDS = frozenset({"see", "also", "and", "or", "the", "page", "pages", "for", "more"})
_WORDS = re.compile(r"\w+")


def is_content_page(docname: str, patterns: list[str]) -> bool:
    return any(fnmatch(docname, pattern) for pattern in patterns)


def _exempt(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.seealso | nodes.system_message):
            return True  # a "see also" box, or a parser's own error message
        if isinstance(parent, nodes.Element) and any(
            cls in parent.get("classes", []) for cls in EXEMPT_CLASSES
        ):
            return True
        parent = parent.parent
    return False


def _in_editorial(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and EDITORIAL_CLASS in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


@dataclass
class Sentence:
    """One sentence of a paragraph: its text and the references in it."""

    text: str = ""  # what a reader reads, but the text of claim and source references
    bare: str = ""  # the text without any reference (for editorial notes)
    offset: int = 0  # line breaks before it in the paragraph
    claims: list[str] = field(default_factory=list)  # ids it cites
    sources: list[str] = field(default_factory=list)  # keys it cites
    references: int = 0

    @property
    def cites(self) -> bool:
        return bool(self.claims or self.sources)

    @property
    def has_words(self) -> bool:
        """Whether it has words of its own, beyond references and "see also"."""
        return any(word.casefold() not in NAVIGATION_WORDS for word in _WORDS.findall(self.bare))


def _pieces(node: nodes.Node) -> list[tuple[str, addnodes.pending_xref | None]]:
    """The text of ``node`` in reading order: (text, None) or ("", reference)."""
    pieces: list[tuple[str, addnodes.pending_xref | None]] = []
    for child in node.children:
        if isinstance(child, addnodes.pending_xref):
            pieces.append(("", child))
        elif isinstance(child, nodes.Text):
            pieces.append((str(child), None))
        elif isinstance(child, nodes.Element) and not isinstance(child, nodes.system_message):
            pieces.extend(_pieces(child))
    return pieces


def _ends(text: str) -> list[int]:
    """Where each sentence of ``text`` ends (after its punctuation)."""
    ends = []
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start() + 1].rsplit(None, 1)[-1].casefold()
        if before.endswith(_ABBREVIATIONS) or re.fullmatch(r"\(?[a-z]\.", before):
            continue
        ends.append(match.start() + 1)
    return ends


def sentences(paragraph: nodes.Element) -> list[Sentence]:
    """The sentences of ``paragraph`` with the references each holds.

    A reference right after a sentence's full stop belongs to that sentence; a
    sentence of references only is merged into the one before.
    """
    plain = ""
    references: list[tuple[int, addnodes.pending_xref]] = []
    for text, xref in _pieces(paragraph):
        if xref is None:
            plain += text
        else:
            references.append((len(plain), xref))
    bounds = [0, *_ends(plain), len(plain)]
    result: list[Sentence] = []
    for low, high in itertools.pairwise(bounds):
        bare = plain[low:high]
        starts_at = low + len(bare) - len(bare.lstrip())
        result.append(Sentence(bare=bare, offset=plain[:starts_at].count("\n")))
    inserted = [0] * len(result)  # characters of references added to each text
    for sentence in result:
        sentence.text = sentence.bare
    for at, xref in references:
        # the sentence it stands in; at a boundary, the sentence it ends
        index = next(i for i in range(len(result)) if at <= bounds[i + 1])
        sentence = result[index]
        sentence.references += 1
        reftype, target = xref.get("reftype"), xref.get("reftarget", "")
        if xref.get("refdomain") == "calcidocs" and reftype in CITING_ROLES:
            (sentence.claims if reftype == "claim" else sentence.sources).append(target)
            continue
        shown = xref.astext()
        cut = at - bounds[index] + inserted[index]
        sentence.text = sentence.text[:cut] + shown + sentence.text[cut:]
        inserted[index] += len(shown)
    merged: list[Sentence] = []
    for sentence in result:
        if merged and not sentence.has_words:
            merged[-1].claims += sentence.claims
            merged[-1].sources += sentence.sources
            merged[-1].references += sentence.references
        else:
            merged.append(sentence)
    return merged


def _line(node: nodes.Element) -> int:
    return node.line or (node.parent.line if node.parent else None) or 0


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "\u2026"


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Record uncited sentences, sentences that cite claims, and editorial sentences."""
    env = app.env
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    content = is_content_page(env.docname, list(app.config.calcidocs_content_pages))
    for element in doctree.findall(nodes.Element):
        if not isinstance(element, nodes.paragraph | nodes.title):
            continue
        editorial = _in_editorial(element)
        if not editorial and (isinstance(element, nodes.title) or _exempt(element)):
            continue
        line = _line(element)
        for sentence in sentences(element):
            if not sentence.has_words and not sentence.cites:
                continue
            at = line + sentence.offset
            if editorial:
                domain.add_editorial_sentence(env.docname, at, " ".join(sentence.bare.split()))
                continue
            if content and sentence.claims:
                domain.add_cited_sentence(
                    env.docname, at, " ".join(sentence.text.split()), sentence.claims
                )
            if content and not sentence.cites and sentence.has_words:
                domain.add_problem(
                    Problem(
                        env.docname,
                        at,
                        Check.UNCITED.value,
                        f"sentence cites no source: {_shown(sentence.text)!r} (give it its "
                        "own {claim} or {source} reference, make it a claim, or put it in "
                        "an {editorial} block)",
                    )
                )
