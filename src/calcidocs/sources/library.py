"""One :class:`~calcidocs.sources.manifest.SourceLibrary` per build environment.

The library is a cache, not environment data: it is made afresh at the start
of every build (before any worker process is forked, so workers share it) and
is never pickled.
"""

from __future__ import annotations

import weakref
from pathlib import Path

from sphinx.environment import BuildEnvironment

from .manifest import SourceLibrary
from .normalize import NORMALIZE_VERSION, Normalized

_LIBRARIES: weakref.WeakKeyDictionary[BuildEnvironment, SourceLibrary] = weakref.WeakKeyDictionary()


def load(env: BuildEnvironment) -> SourceLibrary:
    """Read the manifest and every listed source for this build."""
    config = env.config
    srcdir = Path(env.srcdir)
    manifest = srcdir / config.calcidocs_manifest if config.calcidocs_manifest else None
    library = SourceLibrary(
        sources_dir=srcdir / config.calcidocs_sources_dir,
        manifest_path=manifest,
        max_bytes=config.calcidocs_max_source_bytes,
        manifest_name=config.calcidocs_manifest or "",
    )
    _LIBRARIES[env] = library
    return library


def library(env: BuildEnvironment) -> SourceLibrary:
    """This build's source library (loaded on first use)."""
    found = _LIBRARIES.get(env)
    return found if found is not None else load(env)


def normalize_all(sources: SourceLibrary, kept: object) -> dict[str, Normalized]:
    """Normalise every source now, taking the texts a build normalised before from
    ``kept`` (what this function returned then); returns what to keep for the next
    build: each source's normalised text, by the sha256 of its text."""
    known = kept[1] if isinstance(kept, tuple) and kept[:1] == (NORMALIZE_VERSION,) else {}
    now: dict[str, Normalized] = {}
    for source in sources.all_sources():
        if source.text is None:
            continue
        found = known.get(source.actual_sha256) if isinstance(known, dict) else None
        if isinstance(found, Normalized) and found.original == source.text:
            source.normalized_as(found)
        now[source.actual_sha256] = source.normalized
    return now
