"""Hostile and broken input: the build never crashes, leaks or loses a claim.

Property tests generate claim directives with arbitrary option values and
arbitrary bytes as a source file, build a small project with them
(``tests/roots/test-hostile``) and check what must hold on any input:

- the build finishes, and the warning stream holds nothing but warnings, each
  typed and located (``file:line: WARNING: ... [type]``);
- every warning is a ``calcidocs.*`` warning, except the ones MyST itself emits
  while it parses a directive's option block, before the claim directive runs
  (``myst.directive_option``: an option block MyST cannot tokenise, an unknown
  option key, an invalid ``:class:``; ``myst.directive_comments``: a ``#`` in
  an option value). These are outside the extension's control: the test
  predicts them exactly with MyST's own option parser and checks that the build
  reports exactly those, at the claim's lines;
- ``claims.json`` is valid and holds every claim, with the id MyST handed to it;
- no generated markup (``<script>``, event attributes, ...) from a claim or a
  source appears in the HTML unescaped;
- nothing outside the sources folder, and no pipe or device, is ever opened.

The project's manifest lists ``alpha.txt`` and ``generated.txt`` (pinned to
whatever bytes a test writes there); every other file of its sources folder is
not a source, and the manifest itself never is.

CI runs the ``ci`` profile (fixed seed, few examples); ``HYPOTHESIS_PROFILE=dev``
runs many more.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.directives import parse_directive_text
from myst_parser.parsers.mdit import create_md_parser
from sphinx.util.console import strip_colors

from calcidocs.directives.claim import MAX_CITATIONS, ClaimDirective, citation_keys
from calcidocs.writers.claims_json import json_schema
from conftest import ROOTS, WARNING_RE, Build, build

# -- hypothesis profiles -----------------------------------------------------------

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci",
    derandomize=True,  # a fixed seed: the same examples on every run
    database=None,
    max_examples=25,
    deadline=None,
    suppress_health_check=_QUIET,
    print_blob=True,
)
settings.register_profile(
    "dev", max_examples=400, deadline=None, suppress_health_check=_QUIET, print_blob=True
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Warnings MyST emits while parsing a directive's options, before the directive runs.
MYST_OPTION_WARNINGS = {"myst.directive_option", "myst.directive_comments"}

#: Generated markup that must never reach the HTML as markup.
MARKUP = [
    "<script>alert(1)</script>",
    "<hostile>",
    "</div><hostile>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "<!--",
    "]]>",
    "&lt;hostile&gt;",
    "&amp;",
    "&#60;hostile&#62;",
    "**bold**",
    "*em* _em_",
    "`code`",
    "``literal``",
    "[link](javascript:alert(1))",
    "<javascript:alert(1)>",
    "{claim}`c1`",
    "{source}`alpha`",
    "{raw}`<hostile>`",
    "$x^2$",
    ":::",
    "```",
    "---",
    "# heading",
    "- item",
    "> quote",
    "| a | b |",
    ".. raw:: html",
    "|subst|",
    ":role:`x`",
    "`x <http://example.com>`_",
    "{{ jinja }}",
    "{% block %}",
    "%s %(x)s {0}",
    "\\",
    "\\u0041",
    "#",
    " # ",
    ": ",
    "|",
    ">",
    "!x",
    "&x",
    "*x",
    '"',
    "'",
    "\x00",
    "\t",
    "\x1b[2J\x1b[31m",
    "\u202e",
    "\ufeff",
    "\u200b",
    "\x85",
    "\u2028",
]
#: Source references: keys, file names, and paths that must be refused.
PATHS = [
    "alpha",
    "ALPHA",
    " alpha",
    "alpha.txt",
    "./alpha.txt",
    "alpha.txt/",
    "generated.txt",
    "manifest.toml",
    "alpha.md",
    ".",
    "..",
    "../conf.py",
    "../../secret.txt",
    "sources/../../secret.txt",
    "/etc/passwd",
    "/dev/zero",
    "C:\\secret.txt",
    "\\\\server\\share",
    "~/secret.txt",
    "%2e%2e/conf.py",
    "file:///etc/passwd",
    "outside.txt",  # a link out of the sources folder
    "zero.txt",  # a link to /dev/zero
    "fifo.txt",  # a named pipe: opening it would hang the build
    "loop.txt",  # a link to itself
    "folder",
    "folder/../alpha.txt",
    "nul\x00.txt",
    "x" * 300,
]
VOCABULARY = ["red", "blue", "causes", "course", "red blue", "red,blue", "red red", "green"]
IDS = ["c1", "c2", "dup", "a.b_c-d", "C1", "bad id", "-x"]
FAKE_KEYS = ["source-10", "quote-0", "ID", "Source", "sourse", "x y", "é", "-", "class"]
LINE_ENDS = "\n\r"  # markdown-it ends a line on these (Python's splitlines on more)

chars = st.characters(codec="utf-8", exclude_characters=LINE_ENDS)  # every category but Cs
short_text = st.text(chars, max_size=24)
huge_text = st.sampled_from([5_000, 120_000]).map(
    lambda n: ("calcium <hostile> \u00e9\u0301 " * (n // 20 + 1))[:n]
)
value = st.one_of(
    st.just(""),
    short_text,
    st.sampled_from(MARKUP),
    st.lists(st.one_of(short_text, st.sampled_from(MARKUP)), max_size=5).map("".join),
    huge_text,
)
line_text = st.text(chars, max_size=40).filter(lambda t: not t.lstrip().startswith((":", "`")))


def key_values(key: str) -> st.SearchStrategy[str]:
    """The values worth trying for option ``key``."""
    if key.startswith("source"):
        return st.one_of(st.sampled_from(PATHS), value)
    if key in ("subtype", "topic"):
        return st.one_of(st.sampled_from(VOCABULARY), value)
    if key in ("id", "disputes"):
        return st.one_of(st.sampled_from(IDS), value)
    return value


REAL_KEYS = ["id", "subtype", "topic", "label", "disputes", "class"] + [
    key for number in range(1, MAX_CITATIONS + 1) for key in citation_keys(number)
]
SOURCE_BYTES = st.one_of(
    st.binary(max_size=400),
    st.text(st.characters(codec="utf-8"), max_size=400).map(lambda t: t.encode("utf-8")),
    st.lists(st.one_of(short_text, st.sampled_from(MARKUP)), max_size=12)
    .map(lambda parts: "\n".join(parts) + "\nCalcium forms deposits in the skin.\n")
    .map(lambda t: t.encode("utf-8")),
    st.text(st.characters(max_codepoint=255), min_size=1, max_size=100).map(
        lambda t: t.encode("latin-1")
    ),
    st.just(b""),
    st.just("\ufeffA source with a byte order mark.\r\nAnd CRLF lines.\r\n".encode()),
)
MANIFEST = ROOTS.joinpath("test-hostile", "sources", "manifest.toml").read_text(encoding="utf-8")
MANIFESTS = st.one_of(
    st.just(MANIFEST),
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
    st.lists(
        st.sampled_from(
            [
                "[[source]]",
                'key = "alpha"',
                'key = "gen"',
                'key = ""',
                "key = 3",
                'file = "alpha.txt"',
                'file = "generated.txt"',
                'file = "../conf.py"',
                'file = "/etc/passwd"',
                'file = "outside.txt"',
                'file = "fifo.txt"',
                "file = []",
                'title = "<script>alert(1)</script>"',
                'sha256 = "00"',
                "sha256 = 5",
                'notes = "<hostile>"',
                'exclude = ["x", 1]',
                "source = 1",
                "[source]",
                "[[source",
                "= broken",
            ]
        ),
        max_size=12,
    ).map("\n".join),
)


@dataclass
class Claim:
    """One generated claim directive."""

    statement: str
    options: list[tuple[str, str]]
    yaml: bool  # the ``---`` option block rather than ``:key: value`` lines
    body: str = ""

    def markdown(self) -> str:
        first = f":::{{claim}} {self.statement}".rstrip(" ")
        lines = [first]
        if self.yaml:
            lines.append("---")
            for key, text in self.options:
                if "\n" in text:
                    lines.append(f"{key}: |")
                    lines += [f"  {line}" for line in text.split("\n")]
                else:
                    lines.append(f"{key}: {text}".rstrip(" "))
            lines.append("---")
        else:
            lines += [f":{key}: {text}".rstrip(" ") for key, text in self.options]
        if self.body:
            lines += ["", self.body]
        lines.append(":::")
        return "\n".join(lines)


@dataclass
class Project:
    claims: list[Claim]
    source: bytes
    manifest: str = MANIFEST

    def page(self) -> str:
        return "# Claims\n\n" + "\n\n".join(c.markdown() for c in self.claims) + "\n"


@st.composite
def claims(draw: st.DrawFn, source: bytes) -> Claim:
    yaml = draw(st.booleans())
    options: list[tuple[str, str]] = []
    if draw(st.integers(0, 4)):  # most claims have an id
        options.append(("id", draw(key_values("id"))))
    keys = st.one_of(st.sampled_from(REAL_KEYS), st.sampled_from(FAKE_KEYS))
    for key in draw(st.lists(keys, max_size=7)):
        options.append((key, draw(key_values(key))))
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text.strip() and draw(st.booleans()):  # a quote the source really holds
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start, min(len(text), start + 200)))
        options += [("source", "generated.txt"), ("quote", " ".join(text[start:end].split()))]
    if yaml and draw(st.booleans()):  # a quote kept on several lines
        lines = draw(st.lists(line_text, min_size=1, max_size=4))
        options.append(("quote", "\n".join(lines)))
    options = draw(st.permutations(options))
    statement = draw(value)
    body = draw(st.sampled_from(["", "", "A body paragraph.", "See {claim}`c1`."]))
    return Claim(statement, options, yaml, body)


@st.composite
def projects(draw: st.DrawFn) -> Project:
    source = draw(SOURCE_BYTES)
    found = draw(st.lists(claims(source), min_size=1, max_size=4))
    manifest = draw(MANIFESTS) if draw(st.integers(0, 5)) == 0 else MANIFEST
    return Project(found, source, manifest)


# -- building ------------------------------------------------------------------

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@contextmanager
def watch_opens() -> Iterator[list[str]]:
    """Every file opened in the block (an audit hook, so nothing escapes it)."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def write_generated(root: Path, data: bytes) -> None:
    """Make ``data`` the text of ``generated.txt``, and pin it in the manifest (if listed)."""
    sources = root / "sources"
    (sources / "generated.txt").write_bytes(data)
    manifest = sources / "manifest.toml"
    text = manifest.read_text(encoding="utf-8", errors="surrogateescape")
    pinned = re.sub(
        r'(file = "generated\.txt"\ntitle = "[^"\n]*"\nsha256 = ")[0-9a-f]*',
        lambda m: m.group(1) + hashlib.sha256(data).hexdigest(),
        text,
    )
    if pinned != text:
        manifest.write_text(pinned, encoding="utf-8", errors="surrogateescape")


