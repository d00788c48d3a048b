"""The source documents: the manifest, the sources folder boundary, and a cache.

Every source file is read, checked and normalised once per build. A reference
that leaves the sources folder (an absolute path, ``..``, a link pointing
outside, a device) is refused before anything is opened.

When there is a manifest, only the files it lists are sources: a claim names
one by its key or by its file name, and a file of the folder that the manifest
does not list is refused unopened. Without one (``calcidocs_manifest = None``)
every regular file of the folder is a source. The manifest itself never is:
its notes are the project's words, not a source's.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from .normalize import Normalized, normalize
from .quotes import find_quote

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class WeakPassage:
    """A passage of a source that the manifest marks as weak, and why.

    ``start`` and ``end`` are offsets in the source's text: whole lines.
    """

    start: int
    end: int
    reason: str


@dataclass
class Source:
    """One source document, as the build sees it."""

    key: str
    file: str  # path inside the sources folder, with forward slashes
    title: str
    notes: str = ""
    sha256: str = ""  # as the manifest pins it ("" when not pinned)
    exclude: list[str] = field(default_factory=list)
    weak: list[WeakPassage] = field(default_factory=list)
    listed: bool = True  # in the manifest (False: cited by file name only)
    actual_sha256: str = ""
    text: str | None = None
    error: str | None = None  # why the text could not be had
    _normalized: Normalized | None = None

    @property
    def normalized(self) -> Normalized:
        if self._normalized is None:
            self._normalized = normalize(self.text or "")
        return self._normalized

    def normalized_as(self, found: Normalized) -> None:
        """Take ``found`` as the normalised text (normalised before, from the same text)."""
        if found.original != self.text:
            raise ValueError(f"source {self.key!r}: not the normalised form of its text")
        self._normalized = found


@dataclass(frozen=True)
class ManifestProblem:
    """A problem in the manifest: where it is and what it says."""

    location: str  # "path:line"
    message: str
    missing: bool = False  # the manifest does not exist (a problem only if sources are used)


#: The manifest's file name when ``calcidocs_manifest`` is None: still never a source.
DEFAULT_MANIFEST_NAME = "manifest.toml"


def _weak_span(source: Source, entry: dict, starts: list[int]) -> tuple[int, int] | str:
    """The (start, end) of a weak passage in the source's text, or what is wrong."""
    text = source.text or ""
    lines = entry.get("lines")
    phrase = entry.get("phrase")
    if isinstance(lines, str) and re.fullmatch(r"\d+(-\d+)?", lines.strip()):
        first, _, last = lines.strip().partition("-")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= len(starts):
            return f"lines {lines!r} are not lines of the source (1 to {len(starts)})"
    elif isinstance(phrase, str) and phrase.strip():
        match = find_quote(source.normalized, phrase)
        if match is None:
            return f"phrase {phrase!r} is not in the source"
        return _sentences_around(text, match.start, match.end)
    else:
        return 'needs lines = "N-M" or a phrase'
    end = starts[high] - 1 if high < len(starts) else len(text)
    return starts[low - 1], end


_SENTENCE_BREAK = re.compile(r"[.!?](?=\s)|\n")


