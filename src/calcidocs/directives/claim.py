"""The ``claim`` directive: a statement, its vocabulary terms and its cited quotes.

Single source::

    :::{claim} Statement in the project's own words.
    :id: some-id
    :subtype: dystrophic
    :topic: causes
    :source: s004
    :quote: Verbatim words of the source.
    :::

Further sources pair ``:source-2:`` with ``:quote-2:`` and so on up to
:data:`MAX_CITATIONS`; in the YAML option block, ``quote: |`` keeps lines.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..checks.drift import parse_accepted
from ..domain import CalcidocsDomain, claim_anchor
from ..model import ID_RE, MAX_CITATIONS, Citation, Claim, Status, split_names
from ..problems import Check, Problem
from ..sources.library import library
from ..sources.normalize import word_count
from ..sources.quotes import closest_passage, find_quote
from ..writers.light import claim_box, claim_statement

SHOWN_ID_CHARS = 60  # the longest id a warning shows in full


def citation_keys(number: int) -> tuple[str, str]:
    """The option names of the ``number``-th citation (1-based)."""
    suffix = "" if number == 1 else f"-{number}"
    return f"source{suffix}", f"quote{suffix}"


#: The option names of every citation, in order.
CITATION_KEYS = [citation_keys(number) for number in range(1, MAX_CITATIONS + 1)]


def _option_spec() -> dict[str, Any]:
    spec: dict[str, Any] = {
        "id": directives.unchanged,
        "subtype": directives.unchanged,
        "topic": directives.unchanged,
        "label": directives.unchanged,
        "disputes": directives.unchanged,
        "drift-ok": directives.unchanged,
        "class": directives.class_option,
    }
    for source_key, quote_key in CITATION_KEYS:
        spec[source_key] = directives.unchanged
        spec[quote_key] = directives.unchanged
    return spec


class ClaimDirective(SphinxDirective):
    """A medical statement tied to verbatim quotes from its sources."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = _option_spec()

    def run(self) -> list[nodes.Node]:
        self.problems: list[Problem] = []
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        claim = self.read_claim()
        for problem in self.problems:
            domain.add_problem(problem)
        position = domain.position_of_next_claim(claim["docname"])
        domain.add_claim(claim)
        return self.render(claim, position)

    # -- reading -----------------------------------------------------------------

    def option_line(self, name: str) -> int:
        """The source line of option ``name`` (the directive's line if not found)."""
        if name not in self.options:
            return self.lineno
        pattern = re.compile(rf"^\s*:?{re.escape(name)}:(\s|$)")
        for offset, text in enumerate(self.block_text.splitlines()):
            if pattern.match(text):
                return self.lineno + offset
        return self.lineno

    def body_line(self) -> int:
        """The source line where the body starts."""
        blank = next((i for i, text in enumerate(self.content) if text.strip()), 0)
        if type(self.state).__module__.startswith("myst_parser"):
            # MyST: the number of lines between the directive and its body
            return self.lineno + 1 + self.content_offset + blank
        return self.content_offset + 1 + blank  # docutils: 0-based in the document

    def problem(self, check: Check, message: str, option: str | None = None) -> None:
        line = self.option_line(option) if option else self.lineno
        self.problems.append(Problem(self.env.docname, line, check.value, message))

    def note_dependency(self, path: str) -> None:
        """The page depends on the file at ``path`` (noted once per page)."""
        noted = self.env.temp_data.setdefault("calcidocs_dependencies", set())
        assert isinstance(noted, set)
        if path not in noted:
            noted.add(path)
            self.env.note_dependency(path)

    def read_claim(self) -> Claim:
        config = self.config
        text = " ".join((self.arguments[0] if self.arguments else "").split())
        claim_id = (self.options.get("id") or "").strip()
        shown_id = shown(claim_id)
        if not text:
            self.problem(Check.ID, f"claim {shown_id} has no statement")
        if not claim_id:
            self.problem(Check.ID, f"claim without :id: ({text[:60]!r})")
        elif not ID_RE.match(claim_id):
            self.problem(
                Check.ID,
                f"malformed claim id {shown_id}: use lower-case letters and digits "
                "joined by '-', '_' or '.'",
                "id",
            )
        subtypes = split_names(self.options.get("subtype"))
        topics = split_names(self.options.get("topic"))
        for kind, names, vocabulary in (
            ("subtype", subtypes, config.calcidocs_subtypes),
            ("topic", topics, config.calcidocs_topics),
        ):
            for name in names:
                if name not in vocabulary:
                    known = ", ".join(vocabulary) or "none declared"
                    self.problem(
                        Check.VOCAB,
                        f"claim {shown_id}: unknown {kind} {name!r} (known: {known})",
                        kind,
                    )
        citations = self.read_citations(shown_id)
        status = claim_status(citations)
        verified = [c for c in citations if c["verified"]]
        # Evidence that rests only on passages the manifest marks as weak
        weak = (
            sorted({r for c in verified for r in c.get("weak", [])})
            if verified and all(c.get("weak") for c in verified)
            else []
        )
        return {
            "id": claim_id,
            "text": text,
            "docname": self.env.docname,
            "line": self.lineno,
            "subtypes": subtypes,
            "topics": topics,
            "label": " ".join((self.options.get("label") or "").split()),
            "label_line": self.option_line("label"),
            "body": "",  # the body's text, set when it is parsed
            "body_line": self.body_line(),
            "drift_ok": parse_accepted(self.options.get("drift-ok") or ""),
            "drift_ok_line": self.option_line("drift-ok"),
            "disputes": split_names(self.options.get("disputes")),
            "status": status,
            "citations": citations,
            "weak": weak,
        }

    def read_citations(self, shown_id: str) -> list[Citation]:
        config = self.config
        sources = library(self.env)
        citations: list[Citation] = []
        options = self.options
        for number, (source_key, quote_key) in enumerate(CITATION_KEYS, start=1):
            if source_key not in options and quote_key not in options:
                continue
            ref = (options.get(source_key) or "").strip()
            quote = " ".join((options.get(quote_key) or "").split())
            if not ref:
                if quote:
                    self.problem(
                        Check.UNCITED,
                        f"claim {shown_id}: :{quote_key}: has no :{source_key}: to cite",
                        quote_key,
                    )
                continue
            citation: Citation = {
                "number": number,
                "source": ref,
                "quote": quote,
                "verified": False,
                "found": False,  # the source was found and read
                "start": None,
                "end": None,
            }
            citations.append(citation)
            source, error = sources.lookup(ref)
            if source is None:
                self.problem(Check.SOURCE, f"claim {shown_id}: {error}", source_key)
                continue
            citation["source"] = source.key
            citation["found"] = True
            noted = self.env.temp_data.setdefault("calcidocs_sources_noted", set())
            assert isinstance(noted, set)
            if source.key not in noted:  # the page depends on the source and the manifest
                noted.add(source.key)
                self.note_dependency(str(sources.path_of(source)))
                if sources.manifest_path is not None:
                    self.note_dependency(str(sources.manifest_path))
            if not quote:
                if config.calcidocs_require_quotes:
                    self.problem(
                        Check.QUOTE,
                        f"claim {shown_id}: citation of {source.key!r} has no :{quote_key}:",
                        source_key,
                    )
                continue
            words = word_count(quote)
            if words < config.calcidocs_min_quote_words:
                self.problem(
                    Check.QUOTE,
                    f"claim {shown_id}: quote of {source.key!r} is too short ({words} words; "
                    f"at least {config.calcidocs_min_quote_words})",
                    quote_key,
                )
                continue
            match = find_quote(source.normalized, quote)
            if match is None:
                hint = closest_passage(source.normalized, quote)
                closest = f"; closest passage ({hint[1]:.0f}% alike): {hint[0]!r}" if hint else ""
                self.problem(
                    Check.QUOTE,
                    f"claim {shown_id}: quote not found in {source.key!r}{closest}",
                    quote_key,
                )
                continue
            citation["verified"] = True
            citation["start"] = match.start
            citation["end"] = match.end
            citation["weak"] = [
                w.reason for w in source.weak if w.start < match.end and match.start < w.end
            ]
        if not citations:
            self.problem(
                Check.UNCITED, f"claim {shown_id} cites no source (add :source: and :quote:)"
            )
        return citations

    # -- rendering -------------------------------------------------------------

    def render(self, claim: Claim, position: int) -> list[nodes.Node]:
        """The claim as a few nodes: its statement as text (which search finds), and
        its marks and meta line rendered from the record when the page is written
        (see :mod:`calcidocs.writers.light`)."""
        valid_id = bool(claim["id"]) and bool(ID_RE.match(claim["id"]))
        record: dict[str, Any] = {"docname": claim["docname"], "position": position}
        container = claim_box(
            classes=[
                "calcidocs-claim",
                f"calcidocs-{claim['status']}",
                *self.options.get("class", []),
            ],
            **record,
        )
        self.set_source_info(container)
        if valid_id:
            container["ids"].append(claim_anchor(claim["id"]))
            container["calcidocs_claim"] = claim["id"]
        statement = claim_statement(classes=["calcidocs-statement"], anchored=valid_id, **record)
        statement += nodes.Text(claim["text"] or "(no statement)")
        container += statement
        if self.content:
            body = nodes.container(classes=["calcidocs-claim-body"])
            self.state.nested_parse(self.content, self.content_offset, body)
            claim["body"] = " ".join(body.astext().split())
            container += body
        # No general-index entry per claim: the claim index (a domain index,
        # in HTML and PDF) lists every claim by subtype, and the entries cost
        # a sixth of the build of a large project.
        return [container]


def shown(claim_id: str) -> str:
    """A claim id as a warning shows it: as is when well formed, else quoted and cut short."""
    if not claim_id:
        return "(no id)"
    if ID_RE.match(claim_id) and len(claim_id) <= SHOWN_ID_CHARS:
        return claim_id
    if len(claim_id) > SHOWN_ID_CHARS:
        claim_id = claim_id[: SHOWN_ID_CHARS - 1] + "\u2026"
    return repr(claim_id)


def claim_status(citations: list[Citation]) -> Status:
    """``verified``, ``unverified``, ``uncited`` or ``broken`` (see the design)."""
    if not citations:
        return "uncited"
    if any(not c["found"] or (c["quote"] and not c["verified"]) for c in citations):
        return "broken"
    if any(not c["quote"] for c in citations):
        return "unverified"
    return "verified"