def make_project(tmp: Path, project: Project | None = None) -> Path:
    """A copy of the hostile project with the generated page, source and manifest.

    Next to the project lies ``secret.txt``; the sources folder holds links to
    it and to ``/dev/zero``, a named pipe, a link to itself and a folder.
    """
    root = tmp / "project"
    shutil.copytree(ROOTS / "test-hostile", root)
    (tmp / "secret.txt").write_text("root secret line, never to be read\n", encoding="utf-8")
    sources = root / "sources"
    (sources / "outside.txt").symlink_to(tmp / "secret.txt")
    (sources / "zero.txt").symlink_to("/dev/zero")
    (sources / "loop.txt").symlink_to("loop.txt")
    (sources / "folder").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(sources / "fifo.txt")
    if project is not None:
        (root / "subtypes" / "claims.md").write_text(project.page(), encoding="utf-8")
        (sources / "manifest.toml").write_text(project.manifest, encoding="utf-8")
        write_generated(root, project.source)
    return root


def assert_never_opened(root: Path, opened: list[str]) -> None:
    """Neither the file outside the project, nor a pipe, device or link loop was opened.

    (Docutils reads its own configuration, ``/etc/docutils.conf``: not ours to refuse.)
    """
    sources = root / "sources"
    bad = [
        path
        for path in opened
        if "secret.txt" in path
        or path == "/etc/passwd"
        or path.startswith("/dev/")
        or (
            Path(path).name in ("fifo.txt", "zero.txt", "loop.txt") and Path(path).parent == sources
        )
    ]
    assert not bad, bad


