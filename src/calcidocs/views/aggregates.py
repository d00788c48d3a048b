"""Aggregates: directives whose content comes from all claims of the project.

A directive of this kind leaves a placeholder node at read time and marks its
page (see :mod:`calcidocs.checks.freshness`). After every document is read, the
:class:`FillAggregates` post-transform replaces each placeholder with the
output of the renderer registered for its kind, before references resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from docutils import nodes
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ..domain import CalcidocsDomain
from ..model import AggregateOptions
from ..writers.light import expand

#: kind -> renderer(env, placeholder) -> replacement nodes
Renderer = Callable[[BuildEnvironment, "aggregate"], list[nodes.Node]]
RENDERERS: dict[str, Renderer] = {}

#: kind -> shows(domain, options) -> what an aggregate of that kind shows: the claims
#: (or the records, such as review dates, it renders from them).
#: A kind without one shows every claim and every problem (a report).
Shows = Callable[[CalcidocsDomain, AggregateOptions], Iterable[Mapping[str, object]]]
SHOWS: dict[str, Shows] = {}


class aggregate(nodes.General, nodes.Element):
    """Placeholder for a table, list or text filled from all claims.

    Attributes: ``kind``, ``docname`` (the page that holds it) and ``options``.
    """


def renderer(kind: str, shows: Shows | None = None) -> Callable[[Renderer], Renderer]:
    """Register the function that renders aggregates of ``kind``.

    ``shows`` picks the claims such an aggregate shows, so that its page is
    written again only when one of them changes (see :mod:`calcidocs.checks.freshness`).
    """

    def register(function: Renderer) -> Renderer:
        RENDERERS[kind] = function
        if shows is not None:
            SHOWS[kind] = shows
        return function

    return register


class AggregateDirective(SphinxDirective):
    """Base of the aggregate directives: subclasses set ``kind`` and ``option_spec``."""

    kind = ""
    has_content = False
    optional_arguments = 1
    final_argument_whitespace = True

    def placeholder(self, **options: Any) -> aggregate:
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        domain.note_aggregate(self.env.docname, self.kind, options)
        node = aggregate(kind=self.kind, docname=self.env.docname, options=options)
        self.set_source_info(node)
        return node

    def run(self) -> list[nodes.Node]:
        options = dict(self.options)
        if self.arguments:
            options["caption"] = self.arguments[0]
        return [self.placeholder(**options)]


class FillAggregates(SphinxPostTransform):
    """Replace every placeholder, before Sphinx resolves references (priority 10).

    For a builder that does not write HTML, the light nodes of the page (see
    :mod:`calcidocs.writers.light`) then become the nodes of their pieces.
    """

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        self.fill()
        # the builder's format, as Sphinx's own post-transforms read it (is_supported)
        if self.env._builder_cls.format != "html":
            expand(self.env, self.document)

    def fill(self) -> None:
        for node in list(self.document.findall(aggregate)):
            render = RENDERERS.get(node["kind"])
            replacement = render(self.env, node) if render else []
            for new in replacement:
                if isinstance(new, nodes.Element):
                    for table in new.findall(nodes.table):
                        if not table["ids"]:
                            self.document.set_id(table)
            node.replace_self(replacement or nodes.comment())
