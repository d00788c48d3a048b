"""The comparison table: rows are subtypes, columns are topics, cells are claims."""

from __future__ import annotations

from collections import defaultdict

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain
from ..model import AggregateOptions, Claim, split_names
from ..problems import Check, Problem
from ..writers.light import light_block
from ..writers.pieces import Link, text, to_nodes
from ..writers.render import simple_table
from .aggregates import AggregateDirective, aggregate, renderer

EMPTY_CELL = "No source covers this."


def disputed_by(domain: CalcidocsDomain) -> dict[str, list[str]]:
    """claim id -> ids of the claims that dispute it (both directions)."""
    found: dict[str, set[str]] = defaultdict(set)
    for claim in domain.index.claims.values():
        for other in claim["disputes"]:
            if other in domain.index.claims:
                found[other].add(claim["id"])
                found[claim["id"]].add(other)
    return {key: sorted(value) for key, value in found.items()}


class ComparisonTableDirective(AggregateDirective):
    """``{comparison-table} Caption`` with optional ``:subtypes:`` and ``:topics:``."""

    kind = "comparison-table"
    option_spec = {
        "subtypes": directives.unchanged,
        "topics": directives.unchanged,
        "short": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        options: AggregateOptions = {"caption": self.arguments[0] if self.arguments else ""}
        for kind in ("subtype", "topic"):
            vocabulary = getattr(self.config, f"calcidocs_{kind}s")
            names = split_names(self.options.get(f"{kind}s"))
            for name in names:
                if name not in vocabulary:
                    domain.add_problem(
                        Problem(
                            self.env.docname,
                            self.lineno,
                            Check.VOCAB.value,
                            f"comparison table: unknown {kind} {name!r}",
                        )
                    )
            options[f"{kind}s"] = [n for n in names if n in vocabulary] or list(vocabulary)
        options["short"] = "short" in self.options
        return [self.placeholder(**options)]


def with_partners(domain: CalcidocsDomain, claims: list[Claim]) -> list[Claim]:
    """``claims`` and the claims that dispute them or that they dispute."""
    partners = disputed_by(domain)
    ids = {c["id"] for c in claims}
    extra = {other for claim in claims for other in partners.get(claim["id"], [])} - ids
    return claims + [domain.index.claims[i] for i in sorted(extra)]


def shown_in_table(domain: CalcidocsDomain, options: AggregateOptions) -> list[Claim]:
    subtypes, topics = set(options["subtypes"]), set(options["topics"])
    cells = [
        c
        for c in domain.index.claims.values()
        if subtypes & set(c["subtypes"]) and topics & set(c["topics"])
    ]
    return with_partners(domain, cells)


@renderer("comparison-table", shows=shown_in_table)
def render_comparison(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    options = node["options"]
    docname = node["docname"]
    subtypes, topics = options["subtypes"], options["topics"]
    cells: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in domain.index.claims.values():
        for subtype in claim["subtypes"]:
            for topic in claim["topics"]:
                cells[(subtype, topic)].append(claim)
    disputes = disputed_by(domain)
    subtype_titles = env.config.calcidocs_subtypes
    topic_titles = env.config.calcidocs_topics
    rows: list[list[nodes.Node | str]] = []
    for subtype in subtypes:
        title = Link("subtype", subtype, text(subtype_titles[subtype]))
        row: list[nodes.Node | str] = [nodes.paragraph("", "", *to_nodes((title,), docname))]
        for topic in topics:
            claims = sorted(cells.get((subtype, topic), []), key=lambda c: c["id"])
            if not claims:
                row.append(nodes.paragraph("", EMPTY_CELL, classes=["calcidocs-empty"]))
                continue
            row.append(
                light_block(
                    "",
                    view="claim-items",
                    docname=docname,
                    claims=claims,
                    short=options["short"],
                    disputes=disputes,
                    list_classes=["calcidocs-cell"],
                )
            )
        rows.append(row)
    caption = options["caption"] or "Subtypes compared by topic"
    header = ["Subtype", *(topic_titles[t] for t in topics)]
    widths = [14] + [max(12, 86 // max(1, len(topics)))] * len(topics)
    return [simple_table(caption, header, rows, widths, classes=("calcidocs-comparison",))]