# -- the oracle: what MyST hands to each claim directive ---------------------------

_MD = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)


@dataclass
class Expected:
    ids: Counter[str]  # the id of every claim, as MyST hands it to the directive
    myst_warnings: Counter[str]  # the warnings MyST emits while parsing options
    bodies: list[str]  # the body of each claim that is not inside another


def expected(page: str) -> Expected:
    """Every claim of ``page`` and MyST's option warnings, from MyST's own parser."""
    ids: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    bodies: list[str] = []

    def visit(text: str, depth: int = 0) -> None:
        for token in _MD.parse(text):
            if token.type not in ("colon_fence", "fence"):
                continue
            name, *rest = token.info.strip().split(maxsplit=1) or [""]
            if token.type == "colon_fence" and not (name.startswith("{") and name.endswith("}")):
                visit(token.content, depth + 1)  # a plain ``:::`` block: a div of Markdown
                continue
            if name != "{claim}":
                continue
            content = token.content
            if token.type == "colon_fence" and content.startswith(":::"):
                content = "\n" + content  # as MyST does: a nested fence, not options
            parsed = parse_directive_text(ClaimDirective, rest[0] if rest else "", content)
            ids[(parsed.options.get("id") or "").strip()] += 1
            for warning in parsed.warnings:
                warnings[f"myst.{warning.type.value}" if warning.type else "myst"] += 1
            if depth == 0:
                bodies.append("\n".join(parsed.body).strip())
            visit("\n".join(parsed.body), depth + 1)

    visit(page)
    return Expected(ids, warnings, bodies)


