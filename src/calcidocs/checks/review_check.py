"""The review check: each claim against its record in the review lock.

With ``calcidocs_review_lock`` set, the lock is read once per build, and after
all documents are read every claim is compared with its record (see
:mod:`calcidocs.checks.review`). A claim not in the lock, changed since its review, or
citing a source that changed since, is a ``review`` problem at the claim's line;
a record whose claim is gone, or a lock line that is no record, is one at the
lock's line. Each content page says when its claims were last reviewed, and
``claims.json`` gives each claim its review.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import weakref
from collections.abc import Callable, Iterator, MutableMapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..domain import CalcidocsDomain, Index_, domain_of
from ..model import ID_RE, Claim, FileProblem, quoted_span
from ..problems import Check
from ..sources.library import SourceLibrary, library
from ..writers.line_memo import read_pickled, replace_pickled
from .claim_prints import claim_prints
from .review import (
    Anchor,
    Lock,
    LockEntry,
    anchor_change,
    anchor_of,
    changed_fields,
    parse_lock,
    record_ids,
    reviewed_fields,
)


@dataclass
class LockFile:
    """The review lock as this build read it."""

    name: str  # as conf.py gives it
    path: Path
    exists: bool
    lock: Lock
    error: str = ""  # why it could not be read
    digest: str = ""  # the sha256 of its bytes ("" when it has none)

    @property
    def key(self) -> str:
        """What the reviews depend on: the lock's name and bytes ("error" when it
        cannot be read)."""
        return "error" if self.error else f"{self.name}:{self.digest}"


#: The parsed locks of this process, by the sha256 of their bytes (the latest few).
_PARSED: dict[str, Lock] = {}
#: Where a build keeps the lock it parsed last, next to the saved environment.
PARSED_LOCK = "calcidocs-lock.pickle"
#: The version of that file's format (and of the parsing): another counts as absent.
PARSED_LOCK_VERSION = 5  # 5: each record kept as a pickle of its own


def _parsed_lock(digest: str, raw: bytes, keep: Path | None) -> Lock:
    """The lock's bytes ``raw`` parsed, only when these bytes (their sha256 ``digest``)
    were not parsed before (in this process, or by the last build, which kept it in
    ``keep``). Raises UnicodeDecodeError for bytes that are no UTF-8 text."""
    lock = _PARSED.get(digest)
    if lock is not None:
        return lock
    if keep is not None:
        with contextlib.suppress(Exception):  # unreadable or of another version: parse
            version, kept_digest, kept = read_pickled(keep)
            if version == PARSED_LOCK_VERSION and kept_digest == digest and isinstance(kept, Lock):
                lock = kept
    if lock is None:
        lock = parse_lock(raw.decode("utf-8-sig"))
        if keep is not None:
            replace_pickled(keep, (PARSED_LOCK_VERSION, digest, lock))
    if len(_PARSED) >= 4:
        _PARSED.clear()
    _PARSED[digest] = lock
    return lock


def read_lock_file(srcdir: Path, name: str, keep: Path | None = None) -> LockFile:
    """The lock at ``srcdir / name`` (an absent lock has no record). With ``keep``
    (a file), the parsed lock is kept there, and taken from there while the lock's
    bytes are the same."""
    path = srcdir / name
    found = LockFile(name, path, os.path.lexists(path), Lock())
    if not found.exists:
        return found
    try:
        real = path.resolve(strict=True)
        if path.parent.resolve(strict=True) not in real.parents:
            found.error = "the review lock is a link that leads out of its folder"
            return found
        if not stat.S_ISREG(os.stat(real).st_mode):
            found.error = "the review lock is not a regular file"
            return found
        raw = real.read_bytes()
    except (OSError, RuntimeError) as err:
        found.error = f"cannot read the review lock: {getattr(err, 'strerror', None) or err}"
        return found
    digest = hashlib.sha256(raw).hexdigest()
    try:
        found.lock = _parsed_lock(digest, raw, keep)
    except UnicodeDecodeError as err:
        found.error = f"the review lock is not UTF-8 text (byte {err.start})"
        return found
    found.digest = digest
    return found


_LOCKS: weakref.WeakKeyDictionary[BuildEnvironment, LockFile | None] = weakref.WeakKeyDictionary()


def load(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: read the lock afresh for this build."""
    _LOCKS[env] = _read(env)


def _read(env: BuildEnvironment) -> LockFile | None:
    name = env.config.calcidocs_review_lock
    if not name:
        return None
    return read_lock_file(Path(env.srcdir), name, Path(env.doctreedir) / PARSED_LOCK)


def lock_file(env: BuildEnvironment) -> LockFile | None:
    """This build's lock, or None when the review check is off."""
    if env not in _LOCKS:
        _LOCKS[env] = _read(env)
    return _LOCKS[env]


