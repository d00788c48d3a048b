"""Shared helpers: build a Sphinx project the way the command line does."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
#: Where ``npm ci`` puts the checkers of package.json (axe-core, the Nu HTML checker).
NODE_MODULES = REPO / "node_modules"

WARNING_RE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+)?:? WARNING: (?P<message>.*?) \[(?P<type>[\w.]+)\]$"
)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@dataclass
class Build:
    """The result of one build: its output folder, warnings and exit status."""

    outdir: Path
    warnings: str
    status: int

    def warning_list(self) -> list[dict[str, Any]]:
        """Each warning as path (relative to the project), line, message, type."""
        found = []
        for line in strip_colors(self.warnings).splitlines():
            match = WARNING_RE.match(line.strip())
            if match:
                item = match.groupdict()
                item["line"] = int(item["line"]) if item["line"] else None
                item["file"] = item["path"].rsplit("/", 2)[-2:]
                found.append(item)
        return found

    def claims_json(self) -> dict[str, Any]:
        return json.loads((self.outdir / "claims.json").read_text(encoding="utf-8"))

    def html(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text(encoding="utf-8")


def copy_root(name: str, tmp_path: Path) -> Path:
    """A private copy of test project ``name`` that a test may edit."""
    target = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target


def build(
    srcdir: Path,
    outdir: Path | None = None,
    *,
    buildername: str = "html",
    parallel: int = 0,
    fresh: bool = False,
    confoverrides: dict[str, Any] | None = None,
) -> Build:
    """Build ``srcdir`` like ``sphinx-build -W --keep-going`` and return the result.

    Without ``fresh``, a second build into the same ``outdir`` is incremental.
    """
    outdir = outdir or srcdir / "_build"
    warning = StringIO()
    app = SphinxTestApp(
        buildername,
        srcdir=srcdir,
        builddir=outdir,
        freshenv=fresh,
        status=StringIO(),
        warning=warning,
        parallel=parallel,
        warningiserror=True,
        confoverrides=confoverrides,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Build(Path(app.outdir), warning.getvalue(), app.statuscode)


def sphinx_build(args: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sphinx`` as a reviewer would, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


# -- links of an HTML output ---------------------------------------------------------


def page_ids(page: Path) -> set[str]:
    """Every id of an HTML page (and every ``<a name>``)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {str(t["id"]) for t in soup.find_all(id=True)} | {
        str(t["name"]) for t in soup.find_all("a", attrs={"name": True})
    }


def dead_links(outdir: Path) -> tuple[int, list[tuple[str, str, str]]]:
    """Check every local link of every page of an HTML output, as a browser follows it.

    A link (``href`` of ``a``, ``area`` and ``link``, ``action`` of a form) that
    names no scheme or host must lead to a file of ``outdir`` (a folder: its
    ``index.html``) and, with a fragment, to an element of that page with that
    id. Returns the number of local links and the dead ones as (page, link, why).
    """
    from bs4 import BeautifulSoup

    root = outdir.resolve()
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = page_ids(page)
        return ids[page]

    count = 0
    dead: list[tuple[str, str, str]] = []
    for page in sorted(root.rglob("*.html")):
        if "_static" in page.relative_to(root).parts:
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids.setdefault(page, {str(t["id"]) for t in soup.find_all(id=True)})
        links = [(t, "href") for t in soup.find_all(["a", "area", "link"], href=True)]
        links += [(t, "action") for t in soup.find_all("form", action=True)]
        for tag, attribute in links:
            link = str(tag[attribute])
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            count += 1
            where = page.relative_to(root).as_posix()
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(root):
                dead.append((where, link, "no such file"))
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in ids_of(target)
            ):
                dead.append((where, link, "no such id"))
    return count, dead


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1 until the block ends.

    Yields ``127.0.0.1:PORT``.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def need(missing: str | None) -> None:
    """Skip a test whose tool is missing, except in CI, where every test must run."""
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test: {missing}")
    pytest.skip(missing)


def npm_file(variable: str, relative: str) -> Path | None:
    """A file of an npm package: ``$variable`` if set, else under ``node_modules``."""
    configured = os.environ.get(variable)
    path = Path(configured) if configured else NODE_MODULES / relative
    return path if path.is_file() else None


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real docs built to HTML as ``tox -e docs`` does, with ``-W --keep-going``."""
    out = tmp_path_factory.mktemp("real-site") / "html"
    result = sphinx_build(
        ["-E", "-W", "--keep-going", "-q", "-b", "html", "-c", ".", "docs", str(out)]
    )
    assert result.returncode == 0, result.stderr
    return out