# -- what must hold on any input -------------------------------------------------

#: The JSON Schema of claims.json, which every export must match.
CLAIMS_JSON = Draft202012Validator(json_schema())

#: Markers of generated markup: none may appear in any HTML page.
RAW_MARKERS = ("<hostile", "<script>alert", "<img src=x", "<javascript:")


def control_characters(text: str) -> list[str]:
    return sorted({c for c in text if unicodedata.category(c) == "Cc" and c != "\t"})


def warnings_of(result: Build, foreign_lines: bool = True) -> list[dict[str, Any]]:
    """Every line of the warning stream as a typed warning at a ``file:line`` (or fail).

    Without ``foreign_lines``, a warning not of calcidocs may lack its line.
    """
    found = []
    for line in strip_colors(result.warnings).split("\n"):
        if not line.strip():
            continue
        match = WARNING_RE.match(line.strip())
        assert match, f"not a typed, located warning: {line!r}"
        if foreign_lines or match["type"].startswith("calcidocs."):
            assert match["line"] is not None, f"a warning without a line: {line!r}"
        found.append(match.groupdict())
    return found


def check(result: Build, root: Path, project: Project, opened: list[str]) -> None:
    assert "Traceback" not in result.warnings
    assert "Exception occurred" not in result.warnings
    oracle = expected(project.page())
    # MyST's option parser splits lines where Python does (at \x85, \u2028, ...), not
    # where Markdown does: the rest of such an option line becomes the claim's body,
    # Markdown that may raise any warning of MyST or docutils.
    leaked = oracle.bodies != [c.body for c in project.claims]
    warnings = warnings_of(result, foreign_lines=not leaked)
    foreign = Counter(w["type"] for w in warnings if not w["type"].startswith("calcidocs."))
    if not leaked:
        assert set(foreign) <= MYST_OPTION_WARNINGS, foreign
        assert foreign == oracle.myst_warnings, (foreign, oracle.myst_warnings)
    for warning in warnings:
        if warning["type"].startswith("calcidocs."):
            # values are shown quoted: no terminal escape reaches the reviewer's screen
            assert not control_characters(warning["message"]), warning
            assert Path(warning["path"]).is_relative_to(root), warning
    data = json.loads((result.outdir / "claims.json").read_text(encoding="utf-8"))
    assert data["schema"] == "calcidocs-claims/1"
    assert [e.message for e in CLAIMS_JSON.iter_errors(data)] == []
    assert Counter(c["id"] for c in data["claims"]) == oracle.ids
    for html in sorted(result.outdir.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        for marker in RAW_MARKERS:
            assert marker not in text, (html.name, marker)
        soup = BeautifulSoup(text, "html.parser")
        assert not soup.find_all(["hostile", "iframe", "object", "embed"]), html.name
        for element in soup.find_all(True):
            events = [a for a in element.attrs if a.lower().startswith("on")]
            assert not events, (html.name, element.name, events)
        for script in soup.find_all("script"):
            assert "alert" not in script.get_text(), html.name
    assert_never_opened(root, opened)


def build_and_check(project: Project) -> Build:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), project)
        with watch_opens() as opened:
            result = build(root)
        check(result, root, project, opened)
        return result


# -- the property tests ----------------------------------------------------------


