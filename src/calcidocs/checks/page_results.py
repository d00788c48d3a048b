"""What the checks find for each page's claims, kept with the page between builds.

A claim's drift depends only on the claim and the lexicon; its review, on the
claim, the review lock and the sources it cites. Each page's results
(:class:`calcidocs.model.PageResults`) are kept in the domain data with what
they were found with. They are found when the page is read (in a parallel
read, by the worker that reads it), and again only when the lexicon, the lock
or one of the page's sources changed. A build that reads one page of
thousands checks that page's claims, and takes the others' results as they
are.

What depends on other pages is settled on every build, from these results: only
the first claim of each id counts (:attr:`calcidocs.domain.Index_.claims`), and
the sentences that cite a claim may use its ``:drift-ok:`` entries
(:mod:`calcidocs.checks.drift_checks`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain, domain_of
from ..model import ID_RE, Claim, ClaimPrints, ClaimResult, PageResults
from ..problems import Check, Problem
from ..sources.library import SourceLibrary, library
from .drift import Lexicon
from .drift_checks import claim_drift, lexicon_key
from .lexicon import lexicon
from .review_check import LockFile, assess, describe, lock_file, release

#: The domain data's bucket: docname -> :class:`PageResults`.
BUCKET = "results"
#: Part of the lexicon's key: change it when what the checks find changes.
RESULTS_VERSION = 1


@dataclass
class Basis:
    """What this build's results are found with, besides the pages."""

    lexicon: Lexicon
    lexicon_key: str
    lock: LockFile | None
    lock_key: str
    sources: SourceLibrary
    #: the sha256 of each cited source's text now ("" when unreadable)
    source_prints: dict[str, str] = field(default_factory=dict)
    #: each claim result found in this build, by its value
    interned: dict[ClaimResult, ClaimResult] = field(default_factory=dict)

    def source_print(self, ref: str) -> str:
        if ref not in self.source_prints:
            source, _ = self.sources.lookup(ref)
            self.source_prints[ref] = "" if source is None else source.actual_sha256
        return self.source_prints[ref]


_BASES: weakref.WeakKeyDictionary[BuildEnvironment, tuple[tuple[object, ...], Basis]] = (
    weakref.WeakKeyDictionary()
)


def basis(env: BuildEnvironment) -> Basis:
    """This build's :class:`Basis` (made again when the lexicon, lock or library is
    read again)."""
    lex = lexicon(env)
    lock = lock_file(env)
    sources = library(env)
    read = (lex, lock, sources)
    kept = _BASES.get(env)
    if kept is not None and all(a is b for a, b in zip(kept[0], read, strict=True)):
        return kept[1]
    found = Basis(
        lexicon=lex[0],
        lexicon_key=f"{RESULTS_VERSION}:{lexicon_key(lex[0])}",
        lock=lock,
        lock_key="" if lock is None else lock.key,
        sources=sources,
    )
    _BASES[env] = (read, found)
    return found


def _still_good(kept: object, now: Basis) -> bool:
    return (
        isinstance(kept, PageResults)
        and kept.lexicon == now.lexicon_key
        and kept.lock == now.lock_key
        and all(now.source_print(ref) == sha for ref, sha in kept.sources)
    )


def page_results(env: BuildEnvironment, docname: str) -> PageResults:
    """The results of the page's claims: kept ones while still good, else found now."""
    domain = domain_of(env)
    now = basis(env)
    results = domain.data.setdefault(BUCKET, {})
    kept = results.get(docname)
    if _still_good(kept, now):
        assert isinstance(kept, PageResults)
        return kept
    found = _find(domain, now, docname, kept if isinstance(kept, PageResults) else None)
    results[docname] = found
    return found


