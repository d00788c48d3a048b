"""The drift checks, run on the stored data after every document is read.

- every claim's statement, label and body against its verified quotes;
- every sentence of a content page that cites claims against their quotes;
- every sentence of an editorial block: it may make no medical statement (name
  no medical term of the lexicon, give no number, outside its references);
- every ``:drift-ok:`` entry must accept a difference that is found.

A claim's ``:drift-ok:`` entries also cover the sentences that cite it.

A claim's own drift depends only on the claim and the lexicon: it is kept with
its page's results (:mod:`calcidocs.checks.page_results`), so an incremental
build checks again only the claims that changed (or all of them, when the
lexicon changed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain
from ..model import Claim
from ..problems import Check, Problem
from .drift import Lexicon, find_drift, is_accepted, medical_numbers, medical_terms
from .lexicon import lexicon


def _quotes(claim: Claim) -> list[str]:
    return [c["quote"] for c in claim["citations"] if c["verified"] and c["quote"]]


def _problem(docname: str, line: int, message: str) -> Problem:
    return Problem(docname, line, Check.DRIFT.value, message)


def _hint(token: str) -> str:
    return f"reword it to say no more than the quotes, or accept it with ':drift-ok: {token}'"


def claim_drift(claim: Claim, lex: Lexicon, used: set[tuple[str, str]]) -> list[Problem]:
    """The differences between a claim's words and its quotes that no entry accepts."""
    quotes = _quotes(claim)
    if not quotes or claim["status"] != "verified":
        return []  # a missing or wrong quote is the quote check's to report
    problems: list[Problem] = []
    parts = (
        ("statement", claim["text"], claim["line"]),
        ("label", claim.get("label", ""), claim.get("label_line", claim["line"])),
        ("body", claim.get("body", ""), claim.get("body_line", claim["line"])),
    )
    accepted = claim.get("drift_ok", {})
    for part, text, line in parts:
        if not text:
            continue
        drifts = find_drift(
            text,
            quotes,
            lex,
            claim["subtypes"],
            label=part == "label",
            restates=part == "statement",
        )
        for drift in drifts:
            token = is_accepted(drift, accepted, lex)
            if token is not None:
                used.add((claim["id"], token))
                continue
            problems.append(
                _problem(
                    claim["docname"],
                    line,
                    f"claim {claim['id']}: the {part} {drift.message}; {_hint(drift.token)}",
                )
            )
    return problems


def sentence_drift(
    domain: CalcidocsDomain, lex: Lexicon, used: set[tuple[str, str]]
) -> list[Problem]:
    """Sentences that cite claims, each held to the quotes of the claims it cites."""
    problems: list[Problem] = []
    for docname, line, text, claim_ids in domain.cited_sentences():
        claims = [domain.index.claims[i] for i in claim_ids if i in domain.index.claims]
        if not claims or any(c["status"] != "verified" for c in claims):
            continue
        quotes = [q for claim in claims for q in _quotes(claim)]
        filed_under = {subtype for claim in claims for subtype in claim["subtypes"]}
        for drift in find_drift(text, quotes, lex, filed_under, restates=False):
            accepted_by = [
                (claim["id"], token)
                for claim in claims
                if (token := is_accepted(drift, claim.get("drift_ok", {}), lex)) is not None
            ]
            if accepted_by:
                used.update(accepted_by)
                continue
            cited = ", ".join(claim_ids)
            problems.append(
                _problem(
                    docname,
                    line,
                    f"a sentence citing {cited} {drift.message}; reword it to say no more "
                    "than the quotes of the claims it cites",
                )
            )
    return problems


def editorial_drift(
    domain: CalcidocsDomain, lex: Lexicon, subtypes: Iterable[str] = ()
) -> list[Problem]:
    """Editorial sentences that make a medical statement: they name a medical term
    (but a subtype of the vocabulary, which names how the site is organised) or
    give a number."""
    problems: list[Problem] = []
    vocabulary = set(subtypes)
    for docname, line, text in domain.editorial_sentences():
        terms = {k: v for k, v in medical_terms(text, lex).items() if k not in vocabulary}
        named = [*terms.values(), *medical_numbers(text).values()]
        if named:
            shown = ", ".join(repr(n) for n in named)
            problems.append(
                _problem(
                    docname,
                    line,
                    f"an editorial note makes a medical statement (it names {shown}): "
                    "make it a claim that cites its source, cite a claim, or keep the note "
                    "to what the site does",
                )
            )
    return problems


def lexicon_key(lex: Lexicon) -> str:
    """A digest of the lexicon's terms, in their order (all its lookups derive from them)."""
    return hashlib.sha256(repr(tuple(lex.terms.values())).encode()).hexdigest()


def drift_problems(
    env: BuildEnvironment,
    claims: list[Problem],
    used: set[tuple[str, str]],
    accepting: list[Claim],
) -> list[Problem]:
    """Every drift problem of the project: ``claims``, the drift of the claims' own words
    (with the ``:drift-ok:`` entries it ``used``, see
    :mod:`calcidocs.checks.page_results`), then the sentences', and the entries of the
    ``accepting`` claims that accept nothing."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    lex, _ = lexicon(env)
    used = set(used)
    problems = list(claims)
    problems += sentence_drift(domain, lex, used)
    problems += editorial_drift(domain, lex, env.config.calcidocs_subtypes)
    for claim in accepting:
        for token in claim.get("drift_ok", {}):
            if (claim["id"], token) not in used:
                problems.append(
                    _problem(
                        claim["docname"],
                        claim.get("drift_ok_line", claim["line"]),
                        f"claim {claim['id']}: ':drift-ok: {token}' accepts no difference "
                        "that the check finds; remove it",
                    )
                )
    return problems
