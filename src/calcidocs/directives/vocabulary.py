"""The subtype and topic vocabulary: the page of a term, and the list of all terms.

The vocabulary itself is declared once, in ``conf.py`` (``calcidocs_subtypes``
and ``calcidocs_topics``). ``{subtype} NAME`` and ``{topic} NAME`` mark the page
that treats a term; ``{vocabulary}`` lists every term, and is where a term's
cross-references land while no page treats it.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..domain import CalcidocsDomain, term_anchor
from ..problems import Check, Problem

#: A dedicated page wins over the vocabulary list as a term's target.
PAGE_PRIORITY = 2
LIST_PRIORITY = 1


def vocabulary_of(config: object, kind: str) -> dict[str, str]:
    return dict(getattr(config, f"calcidocs_{kind}s"))


class TermDirective(SphinxDirective):
    """``{subtype} NAME`` / ``{topic} NAME``: this page treats that term."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        kind = self.name.rsplit(":", 1)[-1]
        name = self.arguments[0].strip()
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        vocabulary = vocabulary_of(self.config, kind)
        if name not in vocabulary:
            known = ", ".join(vocabulary) or "none declared"
            domain.add_problem(
                Problem(
                    self.env.docname,
                    self.lineno,
                    Check.VOCAB.value,
                    f"unknown {kind} {name!r} (known: {known})",
                )
            )
            return []
        anchor = term_anchor(kind, name)
        domain.add_term(self.env.docname, kind, name, anchor, self.lineno, PAGE_PRIORITY)
        target = nodes.target("", "", ids=[anchor])
        result: list[nodes.Node] = [target]
        if self.content:
            box = nodes.container(classes=["calcidocs-term", f"calcidocs-{kind}"])
            self.state.nested_parse(self.content, self.content_offset, box)
            result.append(box)
        return result


class VocabularyDirective(SphinxDirective):
    """Every declared subtype and topic, each anchored and linked to its page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        result: list[nodes.Node] = []
        for kind in ("subtype", "topic"):
            vocabulary = vocabulary_of(self.config, kind)
            if not vocabulary:
                continue
            section_title = nodes.rubric("", f"{kind.capitalize()}s")
            items = nodes.definition_list(classes=["calcidocs-vocabulary"])
            for name, title in vocabulary.items():
                anchor = f"vocabulary-{term_anchor(kind, name)}"
                domain.add_term(self.env.docname, kind, name, anchor, self.lineno, LIST_PRIORITY)
                term = nodes.term("", "", ids=[anchor])
                term += addnodes.pending_xref(
                    "",
                    nodes.inline("", title),
                    refdomain="calcidocs",
                    reftype=kind,
                    reftarget=name,
                    refexplicit=True,
                    refwarn=False,
                )
                definition = nodes.definition()
                definition += nodes.paragraph("", "", nodes.literal("", name))
                items += nodes.definition_list_item("", term, definition)
            result += [section_title, items]
        return result
