"""The lexicon of medical terms: read once per build, shown to writers.

``calcidocs_lexicon`` names a TOML file of ``[term.NAME]`` tables (``kind``,
``forms``, optional ``subject`` and ``implies``; see :mod:`calcidocs.checks.drift`).
The ``{lexicon}`` directive lists its terms as a table, so that writers see
the words the drift check knows where they read the vocabulary.
"""

from __future__ import annotations

import weakref
from pathlib import Path

from docutils import nodes
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..writers.render import simple_table
from .drift import Lexicon, parse_lexicon

#: The largest lexicon file read, in bytes.
MAX_LEXICON_BYTES = 1_000_000

_LEXICONS: weakref.WeakKeyDictionary[BuildEnvironment, tuple[Lexicon, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def lexicon_path(env: BuildEnvironment) -> Path | None:
    name = env.config.calcidocs_lexicon
    return Path(env.srcdir) / name if name else None


def read_lexicon(path: Path | None) -> tuple[Lexicon, list[str]]:
    """The lexicon at ``path`` and its problems (an empty lexicon for None)."""
    if path is None:
        return Lexicon(), []
    try:
        if not path.is_file():
            return Lexicon(), [f"cannot read the lexicon {path.name!r}: no such file"]
        if path.stat().st_size > MAX_LEXICON_BYTES:
            too_large = f"the lexicon {path.name!r} is larger than {MAX_LEXICON_BYTES} bytes"
            return Lexicon(), [too_large]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Lexicon(), [f"cannot read the lexicon {path.name!r}: {error}"]
    return parse_lexicon(text)


def lexicon(env: BuildEnvironment) -> tuple[Lexicon, list[str]]:
    """This build's lexicon and its problems, read on first use."""
    found = _LEXICONS.get(env)
    if found is None:
        found = read_lexicon(lexicon_path(env))
        _LEXICONS[env] = found
    return found


def forget(app: object, env: BuildEnvironment, docnames: list[str]) -> None:
    """Read the lexicon again at the next use (connected to ``env-before-read-docs``)."""
    _LEXICONS.pop(env, None)


class LexiconDirective(SphinxDirective):
    """``{lexicon}``: the medical terms the drift check knows, by kind."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        path = lexicon_path(self.env)
        if path is not None:
            self.env.note_dependency(str(path))
        terms, _ = read_lexicon(path)
        rows = [
            [
                term.name + (" (the site's subject)" if term.subject else ""),
                term.kind,
                ", ".join(term.forms),
            ]
            for term in sorted(terms.terms.values(), key=lambda t: (t.kind, t.name))
        ]
        if not rows:
            return [nodes.paragraph("", "No lexicon is declared.")]
        table = simple_table(
            "Medical terms the drift check knows", ["Term", "Kind", "Forms"], rows, [20, 12, 50]
        )
        self.set_source_info(table)
        return [table]
