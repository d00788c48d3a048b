"""The reviewer's views: source coverage, the citation report, the check summary."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.environment import BuildEnvironment

from ..checks import review_check
from ..checks.cross_document import all_problems, file_problems
from ..checks.readability import median, page_grades, statement_grades
from ..domain import CalcidocsDomain
from ..model import STATUSES
from ..sources.coverage import Coverage, coverage
from ..sources.library import library
from ..writers.light import light_block
from ..writers.pieces import xref
from ..writers.render import simple_table, source_count
from .aggregates import AggregateDirective, aggregate, renderer


def status_counts(env: BuildEnvironment) -> dict[str, int]:
    """Claims by status, counted as ``claims.json`` lists them."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    counts = Counter(c["status"] for c in domain.index.all_claims)
    return {status: counts.get(status, 0) for status in STATUSES}


def coverages(env: BuildEnvironment) -> list[Coverage]:
    """The coverage of every source of the manifest (and of every cited file)."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    claims = domain.index.all_claims
    min_words = env.config.calcidocs_min_quote_words
    sources = library(env)
    keys = sorted(
        set(sources.by_key)
        | {c["source"] for claim in claims for c in claim["citations"] if c["found"]}
    )
    result = []
    for key in keys:
        source, _ = sources.lookup(key)
        if source is not None and source.text is not None:
            result.append(coverage(source, claims, min_words))
    return result


def summary_lines(env: BuildEnvironment) -> list[str]:
    """The check's closing summary: claims by status, coverage per source, problems."""
    counts = status_counts(env)
    total = sum(counts.values())
    lines = [f"claims: {total} ({', '.join(f'{n} {s}' for s, n in counts.items())})"]
    for cover in coverages(env):
        lines.append(
            f"source {cover.key}: {len(cover.claims)} claims cite it; "
            f"{cover.quoted} of {len(cover.counted)} sentences quoted ({cover.share:.0%})"
        )
    grades = statement_grades(env)
    if grades:
        lines.append(f"readability: claim statements, median grade {median(grades):.1f}")
    for docname, found in page_grades(env):
        lines.append(
            f"readability: {docname}: grade {found.grade:.1f} "
            f"({found.words} words, {found.sentences} sentences)"
        )
    review = review_check.summary_line(env)
    if review is not None:
        lines.append(review)
    checks = [p.check for p in all_problems(env)] + [p.check for p in file_problems(env)]
    detail = ", ".join(f"{n} {c}" for c, n in sorted(Counter(checks).items()))
    lines.append(f"problems: {len(checks)}" + (f" ({detail})" if detail else ""))
    return lines


class SourceCoverageDirective(AggregateDirective):
    """``{source-coverage}``: per source, the claims citing it and the share quoted."""

    kind = "source-coverage"
    option_spec: ClassVar[dict[str, Any]] = {}


@renderer("source-coverage")
def render_coverage(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    docname = node["docname"]
    rows: list[list[nodes.Node | str]] = []
    for cover in coverages(env):
        source = nodes.paragraph(
            "", "", xref("source", cover.key, nodes.inline("", cover.key), docname)
        )
        rows.append(
            [
                source,
                str(len(cover.claims)),
                f"{cover.quoted} of {len(cover.counted)}",
                f"{cover.share:.0%}",
            ]
        )
    caption = node["options"].get("caption") or "Source coverage"
    return [
        simple_table(
            caption,
            ["Source", "Claims citing it", "Sentences quoted", "Share"],
            rows,
            [25, 25, 30, 20],
            classes=("calcidocs-coverage",),
        )
    ]


class CitationReportDirective(AggregateDirective):
    """``{citation-report}``: claims by status, every problem, single-source claims."""

    kind = "citation-report"
    option_spec: ClassVar[dict[str, Any]] = {}


@renderer("citation-report")
def render_report(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    docname = node["docname"]
    counts = status_counts(env)
    result: list[nodes.Node] = [
        simple_table(
            "Claims by status",
            ["Status", "Claims"],
            [[status, str(count)] for status, count in counts.items()]
            + [["total", str(sum(counts.values()))]],
            [60, 40],
            classes=("calcidocs-status-counts",),
        )
    ]
    problems: list[list[nodes.Node | str]] = [
        [f"{p.docname}:{p.line}", f"calcidocs.{p.check}", p.message] for p in all_problems(env)
    ]
    problems += [
        [p.location.rsplit("/", 1)[-1], f"calcidocs.{p.check}", p.message]
        for p in file_problems(env)
    ]
    result.append(nodes.rubric("", "Problems"))
    if problems:
        result.append(
            simple_table(
                "Every problem, with its location",
                ["Where", "Check", "What"],
                problems,
                [25, 20, 55],
            )
        )
    else:
        result.append(
            nodes.paragraph(
                "", "No problems: every citation checks out.", classes=["calcidocs-empty"]
            )
        )
    single = [c for c in domain.index.all_claims if source_count(c) == 1]
    result.append(nodes.rubric("", f"Claims only one source supports ({len(single)})"))
    if single:
        result.append(
            light_block(
                "",
                view="claim-items",
                docname=docname,
                claims=single,
                list_classes=["calcidocs-claim-list"],
            )
        )
    return result


class ReadabilityReportDirective(AggregateDirective):
    """``{readability-report}``: the Flesch-Kincaid grade of each content page."""

    kind = "readability-report"
    option_spec: ClassVar[dict[str, Any]] = {}


@renderer("readability-report")
def render_readability(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    grades = statement_grades(env)
    rows: list[list[nodes.Node | str]] = [
        [
            nodes.paragraph(
                "",
                "",
                addnodes.pending_xref(
                    "",
                    nodes.inline("", docname),
                    refdomain="std",
                    reftype="doc",
                    reftarget="/" + docname,
                    refexplicit=False,
                    refwarn=False,
                    refdoc=node["docname"],
                ),
            ),
            f"{found.grade:.1f}",
            str(found.words),
            str(found.sentences),
        ]
        for docname, found in page_grades(env)
    ]
    result: list[nodes.Node] = [
        nodes.paragraph(
            "",
            f"Claim statements: median grade {median(grades):.1f} over {len(grades)} claims.",
        )
    ]
    if rows:
        caption = node["options"].get("caption") or "Readability of each content page"
        result.append(
            simple_table(
                caption,
                ["Page", "Grade", "Words", "Sentences"],
                rows,
                [40, 20, 20, 20],
                classes=("calcidocs-readability",),
            )
        )
    return result
