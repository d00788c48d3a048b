"""Count how often one calcidocs build reads and normalises its sources.

    python benchmarks/count_sources.py [-j N] CORPUS OUTDIR

Builds CORPUS (a calcidocs corpus from ``generate.py``) in this process, with
the source reading (``SourceLibrary._read``) and the normalisation of texts of
more than 1,000 characters (sources, not quotes) counted in every process of
the build, worker processes included. Prints one line: the counts, the
number of quotes checked and the number of sources.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

LONG_TEXT = 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-j", dest="jobs", default="1")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)

    from sphinx.cmd.build import build_main

    import calcidocs.sources.manifest
    import calcidocs.sources.quotes
    from calcidocs.sources import normalize as normalize_module

    # Worker processes are forked: each appends its events to this file.
    log = Path(tempfile.mkstemp(prefix="calcidocs-count-")[1])

    def note(event: str) -> None:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {event}\n")

    original_read = calcidocs.sources.manifest.SourceLibrary._read
    original_find = calcidocs.sources.quotes.find_quote

    @functools.wraps(original_read)
    def counted_read(self: Any, source: Any) -> None:
        note("read")
        original_read(self, source)

    def counted_normalize(text: str) -> Any:
        if len(text) > LONG_TEXT:
            note("normalise")
        return normalize_module.normalize(text)

    @functools.wraps(original_find)
    def counted_find(source: Any, quote: str) -> Any:
        note("quote")
        return original_find(source, quote)

    calcidocs.sources.manifest.SourceLibrary._read = counted_read  # type: ignore[method-assign]
    calcidocs.sources.manifest.normalize = counted_normalize  # type: ignore[assignment]
    calcidocs.sources.quotes.find_quote = counted_find  # type: ignore[assignment]
    import calcidocs.directives.claim

    calcidocs.directives.claim.find_quote = counted_find  # type: ignore[assignment]

    if args.out.exists():
        shutil.rmtree(args.out)
    try:
        status = build_main(["-q", "-b", "html", "-j", args.jobs, str(args.corpus), str(args.out)])
        events = log.read_text(encoding="utf-8").split("\n")
    finally:
        log.unlink()
    counts = {"read": 0, "normalise": 0, "quote": 0}
    processes = set()
    for line in events:
        if line:
            pid, event = line.split()
            counts[event] += 1
            processes.add(pid)
    manifest = (args.corpus / "sources" / "manifest.toml").read_text(encoding="utf-8")
    sources = manifest.count("[[source]]")
    print(
        f"{counts['quote']} quotes checked against {sources} sources: "
        f"{counts['read']} source reads, {counts['normalise']} source normalisations "
        f"in {len(processes)} process{'es' if len(processes) != 1 else ''}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