@PROFILE
@given(projects())
@example(
    Project(
        [
            Claim(
                '<script>alert("x")</script> & more',
                [
                    ("id", "c1"),
                    ("subtype", "red <hostile>"),
                    ("topic", "causes"),
                    ("label", "<hostile>"),
                    ("source", "alpha"),
                    ("quote", "surface is damaged \u2014 usually after an injury"),
                ],
                yaml=False,
            ),
            Claim(
                "Second",
                [("id", 'b"<hostile>'), ("source", "generated.txt"), ("quote", "x <hostile> y")],
                yaml=True,
            ),
        ],
        b"Title\nx <hostile> y and <script>alert(2)</script> more words.\n",
    )
)
@example(
    Project(
        [Claim("Escapes", [("id", "c1\x1b[2J"), ("subtype", "\x1b[31mred")], yaml=False)],
        b"",
    )
)
@example(
    Project(
        [
            Claim("Quoted", [("id", "c1"), ("quote", '"Calcium" forms deposits')], yaml=False),
            Claim("Repeated", [("id", "c2"), ("id", "c3"), ("bogus", "x")], yaml=True),
        ],
        b"\x00\xff binary",
    )
)
def test_any_claim_options_and_source_bytes(project: Project) -> None:
    build_and_check(project)


#: Lines from which a page is put together at random: fences that open, close and
#: nest, option lines, YAML blocks and text.
PAGE_LINES = [
    ":::{claim} A statement.",
    ":::{claim}",
    "::::{claim} An outer claim.",
    "```{claim} A claim in a backtick fence.",
    ":::",
    "::::",
    "```",
    ":id: c1",
    ":id: c2",
    ":source: alpha",
    ":source: ../conf.py",
    ":quote: The red form appears when the surface is damaged",
    ":quote: |",
    "  indented",
    "---",
    "id: c3",
    "quote: |",
    "source: outside.txt",
    ":subtype: red",
    ":disputes: c1",
    "",
    "Plain text.",
    "# A heading",
    "#### A deep heading",
    "{claim}`c1` and {source}`alpha`",
]


@PROFILE
@given(st.lists(st.one_of(st.sampled_from(PAGE_LINES), line_text), max_size=30))
def test_any_page_structure(lines: list[str]) -> None:
    """Fences that never close, nest, or break off: no crash, no claim lost."""
    page = "# Claims\n\n" + "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp))
        (root / "subtypes" / "claims.md").write_text(page, encoding="utf-8")
        with watch_opens() as opened:
            result = build(root)
        assert "Traceback" not in result.warnings
        assert "Exception occurred" not in result.warnings
        warnings_of(result, foreign_lines=False)  # every line a typed warning
        data = json.loads((result.outdir / "claims.json").read_text(encoding="utf-8"))
        assert [e.message for e in CLAIMS_JSON.iter_errors(data)] == []
        assert Counter(c["id"] for c in data["claims"]) == expected(page).ids
        assert_never_opened(root, opened)


# -- the sources folder is a boundary ----------------------------------------------


def _cite(root: Path, ref: str, claim_id: str = "cites") -> None:
    """Make the claims page one claim citing ``ref`` (its ``:source:`` on line 5)."""
    (root / "subtypes" / "claims.md").write_text(
        f"# Claims\n\n:::{{claim}} A claim.\n:id: {claim_id}\n:source: {ref}\n"
        ":quote: Blue forms are rare and appear\n:::\n",
        encoding="utf-8",
    )


def _source_warnings(result: Build) -> list[str]:
    warnings = result.warning_list()
    assert all(w["type"].startswith("calcidocs.") for w in warnings), result.warnings
    return [
        w["message"]
        for w in warnings
        if w["type"] == "calcidocs.source"
        and w["file"] == ["subtypes", "claims.md"]
        and w["line"] == 5
    ]