class ReleasedEntries(MutableMapping[str, LockEntry]):
    """The records of a lock that the build let go of once it had read every page:
    their ids stay, and the records are read again only when one is asked for
    (``--accept``, a record whose claim is gone, a page whose results must be found
    again). Until then, the build does not hold thousands of records it no longer needs."""

    def __init__(
        self, ids: Iterator[str], read_again: Callable[[], MutableMapping[str, LockEntry]]
    ) -> None:
        self._ids = dict.fromkeys(ids)
        self._read_again = read_again
        self._records: MutableMapping[str, LockEntry] | None = None

    @property
    def records(self) -> MutableMapping[str, LockEntry]:
        if self._records is None:
            self._records = self._read_again()
        return self._records

    def __getitem__(self, claim_id: str) -> LockEntry:
        if self._records is None and claim_id not in self._ids:
            raise KeyError(claim_id)
        return self.records[claim_id]

    def __setitem__(self, claim_id: str, entry: LockEntry) -> None:
        self.records[claim_id] = entry

    def __delitem__(self, claim_id: str) -> None:
        del self.records[claim_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids if self._records is None else self._records)

    def __len__(self) -> int:
        return len(self._ids if self._records is None else self._records)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in (self._ids if self._records is None else self._records)

    def ids(self) -> AbstractSet[str]:
        return self._ids.keys() if self._records is None else record_ids(self._records)


def release(env: BuildEnvironment) -> None:
    """Let go of the records of this build's lock (see :class:`ReleasedEntries`): call it
    once nothing needs them but ``--accept`` and the rare record whose claim is gone."""
    found = _LOCKS.get(env)
    if found is None or found.error or isinstance(found.lock.entries, ReleasedEntries):
        return
    srcdir, name = Path(env.srcdir), found.name
    keep = Path(env.doctreedir) / PARSED_LOCK

    def read_again() -> MutableMapping[str, LockEntry]:
        # (a lock changed since this build read it gives its new records)
        return read_lock_file(srcdir, name, keep).lock.entries

    # the ids kept are the claims' own strings, where a claim has the id
    own = {claim_id: claim_id for claim_id in domain_of(env).index.claims}
    found.lock = Lock(
        ReleasedEntries((own.get(i, i) for i in found.lock.entries), read_again),
        found.lock.problems,
    )
    _PARSED.pop(found.digest, None)


# -- each claim against its record --------------------------------------------


@dataclass
class SourceChange:
    """A cited source whose text is not the one reviewed."""

    key: str
    old: str  # sha256 at review time
    new: str  # sha256 now ("" when it cannot be read)
    note: str  # what happened to the quotes


@dataclass(slots=True)
class ClaimReview:
    """A claim as the reviewer would sign it now, and its record in the lock."""

    claim: Claim
    entry: LockEntry | None
    fingerprint: str
    sources: dict[str, str]  # key -> sha256 now
    library: SourceLibrary
    changed: list[str] = field(default_factory=list)
    source_changes: list[SourceChange] = field(default_factory=list)

    @property
    def fields(self) -> dict[str, Any]:
        """What a reviewer reads of the claim now (its fingerprint is :attr:`fingerprint`;
        made anew on each use: few are read)."""
        return reviewed_fields(self.claim)

    @property
    def anchors(self) -> list[Anchor]:
        """Where each verified quote stands in its source now (found on each use: only
        a record whose sources changed, and an accepted review, need them)."""
        found = []
        for citation in self.claim["citations"]:
            source, _ = self.library.lookup(citation["source"])
            if citation["verified"] and source is not None and source.text is not None:
                span = quoted_span(citation)
                found.append(anchor_of(citation["number"], source.key, source.text, *span))
        return found

    @property
    def hand_edited(self) -> bool:
        return self.entry is not None and not self.entry.consistent

    @property
    def current(self) -> bool:
        """Whether the record signs the claim as it is now."""
        return (
            self.entry is not None
            and not self.hand_edited
            and self.entry.fingerprint == self.fingerprint
            and not self.source_changes
        )


@dataclass
class ReviewState:
    """Every claim's review in this build, and the records whose claim is gone."""

    lock: LockFile
    reviews: dict[str, ClaimReview]  # claim id -> review (the first claim of each id)
    by_page: dict[str, list[ClaimReview]]
    orphans: list[LockEntry]


