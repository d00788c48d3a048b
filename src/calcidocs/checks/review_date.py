"""The line under a content page's title that says when its claims were reviewed.

Filled when the page is written, from the reviews of its claims
(:func:`calcidocs.checks.page_results.page_reviews`).
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain
from ..model import AggregateOptions, ClaimResult
from ..views.aggregates import aggregate, renderer
from .page_results import page_reviews
from .uncited import is_content_page

KIND = "review-date"


def page_line(reviews: list[ClaimResult]) -> str:
    """When the claims of a page were last reviewed, in a sentence."""
    current = [(r.by, r.on) for r in reviews if r.current and r.by is not None and r.on]
    waiting = len(reviews) - len(current)
    if not current:
        return "The claims on this page await review."
    latest = max(on for _, on in current)
    names = sorted({by for by, on in current if on == latest})
    text = f"Claims on this page last reviewed on {latest} by {', '.join(names)}."
    if waiting:
        verb = "awaits" if waiting == 1 else "await"
        text += f" {waiting} of {len(reviews)} claims {verb} review."
    return text


def add_review_date(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: a content page with claims gets a line saying when they were
    reviewed, right under its title (filled when the page is written)."""
    env = app.env
    name = app.config.calcidocs_review_lock
    docname = env.docname
    if not name or not is_content_page(docname, list(app.config.calcidocs_content_pages)):
        return
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    if not domain.data["claims"].get(docname):
        return
    # No env.note_dependency on the lock: the page's text does not depend on it,
    # only this line does, and it is filled when the page is written. The line is
    # an aggregate whose fingerprint holds the reviews of the page's claims
    # (_shown), so after a review only the pages whose claims it signed are
    # written again, without being read again (see calcidocs.checks.freshness); with
    # the dependency, every content page would be read again after any review.
    options = {"page": docname}
    domain.note_aggregate(docname, KIND, options)
    placeholder = aggregate(kind=KIND, docname=docname, options=options)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        section.insert(1, placeholder)
    else:
        doctree.insert(0, placeholder)


def _shown(domain: CalcidocsDomain, options: AggregateOptions) -> Iterator[dict[str, object]]:
    """What the line shows: the reviews of the page's claims that count (one record)."""
    if options["page"] not in domain.data["claims"]:
        return
    reviews = page_reviews(domain.env, options["page"])
    yield {"reviews": [(r.by, r.on, r.current) for r in reviews]}


@renderer(KIND, shows=_shown)
def render_review_date(env: BuildEnvironment, node: aggregate) -> list[nodes.Node]:
    docname = node["docname"]
    domain = env.domains["calcidocs"]
    if not env.config.calcidocs_review_lock or docname not in domain.data["claims"]:
        return []
    reviews = page_reviews(env, docname)
    if not reviews:
        return []
    return [
        nodes.paragraph(
            "",
            "",
            nodes.emphasis("", page_line(reviews)),
            classes=["calcidocs-reviewed"],
        )
    ]
