"""Every check of the contract: one typed warning at the right file:line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import Build, build, copy_root

BAD = ["subtypes", "bad.md"]
MANIFEST = ["sources", "manifest.toml"]

EXPECTED = [
    (MANIFEST, 9, "source", "file 'alpha.txt' is listed twice"),
    (MANIFEST, 13, "source", "source key 'alpha' is listed twice"),
    (MANIFEST, 20, "source", "sha256 of 'mism.txt' is"),
    (MANIFEST, 22, "source", "source 'latin1': 'latin1.txt' is not UTF-8 text"),
    (MANIFEST, 28, "source", "source 'binary': 'binary.bin' is a binary file"),
    (BAD, 3, "uncited", "claim no-source cites no source"),
    (BAD, 8, "uncited", "sentence cites no source: 'This paragraph makes a statement"),
    (BAD, 12, "source", "unknown source 'gamma'"),
    (BAD, 18, "source", "refused: a path that leaves the sources folder"),
    (BAD, 24, "source", "refused: an absolute path"),
    (BAD, 31, "quote", "closest passage (91% alike): 'Blue forms are rare and appear"),
    (BAD, 37, "quote", "too short (2 words; at least 3)"),
    (BAD, 42, "quote", "citation of 'alpha' has no :quote:"),
    (BAD, 45, "id", "claim without :id:"),
    (BAD, 51, "id", "malformed claim id 'Bad Id!'"),
    (BAD, 56, "id", "duplicate claim id 'altered' (first used in subtypes/bad, line 28)"),
    (BAD, 64, "vocab", "unknown subtype 'green'"),
    (BAD, 65, "vocab", "unknown topic 'weather'"),
    (BAD, 70, "ref", "disputes unknown claim 'no-such-claim'"),
    (BAD, 79, "source", "'latin1.txt' is not UTF-8 text"),
    (BAD, 85, "source", "'binary.bin' is a binary file"),
    (BAD, 90, "ref", "{claim}`no-such-claim` resolves to nothing"),
    (BAD, 90, "ref", "{subtype}`no-such-subtype` resolves to nothing"),
    (BAD, 95, "source", "file 'unlisted.txt' is not listed in the source manifest"),
    (BAD, 101, "source", "'manifest.toml' is the source manifest, not a source"),
]


def _problems(tmp_path: Path) -> Build:
    return build(copy_root("problems", tmp_path))


def _assert_expected(result: Build) -> None:
    warnings = result.warning_list()
    assert all(w["type"].startswith("calcidocs.") for w in warnings), result.warnings
    for file, line, subtype, text in EXPECTED:
        matches = [
            w
            for w in warnings
            if w["file"] == file
            and w["line"] == line
            and w["type"] == f"calcidocs.{subtype}"
            and text in w["message"]
        ]
        assert len(matches) == 1, (file, line, subtype, text, result.warnings)
    assert len(warnings) == len(EXPECTED), result.warnings
    assert "Traceback" not in result.warnings and "Exception" not in result.warnings


def test_each_problem_is_one_typed_warning_at_its_line(tmp_path: Path) -> None:
    result = _problems(tmp_path)
    assert result.status == 1
    _assert_expected(result)


def test_every_problem_is_reported_again_when_nothing_was_reread(tmp_path: Path) -> None:
    srcdir = copy_root("problems", tmp_path)
    first = build(srcdir)
    second = build(srcdir)  # incremental, nothing changed
    assert second.warning_list() == first.warning_list()
    _assert_expected(second)


def test_no_claim_is_lost_from_claims_json(tmp_path: Path) -> None:
    result = _problems(tmp_path)
    claims = result.claims_json()["claims"]
    assert len(claims) == 16
    status = {c["id"]: c["status"] for c in claims if c["id"]}
    assert status["no-source"] == "uncited"
    assert status["unknown-key"] == "broken"
    assert status["escape-relative"] == "broken"
    assert status["no-quote"] == "unverified"
    assert status["unknown-terms"] == "verified"
    assert status["unlisted"] == status["the-manifest"] == "broken"
    assert [c["status"] for c in claims if c["id"] == "altered"] == ["broken", "verified"]


def test_suppress_warnings_silences_a_subtype(tmp_path: Path) -> None:
    srcdir = copy_root("problems", tmp_path)
    result = build(srcdir, confoverrides={"suppress_warnings": ["calcidocs.quote"]})
    types = {w["type"] for w in result.warning_list()}
    assert "calcidocs.quote" not in types
    assert "calcidocs.source" in types


def _list_in_manifest(srcdir: Path, key: str, file: str) -> None:
    with (srcdir / "sources" / "manifest.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(f'\n[[source]]\nkey = "{key}"\nfile = "{file}"\n')


def test_paths_outside_the_sources_folder_are_never_opened(tmp_path: Path) -> None:
    srcdir = copy_root("problems", tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("root x 0 0 is a secret line here\n", encoding="utf-8")
    (srcdir / "sources" / "link.txt").symlink_to(outside)
    _list_in_manifest(srcdir, "link", "link.txt")
    page = srcdir / "subtypes" / "bad.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n:::{claim} A claim citing a link that leads outside.\n:id: via-link\n"
        ":source: link\n:quote: root x 0 0 is a secret\n:::\n",
        encoding="utf-8",
    )
    opened: list[str] = []

    def audit(event: str, args: tuple) -> None:
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            opened.append(os.fsdecode(args[0]))

    sys.addaudithook(audit)
    result = build(srcdir)
    watched = opened.copy()
    opened.clear()
    assert not [p for p in watched if p == "/etc/passwd" or p.endswith("secret.txt")]
    messages = [w["message"] for w in result.warning_list() if w["type"] == "calcidocs.source"]
    assert any("'link.txt' points outside the sources folder" in m for m in messages)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_file_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    srcdir = copy_root("basic", tmp_path)
    # opening a pipe with no writer would hang the build: it must not be opened
    os.mkfifo(srcdir / "sources" / "device.txt")
    _list_in_manifest(srcdir, "device", "device.txt")
    page = srcdir / "subtypes" / "red.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n:::{claim} A claim citing a device.\n:id: device\n"
        ":source: device\n:quote: nothing at all here\n:::\n",
        encoding="utf-8",
    )
    result = build(srcdir)
    messages = [w["message"] for w in result.warning_list()]
    assert any("'device.txt' is not a regular file" in m for m in messages), result.warnings
