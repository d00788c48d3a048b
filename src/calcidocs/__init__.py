"""calcidocs: claims that cite verified quotes, as a Sphinx extension.

See the authoring guide in the documentation for the writer's syntax.
"""

from __future__ import annotations

import atexit
import functools
import gc
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from . import config
from .checks import (
    claim_prints,
    cross_document,
    freshness,
    lexicon,
    page_results,
    readability,
    review_check,
    uncited,
)
from .checks.review_date import add_review_date
from .directives.claim import ClaimDirective
from .directives.editorial import EditorialDirective
from .directives.option_block import read_plain_blocks_quickly
from .directives.vocabulary import TermDirective, VocabularyDirective
from .domain import CalcidocsDomain, CalcidocsXRefRole, note_read, start_reading
from .sources import library
from .sources.normalize import NORMALIZE_VERSION
from .views.aggregates import FillAggregates, aggregate
from .views.lists import AcceptedDriftDirective, ClaimListDirective, DisagreementsDirective
from .views.reference import ReferenceDirective
from .views.report import (
    CitationReportDirective,
    ReadabilityReportDirective,
    SourceCoverageDirective,
)
from .views.source_page import SourceTextDirective
from .views.tables import ComparisonTableDirective
from .writers import claim_index, claims_json, light, spliced
from .writers.line_memo import read_pickled, replace_pickled, without_collector

__version__ = "0.1.0"

STATIC = Path(__file__).parent / "static"

DIRECTIVES: dict[str, type[Directive]] = {
    "claim": ClaimDirective,
    "editorial": EditorialDirective,
    "subtype": TermDirective,
    "topic": TermDirective,
    "vocabulary": VocabularyDirective,
    "source-text": SourceTextDirective,
    "comparison-table": ComparisonTableDirective,
    "claim-list": ClaimListDirective,
    "disagreements": DisagreementsDirective,
    "source-coverage": SourceCoverageDirective,
    "citation-report": CitationReportDirective,
    "calcidocs-reference": ReferenceDirective,
    "lexicon": lexicon.LexiconDirective,
    "accepted-drift": AcceptedDriftDirective,
    "readability-report": ReadabilityReportDirective,
}


def _load_environment_without_collector(app: Sphinx) -> None:
    """Load the saved environment without the cycle collector (in ``setup``, before
    Sphinx loads it): it is millions of objects that all live on, and the collector's
    passes over them while they were made took more than half of the time (1.5 s
    against 0.6 s for 40,000 claims). Left as it is if Sphinx loads it otherwise."""
    load = getattr(app, "_load_existing_env", None)
    if not callable(load) or getattr(load, "_calcidocs", False):
        return

    @functools.wraps(load)
    def loading(*args: Any, **kwargs: Any) -> Any:
        with without_collector():
            return load(*args, **kwargs)

    loading._calcidocs = True  # type: ignore[attr-defined]
    app._load_existing_env = loading  # type: ignore[method-assign]


def _freeze(app: Sphinx, *args: Any) -> None:
    """Spare what is loaded (the code, the saved environment) from the cycle collector's
    full passes during the build: it lives until the end, and with thousands of claims
    each pass costs tens of milliseconds."""
    gc.freeze()


#: How many pages are read between two freezes of what is read (see
#: :func:`_freeze_while_reading`), and how many were read since the last one.
FREEZE_EVERY = 100
_read_since_freeze = [0]


def _freeze_while_reading(app: Sphinx, doctree: Any) -> None:
    """``doctree-read``: every :data:`FREEZE_EVERY` pages, :func:`_freeze` what is read
    so far. The records and doctrees read live on, and each of the collector's full
    passes walked all of them again: at 2,000 pages those passes took 9.6 s of a full
    build, and 4.6 s with this. The young generations are collected first, so that
    little garbage is kept until the build ends (4 MB at 2,000 pages)."""
    _read_since_freeze[0] += 1
    if _read_since_freeze[0] >= FREEZE_EVERY:
        _read_since_freeze[0] = 0
        gc.collect(1)
        gc.freeze()


