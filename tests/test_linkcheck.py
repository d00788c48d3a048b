"""Link checking: Sphinx's linkcheck against a web server on 127.0.0.1.

``tox -e linkcheck`` checks the real docs' external links and needs internet
access; this test needs none. It serves one good page and nothing else on a
free port of 127.0.0.1, writes both links into a copy of a small project, and
checks that the report names the broken link and not the good one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import serve

ROOT = Path(__file__).resolve().parent / "roots" / "test-linkcheck"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A web server on 127.0.0.1 with /good.html and nothing else; stopped after the test."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "good.html").write_text("<!doctype html><title>good</title><p>Here.</p>\n")
    with serve(site) as address:
        yield address


def test_linkcheck_reports_the_broken_link(tmp_path: Path, server: str) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT, project)
    page = project / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("127.0.0.1:PORT", server))
    good, missing = f"http://{server}/good.html", f"http://{server}/missing.html"

    out = tmp_path / "linkcheck"
    # The links are local: no proxy may stand in between.
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "linkcheck", "-q", str(project), str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    # A broken link fails the build, and says which link it is.
    assert result.returncode != 0, result.stdout + result.stderr
    assert missing in result.stdout + result.stderr

    report = (out / "output.txt").read_text(encoding="utf-8")
    assert missing in report and "404" in report
    assert good not in report

    entries = [json.loads(line) for line in (out / "output.json").read_text().splitlines()]
    status = {entry["uri"]: entry for entry in entries}
    assert status[good]["status"] == "working"
    assert status[missing]["status"] == "broken"
    assert "404" in status[missing]["info"]
    assert status[missing]["filename"] == "index.md"
    assert status[missing]["lineno"] == 5