def _find(
    domain: CalcidocsDomain, now: Basis, docname: str, kept: PageResults | None
) -> PageResults:
    claims: list[Claim] = domain.data["claims"].get(docname, [])
    # the page's own fingerprints (not the index's, which a worker of a parallel read
    # would make again for each page)
    prints: list[ClaimPrints | None] = list(domain.data["prints"].get(docname, []))
    if len(prints) != len(claims):
        prints = [None] * len(claims)
    # a claim's drift, as last found, while the lexicon is the same (the results of a
    # page read again are left by clear_doc, by the claim's fingerprint)
    earlier: dict[str, tuple[Any, ...]] = {}
    same = kept is not None and kept.lexicon == now.lexicon_key
    if same and kept is not None and len(kept.claims) == len(claims) and all(prints):
        earlier = {
            p.record: (r.drift, r.used)
            for p, r in zip(prints, kept.claims, strict=True)
            if p is not None
        }
    dropped = domain.dropped_drift if domain.dropped_drift_key == now.lexicon_key else {}
    lock = now.lock
    found: list[ClaimResult] = []
    for claim, claim_prints in zip(claims, prints, strict=True):
        record = claim_prints.record if claim_prints is not None else None
        drift = earlier.get(record) if record else None
        if drift is None and record:
            drift = dropped.get(record)
        if drift is None:
            used: set[tuple[str, str]] = set()
            problems = claim_drift(claim, now.lexicon, used)
            drift = (tuple(problems), tuple(sorted(token for _, token in used)))
        result = ClaimResult(drift=drift[0], used=drift[1])
        if lock is not None and ID_RE.match(claim["id"]):
            entry = lock.lock.entries.get(claim["id"])
            review = assess(
                domain,
                now.sources,
                claim,
                entry,
                claim_prints.review if claim_prints is not None else None,
            )
            result = result._replace(
                reviewed=True,
                by=entry.by if entry else None,
                on=entry.on if entry else None,
                current=review.current,
                # an unreadable lock is one problem, at the lock
                review=None if lock.error else describe(review, lock.name),
            )
        # one object for equal results (most are: no drift, signed by the same reviewer
        # on the same day), which the saved environment then holds once
        found.append(now.interned.setdefault(result, result))
    cited = dict.fromkeys(c["source"] for claim in claims for c in claim["citations"])
    notable = any(
        r.drift or r.used or r.review or claim.get("drift_ok")
        for claim, r in zip(claims, found, strict=True)
    )
    return PageResults(
        lexicon=now.lexicon_key,
        lock=now.lock_key,
        sources=tuple((ref, now.source_print(ref)) for ref in cited),
        claims=tuple(found),
        notable=notable,
    )


def note_results(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the results of the page's claims, found where the page is read
    (in a parallel read, in the worker, not in the main process after every page)."""
    page_results(app.env, app.env.docname)


def let_go(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``, once the checks have reported: every page's results are found,
    so the lock's records, which only finding them needed, are let go of
    (:func:`review_check.release`: at 40,000 claims, some 40 MB)."""
    for docname in domain_of(env).data["claims"]:
        page_results(env, docname)
    release(env)
    return []


def is_first(domain: CalcidocsDomain, claim: Claim) -> bool:
    """Whether ``claim`` is the one its id names (the first of duplicates)."""
    return bool(claim["id"]) and domain.index.claims.get(claim["id"]) is claim


def results(env: BuildEnvironment) -> Iterator[tuple[Claim, ClaimResult]]:
    """Each claim that has something to report, with its results, page by page."""
    domain = domain_of(env)
    for docname in sorted(domain.data["claims"]):
        found = page_results(env, docname)
        if found.notable:
            yield from zip(domain.data["claims"][docname], found.claims, strict=True)


@dataclass
class ClaimsFound:
    """What the results of every page's claims add up to, for the first claim of each id."""

    drift: list[Problem] = field(default_factory=list)
    #: (claim id, ``:drift-ok:`` token) of each entry the claims' own drift used
    used: set[tuple[str, str]] = field(default_factory=set)
    review: list[Problem] = field(default_factory=list)
    #: the verified claims with ``:drift-ok:`` entries
    accepting: list[Claim] = field(default_factory=list)


def claims_found(env: BuildEnvironment) -> ClaimsFound:
    domain = domain_of(env)
    found = ClaimsFound()
    for claim, result in results(env):
        if not is_first(domain, claim):
            continue
        found.drift += result.drift
        found.used.update((claim["id"], token) for token in result.used)
        if result.review is not None:
            found.review.append(
                Problem(claim["docname"], claim["line"], Check.REVIEW.value, result.review)
            )
        if claim["status"] == "verified" and claim.get("drift_ok"):
            found.accepting.append(claim)
    return found


def claim_result(env: BuildEnvironment, claim: Claim) -> ClaimResult | None:
    """The results of ``claim`` (None when it is not one of its page's claims)."""
    domain = domain_of(env)
    claims = domain.data["claims"].get(claim["docname"], [])
    for position, other in enumerate(claims):
        if other is claim:
            return page_results(env, claim["docname"]).claims[position]
    return None


def page_reviews(env: BuildEnvironment, docname: str) -> list[ClaimResult]:
    """The results of the page's claims that the lock judges, the first of each id."""
    domain = domain_of(env)
    found = page_results(env, docname)
    if docname not in domain.index.shadowed:  # each claim with an id is the first of it
        return [result for result in found.claims if result.reviewed]
    claims = domain.data["claims"].get(docname, [])
    return [
        result
        for claim, result in zip(claims, found.claims, strict=True)
        if result.reviewed and is_first(domain, claim)
    ]


def review_record(env: BuildEnvironment, claim: Claim) -> dict[str, Any] | None:
    """A claim's review for ``claims.json``: ``by``, ``on``, ``current`` (None when off)."""
    lock = lock_file(env)
    if lock is None:
        return None
    result = claim_result(env, claim)
    if result is None or result.by is None or not is_first(domain_of(env), claim):
        return {"by": None, "on": None, "current": False}
    return {"by": result.by, "on": result.on, "current": result.current}
