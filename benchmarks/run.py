"""Build benchmark: plain Sphinx, sphinx-needs and calcidocs side by side.

    python benchmarks/run.py                          # quick: 50 pages x 20 claims, 3 runs
    python benchmarks/run.py --sizes 200x20,2000x20:1 --runs 3

For each size, ``generate.py`` writes the same claims in the three dialects;
then every run builds each dialect in turn (the order rotates from run to run,
and each measure is taken for all three dialects before the next measure) as
a separate ``python -m sphinx -b html -W`` process:

full -j1
    a fresh HTML build (new output and doctree folders), one process;
incremental
    after that build, the first statement of one page changes and the same
    folders are built again (asked for without ``full1`` before it, each run
    first makes that full build, unmeasured);
full -j2
    a fresh HTML build with ``-j 2``.

Time is wall-clock time; CPU time (user + system, the build and its worker
processes) is shown for the full builds too, as it suffers less from other
work on a shared machine. Peak memory is the largest resident set of the
``-j1`` build process (``wait4``). The table gives medians over the runs and
their ratios to plain Sphinx, and the growth from the smallest to the largest
size. Before timing, every calcidocs claim is checked to verify (from
``claims.json``) and each source to be read and normalised once per build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import generate

DIALECTS = generate.DIALECTS
MEASURES = ("full1", "incremental", "full2")
LABELS = {
    "full1": "full build -j1 (s)",
    "cpu1": "  CPU time of it (s)",
    "incremental": "incremental, 1 statement changed (s)",
    "full2": "full build -j2 (s)",
    "cpu2": "  CPU time of it (s)",
    "memory": "peak memory -j1 (MB)",
}
#: The targets, as ratios to plain Sphinx: up to 1,000 pages, and beyond.
TARGETS = {"full1": 1.5, "cpu1": 1.5, "incremental": 1.3, "full2": 1.5, "memory": 1.4}
LARGE_TARGETS = {**TARGETS, "incremental": 1.5, "memory": 1.5}
LARGE_PAGES = 1000
GROWTH_TARGET = 11.0


@dataclass
class Build:
    wall: float
    cpu: float
    max_rss_mb: float


@dataclass
class Results:
    """Per (size, dialect, measure): the samples."""

    samples: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)

    def add(self, size: str, dialect: str, measure: str, value: float) -> None:
        self.samples.setdefault((size, dialect, measure), []).append(value)

    def median(self, size: str, dialect: str, measure: str) -> float | None:
        values = self.samples.get((size, dialect, measure))
        return statistics.median(values) if values else None


def sphinx_build(src: Path, out: Path, jobs: int, fresh: bool) -> Build:
    """One ``python -m sphinx`` process; its wall time, CPU time and peak memory.

    A full build runs with ``-W``: every claim checks out. The incremental build
    after a writer's edit runs without it, as the edited claim is then one that no
    reviewer has signed off (a ``calcidocs.review`` warning, as it should be).
    """
    if fresh and out.exists():
        shutil.rmtree(out)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        *(["-W"] if fresh else []),
        "-j",
        str(jobs),
        "-d",
        str(out / ".doctrees"),
        str(src),
        str(out / "html"),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stdout, stderr = process.communicate()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(stdout + stderr)
        raise SystemExit(f"build of {src} failed (exit {code})")
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024
    return Build(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * scale)


def parse_size(text: str, runs: int) -> tuple[generate.Corpus, int]:
    """``PAGESxCLAIMS`` or ``PAGESxCLAIMS:RUNS``: the corpus and its number of runs."""
    size, _, own_runs = text.strip().lower().partition(":")
    pages, _, claims = size.partition("x")
    return generate.Corpus(int(pages), int(claims or 20)), int(own_runs or runs)


def size_name(corpus: generate.Corpus) -> str:
    return f"{corpus.pages}x{corpus.claims}"


def check_calcidocs(out: Path, corpus: generate.Corpus) -> str:
    """Every claim verified? (from claims.json of a calcidocs build)"""
    data = json.loads((out / "html" / "claims.json").read_text(encoding="utf-8"))
    claims = data["claims"]
    verified = sum(1 for claim in claims if claim["status"] == "verified")
    if len(claims) != corpus.total_claims or verified != len(claims):
        raise SystemExit(f"calcidocs: {verified} of {len(claims)} claims verified")
    return f"all {verified} claims verified"


def sign_off(src: Path) -> None:
    """Record a review of every claim of a calcidocs corpus, as its reviewers would."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "calcidocs.check",
            "--srcdir",
            str(src),
            "--confdir",
            str(src),
            "--accept",
            "--reviewer",
            "bench",
            "--on",
            "2026-01-01",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("signing off the calcidocs corpus failed")