def _freeze_records(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """:func:`_freeze` the records read, once what the pages left as garbage is
    collected (so that none of it is kept)."""
    gc.collect()
    gc.freeze()
    return []


def _unfreeze(app: Sphinx, exception: BaseException | None) -> None:
    """Hand everything back to the collector once the build is over (a process may
    build again, as the tests and language servers do). A process that ends instead
    skips the collector's last passes over it (:func:`_spare_the_exit`)."""
    gc.unfreeze()
    _spare_the_exit()


@functools.cache
def _spare_the_exit() -> None:
    """When the process ends, freeze what is left before the interpreter's final
    collections: they would walk every object of the build only to free it as the
    process ends (half a second for 4,000 claims, more than the writing of the pages
    an edit changes). Output is written and closed by then: nothing that is left
    holds any."""
    atexit.register(gc.freeze)


#: Where a build keeps its sources' normalised texts, next to the saved environment.
KEPT_NORMALIZED = "calcidocs-normalized.pickle"


def _load_library(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    sources = library.load(env)
    if docnames:
        # Normalise every source now, before a parallel read forks its workers:
        # each source is then normalised once per build, not once per worker; and
        # taken from the last build while its text is the same.
        keep = Path(env.doctreedir) / KEPT_NORMALIZED
        try:
            kept = read_pickled(keep)
        except Exception:  # absent, unreadable or of another version: normalise
            kept = None
        now = library.normalize_all(sources, kept)
        if not isinstance(kept, tuple) or kept != (NORMALIZE_VERSION, now):
            replace_pickled(keep, (NORMALIZE_VERSION, now))


#: The Markdown rules that pass HTML through (markdown-it names).
RAW_HTML_SYNTAX = ("html_block", "html_inline")


def _refuse_raw_html(app: Sphinx, config: Config) -> None:
    """Unless ``calcidocs_raw_markup``, MyST shows HTML written in a page as text."""
    if config.calcidocs_raw_markup or "myst_disable_syntax" not in config:
        return
    disabled = list(config.myst_disable_syntax)
    config.myst_disable_syntax = disabled + [r for r in RAW_HTML_SYNTAX if r not in disabled]


def _refuse_raw_directive(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Unless ``calcidocs_raw_markup``, the ``raw`` directive and role are disabled."""
    if not app.config.calcidocs_raw_markup:
        env.settings["raw_enabled"] = False


def _quiet_missing_reference(app: Sphinx, domain: Domain | None, node: pending_xref) -> bool | None:
    """Our unresolved references are reported once, by the ``ref`` check.

    (``warn-missing-reference``, not ``missing-reference``: a reference that
    intersphinx or another extension resolves must still reach them.)
    """
    if node.get("refdomain") == "calcidocs":
        return True
    return None


def _copy_static(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    # What is loaded by now (Sphinx, the extensions, the configuration) lives to the
    # end of the build: spare it the collector's passes from here on, while Sphinx
    # makes its builder and loads the saved environment (80 ms of a no-op build of
    # 200 pages). Handed back at build-finished (_unfreeze).
    _freeze(app)
    _load_environment_without_collector(app)
    config.register(app)
    app.setup_extension("calcidocs.writers.latex")
    app.setup_extension("calcidocs.writers.builders")
    app.setup_extension("calcidocs.writers.accessibility")
    app.add_domain(CalcidocsDomain)
    for role in ("claim", "subtype", "topic", "source"):
        app.add_role(role, CalcidocsXRefRole())
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    read_plain_blocks_quickly()
    app.add_node(
        aggregate,
        html=(_skip, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
    for light_node, handlers in light.HTML_HANDLERS.items():
        app.add_node(light_node, html=handlers)
    app.add_post_transform(FillAggregates)
    app.connect("config-inited", _refuse_raw_html)
    app.connect("env-before-read-docs", _refuse_raw_directive)
    app.connect("env-before-read-docs", _freeze)
    app.connect("env-before-read-docs", start_reading)
    app.connect("doctree-read", note_read)
    app.connect("doctree-read", _freeze_while_reading, priority=999)
    app.connect("env-updated", _freeze_records, priority=900)
    app.connect("build-finished", _unfreeze, priority=1000)
    app.connect("env-before-read-docs", _load_library)
    app.connect("env-before-read-docs", lexicon.forget)
    app.connect("env-before-read-docs", review_check.load)
    app.connect("doctree-read", uncited.check_doctree)
    app.connect("doctree-read", readability.collect)
    app.connect("doctree-read", add_review_date)
    app.connect("doctree-read", claim_prints.note_prints)
    app.connect("doctree-read", page_results.note_results, priority=600)
    app.connect("doctree-read", freshness.collect_links)
    app.connect("env-updated", cross_document.report)
    app.connect("env-updated", freshness.pages_to_rewrite)
    app.connect("env-updated", page_results.let_go, priority=800)
    app.connect("env-updated", readability.let_go, priority=800)
    app.connect("warn-missing-reference", _quiet_missing_reference)
    app.connect("builder-inited", _copy_static)
    app.connect("builder-inited", spliced.install)
    app.connect("html-page-context", claim_index.write_from_groups)
    app.connect("build-finished", claims_json.write)
    # after every other handler: the pages are written only when the build is done
    app.connect("build-finished", freshness.record_written, priority=900)
    app.connect("build-finished", light.keep_lines, priority=900)
    app.add_css_file("calcidocs.css")
    app.add_js_file("calcidocs.js")
    return {
        "version": __version__,
        "env_version": 5,  # 5: modules in packages (doctrees name their nodes' modules)
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
