"""Large runs of HTML written straight into their page's file, never held as one string.

A comparison table, a source page or the claim index of a large site is
megabytes of HTML. While Sphinx writes a page it holds its body several times
over: the translator's parts, the joined body, the whole document, the page
the template renders, and that page encoded. One large page so sets the peak
memory of a whole build. Such a run of HTML (at least :data:`THRESHOLD`
characters) leaves a marker in the page's body instead (:meth:`Splices.hold`),
and its parts are written into the file in place of the marker right after
Sphinx has written the page (:func:`install`). The file is replaced at once:
a build stopped meanwhile leaves the page as Sphinx wrote it, which the next
build writes again (:mod:`calcidocs.checks.freshness` records a page as
written only when the build ends well).

Only builders that write each page to a file of HTML splice: the pickle and
JSON builders, which save the page's body, get it whole.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinxcontrib.serializinghtml import SerializingHTMLBuilder

#: Runs of HTML shorter than this (in characters) stay in the page's body.
THRESHOLD = 1 << 13

_MARKER = re.compile(r"<!--calcidocs-spliced:(\d+)-->")


class Splices:
    """The runs of HTML held for the page being written, by the number of their marker."""

    def __init__(self) -> None:
        self.pending: dict[int, Iterable[str]] = {}
        self._count = 0

    def hold(self, parts: Iterable[str]) -> str:
        """The marker that stands for ``parts`` in the page's body (read once, when
        they are written)."""
        self._count += 1
        self.pending[self._count] = parts
        return f"<!--calcidocs-spliced:{self._count}-->"

    def splice(self, path: Path, encoding: str) -> None:
        """Write the runs held into the page at ``path`` in place of their markers."""
        pending, self.pending = self.pending, {}
        try:
            text = path.read_text(encoding=encoding)
        except (OSError, UnicodeDecodeError):
            return
        pieces = _MARKER.split(text)
        if len(pieces) == 1:
            return
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(
                handle, "w", encoding=encoding, errors="xmlcharrefreplace", newline=""
            ) as file:
                for n, piece in enumerate(pieces):
                    if n % 2 == 0:
                        file.write(piece)
                        continue
                    held = pending.get(int(piece))
                    if held is None:  # not this page's: left as it was
                        file.write(f"<!--calcidocs-spliced:{piece}-->")
                        continue
                    for part in held:
                        file.write(part)
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))  # as Sphinx made it
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def splices(builder: Builder) -> Splices | None:
    """Where ``builder`` holds long runs of HTML, or None if it takes them whole."""
    found = builder.__dict__.get("calcidocs_splices")
    return found if isinstance(found, Splices) else None


def hold_or_join(builder: Builder, parts: Sequence[str]) -> str:
    """``parts`` as one string, or, if long and the builder splices, their marker."""
    held = splices(builder)
    if held is None or sum(map(len, parts)) < THRESHOLD:
        return "".join(parts)
    return held.hold(parts)


def writes_html_files(builder: Builder) -> bool:
    """Whether ``builder`` writes each page as a file of HTML (not its context)."""
    return isinstance(builder, StandaloneHTMLBuilder) and not isinstance(
        builder, SerializingHTMLBuilder
    )


def install(app: Any) -> None:
    """``builder-inited``: the builder splices the runs held for a page once it is written."""
    builder = app.builder
    if not writes_html_files(builder):
        return
    held = Splices()
    builder.calcidocs_splices = held
    write_page = builder.handle_page
    encoding = str(builder.config.html_output_encoding)

    def handle_page(
        pagename: str,
        addctx: dict[str, Any],
        templatename: str = "page.html",
        *,
        outfilename: str | os.PathLike[str] | None = None,
        event_arg: Any = None,
    ) -> None:
        try:
            write_page(pagename, addctx, templatename, outfilename=outfilename, event_arg=event_arg)
        except BaseException:
            held.pending.clear()
            raise
        if held.pending:
            path = Path(outfilename) if outfilename else Path(builder.get_outfilename(pagename))
            held.splice(path, encoding)

    builder.handle_page = handle_page
