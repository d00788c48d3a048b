"""The review lock: what a reviewer read of each claim, when, and who they were.

The lock (``docs/claims.lock``) holds one JSON object a line, keys sorted, lines
sorted by claim id, so that it diffs well. Each record keeps:

* ``id``, ``by`` (the reviewer) and ``on`` (the date, ``YYYY-MM-DD``);
* ``reviewed``: the fields a reviewer reads (:func:`reviewed_fields`), as they
  read them, and ``fingerprint``, the sha256 of those fields;
* ``sources``: the sha256 of each cited source at review time;
* ``anchors``: where each quote stood in its source then (character positions
  and the text just before and after), to tell a moved quote from a quote whose
  surroundings changed.

This module is plain data and text: it knows nothing of Sphinx.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import pickle
import re
from collections.abc import Iterator, Mapping, MutableMapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from ..model import Claim

#: Characters of source text kept before and after a quote (W3C prefix / suffix).
CONTEXT_CHARS = 32
#: The order in which fields are shown to a reviewer (others follow, sorted).
FIELD_ORDER = ("statement", "label", "body", "subtypes", "topics", "citations", "disputes")

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def reviewed_fields(claim: Claim) -> dict[str, Any]:
    """What a reviewer reads of ``claim``: the one list of fields its fingerprint covers.

    An optional field is added only when the claim has it, so that adding one
    leaves the fingerprints of claims without it unchanged.
    """
    fields: dict[str, Any] = {
        "statement": claim["text"],
        "label": claim["label"],
        "body": claim.get("body", ""),
        "subtypes": list(claim["subtypes"]),
        "topics": list(claim["topics"]),
        "citations": [{"source": c["source"], "quote": c["quote"]} for c in claim["citations"]],
        "disputes": list(claim["disputes"]),
    }
    if claim.get("drift_ok"):
        fields["drift_ok"] = list(claim["drift_ok"])
    return fields


def fingerprint(fields: dict[str, Any]) -> str:
    """The sha256 of ``fields`` in a canonical JSON form."""
    return _sha256(_canonical(fields))


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- anchors ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote stands in its source: character positions and what is around it."""

    number: int  # the citation's number in the claim (1 for :source:, 2 for :source-2:, ...)
    source: str
    start: int
    end: int
    prefix: str
    suffix: str

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }


