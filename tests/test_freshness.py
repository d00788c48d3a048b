"""Parallel and incremental builds give the same outputs as a fresh serial build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Build, build, copy_root

PAGES = ["subtypes/red", "sources/alpha", "sources/beta", "views"]


def _outputs(result: Build, srcdir: Path) -> dict[str, str]:
    """claims.json and the pages that still have a source (Sphinx keeps stale files)."""
    found = {"claims.json": (result.outdir / "claims.json").read_text(encoding="utf-8")}
    for page in PAGES:
        if (srcdir / f"{page}.md").exists():
            found[page] = result.html(page)
    return found


@pytest.mark.parametrize("root", ["basic", "problems"])
def test_parallel_build_gives_the_same_claims_json_and_warnings(tmp_path: Path, root: str) -> None:
    srcdir = copy_root(root, tmp_path)
    serial = build(srcdir, tmp_path / "serial", fresh=True)
    parallel = build(srcdir, tmp_path / "parallel", parallel=2, fresh=True)
    assert (parallel.outdir / "claims.json").read_bytes() == (
        serial.outdir / "claims.json"
    ).read_bytes()
    assert sorted((w["line"], w["type"], w["message"]) for w in parallel.warning_list()) == sorted(
        (w["line"], w["type"], w["message"]) for w in serial.warning_list()
    )


def _edit_quote(srcdir: Path) -> None:
    page = srcdir / "subtypes" / "red.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            ":quote: Damage to the surface comes first",
            ":quote: the red form follows it",
        ),
        encoding="utf-8",
    )


def _add_page(srcdir: Path) -> None:
    # an orphan page: the toctree, and so Sphinx's own next/previous links, stay as they are
    (srcdir / "subtypes" / "blue.md").write_text(
        "---\norphan: true\n---\n# Blue\n\n```{subtype} blue\n```\n\n"
        ":::{claim} Blue forms have no known cause.\n:id: blue-cause\n:subtype: blue\n"
        ":topic: causes\n:source: alpha\n"
        ":quote: Blue forms are rare and appear without a known cause.\n:::\n",
        encoding="utf-8",
    )


def _delete_page(srcdir: Path) -> None:
    (srcdir / "subtypes" / "red.md").unlink()
    index = srcdir / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace("subtypes/red\n", ""), encoding="utf-8"
    )


def _edit_label(srcdir: Path) -> None:
    # a list line of another claim shows this label as the text of its "disputed by" link
    page = srcdir / "subtypes" / "red.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(":label: Heals in weeks", ":label: Quick healing"),
        encoding="utf-8",
    )


def _edit_source(srcdir: Path) -> None:
    source = srcdir / "sources" / "beta.txt"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "The red form lasts for years.", "The red form lasts for months."
        ),
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    "change",
    [_edit_quote, _add_page, _delete_page, _edit_label, _edit_source],
    ids=["edit-quote", "add-page", "delete-page", "edit-label", "edit-source"],
)
def test_incremental_build_equals_a_fresh_build(
    tmp_path: Path, change: Callable[[Path], None]
) -> None:
    srcdir = copy_root("basic", tmp_path)
    build(srcdir, tmp_path / "incremental")
    change(srcdir)
    incremental = build(srcdir, tmp_path / "incremental")
    fresh = build(srcdir, tmp_path / "fresh", fresh=True)
    assert _outputs(incremental, srcdir) == _outputs(fresh, srcdir)
    assert incremental.warning_list() == fresh.warning_list()


def test_an_edited_quote_moves_the_highlight_on_the_source_page(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    before = build(srcdir, tmp_path / "out").html("sources/beta")
    assert 'id="quote-red-markup-1">Damage to the surface comes first' in before
    _edit_quote(srcdir)
    after = build(srcdir, tmp_path / "out").html("sources/beta")
    assert "Damage to the surface comes first" in after
    assert 'id="quote-red-markup-1">the red form follows it' in after


def test_a_source_edit_breaks_the_claim_that_quoted_it(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    build(srcdir, tmp_path / "out")
    _edit_source(srcdir)
    result = build(srcdir, tmp_path / "out")
    claim = next(c for c in result.claims_json()["claims"] if c["id"] == "red-slow")
    assert claim["status"] == "broken"
    types = sorted(w["type"] for w in result.warning_list())
    assert types == ["calcidocs.quote", "calcidocs.source"]  # quote gone; hash changed


def test_copy_is_independent(tmp_path: Path) -> None:
    first = copy_root("basic", tmp_path / "a")
    shutil.rmtree(first / "sources")
    assert (copy_root("basic", tmp_path / "b") / "sources" / "alpha.txt").exists()


def test_only_pages_showing_a_changed_claim_are_written_again(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    out = tmp_path / "out"
    first = build(srcdir, out)
    written = {
        page: (first.outdir / f"{page}.html").stat().st_mtime_ns
        for page in ("sources/alpha", "sources/beta", "views")
    }
    page = srcdir / "subtypes" / "red.md"  # red-markup quotes beta only
    page.write_text(
        page.read_text("utf-8").replace("*not emphasis* & more.", "*not emphasis* and more."),
        "utf-8",
    )
    second = build(srcdir, out)
    assert "and more." in second.html("sources/beta")
    assert "and more." in second.html("views")
    again = {page: (second.outdir / f"{page}.html").stat().st_mtime_ns for page in written}
    assert again["sources/alpha"] == written["sources/alpha"]
    assert again["sources/beta"] != written["sources/beta"]


# -- a build stopped dead, then an incremental build -----------------------------------

OLD_STATEMENT = "Red forms last for years."
NEW_STATEMENT = "The red form is one that lasts for years."
#: the pages that show the claim: its own page, its source's page, the table
SHOWING = ["subtypes/red", "sources/beta", "table"]


def _sphinx_build(srcdir: Path, out: Path, stop: str = "") -> int:
    """``sphinx-build -W --keep-going`` in a process of its own, stopped at ``stop``."""
    environ = {k: v for k, v in os.environ.items() if k != "CALCIDOCS_STOP"}
    if stop:
        environ["CALCIDOCS_STOP"] = stop
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += ["-d", str(out / "doctrees"), str(srcdir), str(out / "html")]
    done = subprocess.run(
        command,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert not done.stderr or stop, done.stderr
    return done.returncode


def _pages(out: Path) -> dict[str, str]:
    pages = {"claims.json": (out / "html" / "claims.json").read_text(encoding="utf-8")}
    for page in ["index", *SHOWING]:
        pages[page] = (out / "html" / f"{page}.html").read_text(encoding="utf-8")
    return pages


@pytest.mark.parametrize(
    "stop",
    ["saved", "page:sources/beta", "page:subtypes/red", "page:table", "finished"],
    ids=[
        "environment-saved",
        "before-the-source-page",
        "after-the-source-page",
        "after-the-claim-page",
        "all-pages-written",
    ],
)
def test_a_build_killed_midway_leaves_no_stale_page(tmp_path: Path, stop: str) -> None:
    srcdir = copy_root("interrupted", tmp_path)
    out = tmp_path / "out"
    assert _sphinx_build(srcdir, out) == 0
    before = _pages(out)
    assert all(OLD_STATEMENT in before[name] for name in SHOWING)

    page = srcdir / "subtypes" / "red.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            f":::{{claim}} {OLD_STATEMENT}", f":::{{claim}} {NEW_STATEMENT}"
        ),
        encoding="utf-8",
    )
    # the build dies at ``stop`` (it did reach it: killed, not finished)
    assert _sphinx_build(srcdir, out, stop) == -signal.SIGKILL

    assert _sphinx_build(srcdir, out) == 0
    assert _sphinx_build(srcdir, tmp_path / "fresh") == 0
    after, fresh = _pages(out), _pages(tmp_path / "fresh")
    for name in SHOWING:
        assert NEW_STATEMENT in after[name], name
        assert OLD_STATEMENT not in after[name], name
    assert after == fresh
