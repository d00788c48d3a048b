"""Checks across documents, and the report of every problem on every build.

Runs when the environment is up to date (after a parallel read has merged),
in a fixed order, so the warnings are the same whatever the read order or
``-j`` and whichever documents were re-read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain
from ..model import TERM_KINDS, Claim, FileProblem
from ..problems import Check, Problem, emit
from ..sources.library import library
from ..sources.manifest import ManifestProblem
from . import review_check
from .drift_checks import drift_problems
from .lexicon import lexicon, lexicon_path
from .page_results import claims_found

XREF_TYPES = ("claim", "source", *TERM_KINDS)

T = TypeVar("T")


def _once(env: BuildEnvironment, name: str, compute: Callable[[], list[T]]) -> list[T]:
    """``compute()``, computed once for the current data of this build.

    The result is kept on the domain with what it was computed from: the domain's
    index (made anew after any change of the domain data, which also drops the
    results) and this build's lexicon, review lock and source library (read anew
    at the start of every build). Any of them new, it is computed again.
    """
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    basis: tuple[object, ...] = (
        domain.index,
        lexicon(env),
        review_check.lock_file(env),
        library(env),
    )
    if domain.checked is None or not all(
        a is b for a, b in zip(domain.checked[0], basis, strict=True)
    ):
        domain.checked = (basis, {})
    results: dict[str, Any] = domain.checked[1]
    if name not in results:
        results[name] = compute()
    return list(results[name])


def cross_document_problems(domain: CalcidocsDomain) -> list[Problem]:
    """Duplicate ids, broken cross-references and disputes, terms treated twice."""
    problems: list[Problem] = []
    first: dict[str, Claim] = {}
    for claim in sorted(domain.index.all_claims, key=lambda c: (c["docname"], c["line"])):
        if not claim["id"]:
            continue
        if claim["id"] in first:
            other = first[claim["id"]]
            problems.append(
                Problem(
                    claim["docname"],
                    claim["line"],
                    Check.ID.value,
                    f"duplicate claim id {claim['id']!r} (first used in {other['docname']}, "
                    f"line {other['line']})",
                )
            )
        else:
            first[claim["id"]] = claim
        for disputed in claim["disputes"]:
            if disputed not in domain.index.claims:
                problems.append(
                    Problem(
                        claim["docname"],
                        claim["line"],
                        Check.REF.value,
                        f"claim {claim['id']!r} disputes unknown claim {disputed!r}",
                    )
                )
    for docname, reftype, target, line in domain.xrefs():
        if (
            reftype in XREF_TYPES
            and domain.find(reftype, target) is None
            and not resolves_elsewhere(domain, docname, reftype, target)
        ):
            problems.append(
                Problem(
                    docname,
                    line,
                    Check.REF.value,
                    f"{{{reftype}}}`{target}` resolves to nothing",
                )
            )
    pages: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for docname, kind, name, _, line, priority in domain.term_definitions():
        if priority > 1:
            pages[(kind, name)].append((docname, line))
    for (kind, name), places in sorted(pages.items()):
        for docname, line in places[1:]:
            problems.append(
                Problem(
                    docname,
                    line,
                    Check.VOCAB.value,
                    f"{kind} {name!r} is already treated on page {places[0][0]!r}",
                )
            )
    return problems


def resolves_elsewhere(domain: CalcidocsDomain, docname: str, reftype: str, target: str) -> bool:
    """Whether intersphinx resolves the reference: to another project's object
    (``{claim}`other-id```, ``{claim}`inventory:other-id```) or, with
    ``intersphinx_resolve_self``, to one of this project under its own prefix."""
    env = domain.env
    if "intersphinx_mapping" not in env.config:
        return False  # intersphinx is not loaded
    from sphinx.ext.intersphinx import resolve_reference_detect_inventory

    node = pending_xref(
        "", refdomain="calcidocs", reftype=reftype, reftarget=target, refdoc=docname
    )
    contnode = nodes.inline("", target)
    node += contnode
    try:
        if resolve_reference_detect_inventory(env, node, contnode) is not None:
            return True
    except Exception:  # intersphinx's internals are not ours: the reference counts as unresolved
        return False
    if node.get("intersphinx_self_referential"):
        return domain.find(reftype, node["reftarget"]) is not None
    return False


def all_problems(env: BuildEnvironment) -> list[Problem]:
    """Every problem of the documents, sorted by place (see :func:`file_problems`
    for the others); computed once per build and change of the data."""
    return _once(env, "all", lambda: _all_problems(env))


def _all_problems(env: BuildEnvironment) -> list[Problem]:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    found = claims_found(env)
    problems = [
        *domain.problems(),
        *cross_document_problems(domain),
        *drift_problems(env, found.drift, found.used, found.accepting),
        *found.review,
    ]
    return sorted(set(problems), key=lambda p: (p.docname, p.line, p.check, p.message))


def manifest_problems(env: BuildEnvironment) -> list[ManifestProblem]:
    """The manifest's problems. A missing manifest is one only if the project has
    a sources folder or a claim that cites a source: a project that has neither
    (yet) needs no manifest."""
    sources = library(env)
    problems = [p for p in sources.problems if not p.missing]
    if len(problems) < len(sources.problems):
        domain = env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        if sources.sources_dir.exists() or any(c["citations"] for c in domain.claims()):
            return list(sources.problems)
    return problems


def file_problems(env: BuildEnvironment) -> list[FileProblem]:
    """Problems of the files that are no documents: the source manifest, the lexicon,
    the review lock; computed once per build and change of the data."""
    return _once(env, "file", lambda: _file_problems(env))


def _file_problems(env: BuildEnvironment) -> list[FileProblem]:
    manifest = [
        FileProblem(p.location, Check.SOURCE.value, p.message) for p in manifest_problems(env)
    ]
    path = lexicon_path(env)
    terms = [FileProblem(str(path), Check.DRIFT.value, m) for m in lexicon(env)[1]]
    return manifest + terms + review_check.lock_problems(env)


def report(app: Sphinx, env: BuildEnvironment) -> None:
    """Emit every problem as a typed warning (connected to ``env-updated``)."""
    for file_problem in file_problems(env):
        emit(Problem("", 0, file_problem.check, file_problem.message), file_problem.location)
    for problem in all_problems(env):
        location = (problem.docname, problem.line) if problem.line else problem.docname
        emit(problem, location)