def anchor_of(number: int, source: str, text: str, start: int, end: int) -> Anchor:
    """The anchor of ``text[start:end]``, with up to :data:`CONTEXT_CHARS` either side."""
    return Anchor(
        number,
        source,
        start,
        end,
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def selectors(text: str, start: int, end: int) -> list[dict[str, Any]]:
    """W3C Web Annotation selectors of ``text[start:end]``.

    A TextQuoteSelector (the exact text with what comes before and after it) and
    a TextPositionSelector (character positions from 0, the end excluded).
    """
    quote = anchor_of(0, "", text, start, end)
    return [
        {
            "type": "TextQuoteSelector",
            "exact": text[start:end],
            "prefix": quote.prefix,
            "suffix": quote.suffix,
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _folded(text: str) -> str:
    return " ".join(text.split())


def _same_before(old: str, new: str) -> bool:
    """Whether two prefixes hold the same text but for white space.

    A full window that gained or lost white space starts a few characters
    earlier or later: the shorter text then ends the longer one.
    """
    a, b = _folded(old), _folded(new)
    full = len(old) == len(new) == CONTEXT_CHARS
    return a == b or (full and (a.endswith(b) or b.endswith(a)))


def _same_after(old: str, new: str) -> bool:
    """Whether two suffixes hold the same text but for white space."""
    return _same_before(old[::-1], new[::-1])


def anchor_change(old: Anchor | None, new: Anchor | None) -> str:
    """What happened to a quote in a source that changed, in words."""
    if new is None:
        return "the quote is no longer found in it"
    if old is None:
        return "where the quote stood at review time is not recorded"
    moved = old.start != new.start
    around = not (_same_before(old.prefix, new.prefix) and _same_after(old.suffix, new.suffix))
    if not moved and not around:
        return "the quote and the text around it are where they were"
    place = f"from character {old.start} to {new.start}"
    if not around:
        return f"the quote moved ({place}), the text around it is unchanged"
    context = (
        f"was '\u2026{_folded(old.prefix)} [quote] {_folded(old.suffix)}\u2026', "
        f"now '\u2026{_folded(new.prefix)} [quote] {_folded(new.suffix)}\u2026'"
    )
    if moved:
        return f"the quote moved ({place}) and the text around it changed ({context})"
    return f"the text around the quote changed ({context})"


# -- the lock ---------------------------------------------------------------


class LockEntry:
    """One review record: a line of the lock.

    Its ``reviewed`` fields and its ``anchors`` are read only for a claim that
    changed and when a review is accepted: they are kept as JSON text (the fields
    in the canonical form :func:`fingerprint` hashes) and decoded on each use, so
    that a lock of thousands of records holds a few strings a record, not dozens
    of objects.
    """

    __slots__ = (
        "_anchors",
        "_reviewed",
        "by",
        "consistent",
        "fingerprint",
        "id",
        "line",
        "on",
        "sources",
    )

    def __init__(
        self,
        id: str,
        fingerprint: str,
        reviewed: dict[str, Any],
        sources: dict[str, str],
        anchors: list[Anchor],
        by: str,
        on: str,
        line: int = 0,  # where it stands in the lock (0: not written yet)
    ) -> None:
        self.id = id
        self.fingerprint = fingerprint
        self._reviewed = _canonical(reviewed)
        self.sources = sources
        # ASCII: one byte a character, whatever the quoted text
        self._anchors = json.dumps([a.to_json() for a in anchors], separators=(",", ":"))
        self.by = by
        self.on = on
        self.line = line
        #: whether the fingerprint is that of the recorded fields (no hand edit);
        #: taken once, and kept with the parsed lock
        self.consistent = _sha256(self._reviewed) == fingerprint

    @property
    def reviewed(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self._reviewed)
        return value

    @property
    def anchors(self) -> list[Anchor]:
        return [Anchor(**value) for value in json.loads(self._anchors)]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fingerprint": self.fingerprint,
            "reviewed": self.reviewed,
            "sources": dict(sorted(self.sources.items())),
            "anchors": [a.to_json() for a in self.anchors],
            "by": self.by,
            "on": self.on,
        }

    def anchor(self, number: int) -> Anchor | None:
        return next((a for a in self.anchors if a.number == number), None)

    def state(self) -> tuple[Any, ...]:
        """What the record holds, as plain data, in the order of ``__slots__``."""
        return tuple(getattr(self, name) for name in self.__slots__)

    @classmethod
    def restored(cls, state: tuple[Any, ...]) -> LockEntry:
        """The record whose :meth:`state` is ``state``."""
        entry = cls.__new__(cls)
        for name, value in zip(cls.__slots__, state, strict=True):
            setattr(entry, name, value)
        return entry


class KeptEntries(MutableMapping[str, LockEntry]):
    """The records of a lock read back from where a build kept it: each is a pickle of
    its :meth:`LockEntry.state` until it is asked for (a build asks for those of the
    claims it reads again). Reading back thousands of records as objects, or even as
    tuples of strings, took longer than the rest of the lock's reading; one string of
    bytes per record reads back at once."""

    def __init__(self, packed: dict[str, bytes]) -> None:
        self._data: dict[str, LockEntry | bytes] = dict(packed)

    def __getitem__(self, claim_id: str) -> LockEntry:
        found = self._data[claim_id]
        if isinstance(found, bytes):
            found = self._data[claim_id] = LockEntry.restored(pickle.loads(found))
        return found

    def __setitem__(self, claim_id: str, entry: LockEntry) -> None:
        self._data[claim_id] = entry

    def __delitem__(self, claim_id: str) -> None:
        del self._data[claim_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, claim_id: object) -> bool:
        return claim_id in self._data

    def ids(self) -> AbstractSet[str]:
        """The ids of the records, as a set (faster than the mapping's own keys)."""
        return self._data.keys()

    def packed(self) -> dict[str, bytes]:
        return {
            claim_id: found if isinstance(found, bytes) else _packed(found)
            for claim_id, found in self._data.items()
        }


def _packed(entry: LockEntry) -> bytes:
    return pickle.dumps(entry.state(), pickle.HIGHEST_PROTOCOL)


def _kept_lock(packed: dict[str, bytes], problems: list[tuple[int, str]]) -> Lock:
    return Lock(KeptEntries(packed), problems)


@dataclass
class Lock:
    """The records of a lock file, and the lines that are no record."""

    entries: MutableMapping[str, LockEntry] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as plain data, read back as :class:`KeptEntries`."""
        entries = self.entries
        if isinstance(entries, KeptEntries):
            packed = entries.packed()
        else:
            packed = {claim_id: _packed(entry) for claim_id, entry in entries.items()}
        return (_kept_lock, (packed, self.problems))

    def ids(self) -> AbstractSet[str]:
        """The ids of the records."""
        return record_ids(self.entries)


def record_ids(entries: Mapping[str, LockEntry]) -> AbstractSet[str]:
    """The ids of ``entries`` as a set: the mapping's own, where it has one (going
    through the mapping's ``keys()`` looks each id up again)."""
    if isinstance(entries, dict):
        return entries.keys()
    ids = getattr(entries, "ids", None)
    return ids() if ids is not None else set(entries)


class RecordError(ValueError):
    """A lock line that is JSON but no review record."""


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{key!r} is missing or not a text")
    return value


def _anchor(value: Any) -> Anchor:
    if not isinstance(value, dict):
        raise RecordError("an anchor is not an object")
    try:
        anchor = Anchor(
            number=value["number"],
            source=value["source"],
            start=value["start"],
            end=value["end"],
            prefix=value["prefix"],
            suffix=value["suffix"],
        )
    except KeyError as err:
        raise RecordError(f"an anchor has no {err.args[0]!r}") from None
    if not all(
        isinstance(v, int) and not isinstance(v, bool)
        for v in (anchor.number, anchor.start, anchor.end)
    ) or not all(isinstance(v, str) for v in (anchor.source, anchor.prefix, anchor.suffix)):
        raise RecordError("an anchor has a value of the wrong type")
    return anchor


def _plain(value: Any) -> bool:
    """Text, or a list of texts or of objects of texts (what a claim's fields are)."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(
        isinstance(item, str)
        or (isinstance(item, dict) and all(isinstance(v, str) for v in item.values()))
        for item in value
    )


def _reviewed(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError("'reviewed' is missing or not an object")
    for key, field_value in value.items():
        if not _plain(field_value):
            raise RecordError(f"'reviewed' field {key!r} is not text or a list of texts")
    return value


def parse_record(data: Any, line: int) -> LockEntry:
    """A :class:`LockEntry` from a decoded lock line, or :class:`RecordError`."""
    if not isinstance(data, dict):
        raise RecordError("not a JSON object")
    claim_id = _text(data, "id")
    print_ = _text(data, "fingerprint")
    if not _SHA256_RE.match(print_):
        raise RecordError("'fingerprint' is not a sha256 in hexadecimal")
    reviewed = _reviewed(data.get("reviewed"))
    sources = data.get("sources", {})
    if not isinstance(sources, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in sources.items()
    ):
        raise RecordError("'sources' is not an object of texts")
    anchors = data.get("anchors", [])
    if not isinstance(anchors, list):
        raise RecordError("'anchors' is not a list")
    on = _text(data, "on")
    try:
        valid = bool(_DATE_RE.match(on)) and bool(datetime.date.fromisoformat(on))
    except ValueError:
        valid = False
    if not valid:
        raise RecordError(f"'on' is not a date (YYYY-MM-DD): {on!r}")
    return LockEntry(
        id=claim_id,
        fingerprint=print_,
        reviewed=reviewed,
        sources=dict(sources),
        anchors=[_anchor(a) for a in anchors],
        by=_text(data, "by"),
        on=on,
        line=line,
    )


def parse_lock(text: str) -> Lock:
    """The records of a lock's text; each bad line is one problem at its line."""
    lock = Lock()
    shared: dict[str, str] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            entry = parse_record(json.loads(raw), number)
        except json.JSONDecodeError as err:
            lock.problems.append(
                (number, f"line {number} of the review lock is not JSON: {err.msg}")
            )
            continue
        except RecursionError:
            lock.problems.append(
                (number, f"line {number} of the review lock is not JSON: nested too deeply")
            )
            continue
        except RecordError as err:
            lock.problems.append(
                (number, f"line {number} of the review lock is not a review record: {err}")
            )
            continue
        first = lock.entries.get(entry.id)
        if first is not None:
            lock.problems.append(
                (
                    number,
                    f"claim {entry.id!r} is recorded twice in the review lock "
                    f"(first at line {first.line})",
                )
            )
            continue
        lock.entries[entry.id] = entry
        _share(entry, shared)
    return lock


def _share(entry: LockEntry, shared: dict[str, str]) -> None:
    """Make ``entry`` hold the one copy in ``shared`` of its reviewer, date, source keys
    and hashes, which many records repeat."""
    entry.by = shared.setdefault(entry.by, entry.by)
    entry.on = shared.setdefault(entry.on, entry.on)
    entry.sources = {
        shared.setdefault(key, key): shared.setdefault(sha, sha)
        for key, sha in entry.sources.items()
    }


def format_lock(entries: Mapping[str, LockEntry]) -> str:
    """The lock's text: one record a line, keys sorted, lines sorted by claim id."""
    return "".join(
        json.dumps(entries[claim_id].to_json(), sort_keys=True, ensure_ascii=False) + "\n"
        for claim_id in sorted(entries)
    )


# -- what changed -------------------------------------------------------------


def field_names(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The names of both field sets, in the order a reviewer reads them."""
    names = [n for n in FIELD_ORDER if n in old or n in new]
    return names + sorted((set(old) | set(new)) - set(FIELD_ORDER))


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The fields whose value differs, in the order a reviewer reads them."""
    return [n for n in field_names(old, new) if old.get(n) != new.get(n)]


def field_text(value: Any) -> str:
    """A field's value as one line of words."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict) and "source" in item:
                parts.append(f"[{item.get('source')}] {item.get('quote', '')}".strip())
            else:
                parts.append(str(item))
        return " | ".join(parts) if any(isinstance(i, dict) for i in value) else " ".join(parts)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def word_diff(old: str, new: str) -> str:
    """``new`` word by word, removed words as ``[-...-]`` and added ones as ``{+...+}``."""
    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(before[i1:i2])
            continue
        removed = "[-" + " ".join(before[i1:i2]) + "-]" if i2 > i1 else ""
        added = "{+" + " ".join(after[j1:j2]) + "+}" if j2 > j1 else ""
        out.append(removed + added)
    return " ".join(out)
