"""``{calcidocs-reference} config`` and ``{calcidocs-reference} checks``.

The tables of configuration values and warning subtypes, rendered from the
code that defines them, so the documentation cannot drift from it.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .config import OPTIONS
from .domain import CalcidocsDomain
from .problems import Check, Problem
from .render import simple_table


def _code(text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.literal("", text))


class ReferenceDirective(SphinxDirective):
    """The table of ``config`` values or of ``checks`` (warning subtypes)."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        what = self.arguments[0].strip()
        if what == "config":
            rows: list[list[nodes.Node | str]] = [
                [_code(option.name), _code(repr(option.default)), option.help] for option in OPTIONS
            ]
            table = simple_table(
                "Configuration values", ["Name", "Default", "Meaning"], rows, [30, 20, 50]
            )
        elif what == "checks":
            rows = [[_code(f"calcidocs.{check.value}"), check.help, check.fix] for check in Check]
            table = simple_table(
                "Warning subtypes", ["Warning", "Raised when", "How to fix"], rows, [20, 40, 40]
            )
        else:
            domain = self.env.domains["calcidocs"]
            assert isinstance(domain, CalcidocsDomain)
            domain.add_problem(
                Problem(
                    self.env.docname,
                    self.lineno,
                    Check.REF.value,
                    f"calcidocs-reference: unknown table {what!r} (use config or checks)",
                )
            )
            return []
        self.state.document.set_id(table)
        return [table]