def _sentences_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whole sentences of ``text`` that ``start:end`` touches."""
    before = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)]
    begin = before[-1] if before else 0
    while begin < start and text[begin].isspace():
        begin += 1
    after = _SENTENCE_BREAK.search(text, max(end - 1, start))
    return begin, after.end() if after else len(text)


def refuse_reason(ref: str) -> str | None:
    """Why ``ref`` may not name a file inside the sources folder, from its text alone."""
    if not ref or ref.strip() != ref:
        return "an empty or padded path"
    if any(ord(c) < 32 or c == "\x7f" for c in ref):
        return "a path with control characters"
    if "\\" in ref or PureWindowsPath(ref).drive:
        return "a path with a backslash or a drive"
    posix = PurePosixPath(ref)
    if posix.is_absolute():
        return "an absolute path"
    if ".." in posix.parts:
        return "a path that leaves the sources folder"
    return None


def _field_line(block: list[str], first_line: int, name: str) -> int:
    """The line of ``name = ...`` in a manifest entry (its header line if absent)."""
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
    for offset, text in enumerate(block):
        if pattern.match(text):
            return first_line + offset
    return first_line


class SourceLibrary:
    """The manifest and every source file of one build, each read once."""

    def __init__(
        self,
        sources_dir: Path,
        manifest_path: Path | None,
        max_bytes: int,
        manifest_name: str = "",
    ) -> None:
        self.sources_dir = sources_dir
        self.manifest_path = manifest_path
        self.max_bytes = max_bytes
        #: How warnings name the manifest (``sources/manifest.toml``).
        self.manifest_name = manifest_name or (manifest_path.name if manifest_path else "")
        self.by_key: dict[str, Source] = {}
        self.by_file: dict[str, Source] = {}
        self.problems: list[ManifestProblem] = []
        self._unlisted: dict[str, tuple[Source | None, str | None]] = {}
        manifest = manifest_path or sources_dir / DEFAULT_MANIFEST_NAME
        self._manifest_real = _real_path(manifest)
        self._manifest_id = _file_id(manifest)
        if manifest_path is not None:
            self._load_manifest(manifest_path)

    # -- manifest ---------------------------------------------------------

    def _problem(self, line: int, message: str, missing: bool = False) -> None:
        self.problems.append(ManifestProblem(f"{self.manifest_path}:{line}", message, missing))

    def _read_manifest(self, path: Path) -> bytes | None:
        """The manifest's bytes, if it is a regular file, in its folder, within the size limit.

        (A manifest that is a pipe or a link to a device would hang the build.)
        """
        try:
            real = path.resolve(strict=True)
            folder = path.parent.resolve(strict=True)
            info = os.stat(real)
        except (OSError, RuntimeError) as err:
            reason = getattr(err, "strerror", None) or err
            missing = isinstance(err, FileNotFoundError) and not os.path.lexists(path)
            self._problem(0, f"cannot read the source manifest: {reason}", missing)
            return None
        if folder not in real.parents:
            self._problem(0, "the source manifest is a link that leads out of its folder")
            return None
        if not stat.S_ISREG(info.st_mode):
            self._problem(0, "the source manifest is not a regular file")
            return None
        if info.st_size > self.max_bytes:
            self._problem(
                0,
                f"the source manifest is {info.st_size} bytes, over the limit of "
                f"{self.max_bytes} (calcidocs_max_source_bytes)",
            )
            return None
        try:
            with open(real, "rb") as handle:
                return handle.read(self.max_bytes + 1)
        except OSError as err:
            self._problem(0, f"cannot read the source manifest: {err.strerror or err}")
            return None

    def _load_manifest(self, path: Path) -> None:
        raw = self._read_manifest(path)
        if raw is None:
            return
        try:
            text = raw.decode("utf-8-sig")  # a byte order mark is no error
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            self._problem(line, f"the source manifest is not UTF-8 text (byte {err.start})")
            return
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            line = 1
            match = re.search(r"line (\d+)", str(err))
            if match:
                line = int(match.group(1))
            self._problem(line, f"the source manifest is not valid TOML: {err}")
            return
        header_lines = [
            number
            for number, line_text in enumerate(text.split("\n"), start=1)
            if line_text.strip().startswith("[[source]]")
        ]
        entries = data.get("source", [])
        if not isinstance(entries, list) or not entries:
            self._problem(1, "the source manifest lists no [[source]] entry")
            return
        lines = text.split("\n")  # TOML counts lines at newlines only
        for index, entry in enumerate(entries):
            line = header_lines[index] if index < len(header_lines) else 1
            end = header_lines[index + 1] if index + 1 < len(header_lines) else len(lines) + 1
            block = lines[line - 1 : end - 1]
            weak_lines = [
                line + offset
                for offset, line_text in enumerate(block)
                if line_text.strip().replace(" ", "") == "[[source.weak]]"
            ]
            self._add_entry(entry, line, functools.partial(_field_line, block, line), weak_lines)

    def _add_entry(
        self,
        entry: object,
        line: int,
        field_line: Callable[[str], int],
        weak_lines: list[int] | None = None,
    ) -> None:
        if not isinstance(entry, dict):
            self._problem(line, "a [[source]] entry is not a table")
            return
        key, file = entry.get("key"), entry.get("file")
        if not isinstance(key, str) or not KEY_RE.match(key):
            self._problem(line, f"source entry has a missing or malformed key: {key!r}")
            return
        if not isinstance(file, str):
            self._problem(line, f"source {key!r} names no file")
            return
        if key in self.by_key:
            self._problem(field_line("key"), f"source key {key!r} is listed twice")
            return
        reason = refuse_reason(file)
        if reason:
            self._problem(line, f"source {key!r} file {file!r} refused: {reason}")
            return
        norm_file = PurePosixPath(file).as_posix()
        if self._names_manifest(norm_file):
            self._problem(
                field_line("file"),
                f"source {key!r} file {file!r} refused: it is the source manifest, not a source",
            )
            return
        if norm_file in self.by_file:
            other = self.by_file[norm_file].key
            self._problem(
                field_line("file"), f"file {file!r} is listed twice (as {other!r} and {key!r})"
            )
            return
        title = entry.get("title")
        notes = entry.get("notes", "")
        sha = entry.get("sha256", "")
        exclude = entry.get("exclude", [])
        source = Source(
            key=key,
            file=norm_file,
            title=title if isinstance(title, str) and title.strip() else norm_file,
            notes=notes if isinstance(notes, str) else "",
            sha256=sha.lower() if isinstance(sha, str) else "",
            exclude=[e for e in exclude if isinstance(e, str)] if isinstance(exclude, list) else [],
        )
        self._read(source)
        if source.text is not None:
            self._add_weak(source, entry.get("weak", []), weak_lines or [line])
        if source.error:
            self._problem(line, f"source {key!r}: {source.error}")
        elif not source.sha256:
            self._problem(line, f"source {key!r} pins no sha256 (it is {source.actual_sha256})")
        elif source.sha256 != source.actual_sha256:
            self._problem(
                field_line("sha256"),
                f"source {key!r}: sha256 of {file!r} is {source.actual_sha256}, "
                f"the manifest pins {source.sha256}",
            )
        self.by_key[key] = source
        self.by_file[norm_file] = source

    def _add_weak(self, source: Source, entries: object, lines: list[int]) -> None:
        """Read a source's ``[[source.weak]]`` entries: ``lines = "N-M"`` or
        ``phrase = "..."`` (the sentences that hold it), each with a ``reason``."""
        if not isinstance(entries, list):
            self._problem(lines[0], f"source {source.key!r}: weak must be a list of tables")
            return
        text = source.text or ""
        starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n" and i + 1 < len(text))]
        for index, entry in enumerate(entries):
            line = lines[index] if index < len(lines) else lines[-1]
            if not isinstance(entry, dict) or not isinstance(entry.get("reason"), str):
                self._problem(line, f"source {source.key!r}: a weak passage needs a reason")
                continue
            span = _weak_span(source, entry, starts)
            if isinstance(span, str):
                self._problem(line, f"source {source.key!r}: weak passage {span}")
                continue
            source.weak.append(WeakPassage(span[0], span[1], " ".join(entry["reason"].split())))

    # -- files --------------------------------------------------------------

    def path_of(self, source: Source) -> Path:
        return self.sources_dir / source.file

    def _read(self, source: Source) -> None:
        """Fill ``source.text`` (or ``source.error``), never leaving the sources folder."""
        path = self.sources_dir / source.file
        try:
            root = self.sources_dir.resolve(strict=True)
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            source.error = f"file {source.file!r} not found in the sources folder"
            return
        if root != real and root not in real.parents:
            source.error = f"file {source.file!r} points outside the sources folder"
            return
        try:
            info = os.stat(real)
        except OSError as err:
            source.error = f"cannot read {source.file!r}: {err.strerror}"
            return
        if self._manifest_id == (info.st_dev, info.st_ino):  # by any name, link or case
            source.error = f"{source.file!r} is the source manifest, not a source"
            return
        if not stat.S_ISREG(info.st_mode):
            source.error = f"{source.file!r} is not a regular file"
            return
        if info.st_size > self.max_bytes:
            source.error = (
                f"{source.file!r} is {info.st_size} bytes, over the limit of "
                f"{self.max_bytes} (calcidocs_max_source_bytes)"
            )
            return
        try:
            with open(real, "rb") as handle:
                raw = handle.read(self.max_bytes + 1)
        except OSError as err:
            source.error = f"cannot read {source.file!r}: {err.strerror}"
            return
        source.actual_sha256 = hashlib.sha256(raw).hexdigest()
        if len(raw) > self.max_bytes:
            source.error = f"{source.file!r} is over the size limit of {self.max_bytes} bytes"
            return
        if b"\x00" in raw:
            source.error = f"{source.file!r} is a binary file, not text"
            return
        try:
            source.text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            source.error = f"{source.file!r} is not UTF-8 text (byte {err.start})"

    # -- lookup ---------------------------------------------------------------

    def lookup(self, ref: str) -> tuple[Source | None, str | None]:
        """The source that ``ref`` (a key or a file name) names, or why there is none."""
        if ref in self.by_key:
            source = self.by_key[ref]
            return (source, None) if source.error is None else (None, source.error)
        if ref in self.by_file:
            source = self.by_file[ref]
            return (source, None) if source.error is None else (None, source.error)
        if ref in self._unlisted:
            return self._unlisted[ref]
        result = self._lookup_file(ref)
        self._unlisted[ref] = result
        return result

    def _lookup_file(self, ref: str) -> tuple[Source | None, str | None]:
        reason = refuse_reason(ref)
        if reason:
            return None, f"source {ref!r} refused: {reason}"
        norm = PurePosixPath(ref).as_posix()
        if norm in self.by_file:
            source = self.by_file[norm]
            return (source, None) if source.error is None else (None, source.error)
        if self._names_manifest(norm):
            return None, f"{ref!r} is the source manifest, not a source: cite a source's key"
        candidate = self.sources_dir / ref
        if not os.path.lexists(candidate):
            known = ", ".join(sorted(self.by_key)) or "none"
            return None, f"unknown source {ref!r} (known keys: {known})"
        if self.manifest_path is not None:
            # Only what the manifest lists is a source: the file is not even opened.
            return None, (
                f"file {ref!r} is not listed in the source manifest ({self.manifest_name}): "
                "add a [[source]] entry for it (key, file, title, sha256)"
            )
        source = Source(key=norm, file=norm, title=norm, listed=False)
        self._read(source)
        if source.error:
            return None, source.error
        return source, None

    def _names_manifest(self, norm: str) -> bool:
        """Whether ``norm`` (a path in the sources folder) names the manifest, or a link to it."""
        path = self.sources_dir / norm
        if path == (self.manifest_path or self.sources_dir / DEFAULT_MANIFEST_NAME):
            return True
        real = _real_path(path)
        return real is not None and real == self._manifest_real

    def all_sources(self) -> list[Source]:
        """Every source that loaded, listed ones first, each once."""
        seen = {id(s): s for s in self.by_key.values() if s.error is None}
        for source, _ in self._unlisted.values():
            if source is not None:
                seen.setdefault(id(source), source)
        return sorted(seen.values(), key=lambda s: (not s.listed, s.key))


def _real_path(path: Path) -> Path | None:
    """``path`` with its links resolved (as far as they exist), or None for a link loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _file_id(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file at ``path`` (None if there is none, or the
    file system numbers no inodes)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if info.st_ino else None
