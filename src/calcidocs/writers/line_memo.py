"""The HTML of the lines of tables and lists, kept from one build to the next.

A comparison table or a claim list is written again whenever one claim it
shows changes, and its other lines come out as they did the last time. Each
line's HTML is kept under a name of all it is made from (its claim's record,
by fingerprint, how the list shows it, and what each of its links leads to:
:func:`calcidocs.writers.light.line_name`), on a page of one builder,
translator and link settings (:func:`context`). The lines live in a
file next to the saved environment, one per builder, replaced at once when a
build ends well: for each page this build wrote, the lines it used; for each
page it did not write, the lines kept before.

The entries of ``claims.json``, one long page of thousands of lines, are kept
by :class:`StreamedLines` instead: each goes into the new file as it is
written, so that they are never all in memory at once.

Only the main process keeps lines: a page written by a worker of a parallel
build keeps those of the build before, and a line missing is only made again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sphinx.builders import Builder

#: The version of the kept lines: raise it whenever the HTML of a line changes.
MEMO_VERSION = 2  # 2: claims.json's lines kept in batches

Key = bytes


def context(translator: Any, docname: str) -> tuple[str, ...]:
    """What, besides the line itself, its HTML depends on: the page it is written on,
    the builder, its link settings, and the writer's escaping."""
    builder = translator.builder
    kind = type(translator)
    return (
        str(MEMO_VERSION),
        builder.name,
        str(getattr(builder, "out_suffix", "")),
        str(getattr(builder, "link_suffix", "")),
        f"{kind.__module__}.{kind.__qualname__}",
        docname,
    )


class PageLines:
    """The lines of one page: those kept by the last build, and those used now."""

    def __init__(self, context: tuple[str, ...], kept: dict[Key, str]) -> None:
        self.context = context
        self.kept = kept
        self.used: dict[Key, str] = {}

    def get(self, name: str, make: Callable[[], str]) -> str:
        """The text kept under ``name`` (which names all it is made from), or ``make()``."""
        key = hashlib.blake2b(name.encode(), digest_size=16).digest()
        found = self.used.get(key) or self.kept.get(key)
        if found is None:
            found = make()
        self.used[key] = found
        return found


class LineMemo:
    """The lines of every page, for one builder's output."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._kept: dict[str, tuple[tuple[str, ...], dict[Key, str]]] | None = None
        self.pages: dict[str, PageLines] = {}

    def kept(self) -> dict[str, tuple[tuple[str, ...], dict[Key, str]]]:
        if self._kept is None:
            self._kept = {}
            with contextlib.suppress(Exception):  # unreadable or of another version: none
                version, kept = read_pickled(self.path)
                if version == MEMO_VERSION and isinstance(kept, dict):
                    self._kept = kept
        return self._kept

    def page(self, context: tuple[str, ...], docname: str) -> PageLines:
        found = self.pages.get(docname)
        if found is None or found.context != context:
            old = self.kept().get(docname)
            kept = old[1] if old is not None and old[0] == context else {}
            found = self.pages[docname] = PageLines(context, kept)
        return found

    def save(self, docnames: set[str]) -> None:
        """Keep the lines of the pages in ``docnames``: those used now, or else those
        kept before (nothing changes when no page had lines)."""
        if not self.pages:
            return
        lines = {
            docname: (page.context, page.used)
            for docname, page in self.pages.items()
            if docname in docnames
        }
        for docname, old in self.kept().items():
            if docname in docnames and docname not in lines:
                lines[docname] = old
        replace_pickled(self.path, (MEMO_VERSION, lines))


class StreamedLines:
    """The lines of one long page (``claims.json``), kept as they are written: the
    lines used go, a batch at a time, into the file that replaces the kept one once
    every line is written (:meth:`done`), so that the lines of a first build are never
    all in memory at once. The file is a stream of pickles: ``(MEMO_VERSION, context)``,
    then lists of ``(key, line)`` of up to :data:`BATCH` each (one pickle a line cost
    more than the lines: 40,000 calls each way)."""

    #: How many lines go into the file at once.
    BATCH = 1000

    def __init__(self, path: Path, context: tuple[str, ...]) -> None:
        self.path = path
        self.kept: dict[Key, str] = {}
        with contextlib.suppress(Exception):  # unreadable or of another version: none
            self.kept = _read_stream(path, (MEMO_VERSION, context))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, self._temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        self._file = os.fdopen(handle, "wb")
        self._batch: list[tuple[Key, str]] = []
        pickle.dump((MEMO_VERSION, context), self._file, pickle.HIGHEST_PROTOCOL)

    def get(self, name: str, make: Callable[[], str]) -> str:
        """As :meth:`PageLines.get`; the line goes into the new file with its batch."""
        key = hashlib.blake2b(name.encode(), digest_size=16).digest()
        found = self.kept.get(key)
        if found is None:
            found = make()
        self._batch.append((key, found))
        if len(self._batch) >= self.BATCH:
            self._flush()
        return found

    def _flush(self) -> None:
        pickle.dump(self._batch, self._file, pickle.HIGHEST_PROTOCOL)
        self._batch = []

    def done(self, ok: bool) -> None:
        """Replace the kept lines with those written (``ok``), or keep the old ones."""
        try:
            if ok and self._batch:
                self._flush()
        finally:
            self._file.close()
        if ok:
            os.replace(self._temporary, self.path)
        else:
            with contextlib.suppress(OSError):
                os.unlink(self._temporary)


def _read_stream(path: Path, header: tuple[Any, ...]) -> dict[Key, str]:
    kept: dict[Key, str] = {}
    with without_collector(), path.open("rb") as file:
        if pickle.load(file) != header:
            return {}
        while True:
            try:
                kept.update(pickle.load(file))
            except EOFError:
                return kept


@contextlib.contextmanager
def without_collector() -> Iterator[None]:
    """The cycle collector off while loading what makes many objects that all live on:
    its passes over them while they were made took more than half of the time (the
    saved environment, the kept pickles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_pickled(path: Path) -> Any:
    """What ``path`` holds, unpickled without the cycle collector."""
    with without_collector(), path.open("rb") as file:
        return pickle.load(file)


def replace_pickled(path: Path, data: object) -> None:
    """Replace ``path`` at once with ``data`` pickled: a build stopped meanwhile leaves
    the old file whole, and a failure to write only loses what was kept."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(data, file, pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def memo_path(builder: Builder, what: str = "lines") -> Path:
    """Where the lines of ``builder``'s output are kept: next to the saved environment."""
    return Path(builder.doctreedir) / f"calcidocs-{what}.{builder.name}.pickle"