def check_sources(src: Path, work: Path, jobs: int) -> str:
    """How often sources are read and normalised in one build (see count_sources.py)."""
    script = Path(__file__).parent / "count_sources.py"
    result = subprocess.run(
        [sys.executable, str(script), "-j", str(jobs), str(src), str(work / f"count-j{jobs}")],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("the source count build failed")
    return result.stdout.strip()


def run_size(
    corpus: generate.Corpus,
    dialects: list[str],
    runs: int,
    work: Path,
    results: Results,
    measures: tuple[str, ...],
    log: bool,
) -> list[str]:
    size = size_name(corpus)
    notes = []
    sources = {}
    for dialect in dialects:
        sources[dialect] = work / size / dialect / "src"
        generate.generate(dialect, corpus, sources[dialect])
        if dialect == "calcidocs":
            sign_off(sources[dialect])
    outs = {dialect: work / size / dialect / "out" for dialect in dialects}
    for number in range(runs):
        order = dialects[number % len(dialects) :] + dialects[: number % len(dialects)]
        for measure in measures:
            for dialect in order:
                src, out = sources[dialect], outs[dialect]
                if measure == "incremental":
                    if "full1" not in measures[: measures.index("incremental")]:
                        # the edit must change what the last build read: that is a
                        # full build of the corpus as generated (made here, not measured)
                        sphinx_build(src, out, 1, fresh=True)
                    generate.edit_page(src)
                    try:
                        build = sphinx_build(src, out, 1, fresh=False)
                    finally:
                        generate.edit_page(src, undo=True)
                    results.add(size, dialect, "incremental", build.wall)
                else:
                    jobs = 2 if measure == "full2" else 1
                    build = sphinx_build(src, out, jobs, fresh=True)
                    results.add(size, dialect, measure, build.wall)
                    results.add(size, dialect, f"cpu{jobs}", build.cpu)
                    if jobs == 1:
                        results.add(size, dialect, "memory", build.max_rss_mb)
                        if dialect == "calcidocs" and number == 0:
                            notes.append(f"{size}: {check_calcidocs(out, corpus)}")
                if log:
                    print(
                        f"  {size} run {number + 1} {measure:<11} {dialect:<9} "
                        f"{build.wall:7.2f} s  {build.cpu:7.2f} s CPU  {build.max_rss_mb:6.0f} MB",
                        file=sys.stderr,
                        flush=True,
                    )
    if "calcidocs" in dialects:
        for jobs in (1, 2):
            notes.append(f"{size}, -j{jobs}: {check_sources(sources['calcidocs'], work, jobs)}")
    return notes


def ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return ""
    return f"{value / base:.2f}x"


def table(
    results: Results, sizes: list[generate.Corpus], dialects: list[str], runs: list[int]
) -> list[str]:
    lines = []
    rows = [m for m in ("full1", "cpu1", "full2", "cpu2", "incremental", "memory")]
    for corpus, count in zip(sizes, runs, strict=True):
        size = size_name(corpus)
        lines.append(
            f"{corpus.pages} pages x {corpus.claims} claims ({corpus.total_claims} claims), "
            f"median of {count} run{'s' if count > 1 else ''}"
        )
        head = f"{'':34}"
        for dialect in dialects:
            head += f"{dialect:>10}" + ("" if dialect == "plain" else f"{'ratio':>8}")
        head += f"{'target':>9}  holds"
        lines.append(head)
        for measure in rows:
            base = results.median(size, "plain", measure)
            if all(results.median(size, d, measure) is None for d in dialects):
                continue
            line = f"{LABELS[measure]:34}"
            for dialect in dialects:
                value = results.median(size, dialect, measure)
                cell = (
                    ""
                    if value is None
                    else f"{value:.2f}"
                    if measure != "memory"
                    else f"{value:.0f}"
                )
                line += f"{cell:>10}"
                if dialect != "plain":
                    line += f"{ratio(value, base):>8}"
            targets = LARGE_TARGETS if corpus.pages > LARGE_PAGES else TARGETS
            target = targets.get(measure)
            mine = results.median(size, "calcidocs", measure)
            if target and base and mine is not None:
                holds = "yes" if mine / base <= target else "no"
                line += f"{'<= ' + format(target, '.2f') + 'x':>9}  {holds}"
            lines.append(line)
        lines.append("")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        factor = large.pages / small.pages
        lines.append(
            f"growth from {small.pages} to {large.pages} pages "
            f"({factor:.0f}x the pages), full build -j1"
        )
        line = f"{'':34}"
        for dialect in dialects:
            line += f"{dialect:>10}"
        lines.append(line + f"{'target':>9}  holds")
        for measure in ("full1", "cpu1"):
            line = f"{LABELS[measure].strip():34}"
            for dialect in dialects:
                a = results.median(size_name(small), dialect, measure)
                b = results.median(size_name(large), dialect, measure)
                line += f"{ratio(b, a):>10}"
            a = results.median(size_name(small), "calcidocs", measure)
            b = results.median(size_name(large), "calcidocs", measure)
            if a and b is not None and "calcidocs" in dialects:
                target = GROWTH_TARGET * factor / 10
                holds = "yes" if b / a <= target else "no"
                line += f"{'<= ' + format(target, '.1f') + 'x':>9}  {holds}"
            lines.append(line)
        lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="The reference measurement: --sizes 200x20,2000x20:1 --runs 3 (about "
        "half an hour on two cores).",
    )
    parser.add_argument(
        "--sizes",
        default="50x20",
        help="comma-separated PAGESxCLAIMS[:RUNS] (default 50x20; the reference sizes "
        "are 200x20,2000x20)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per size without its own :RUNS (default 3)"
    )
    parser.add_argument(
        "--dialects",
        default=",".join(DIALECTS),
        help="comma-separated subset of " + ", ".join(DIALECTS),
    )
    parser.add_argument(
        "--measures",
        default=",".join(MEASURES),
        help="comma-separated subset of " + ", ".join(MEASURES),
    )
    parser.add_argument("--workdir", type=Path, help="keep corpora and builds here")
    parser.add_argument("--json", type=Path, help="also write every sample as JSON")
    parser.add_argument("--quiet", action="store_true", help="no line per build on stderr")
    args = parser.parse_args(argv)
    parsed = [parse_size(s, args.runs) for s in args.sizes.split(",") if s.strip()]
    sizes = [corpus for corpus, _ in parsed]
    runs = [count for _, count in parsed]
    dialects = [d for d in args.dialects.split(",") if d]
    measures = tuple(m for m in args.measures.split(",") if m)
    unknown = set(dialects) - set(DIALECTS) | set(measures) - set(MEASURES)
    if unknown or "plain" not in dialects:
        parser.error(f"unknown dialects or measures {sorted(unknown)} (plain is required)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="calcidocs-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = Results()
    notes = []
    try:
        # Warm up: byte-compile every module and fill the file cache, untimed.
        warm = generate.Corpus(3, 2)
        for dialect in dialects:
            generate.generate(dialect, warm, work / "warm" / dialect / "src")
            if dialect == "calcidocs":
                sign_off(work / "warm" / dialect / "src")
            sphinx_build(work / "warm" / dialect / "src", work / "warm" / dialect / "out", 1, True)
        for corpus, count in parsed:
            notes += run_size(corpus, dialects, count, work, results, measures, log=not args.quiet)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(table(results, sizes, dialects, runs)))
    for note in notes:
        print(note)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.json:
        samples = [
            {"size": size, "dialect": dialect, "measure": measure, "values": values}
            for (size, dialect, measure), values in sorted(results.samples.items())
        ]
        args.json.write_text(json.dumps(samples, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
