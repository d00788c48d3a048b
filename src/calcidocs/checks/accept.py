"""Signing claims off: what ``python -m calcidocs.check --accept`` shows and records.

For each claim to sign, the reviewer is shown what changed since the last review
(each changed field old and new, and word by word) or, for a claim never
reviewed, all that they sign; then the records are written into the lock, which
is the only file written.
"""

from __future__ import annotations

import datetime
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import printable
from .review import LockEntry, field_names, field_text, format_lock, word_diff
from .review_check import ClaimReview, ReviewState

#: Claims of these statuses cannot be signed: a quote is not found, or no source cited.
UNSIGNABLE = ("broken", "uncited")
MAX_REVIEWER_CHARS = 100


class AcceptError(ValueError):
    """Why the review cannot be recorded; nothing is written."""


def reviewer_name(value: str | None) -> str:
    """The reviewer's name as recorded, or :class:`AcceptError`."""
    name = " ".join((value or "").split())
    if not name:
        raise AcceptError("--accept needs --reviewer NAME: a review is signed by someone")
    if len(name) > MAX_REVIEWER_CHARS:
        raise AcceptError(f"the reviewer's name is over {MAX_REVIEWER_CHARS} characters")
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise AcceptError("the reviewer's name holds control characters")
    return name


def review_date(on: str | None, environ: dict[str, str] | None = None) -> str:
    """The date of the review: ``on`` (YYYY-MM-DD), else ``SOURCE_DATE_EPOCH``, else today."""
    environ = dict(os.environ) if environ is None else environ
    if on:
        try:
            return datetime.date.fromisoformat(on).isoformat()
        except ValueError:
            raise AcceptError(f"--on takes a date as YYYY-MM-DD, not {on!r}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        except (ValueError, OverflowError, OSError):
            raise AcceptError(f"SOURCE_DATE_EPOCH is no time in seconds: {epoch!r}") from None
        return moment.date().isoformat()
    return datetime.date.today().isoformat()


@dataclass
class Plan:
    """What an ``--accept`` run records and drops."""

    sign: list[ClaimReview] = field(default_factory=list)
    drop: list[LockEntry] = field(default_factory=list)  # records whose claim is gone
    skipped: list[ClaimReview] = field(default_factory=list)  # flagged, but not signable


def plan(found: ReviewState, ids: list[str]) -> Plan:
    """The claims to sign: those listed, or every flagged claim when none is."""
    result = Plan()
    orphans = {entry.id: entry for entry in found.orphans}
    if not ids:
        for review in found.reviews.values():
            if review.current:
                continue
            if review.claim["status"] in UNSIGNABLE:
                result.skipped.append(review)
            else:
                result.sign.append(review)
        result.drop = list(found.orphans)
        return result
    errors = []
    for claim_id in dict.fromkeys(ids):
        if claim_id in found.reviews:
            review = found.reviews[claim_id]
            if review.claim["status"] in UNSIGNABLE:
                errors.append(
                    f"claim {claim_id} is {review.claim['status']}: fix its citations first"
                )
            else:
                result.sign.append(review)
        elif claim_id in orphans:
            result.drop.append(orphans[claim_id])
        else:
            errors.append(f"no claim and no review record has the id {claim_id!r}")
    if errors:
        raise AcceptError("; ".join(errors))
    return result


def _show(text: str) -> str:
    return printable(text, limit=None)


def describe(review: ClaimReview, where: str) -> list[str]:
    """What the reviewer signs for ``review``'s claim: the changes, or all of it."""
    claim_id = review.claim["id"]
    lines = [f"claim {claim_id} ({where})"]
    entry = review.entry
    if entry is None or review.hand_edited:
        if entry is None:
            lines.append("  never reviewed; it reads:")
        else:
            lines.append("  its record was edited by hand, so it is reviewed anew; it reads:")
        for name in field_names({}, review.fields):
            text = field_text(review.fields.get(name))
            if text:
                lines.append(f"  {name}: {_show(text)}")
        return lines
    signed = f"by {entry.by} on {entry.on}"
    if review.current:
        lines.append(f"  unchanged since its review {signed}")
        return lines
    lines.append(f"  reviewed {signed}; since then:")
    if entry.fingerprint != review.fingerprint and not review.changed:
        lines.append("  (a change the recorded fields do not show)")
    for name in review.changed:
        old, new = field_text(entry.reviewed.get(name)), field_text(review.fields.get(name))
        lines.append(f"  {name}:")
        lines.append(f"    was:   {_show(old) or '(nothing)'}")
        lines.append(f"    now:   {_show(new) or '(nothing)'}")
        lines.append(f"    words: {_show(word_diff(old, new))}")
    for change in review.source_changes:
        now = change.new[:12] if change.new else "unreadable"
        lines.append(
            f"  source {change.key} changed (sha256 {change.old[:12]} -> {now}): {change.note}"
        )
    return lines


def new_entry(review: ClaimReview, by: str, on: str) -> LockEntry:
    """The record of ``review``'s claim as it is now, signed by ``by`` on ``on``."""
    return LockEntry(
        id=review.claim["id"],
        fingerprint=review.fingerprint,
        reviewed=review.fields,
        sources={key: sha for key, sha in review.sources.items() if sha},
        anchors=list(review.anchors),
        by=by,
        on=on,
    )


def write_lock(path: Path, entries: dict[str, LockEntry]) -> None:
    """Write the lock at ``path``, whole or not at all."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(format_lock(entries).encode("utf-8"))
    os.replace(partial, path)


def accept(
    found: ReviewState,
    ids: list[str],
    by: str,
    on: str,
    where: Callable[[ClaimReview], str],
    say: Callable[[str], None],
) -> int:
    """Show and record the review of ``ids`` (every flagged claim when empty).

    Returns how many records were written or dropped; raises :class:`AcceptError`
    (and writes nothing) when the lock or the ids do not allow it.
    """
    lock = found.lock
    if lock.error:
        raise AcceptError(f"{lock.path}: {lock.error}")
    if lock.lock.problems:
        number, message = lock.lock.problems[0]
        raise AcceptError(f"{lock.path}:{number}: {message}; fix or remove that line first")
    todo = plan(found, ids)
    for review in todo.sign:
        for text in describe(review, where(review)):
            say(text)
        say("")
    for entry in todo.drop:
        say(f"claim {entry.id}: dropped its review record (by {entry.by} on {entry.on}),")
        say("  as no claim has that id any more")
        say("")
    for review in todo.skipped:
        say(
            f"claim {review.claim['id']} ({where(review)}) is not signed: it is "
            f"{review.claim['status']}; fix its citations first"
        )
    if not todo.sign and not todo.drop:
        say("nothing to sign: every claim is signed off as it is")
        return 0
    dropped = {entry.id for entry in todo.drop}
    entries = {k: v for k, v in lock.lock.entries.items() if k not in dropped}
    for review in todo.sign:
        entries[review.claim["id"]] = new_entry(review, by, on)
    write_lock(lock.path, entries)
    say(
        f"signed {len(todo.sign)} claim(s) as reviewed by {_show(by)} on {on}"
        + (f", dropped {len(todo.drop)} record(s)" if todo.drop else "")
        + f": {os.path.relpath(lock.path)}"
    )
    return len(todo.sign) + len(todo.drop)
