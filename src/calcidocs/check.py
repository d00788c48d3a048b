"""The reviewer's check: ``python -m calcidocs.check``.

Builds the documentation from a fresh environment, reports every problem as a
typed warning, prints a short summary (claims by status, coverage per source,
problems by check) and exits non-zero on any problem.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.console import nocolor
from sphinx.util.docutils import docutils_namespace, patch_docutils

from .report import summary_lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calcidocs.check", description=__doc__)
    parser.add_argument("--srcdir", default="docs", help="the documentation (default: docs)")
    parser.add_argument("--confdir", default=".", help="where conf.py is (default: .)")
    parser.add_argument("--outdir", help="the HTML output (default: a temporary folder)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="parallel processes")
    args = parser.parse_args(argv)
    if not sys.stderr.isatty():
        nocolor()
    with tempfile.TemporaryDirectory() as scratch:
        outdir = Path(args.outdir or Path(scratch) / "html")
        confdir = Path(args.confdir).resolve()
        with patch_docutils(confdir), docutils_namespace():
            app = Sphinx(
                srcdir=Path(args.srcdir).resolve(),
                confdir=confdir,
                outdir=outdir,
                doctreedir=outdir.parent / f".{outdir.name}.doctrees",
                buildername="html",
                status=None,
                warning=sys.stderr,
                freshenv=True,
                warningiserror=True,
                parallel=args.jobs,
            )
            app.build(force_all=True)
            lines = summary_lines(app.env)
            status = app.statuscode
    print("calcidocs check:", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    failed = status != 0 or not lines[-1].startswith("problems: 0")
    print(f"  result: {'FAILED' if failed else 'passed'}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
