"""The packages of calcidocs import one another in the direction the data flows.

Sources are read and matched; directives turn pages into records; the domain stores
them; checks read them; views and writers render them. Every import statement of
every module counts (at the top, in functions and under ``TYPE_CHECKING``):

* ``calcidocs.model`` imports nothing of calcidocs;
* a module of ``calcidocs.sources`` imports only modules of ``calcidocs.sources`` and
  ``calcidocs.model``;
* a module of ``calcidocs.views`` or ``calcidocs.writers`` imports nothing of
  ``calcidocs.checks`` or ``calcidocs.directives``, but the pairs in
  :data:`KNOWN_EXCEPTIONS`;
* the package's top level holds only the modules of :data:`TOP_LEVEL`.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "src" / "calcidocs"

TOP_LEVEL = {"__init__", "model", "config", "problems", "domain", "check"}

RENDERERS = ("calcidocs.views", "calcidocs.writers")
RECORD_MAKERS = ("calcidocs.checks", "calcidocs.directives")

#: Imports that break the rule today. Each is a debt, not a precedent: add none, and
#: remove a pair once its import is gone (a listed pair that no longer exists fails).
KNOWN_EXCEPTIONS = {
    # the citation and readability reports and the check's summary show the checks' results
    ("calcidocs.views.report", "calcidocs.checks.cross_document"),
    ("calcidocs.views.report", "calcidocs.checks.readability"),
    ("calcidocs.views.report", "calcidocs.checks.review_check"),
    # claims.json gives each claim its review, and each quote its W3C selectors
    ("calcidocs.writers.claims_json", "calcidocs.checks.review"),
    ("calcidocs.writers.claims_json", "calcidocs.checks.review_check"),
    ("calcidocs.writers.claims_json", "calcidocs.checks.page_results"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The calcidocs modules (or packages) that ``path`` imports anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from calcidocs.checks import review` imports calcidocs.checks.review
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            found.update(submodules or [base])
    return {m for m in found if m in known and m != name}


def import_pairs() -> set[tuple[str, str]]:
    found = modules()
    return {
        (name, imported)
        for name, path in found.items()
        for imported in imports_of(path, set(found))
    }


def in_package(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in packages)


def test_the_model_imports_nothing_of_ours() -> None:
    imported = sorted(i for m, i in import_pairs() if m == "calcidocs.model")
    assert not imported, f"the model imports nothing of calcidocs: {imported}"


def test_sources_import_only_sources_and_the_model() -> None:
    allowed = ("calcidocs.sources", "calcidocs.model")
    breaks = {
        (m, i)
        for m, i in import_pairs()
        if in_package(m, ("calcidocs.sources",)) and not in_package(i, allowed)
    }
    assert not breaks, f"sources import only sources and the model: {sorted(breaks)}"


def test_views_and_writers_import_no_check_or_directive() -> None:
    breaks = {
        (m, i)
        for m, i in import_pairs()
        if in_package(m, RENDERERS) and in_package(i, RECORD_MAKERS)
    }
    new = sorted(breaks - KNOWN_EXCEPTIONS)
    assert not new, f"views and writers render records; they may not import: {new}"
    gone = sorted(KNOWN_EXCEPTIONS - breaks)
    assert not gone, f"imports gone: remove them from KNOWN_EXCEPTIONS: {gone}"


def test_the_top_level_holds_only_the_shared_modules() -> None:
    flat = sorted({p.stem for p in PACKAGE.glob("*.py")} - TOP_LEVEL)
    assert not flat, f"put {flat} into sources, directives, checks, views or writers"
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == {"sources", "directives", "checks", "views", "writers"}
    for package in packages:
        assert ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
