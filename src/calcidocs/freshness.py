"""Pages that show aggregates are re-read whenever any claim may have changed.

Tables, lists and source pages are filled from all claims of the project, so
a change anywhere (a page added, changed or removed, or a cited source edited,
which re-reads the pages citing it) makes every page holding one outdated.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .domain import CalcidocsDomain


def outdated_aggregates(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: the pages holding aggregates, when anything changed."""
    if not (added or changed or removed):
        return []
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    return sorted(domain.aggregate_docs() - removed)
