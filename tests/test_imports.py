"""The modules of calcidocs import one another in one direction only."""

from __future__ import annotations

from test_layout import PACKAGE, imports_of, module_name


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    # every module imports its package; the package's own setup() may import any module
    return {module_name(p): imports_of(p, modules) - {"calcidocs"} for p in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle of imports, as the modules on it (one per group of modules that
    import one another, found by Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = import_graph()
    assert "calcidocs.directives.claim" in graph and "calcidocs.domain" in graph
    assert cycles(graph) == []


def test_the_model_imports_nothing_of_ours() -> None:
    assert import_graph()["calcidocs.model"] == set()


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
