"""The ``editorial`` directive: text that is deliberately not a medical statement.

It is shown to readers as an editorial note, and the uncited-prose check
passes over it.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

EDITORIAL_CLASS = "calcidocs-editorial"
DEFAULT_TITLE = "Editorial note"


class EditorialDirective(SphinxDirective):
    """An admonition titled "Editorial note" (or the given title)."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0] if self.arguments else DEFAULT_TITLE
        box = nodes.admonition(
            classes=["admonition", EDITORIAL_CLASS, *self.options.get("class", [])]
        )
        self.set_source_info(box)
        box += nodes.title("", title)
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]
