"""The reviewer's check: ``python -m calcidocs.check``.

Builds the documentation from a fresh environment, reports every problem as a
typed warning, prints a short summary (claims by status, reviews, coverage per
source, problems by check) and exits non-zero on any problem.

``--accept --reviewer NAME [ID ...]`` signs claims off instead: it shows, for
each listed claim (every flagged claim when none is listed), what changed since
its last review, word by word, and records the review in the lock
(``calcidocs_review_lock``), the only file it writes.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

from sphinx.application import Sphinx
from sphinx.util.console import nocolor
from sphinx.util.docutils import docutils_namespace, patch_docutils

from .checks import accept as signing
from .checks import review_check
from .checks.cross_document import all_problems, file_problems
from .problems import Check
from .views.report import summary_lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m calcidocs.check",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--srcdir", default="docs", help="the documentation (default: docs)")
    parser.add_argument("--confdir", default=".", help="where conf.py is (default: .)")
    parser.add_argument(
        "--outdir", help="the HTML output (default: a temporary folder; unused with --accept)"
    )
    parser.add_argument("-j", "--jobs", type=int, default=1, help="parallel processes")
    signing_options = parser.add_argument_group("signing claims off")
    signing_options.add_argument(
        "--accept",
        action="store_true",
        help="record the review of the listed claims (every flagged claim when none is "
        "listed) in the review lock, after showing what changed since the last review",
    )
    signing_options.add_argument("--reviewer", metavar="NAME", help="who reviewed them")
    signing_options.add_argument(
        "--on",
        metavar="DATE",
        help="the review's date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH if set, else today)",
    )
    signing_options.add_argument("ids", nargs="*", metavar="ID", help="claims to sign off")
    return parser


def _build(args: argparse.Namespace, outdir: Path, warning: IO[str] | None) -> Sphinx:
    confdir = Path(args.confdir).resolve()
    with patch_docutils(confdir), docutils_namespace():
        app = Sphinx(
            srcdir=Path(args.srcdir).resolve(),
            confdir=confdir,
            outdir=outdir,
            doctreedir=outdir.parent / f".{outdir.name}.doctrees",
            buildername="html",
            status=None,
            warning=warning if warning is not None else sys.stderr,
            freshenv=True,
            warningiserror=warning is None,
            parallel=args.jobs,
        )
        app.build(force_all=True)
    return app


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.accept and (args.reviewer is not None or args.on or args.ids):
        parser.error("--reviewer, --on and claim ids go with --accept")
    if not sys.stderr.isatty():
        nocolor()
    if args.accept:
        try:
            by = signing.reviewer_name(args.reviewer)
            on = signing.review_date(args.on)
        except signing.AcceptError as err:
            parser.error(str(err))
        return _accept(args, by, on)
    with tempfile.TemporaryDirectory() as scratch:
        outdir = Path(args.outdir or Path(scratch) / "html")
        app = _build(args, outdir, None)
        lines = summary_lines(app.env)
        status = app.statuscode
    print("calcidocs check:", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    failed = status != 0 or not lines[-1].startswith("problems: 0")
    print(f"  result: {'FAILED' if failed else 'passed'}", file=sys.stderr)
    return 1 if failed else 0


def _accept(args: argparse.Namespace, by: str, on: str) -> int:
    """``--accept``: build in a temporary folder, show what is signed, write the lock."""
    with tempfile.TemporaryDirectory() as scratch:
        app = _build(args, Path(scratch) / "html", io.StringIO())
        env = app.env
        found = review_check.state(env)
        if found is None:
            print(
                "calcidocs check: no review lock: set calcidocs_review_lock in conf.py "
                "(the site uses 'claims.lock')",
                file=sys.stderr,
            )
            return 2
        cwd = Path.cwd()

        def where(review: review_check.ClaimReview) -> str:
            path = Path(env.doc2path(review.claim["docname"]))
            shown = os.path.relpath(path, cwd) if path.is_absolute() else str(path)
            return f"{shown}:{review.claim['line']}"

        try:
            signing.accept(found, args.ids, by, on, where, print)
        except signing.AcceptError as err:
            print(f"calcidocs check: nothing written: {err}", file=sys.stderr)
            return 2
        checks = [p.check for p in all_problems(env)] + [p.check for p in file_problems(env)]
        others = sum(1 for check in checks if check != Check.REVIEW.value)
    if others:
        print(
            f"note: the check still reports {others} other problem(s); "
            "run python -m calcidocs.check to see them",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
