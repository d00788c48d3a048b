"""``{calcidocs-reference} config``, ``checks`` and ``claims-json``.

The tables of configuration values, warning subtypes and the fields of
``claims.json``, rendered from the code and the JSON Schema that define them,
so the documentation cannot drift from them.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..config import OPTIONS
from ..domain import CalcidocsDomain
from ..problems import Check, Problem
from ..writers.claims_json import json_schema
from ..writers.render import simple_table


def _code(text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.literal("", text))


def _kind(schema: dict[str, Any], field: dict[str, Any]) -> str:
    """A field's type as a reader says it: ``string``, ``list of names``, one of ..."""
    if "const" in field:
        return repr(field["const"]).replace("'", '"')
    if "enum" in field:
        return "one of " + ", ".join(field["enum"])
    if "$ref" in field:
        name = field["$ref"].rsplit("/", 1)[-1]
        target = schema["$defs"][name]
        return "list of names" if name == "names" else _kind(schema, target)
    kind = field.get("type", "")
    if kind == "array" and "$ref" in field.get("items", {}):
        return "list of " + field["items"]["$ref"].rsplit("/", 1)[-1] + "s"
    if kind == "object" and "additionalProperties" in field:
        inner = field["additionalProperties"]["$ref"].rsplit("/", 1)[-1]
        return f"object: key to {inner}"
    return str(kind)


def schema_fields(schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(path, type, meaning) of every field of ``claims.json``, outermost first."""
    rows: list[tuple[str, str, str]] = []

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for name, field in node.get("properties", {}).items():
            path = f"{prefix}{name}"
            rows.append((path, _kind(schema, field), field.get("description", "")))
            if "additionalProperties" in field:
                walk(f"{path}.KEY.", _target(schema, field["additionalProperties"]))
            if "$ref" in field.get("items", {}):
                walk(f"{path}[].", _target(schema, field["items"]))

    walk("", schema)
    return rows


def _target(schema: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    target: dict[str, Any] = schema["$defs"][ref["$ref"].rsplit("/", 1)[-1]]
    return target


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
        elif what == "claims-json":
            rows = [
                [_code(path), kind, meaning] for path, kind, meaning in schema_fields(json_schema())
            ]
            table = simple_table(
                "The fields of claims.json", ["Field", "Type", "Meaning"], rows, [30, 20, 50]
            )
        else:
            domain = self.env.domains["calcidocs"]
            assert isinstance(domain, CalcidocsDomain)
            domain.add_problem(
                Problem(
                    self.env.docname,
                    self.lineno,
                    Check.REF.value,
                    f"calcidocs-reference: unknown table {what!r} "
                    "(use config, checks or claims-json)",
                )
            )
            return []
        self.state.document.set_id(table)
        return [table]
