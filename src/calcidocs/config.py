"""The extension's configuration values, each with its default and help text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx


@dataclass(frozen=True)
class Option:
    """One ``conf.py`` value of the extension."""

    name: str
    default: Any
    types: tuple[type, ...]
    help: str
    rebuild: str = "env"


OPTIONS: tuple[Option, ...] = (
    Option(
        "calcidocs_subtypes",
        {},
        (dict,),
        "The subtype vocabulary: name to title, in the order tables show them.",
    ),
    Option(
        "calcidocs_topics",
        {},
        (dict,),
        "The topic vocabulary: name to title, in the order tables show them.",
    ),
    Option(
        "calcidocs_sources_dir",
        "sources",
        (str,),
        "The sources folder, relative to the documentation root. "
        "Claims can only cite files inside it.",
    ),
    Option(
        "calcidocs_manifest",
        "sources/manifest.toml",
        (str, type(None)),
        "The source manifest (TOML), relative to the documentation root; None for none.",
    ),
    Option(
        "calcidocs_min_quote_words",
        3,
        (int,),
        "The fewest words a quote may have.",
    ),
    Option(
        "calcidocs_require_quotes",
        True,
        (bool,),
        "Whether every citation must carry a quote (a citation without one is a "
        "``quote`` problem).",
    ),
    Option(
        "calcidocs_content_pages",
        ["subtypes/*", "topics/*"],
        (list, tuple),
        "Glob patterns of the documents whose every paragraph must be a claim, "
        "cite a source, or stand in an editorial block.",
    ),
    Option(
        "calcidocs_max_source_bytes",
        5_000_000,
        (int,),
        "The largest source file, in bytes, that the build reads.",
    ),
    Option(
        "calcidocs_raw_markup",
        False,
        (bool,),
        "Whether pages may insert raw markup (HTML in Markdown, the ``raw`` directive "
        "and role). Off, a page cannot inject markup into the site: HTML written in a "
        "page shows as text.",
    ),
    Option(
        "calcidocs_lexicon",
        None,
        (str, type(None)),
        "The medical terms that the drift check knows (TOML), relative to the "
        "documentation root; None for none (then only numbers, certainty and cause "
        "are checked). The ``{lexicon}`` directive shows it to writers.",
        rebuild="",
    ),
    Option(
        "calcidocs_review_lock",
        None,
        (str, type(None)),
        "The review lock, relative to the documentation root (the site uses "
        "``claims.lock``): who reviewed each claim, when, and what they read. Each claim "
        "not signed off as it is now is a ``review`` problem, and content pages show "
        "when their claims were last reviewed. None: no review check.",
    ),
    Option(
        "calcidocs_claims_json",
        "claims.json",
        (str, type(None)),
        "The file name of the claims export in the HTML output; None for none.",
        rebuild="",
    ),
)


def register(app: Sphinx) -> None:
    for option in OPTIONS:
        app.add_config_value(
            option.name,
            option.default,
            option.rebuild,  # type: ignore[arg-type]
            option.types,
        )
