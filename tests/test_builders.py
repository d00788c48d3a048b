"""Every builder that Sphinx ships builds the real docs, and every local link lands.

Each builder runs as a user runs it, ``sphinx-build -b NAME -W --keep-going -c .
docs OUT`` (Sphinx's doctrees then live in ``OUT/.doctrees``), and must finish
with no warning. In the HTML outputs a reader clicks through (html, dirhtml,
singlehtml) every local link, citation marks included, must lead to a page
that exists and to an id on it. ``linkcheck`` is left out: it needs the
internet (``tests/test_linkcheck.py`` checks it against a local server), and
so is ``applehelp``, which makes a macOS help book and, with Sphinx 9, writes
its static files outside the book.
"""

from __future__ import annotations

import json
import re
import runpy
import zipfile
import zlib
from pathlib import Path

import pytest
from sphinx.util.console import strip_colors

from conftest import REPO, dead_links, page_ids, sphinx_build

#: A claim's statement on the page of the dystrophic form.
#: The first words of the dystrophic page's first claim, as the page writes them.
STATEMENT = " ".join(
    re.search(
        r"^:::\{claim\} (.+)$",
        (REPO / "docs" / "subtypes" / "dystrophic.md").read_text(encoding="utf-8"),
        re.M,
    )
    .group(1)
    .split()[:5]
)

#: builder -> (a file of its output, whether the claim's statement is in it)
BUILDERS: dict[str, tuple[str, bool]] = {
    "html": ("subtypes/dystrophic.html", True),
    "dirhtml": ("subtypes/dystrophic/index.html", True),
    "singlehtml": ("index.html", True),
    "epub": ("calcidocs.epub", False),
    "latex": ("calcidocs.tex", True),
    "text": ("subtypes/dystrophic.txt", True),
    "man": ("calcidocs.1", True),
    "texinfo": ("calcidocs.texi", True),
    "xml": ("subtypes/dystrophic.xml", True),
    "pseudoxml": ("subtypes/dystrophic.pseudoxml", True),
    "pickle": ("subtypes/dystrophic.fpickle", False),
    "json": ("subtypes/dystrophic.fjson", True),
    "htmlhelp": ("subtypes/dystrophic.html", True),
    "qthelp": ("subtypes/dystrophic.html", True),
    "devhelp": ("subtypes/dystrophic.html", True),
    "gettext": ("subtypes.pot", False),
    "changes": ("", False),  # writes nothing while no page notes a change
    "dummy": ("", False),
}
READERS_CLICK = ("html", "dirhtml", "singlehtml")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    """Builds of the real docs, one per builder, each made on first use."""
    return {}


def _build(
    name: str, outputs: dict[str, tuple[Path, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, str]:
    if name not in outputs:
        out = tmp_path_factory.mktemp(name) / name
        result = sphinx_build(["-b", name, "-W", "--keep-going", "-q", "-c", ".", "docs", str(out)])
        outputs[name] = (out, result.returncode, strip_colors(result.stderr))
    return outputs[name]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_builder_builds_the_real_docs_with_no_warning(
    name: str,
    outputs: dict[str, tuple[Path, int, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out, code, stderr = _build(name, outputs, tmp_path_factory)
    assert stderr == ""
    assert code == 0
    path, has_statement = BUILDERS[name]
    if path:
        assert (out / path).is_file(), sorted(p.name for p in out.iterdir())
    if has_statement:
        assert STATEMENT in (out / path).read_text(encoding="utf-8")
    if name in READERS_CLICK:
        count, dead = dead_links(out)
        assert dead == [], f"{len(dead)} of {count} links lead nowhere, as {dead[:5]}"
        marks = (out / path).read_text(encoding="utf-8").count("#quote-dystrophic-normal-serum-1")
        assert marks >= 1, "the citation mark links to its passage"
        assert (out / "claims.json").is_file()


def test_the_epub_holds_the_book_and_nothing_of_the_build(
    outputs: dict[str, tuple[Path, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    out, code, _ = _build("epub", outputs, tmp_path_factory)
    assert code == 0
    with zipfile.ZipFile(out / "calcidocs.epub") as book:
        names = book.namelist()
        page = book.read("subtypes/dystrophic.xhtml").decode("utf-8")
        opf = book.read("content.opf").decode("utf-8")
    assert STATEMENT in page
    assert "<dc:title>Calcinosis cutis, cited</dc:title>" in opf
    assert not [n for n in names if ".doctrees" in n or n.endswith((".pickle", ".doctree"))]
    assert "claims.json" not in names and not (out / "claims.json").exists()


def _inventory(out: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """``objects.inv`` as {(type, name): (uri, display name)}, the anchors' ``$`` expanded."""
    raw = (out / "objects.inv").read_bytes()
    body = zlib.decompress(raw.split(b"\n", 4)[4]).decode("utf-8")
    entries = {}
    for line in body.splitlines():
        match = re.match(r"(.+?)\s+(\S+)\s+(-?\d+)\s+?(\S*)\s+(.*)", line)
        assert match, line
        name, kind, _, uri, shown = match.groups()
        if uri.endswith("$"):
            uri = uri[:-1] + name
        entries[(kind, name)] = (uri, name if shown == "-" else shown)
    return entries


def test_objects_inv_serves_every_claim_term_and_source(
    outputs: dict[str, tuple[Path, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Another project links here through intersphinx: every target is there, and lands."""
    out, code, _ = _build("html", outputs, tmp_path_factory)
    assert code == 0
    inventory = _inventory(out)
    ours = {key: value for key, value in inventory.items() if key[0].startswith("calcidocs:")}
    data = json.loads((out / "claims.json").read_text(encoding="utf-8"))
    conf = runpy.run_path(str(REPO / "conf.py"))
    expected = {("calcidocs:claim", c["id"]) for c in data["claims"]}
    expected |= {("calcidocs:source", key) for key in data["sources"]}
    expected |= {("calcidocs:subtype", name) for name in conf["calcidocs_subtypes"]}
    expected |= {("calcidocs:topic", name) for name in conf["calcidocs_topics"]}
    assert set(ours) == expected
    for (kind, name), (uri, shown) in sorted(ours.items()):
        page, _, anchor = uri.partition("#")
        assert anchor, (kind, name)
        assert anchor in page_ids(out / page), (kind, name, uri)
        assert shown.strip(), (kind, name)
    claim = ours[("calcidocs:claim", "dystrophic-normal-serum")]
    label = re.search(
        r"^:id: dystrophic-normal-serum\n(?:.*\n)*?:label: (.+)$",
        (REPO / "docs" / "subtypes" / "dystrophic.md").read_text(encoding="utf-8"),
        re.M,
    )
    assert label is not None
    assert claim == (
        "subtypes/dystrophic.html#claim-dystrophic-normal-serum",
        label.group(1),  # its label, as the role shows it here
    )
    assert ours[("calcidocs:subtype", "dystrophic")] == (
        "subtypes/dystrophic.html#subtype-dystrophic",
        "Dystrophic calcinosis cutis",
    )
    assert ours[("calcidocs:source", "s004")][0] == "sources/s004.html#source-s004"