def assess(
    domain: CalcidocsDomain,
    sources: SourceLibrary,
    claim: Claim,
    entry: LockEntry | None,
    review_print: str | None = None,
) -> ClaimReview:
    """``claim`` compared with its record ``entry`` (``review_print``: the claim's review
    fingerprint, when the caller has it)."""
    current: dict[str, str] = {}
    for citation in claim["citations"]:
        source, _ = sources.lookup(citation["source"])
        if source is None:
            current.setdefault(citation["source"], "")
        else:
            current.setdefault(source.key, source.actual_sha256)
    if review_print is None:
        review_print = claim_prints(domain, claim).review
    review = ClaimReview(claim, entry, review_print, current, sources)
    if entry is None:
        return review
    if entry.fingerprint != review.fingerprint:
        review.changed = changed_fields(entry.reviewed, review.fields)
    for key, sha in current.items():
        old = entry.sources.get(key)
        if old is None or old == sha:
            continue  # a source cited anew is a change of the citations
        if not sha:
            note = "it can no longer be read"
        else:
            numbers = [c["number"] for c in claim["citations"] if c["source"] == key]
            now = {a.number: a for a in review.anchors}
            notes = [anchor_change(entry.anchor(n), now.get(n)) for n in numbers]
            if len(notes) == 1:
                note = notes[0]
            else:
                pairs = zip(numbers, notes, strict=True)
                note = "; ".join(f"quote {n}: {text}" for n, text in pairs)
        review.source_changes.append(SourceChange(key, old, sha, note))
    return review


_STATES: weakref.WeakKeyDictionary[BuildEnvironment, tuple[Index_, LockFile, ReviewState]] = (
    weakref.WeakKeyDictionary()
)


def state(env: BuildEnvironment) -> ReviewState | None:
    """The review of every claim (computed once per build and change), or None when off."""
    found = lock_file(env)
    if found is None:
        return None
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    index = domain.index
    cached = _STATES.get(env)
    if cached is not None and cached[0] is index and cached[1] is found:
        return cached[2]
    entries = found.lock.entries
    sources = library(env)
    reviews: dict[str, ClaimReview] = {}
    by_page: dict[str, list[ClaimReview]] = {}
    for claim_id, claim in sorted(index.claims.items()):
        if not ID_RE.match(claim_id):
            continue  # an id problem already
        review = assess(domain, sources, claim, entries.get(claim_id))
        reviews[claim_id] = review
        by_page.setdefault(claim["docname"], []).append(review)
    for page in by_page.values():
        page.sort(key=lambda r: r.claim["line"])
    result = ReviewState(found, reviews, by_page, orphans(env, found))
    _STATES[env] = (index, found, result)
    return result


# -- problems -----------------------------------------------------------------


def describe(review: ClaimReview, lock_name: str) -> str | None:
    """The problem with a claim's review, in words (None when the record is current)."""
    claim_id = review.claim["id"]
    entry = review.entry
    if entry is None:
        return (
            f"claim {claim_id} has not been reviewed (it is not in {lock_name}); once read, "
            f"sign it off: python -m calcidocs.check --accept --reviewer NAME {claim_id}"
        )
    if review.current:
        return None
    signed = f"its review by {entry.by} on {entry.on}"
    parts = []
    if review.hand_edited:
        parts.append(
            f"its record ({lock_name}:{entry.line}) was edited by hand: the fingerprint "
            "does not match the text it records"
        )
    if review.changed:
        parts.append(f"{', '.join(review.changed)} changed since {signed}")
    elif not review.hand_edited and entry.fingerprint != review.fingerprint:
        parts.append(f"changed since {signed}")
    for change in review.source_changes:
        now = f"now {change.new[:12]}" if change.new else "now unreadable"
        parts.append(
            f"source {change.key} changed since {signed} (sha256 {change.old[:12]}, {now}): "
            f"{change.note}"
        )
    return f"claim {claim_id}: " + "; ".join(parts)


def lock_problems(env: BuildEnvironment) -> list[FileProblem]:
    """Problems at the lock's lines: unreadable, bad lines, records whose claim is gone."""
    lock = lock_file(env)
    if lock is None:
        return []
    check = Check.REVIEW.value
    if lock.error:
        return [FileProblem(f"{lock.path}:0", check, lock.error)]
    problems = [
        FileProblem(f"{lock.path}:{line}", check, message) for line, message in lock.lock.problems
    ]
    for entry in orphans(env, lock):
        problems.append(
            FileProblem(
                f"{lock.path}:{entry.line}",
                check,
                f"the review of claim {entry.id!r} (by {entry.by} on {entry.on}) has no claim: "
                "it was removed or its id changed; --accept drops the record",
            )
        )
    return sorted(problems, key=lambda p: int(p.location.rsplit(":", 1)[1]))


def orphans(env: BuildEnvironment, lock: LockFile) -> list[LockEntry]:
    """The records whose claim is gone (no claim has their id, or it is malformed)."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    entries = lock.lock.entries
    ids = lock.lock.ids()
    claims = domain.index.claims.keys()
    gone = set(ids - claims)
    gone.update(i for i in ids & claims if not ID_RE.match(i))
    return [entries[claim_id] for claim_id in sorted(gone)]


def summary_line(env: BuildEnvironment) -> str | None:
    """The check summary's line on reviews (None when off)."""
    found = state(env)
    if found is None:
        return None
    current = [r for r in found.reviews.values() if r.current]
    dates = [r.entry.on for r in current if r.entry is not None]
    latest = f"; latest review {max(dates)}" if dates else ""
    return f"reviews: {len(current)} of {len(found.reviews)} claims signed off as they are{latest}"
