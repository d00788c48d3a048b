"""Each claim's fingerprints, taken once, when its page is read.

The review fingerprint covers what a reviewer reads and signs
(:func:`calcidocs.checks.review.reviewed_fields`); the record fingerprint covers
the whole record, so that a page showing the claim is written again when any of
it changes (:mod:`calcidocs.checks.freshness`). Both are stored with the page's
records: a build hashes only the claims of the pages it read.
"""

from __future__ import annotations

import hashlib
import json

from docutils import nodes
from sphinx.application import Sphinx

from ..domain import CalcidocsDomain
from ..model import Claim, ClaimPrints
from .review import fingerprint, reviewed_fields


def record_print(claim: Claim) -> str:
    """The sha256 of the whole record, in a canonical JSON form."""
    canonical = json.dumps(claim, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def prints_of(claim: Claim) -> ClaimPrints:
    return ClaimPrints(fingerprint(reviewed_fields(claim)), record_print(claim))


def note_prints(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the fingerprints of the page's claims, now that they are whole."""
    domain = app.env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    claims = domain.data["claims"].get(app.env.docname, [])
    domain.set_prints(app.env.docname, [prints_of(claim) for claim in claims])


def claim_prints(domain: CalcidocsDomain, claim: Claim) -> ClaimPrints:
    """The fingerprints of ``claim``: as recorded when its page was read, or taken now."""
    return domain.prints_of(claim) or prints_of(claim)
