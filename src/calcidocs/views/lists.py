"""Claim lists with filters, and the disagreements view."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain
from ..model import STATUSES, AggregateOptions, Claim, split_names
from ..problems import Check, Problem
from ..writers.light import light_block
from ..writers.pieces import Link, text, to_nodes
from ..writers.render import claim_line, simple_table
from .aggregates import AggregateDirective, aggregate, renderer
from .tables import disputed_by, with_partners

FILTERS = ("subtype", "topic", "source", "status")


class ClaimListDirective(AggregateDirective):
    """``{claim-list} Caption``: the claims matching every given filter.

    Each filter takes one or more names and matches a claim having any of them.
    """

    kind = "claim-list"
    option_spec = {name: directives.unchanged for name in FILTERS}

    def run(self) -> list[nodes.Node]:
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        filters = {name: split_names(self.options.get(name)) for name in FILTERS}
        checks = (
            ("subtype", self.config.calcidocs_subtypes, Check.VOCAB),
            ("topic", self.config.calcidocs_topics, Check.VOCAB),
            ("status", STATUSES, Check.VOCAB),
        )
        for name, known, check in checks:
            for value in filters[name]:
                if value not in known:
                    domain.add_problem(
                        Problem(
                            self.env.docname,
                            self.lineno,
                            check.value,
                            f"claim list: unknown {name} {value!r}",
                        )
                    )
        caption = self.arguments[0] if self.arguments else ""
        return [self.placeholder(caption=caption, **filters)]


def matches(claim: Claim, filters: dict[str, list[str]]) -> bool:
    values: dict[str, set[str]] = {
        "subtype": set(claim["subtypes"]),
        "topic": set(claim["topics"]),
        "source": {c["source"] for c in claim["citations"]},
        "status": {claim["status"]},
    }
    return all(not wanted or values[name] & set(wanted) for name, wanted in filters.items())


def shown_in_list(domain: CalcidocsDomain, options: AggregateOptions) -> list[Claim]:
    filters = {name: options.get(name, []) for name in FILTERS}
    return with_partners(domain, [c for c in domain.index.all_claims if matches(c, filters)])


def shown_in_disagreements(domain: CalcidocsDomain, options: AggregateOptions) -> list[Claim]:
    return [c for c in domain.index.claims.values() if c["id"] in disputed_by(domain)]


@renderer("claim-list", shows=shown_in_list)
def render_claim_list(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    options = node["options"]
    filters = {name: options.get(name, []) for name in FILTERS}
    disputes = disputed_by(domain)
    found = [c for c in domain.index.all_claims if matches(c, filters)]
    result: list[nodes.Node] = []
    if options.get("caption"):
        result.append(nodes.rubric("", options["caption"]))
    if not found:
        result.append(nodes.paragraph("", "No claim matches.", classes=["calcidocs-empty"]))
        return result
    result.append(
        light_block(
            "",
            view="claim-items",
            docname=node["docname"],
            claims=found,
            disputes=disputes,
            list_classes=["calcidocs-claim-list"],
        )
    )
    return result


class DisagreementsDirective(AggregateDirective):
    """``{disagreements} Caption``: claims that dispute each other, side by side."""

    kind = "disagreements"
    option_spec = {"subtype": directives.unchanged, "topic": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        caption = self.arguments[0] if self.arguments else ""
        return [
            self.placeholder(
                caption=caption,
                subtype=split_names(self.options.get("subtype")),
                topic=split_names(self.options.get("topic")),
            )
        ]


def _side(claim: Claim, docname: str) -> nodes.Node:
    """One side of a disagreement: the claim, then each source's words."""
    box = nodes.container()
    box += nodes.paragraph("", "", *to_nodes(claim_line(claim), docname))
    for citation in claim["citations"]:
        if not citation["quote"]:
            continue
        quote = nodes.paragraph(classes=["calcidocs-quote-text"])
        quote += to_nodes((Link("source", citation["source"], text(citation["source"])),), docname)
        quote += nodes.Text(": \u201c")
        quote += nodes.emphasis("", citation["quote"])
        quote += nodes.Text("\u201d")
        box += quote
    return box


@renderer("disagreements", shows=shown_in_disagreements)
def render_disagreements(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    options = node["options"]
    filters = {"subtype": options["subtype"], "topic": options["topic"]}
    pairs = set()
    for claim in domain.index.claims.values():
        for other in claim["disputes"]:
            if other in domain.index.claims and other != claim["id"]:
                pairs.add(tuple(sorted((claim["id"], other))))
    rows: list[list[nodes.Node | str]] = []
    for first, second in sorted(pairs):
        one, two = domain.index.claims[first], domain.index.claims[second]
        if not (matches(one, filters) or matches(two, filters)):
            continue
        rows.append([_side(one, node["docname"]), _side(two, node["docname"])])
    caption = options["caption"] or "Where the sources disagree"
    if not rows:
        return [nodes.paragraph("", "No claims dispute each other.", classes=["calcidocs-empty"])]
    return [
        simple_table(
            caption,
            ["One side", "The other side"],
            rows,
            [50, 50],
            stub=False,
            classes=("calcidocs-disagreements",),
        )
    ]


class AcceptedDriftDirective(AggregateDirective):
    """``{accepted-drift} Caption``: every difference a reviewer accepted with ``:drift-ok:``."""

    kind = "accepted-drift"
    option_spec: ClassVar[dict[str, Any]] = {}


def shown_in_accepted_drift(domain: CalcidocsDomain, options: AggregateOptions) -> list[Claim]:
    return [c for c in domain.index.claims.values() if c.get("drift_ok")]


@renderer("accepted-drift", shows=shown_in_accepted_drift)
def render_accepted_drift(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    rows: list[list[nodes.Node | str]] = []
    for claim in sorted(shown_in_accepted_drift(domain, {}), key=lambda c: c["id"]):
        for token, reason in claim["drift_ok"].items():
            link = nodes.paragraph("", "", *to_nodes(claim_line(claim), node["docname"]))
            rows.append([link, token, reason or "(no reason given)"])
    caption = node["options"].get("caption") or "Differences accepted by a reviewer"
    if not rows:
        return [
            nodes.paragraph("", "No claim has an accepted difference.", classes=["calcidocs-empty"])
        ]
    return [
        simple_table(
            caption,
            ["Claim", "Accepted difference", "Reason"],
            rows,
            [60, 15, 25],
            stub=False,
            classes=("calcidocs-accepted-drift",),
        )
    ]
