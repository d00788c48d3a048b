"""Intersphinx both ways, and projects that cite nothing themselves.

A calcidocs site's ``objects.inv`` serves its claims, terms and sources to
other projects (``tests/test_builders.py`` checks the real site's inventory).
Here a second project (``tests/roots/test-intersphinx``), which loads calcidocs
but has no claim and no sources folder, links to the claims, terms and sources
of another site (``tests/roots/test-basic``, built first) through intersphinx,
with ``nitpicky`` on: it gets the links and no warning, whatever the order of
the extensions; a reference that intersphinx cannot resolve either is still
one ``calcidocs.ref`` warning. The inventory is read from the first site's
output folder: nothing leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import Build, build, copy_root, page_ids

ORDERS = {
    "calcidocs-first": ["myst_parser", "calcidocs", "sphinx.ext.intersphinx"],
    "intersphinx-first": ["myst_parser", "sphinx.ext.intersphinx", "calcidocs"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The other site, built: its HTML output folder, with ``objects.inv``."""
    result = build(copy_root("basic", tmp_path_factory.mktemp("site")))
    assert result.warnings == ""
    assert (result.outdir / "objects.inv").is_file()
    return result.outdir


def _consumer(tmp_path: Path, site: Path, order: str = "calcidocs-first", extra: str = "") -> Build:
    root = copy_root("intersphinx", tmp_path)
    if extra:
        with (root / "index.md").open("a", encoding="utf-8") as page:
            page.write(extra)
    overrides = {
        "extensions": ORDERS[order],
        "intersphinx_mapping": {"basic": (str(site), None)},
    }
    return build(root, confoverrides=overrides)


def _links(result: Build, docname: str) -> dict[str, str]:
    """Link text -> address, for every link of the page's body to another site."""
    page = BeautifulSoup(result.html(docname), "html.parser")
    body = page.find(attrs={"role": "main"}) or page.body
    return {
        a.get_text(" ", strip=True): a["href"]
        for a in body.find_all("a", href=True)
        if "reference" in a.get("class", []) and "external" in a.get("class", [])
    }


def _lands(href: str) -> bool:
    """Whether a link into the other site's output leads to a page and an id on it."""
    parts = urlsplit(href)
    page = Path(parts.path)
    return page.is_file() and parts.fragment in page_ids(page)


@pytest.mark.parametrize("order", list(ORDERS))
def test_another_sites_claims_terms_and_sources_are_linked_with_no_warning(
    tmp_path: Path, site: Path, order: str
) -> None:
    result = _consumer(tmp_path, site, order)
    assert result.warnings == ""
    assert result.status == 0
    links = _links(result, "index")
    assert links == {
        # a claim shows its label (or statement), a term its title, as on the site
        "After damage": f"{site}/subtypes/red.html#claim-red-damage",
        "Red form": f"{site}/subtypes/red.html#subtype-red",
        "Course": f"{site}/vocab.html#vocabulary-topic-course",
        "alpha": f"{site}/sources/alpha.html#source-alpha",
        "The red form grows slowly and lasts long.": f"{site}/subtypes/red.html#claim-red-slow",
        "that claim": f"{site}/subtypes/red.html#claim-red-heals",
    }
    deeper = _links(result, "guide/page")
    assert deeper == {
        "After damage": f"{site}/subtypes/red.html#claim-red-damage",
        "beta": f"{site}/sources/beta.html#source-beta",
    }
    for href in [*links.values(), *deeper.values()]:
        assert _lands(href), href
    claims = result.claims_json()
    assert (claims["claims"], claims["sources"]) == ([], {})


@pytest.mark.parametrize("order", list(ORDERS))
def test_a_reference_neither_site_has_is_still_one_warning(
    tmp_path: Path, site: Path, order: str
) -> None:
    extra = "\nGone: {claim}`no-such-claim`.\n\nGone too: {source}`basic:no-such-source`.\n"
    result = _consumer(tmp_path, site, order, extra)
    lines = len((tmp_path / "intersphinx" / "index.md").read_text().splitlines())
    found = [(w["file"][-1], w["line"], w["type"], w["message"]) for w in result.warning_list()]
    assert found == [
        ("index.md", lines - 2, "calcidocs.ref", "{claim}`no-such-claim` resolves to nothing"),
        (
            "index.md",
            lines,
            "calcidocs.ref",
            "{source}`basic:no-such-source` resolves to nothing",
        ),
    ], result.warnings
    assert "After damage" in _links(result, "index")  # the good ones still link


def test_a_project_with_no_claim_and_no_sources_folder_builds_with_no_warning(
    tmp_path: Path,
) -> None:
    root = copy_root("empty", tmp_path)
    assert not (root / "sources").exists()
    result = build(root)
    assert result.warnings == ""
    assert result.status == 0
    assert result.claims_json() == {"claims": [], "schema": "calcidocs-claims/1", "sources": {}}


def test_a_claim_that_cites_a_source_needs_the_manifest(tmp_path: Path) -> None:
    root = copy_root("empty", tmp_path)
    with (root / "index.md").open("a", encoding="utf-8") as page:
        page.write("\n```{claim} A statement.\n:id: first\n:source: s1\n:quote: a few words\n```\n")
    found = [(w["file"][-1], w["line"], w["type"]) for w in build(root).warning_list()]
    assert found == [
        ("manifest.toml", 0, "calcidocs.source"),  # cannot read the source manifest
        ("index.md", 7, "calcidocs.source"),  # unknown source 's1'
    ]
