"""Profile one Sphinx build of a generated corpus (pyinstrument, or cProfile).

    python benchmarks/profile_build.py CORPUS [--out OUTDIR] [--incremental] [--cprofile]
    python benchmarks/profile_build.py --compare A.prof B.prof

The first form builds CORPUS (a folder that ``generate.py`` wrote) in this
process under cProfile, saves the statistics next to the output folder and
prints the functions that take the most time, then those of calcidocs
(with pyinstrument, the call tree is saved as text beside the statistics).
``--incremental`` first builds once without the profiler, changes one page
and profiles the rebuild. The second form prints the functions whose
cumulative time differs most between two saved profiles (for example plain
Sphinx against calcidocs on the same corpus).

pyinstrument samples the stack every millisecond, so the shares it shows are
close to those of an unprofiled build. cProfile (``--cprofile``, CPU time)
counts calls exactly but adds a cost to every call, which inflates functions
that make many small calls (a loop over characters looks much slower than it
is): use it for call counts, not shares.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import generate


def build(corpus: Path, out: Path, extra: list[str]) -> int:
    from sphinx.cmd.build import build_main

    return build_main(["-q", "-b", "html", *extra, str(corpus), str(out)])


def short(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    for marker in ("site-packages/", "src/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return f"{filename}:{line}({name})"


def print_top(stats: pstats.Stats, top: int, pattern: str | None = None) -> None:
    stream = io.StringIO()
    stats.stream = stream  # type: ignore[attr-defined]
    stats.sort_stats("cumulative")
    if pattern:
        stats.print_stats(pattern, top)
    else:
        stats.print_stats(top)
    for line in stream.getvalue().splitlines():
        if line.strip() and not line.lstrip().startswith(("List reduced", "Ordered by")):
            print(line[:160])


def compare(first: Path, second: Path, top: int) -> None:
    a = pstats.Stats(str(first)).stats  # type: ignore[attr-defined]
    b = pstats.Stats(str(second)).stats  # type: ignore[attr-defined]
    rows = []
    for key in set(a) | set(b):
        ca = a[key][3] if key in a else 0.0
        cb = b[key][3] if key in b else 0.0
        ta = a[key][2] if key in a else 0.0
        tb = b[key][2] if key in b else 0.0
        rows.append((cb - ca, ca, cb, tb - ta, short(key)))
    rows.sort(reverse=True)
    print(f"{'+cum':>8} {'first':>8} {'second':>8} {'+own':>8}  function")
    for row in rows[:top]:
        print(f"{row[0]:8.2f} {row[1]:8.2f} {row[2]:8.2f} {row[3]:8.2f}  {row[4]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--out", type=Path, help="output folder (default: a temporary one)")
    parser.add_argument("--incremental", action="store_true", help="profile a rebuild")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--cprofile", action="store_true", help="cProfile instead of pyinstrument")
    parser.add_argument("--compare", nargs=2, type=Path, metavar="PROF")
    args = parser.parse_args(argv)
    if args.compare:
        compare(*args.compare, args.top)
        return 0
    if args.corpus is None:
        parser.error("give a corpus folder or --compare")
    out = args.out or Path(tempfile.mkdtemp(prefix="calcidocs-profile-")) / "html"
    if out.exists():
        shutil.rmtree(out)
    if args.incremental:
        if build(args.corpus, out, []) != 0:
            return 1
        generate.edit_page(args.corpus)
    saved = out.parent / f"{args.corpus.name}{'-incremental' if args.incremental else ''}.prof"
    try:
        if args.cprofile:
            profiler = cProfile.Profile(time.process_time)
            status = profiler.runcall(build, args.corpus, out, [])
            profiler.dump_stats(str(saved))
        else:
            from pyinstrument import Profiler
            from pyinstrument.renderers import PstatsRenderer

            sampler = Profiler(interval=0.001)
            sampler.start()
            try:
                status = build(args.corpus, out, [])
            finally:
                sampler.stop()
            text = sampler.output(PstatsRenderer())
            saved.write_bytes(text.encode("utf-8", errors="surrogateescape"))
            tree = sampler.output_text(unicode=True, show_all=True)
            saved.with_suffix(".txt").write_text(tree, encoding="utf-8")
    finally:
        if args.incremental:
            generate.edit_page(args.corpus, undo=True)
    stats = pstats.Stats(str(saved))
    print(f"build status {status}; statistics saved in {saved}")
    print_top(stats, args.top)
    print("\n-- calcidocs and rapidfuzz --")
    print_top(stats, args.top, "calcidocs|rapidfuzz")
    return status


if __name__ == "__main__":
    sys.exit(main())
