"""Every page of the real site is valid HTML: the W3C Nu HTML checker finds no error.

The checker is the npm package ``vnu-jar`` (``npm ci``; or ``CALCIDOCS_VNU_JAR``
naming its ``vnu.jar``), run by a Java runtime (Debian: ``default-jre-headless``;
or ``CALCIDOCS_JAVA``). Without them the tests skip, except in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import need, npm_file

VNU_JAR = npm_file("CALCIDOCS_VNU_JAR", "vnu-jar/build/dist/vnu.jar")
JAVA = os.environ.get("CALCIDOCS_JAVA") or shutil.which("java")


def _missing() -> str | None:
    if JAVA is None:
        return "no Java runtime (Debian package default-jre-headless)"
    if VNU_JAR is None:
        return "no Nu HTML checker: run npm ci (package.json)"
    return None


# Skip before building anything, except in CI, where nu_errors() fails instead.
pytestmark = pytest.mark.skipif(
    _missing() is not None and not os.environ.get("CI"), reason=f"valid HTML: {_missing()}"
)


def nu_errors(pages: list[Path]) -> list[dict[str, Any]]:
    """The Nu checker's errors for ``pages``, each with the page's path as ``file``."""
    need(_missing())
    result = subprocess.run(
        [str(JAVA), "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        + [str(page) for page in pages],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    # 0: no error; 1: errors reported. Anything else: the checker did not run.
    assert result.returncode in (0, 1), result.stderr or result.stdout
    found = json.loads(result.stdout)["messages"]
    for message in found:
        assert message["type"] == "error", message  # --errors-only
        message["file"] = Path(unquote(urlsplit(message["url"]).path)).resolve()
    assert (result.returncode == 1) == bool(found), result
    return found


def test_the_checker_finds_errors(tmp_path: Path) -> None:
    """The checker is live: the two faults the site once had are reported."""
    page = tmp_path / "faults.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>faults</title></head><body>'
        '<div id="id1"><table id="id1"><tr><td>cell</td></tr></table></div>'
        '<p class="caption" role="heading">Subtypes</p>'
        "</body></html>\n",
        encoding="utf-8",
    )
    errors = nu_errors([page])
    found = " ".join(message["message"] for message in errors)
    assert "Duplicate ID" in found
    assert "aria-level" in found
    assert {message["file"] for message in errors} == {page.resolve()}


def test_every_page_is_valid_html(real_site: Path) -> None:
    pages = sorted(page.resolve() for page in real_site.rglob("*.html"))
    names = {page.relative_to(real_site.resolve()).as_posix() for page in pages}
    # Every kind of page: content, sources, generated indexes and search.
    assert {"index.html", "subtypes/dystrophic.html", "sources/s004.html"} <= names
    assert {"genindex.html", "search.html", "calcidocs-claims.html"} <= names
    root = real_site.resolve()
    errors = [
        f"{message['file'].relative_to(root)}:{message.get('lastLine', '?')}: {message['message']}"
        for message in nu_errors(pages)
    ]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)


def test_claim_index_jump_links_land_on_their_groups(real_site: Path) -> None:
    """The claim index's group anchors hold no space, and each jump link finds its group."""
    page = BeautifulSoup((real_site / "calcidocs-claims.html").read_text("utf-8"), "html.parser")
    links = [a["href"][1:] for a in page.select('a[href^="#cap-"]')]
    groups = [tag["id"] for tag in page.select('[id^="cap-"]')]
    assert links and links == groups
    assert "cap-Dystrophic-calcinosis-cutis" in groups
    assert not any(re.search(r"\s", anchor) for anchor in groups)