def _device(path: Path) -> bool:
    """A character device at ``path`` (like /dev/null), if this system lets us make one."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (OSError, AttributeError):
        return False
    return True


NOT_LISTED = "is not listed in the source manifest (sources/manifest.toml)"
THE_MANIFEST = "is the source manifest, not a source"

#: A reference, and why it is refused with the manifest and without one
#: (``calcidocs_manifest = None``, where any regular file of the folder is a source).
REFUSED = {
    "/etc/passwd": ("refused: an absolute path",) * 2,
    "/dev/zero": ("refused: an absolute path",) * 2,
    "../conf.py": ("refused: a path that leaves the sources folder",) * 2,
    "folder/../../conf.py": ("refused: a path that leaves the sources folder",) * 2,
    "C:\\secret.txt": ("refused: a path with a backslash or a drive",) * 2,
    "outside.txt": (NOT_LISTED, "'outside.txt' points outside the sources folder"),
    "zero.txt": (NOT_LISTED, "'zero.txt' points outside the sources folder"),
    "linked/secret.txt": (NOT_LISTED, "'linked/secret.txt' points outside the sources folder"),
    "fifo.txt": (NOT_LISTED, "'fifo.txt' is not a regular file"),
    "device.txt": (NOT_LISTED, "'device.txt' is not a regular file"),
    "folder": (NOT_LISTED, "'folder' is not a regular file"),
    "loop.txt": (NOT_LISTED, "'loop.txt' not found in the sources folder"),
    "alpha.md": (NOT_LISTED, None),  # a page, not listed: a source only without a manifest
    "manifest.toml": (THE_MANIFEST,) * 2,
    "./manifest.toml": (THE_MANIFEST,) * 2,
    "notes.txt": (THE_MANIFEST,) * 2,  # a link to the manifest
    "hard.txt": (NOT_LISTED, THE_MANIFEST),  # a hard link to it
}


@pytest.mark.parametrize("manifest", [True, False], ids=["manifest", "no-manifest"])
@pytest.mark.parametrize("ref", list(REFUSED))
def test_a_reference_out_of_the_sources_folder_is_refused_unopened(
    tmp_path: Path, ref: str, manifest: bool
) -> None:
    reason = REFUSED[ref][0 if manifest else 1]
    root = make_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(tmp_path / "secret.txt", elsewhere)
    (root / "sources" / "linked").symlink_to(elsewhere)
    (root / "sources" / "notes.txt").symlink_to("manifest.toml")
    os.link(root / "sources" / "manifest.toml", root / "sources" / "hard.txt")
    if ref == "device.txt" and not _device(root / "sources" / "device.txt"):
        pytest.skip("cannot make a device file here")
    if ref == "fifo.txt" and not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes")
    _cite(root, ref)
    overrides = {} if manifest else {"calcidocs_manifest": None}
    with watch_opens() as opened:
        result = build(root, confoverrides=overrides)
    if reason is None:  # a source: cited, and (since it lacks the quote) not verified
        assert _source_warnings(result) == [], result.warnings
        assert_never_opened(root, opened)
        return
    assert [m for m in _source_warnings(result) if reason in m] == _source_warnings(result)
    assert len(_source_warnings(result)) == 1, result.warnings
    assert_never_opened(root, opened)
    assert not [p for p in opened if p.endswith(("device.txt", "notes.txt", "hard.txt"))]
    if reason == NOT_LISTED and not ref.endswith(".md"):  # (Sphinx reads pages itself)
        # what the manifest does not list is not even opened
        assert not [p for p in opened if Path(p).name == Path(ref).name], opened
    claim = result.claims_json()["claims"][0]
    assert (claim["id"], claim["status"]) == ("cites", "broken")


def test_a_manifest_entry_out_of_the_sources_folder_is_refused_unopened(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    entries = {"up": "../conf.py", "out": "outside.txt", "pipe": "fifo.txt", "abs": "/etc/passwd"}
    with (root / "sources" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        for key, file in entries.items():
            manifest.write(f'\n[[source]]\nkey = "{key}"\nfile = "{file}"\n')
    with watch_opens() as opened:
        result = build(root)
    messages = [w["message"] for w in result.warning_list() if w["file"][-1] == "manifest.toml"]
    assert len(messages) == 4, result.warnings
    assert any("'../conf.py' refused: a path that leaves" in m for m in messages)
    assert any("'outside.txt' points outside the sources folder" in m for m in messages)
    assert any("'fifo.txt' is not a regular file" in m for m in messages)
    assert any("'/etc/passwd' refused: an absolute path" in m for m in messages)
    assert_never_opened(root, opened)


#: A source of 50 MB: over the default limit of 5 MB.
FIFTY_MB = 50 * 1024 * 1024


def test_a_very_large_source_is_refused_unopened(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    big = root / "sources" / "generated.txt"
    with big.open("wb") as handle:
        handle.truncate(FIFTY_MB)  # sparse: 50 MB without writing them
    _cite(root, "generated.txt")
    start = time.perf_counter()
    with watch_opens() as opened:
        result = build(root)
    elapsed = time.perf_counter() - start
    reason = f"'generated.txt' is {FIFTY_MB} bytes, over the limit of 5000000"
    assert any(reason in m for m in _source_warnings(result)), result.warnings
    assert not [p for p in opened if p.endswith("generated.txt")]
    assert elapsed < 30  # as fast as any small build (about a second)


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    text = "Blue forms are rare and appear without a known cause.\n" * 10  # 540 bytes
    write_generated(root, text.encode("utf-8"))
    _cite(root, "generated.txt")
    # (the manifest, of about 300 bytes, is within both limits)
    small = build(root, confoverrides={"calcidocs_max_source_bytes": 400})
    assert any(
        "over the limit of 400 (calcidocs_max_source_bytes)" in m for m in _source_warnings(small)
    ), small.warnings
    large = build(root, tmp_path / "large", confoverrides={"calcidocs_max_source_bytes": 1000})
    assert _source_warnings(large) == []
    assert large.claims_json()["claims"][0]["status"] == "verified"


def _seconds(function: Any, *args: Any) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def test_a_large_source_costs_linear_time() -> None:
    """Source page and closest-passage hint: no cost of lines x sentences or of long quotes."""
    from calcidocs.sources.coverage import sentences
    from calcidocs.sources.normalize import normalize
    from calcidocs.sources.quotes import closest_passage
    from calcidocs.views.source_page import render_text

    line = "Calcium deposits form in the skin. They may hurt when pressed and heal slowly.\n"
    small, large = line * 2_000, line * 8_000  # 160 kB and 640 kB
    render = {text: _seconds(render_text, text, [], sentences(text)) for text in (small, large)}
    assert render[large] < 8 * render[small] + 0.5, render  # four times the text
    source = normalize(large)
    words = ["calcium", "skin", "heal", "slowly", "pressed", "deposits", "form", "they", "hurt"]
    short = " ".join(words * 2) + " zzz"
    long = " ".join(words * 250) + " zzz"  # 2,250 words, not in the source
    hint = {quote: _seconds(closest_passage, source, quote) for quote in (short, long)}
    assert hint[long] < 3 * hint[short] + 0.5, hint


# -- the manifest ------------------------------------------------------------------

PINNED = MANIFEST.split("\n\n")[0] + "\n"  # alpha.txt, pinned with its right sha256


def _entry(key: str, file: str, sha: str | None = None, title: str = "T") -> str:
    pinned = f'sha256 = "{sha}"\n' if sha is not None else ""
    return f'[[source]]\nkey = "{key}"\nfile = "{file}"\ntitle = "{title}"\n{pinned}'


MANIFEST_CASES = {
    "missing": (None, 0, "cannot read the source manifest: No such file or directory"),
    "a folder": ("<folder>", 0, "the source manifest is not a regular file"),
    "a named pipe": ("<fifo>", 0, "the source manifest is not a regular file"),
    "a link out": ("<link>", 0, "the source manifest is a link that leads out of its folder"),
    "empty": ("", 1, "the source manifest lists no [[source]] entry"),
    "not TOML": ('[[source]\nkey = "alpha"\n', 1, "the source manifest is not valid TOML"),
    "not UTF-8": ('\ntitle = "caf\udce9"\n', 2, "the source manifest is not UTF-8 text (byte 13)"),
    "a key twice in one entry": (
        '[[source]]\nkey = "alpha"\nkey = "beta"\n',
        3,
        "the source manifest is not valid TOML: Cannot overwrite a value (at line 3",
    ),
    "source not a list": ('source = "alpha"\n', 1, "lists no [[source]] entry"),
    "entry not a table": ("source = [1]\n", 1, "a [[source]] entry is not a table"),
    "no key": ('[[source]]\nfile = "alpha.txt"\n', 1, "missing or malformed key: None"),
    "key not a string": ('[[source]]\nkey = 3\nfile = "alpha.txt"\n', 1, "malformed key: 3"),
    "malformed key": ('[[source]]\nkey = "a b"\nfile = "alpha.txt"\n', 1, "malformed key: 'a b'"),
    "no file": ('[[source]]\nkey = "alpha"\n', 1, "source 'alpha' names no file"),
    "file not found": (_entry("alpha", "nothere.txt"), 1, "'nothere.txt' not found"),
    "not pinned": (_entry("alpha", "alpha.txt"), 1, "source 'alpha' pins no sha256 (it is "),
    "hash mismatch": (
        _entry("alpha", "alpha.txt", "0" * 64),
        5,
        "source 'alpha': sha256 of 'alpha.txt' is ",
    ),
    "a file twice": (
        PINNED + "\n" + _entry("again", "alpha.txt", "0" * 64),
        9,
        "file 'alpha.txt' is listed twice (as 'alpha' and 'again')",
    ),
    "a key twice": (
        PINNED + "\n" + _entry("alpha", "generated.txt"),
        8,
        "source key 'alpha' is listed twice",
    ),
}


@pytest.mark.parametrize("case", list(MANIFEST_CASES))
def test_a_broken_manifest_is_one_clear_warning(tmp_path: Path, case: str) -> None:
    text, line, message = MANIFEST_CASES[case]
    root = make_project(tmp_path)
    manifest = root / "sources" / "manifest.toml"
    manifest.unlink()
    if text == "<folder>":
        manifest.mkdir()
    elif text == "<fifo>":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs named pipes")
        os.mkfifo(manifest)
    elif text == "<link>":
        manifest.symlink_to(tmp_path / "secret.txt")
    elif text is not None:
        manifest.write_bytes(text.encode("utf-8", "surrogateescape"))
    with watch_opens() as opened:
        result = build(root)
    assert "Traceback" not in result.warnings
    warnings_of(result)
    found = [w for w in result.warning_list() if w["file"][-1] == "manifest.toml"]
    assert [(w["line"], w["type"]) for w in found] == [(line, "calcidocs.source")], result.warnings
    assert message in found[0]["message"], found[0]["message"]
    assert_never_opened(root, opened)
    assert result.claims_json()["schema"] == "calcidocs-claims/1"


def test_a_manifest_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    manifest = root / "sources" / "manifest.toml"
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())
    result = build(root)
    assert not [w for w in result.warning_list() if w["file"][-1] == "manifest.toml"]


# -- order independence ------------------------------------------------------------

ORDER_PAGES = {
    "a": [("dup", "alpha", "Blue forms are rare"), ("only-a", "alpha", "grows slowly over")],
    "b": [("dup", "generated.txt", "Calcium forms deposits"), ("dup", "alpha", "no such words")],
    "c": [("only-c", "generated.txt", "forms deposits in"), ("dup", "", "")],
    "d": [("only-d", "alpha", "Blue forms are rare")],
}


def _order_project(tmp: Path) -> Path:
    """Claims with the same id on several pages, and one page disputing it."""
    root = make_project(tmp)
    write_generated(root, b"Calcium forms deposits in the skin.\n")
    for name, found in ORDER_PAGES.items():
        blocks = []
        for claim_id, source, quote in found:
            lines = [f":::{{claim}} Claim {claim_id} on {name}.", f":id: {claim_id}"]
            lines += [f":source: {source}", f":quote: {quote}"] if source else []
            lines += [":disputes: dup"] if claim_id.startswith("only") else []
            blocks.append("\n".join([*lines, ":::"]))
        page = f"# Page {name}\n\n" + "\n\n".join(blocks) + "\n"
        (root / "subtypes" / f"{name}.md").write_text(page, encoding="utf-8")
    return root


def _build_ordered(root: Path, outdir: Path, parallel: int = 0, reverse: bool = False) -> Build:
    """A fresh build; with ``reverse``, the documents are read in reverse order."""
    from io import StringIO

    from sphinx.testing.util import SphinxTestApp

    warning = StringIO()
    app = SphinxTestApp(
        "html",
        srcdir=root,
        builddir=outdir,
        freshenv=True,
        status=StringIO(),
        warning=warning,
        parallel=parallel,
    )
    if reverse:
        app.connect("env-before-read-docs", lambda app, env, docnames: docnames.reverse())
    try:
        app.build()
    finally:
        app.cleanup()
    return Build(Path(app.outdir), warning.getvalue(), app.statuscode)


#: The pages that show claims, whose HTML must not depend on the build.
CLAIM_PAGES = [
    "subtypes/a",
    "subtypes/b",
    "subtypes/c",
    "subtypes/d",
    "views",
    "sources/alpha",
    "sources/generated",
]


def test_duplicate_ids_whatever_the_read_order_or_j(tmp_path: Path) -> None:
    root = _order_project(tmp_path)
    builds = {
        "serial": _build_ordered(root, tmp_path / "serial"),
        "reversed": _build_ordered(root, tmp_path / "reversed", reverse=True),
        "-j 2": _build_ordered(root, tmp_path / "parallel", parallel=2),
        "again": _build_ordered(root, tmp_path / "again"),
    }
    first = builds["serial"]
    duplicates = [w for w in first.warning_list() if w["type"] == "calcidocs.id"]
    assert [(w["file"][-1], w["line"]) for w in duplicates] == [
        ("b.md", 3),
        ("b.md", 9),
        ("c.md", 10),
    ], first.warnings
    assert all("(first used in subtypes/a, line 3)" in w["message"] for w in duplicates)
    claims_json = (first.outdir / "claims.json").read_bytes()
    for name, result in builds.items():
        assert result.warning_list() == first.warning_list(), name
        assert (result.outdir / "claims.json").read_bytes() == claims_json, name
        for page in CLAIM_PAGES:
            assert result.html(page) == first.html(page), (name, page)
