"""The ``calcidocs`` domain: claims, vocabulary terms and sources as plain data.

Everything a document contributes is stored under its docname, so that
``clear_doc`` and ``merge_domaindata`` are exact and a ``-j`` build gives the
same data as a serial one. Lookups go through an index built from that data on
first use after any change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from .model import (
    ID_RE,
    TERM_KINDS,
    Aggregate,
    AggregateOptions,
    Citation,
    CitedSentence,
    Claim,
    ClaimPrints,
    EditorialSentence,
    ReadabilityCounts,
    Term,
    XRef,
)
from .problems import Problem


def claim_anchor(claim_id: str) -> str:
    return f"claim-{claim_id}"


def quote_anchor(claim_id: str, number: int) -> str:
    return f"quote-{claim_id}-{number}"


def source_anchor(key: str) -> str:
    return "source-" + nodes.make_id(key)


def term_anchor(kind: str, name: str) -> str:
    return f"{kind}-{name}"


def link_address(
    builder: Builder,
    fromdocname: str,
    docname: str,
    anchor: str,
    pages: dict[str, str] | None = None,
) -> str:
    """The address of ``anchor`` on page ``docname`` from page ``fromdocname``.

    Where all pages are one (singlehtml), the builder's address of a page is
    already a fragment (``#document-sources/s004``): the anchor alone is the link.
    ``pages`` keeps the address of each page from ``fromdocname`` once found.
    """
    if fromdocname == docname:
        return f"#{anchor}"
    page = pages.get(docname) if pages is not None else None
    if page is None:
        page, _, _ = builder.get_relative_uri(fromdocname, docname).partition("#")
        if pages is not None:
            pages[docname] = page
    return f"{page}#{anchor}"


def refnode(
    builder: Builder,
    fromdocname: str,
    docname: str,
    anchor: str,
    contnode: Element,
    title: str,
) -> nodes.reference:
    """A link to ``anchor`` on page ``docname``, right for every builder
    (Sphinx's ``make_refnode`` would give singlehtml two fragments, which lead nowhere)."""
    node = make_refnode(builder, fromdocname, docname, anchor, contnode, title)
    if "refuri" in node:
        node["refuri"] = link_address(builder, fromdocname, docname, anchor)
    return node


@dataclass
class Index_:
    """Lookups built from the domain data (never stored in the environment)."""

    claims: dict[str, Claim] = field(default_factory=dict)  # id -> first claim
    all_claims: list[Claim] = field(default_factory=list)  # sorted
    terms: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    source_pages: dict[str, str] = field(default_factory=dict)  # key -> docname
    # source key -> [(claim, citation)] for verified citations of first-seen ids
    passages: dict[str, list[tuple[Claim, Citation]]] = field(default_factory=dict)
    # source key -> every claim that cites it, in the order of all_claims
    citing: dict[str, list[Claim]] = field(default_factory=dict)
    # id(claim) -> its fingerprints, for every claim whose page recorded them
    prints: dict[int, ClaimPrints] = field(default_factory=dict)
    # the pages with a claim whose id another claim has first
    shadowed: set[str] = field(default_factory=set)
    # every target, as get_objects gives them (made on first use: objects.inv and the
    # search index both ask)
    objects: list[tuple[str, str, str, str, str, int]] | None = None


def claim_sort_key(claim: Claim) -> tuple[str, str, int]:
    return (claim["id"], claim["docname"], claim["line"])


class CalcidocsXRefRole(XRefRole):
    """A cross-reference role that also records itself for the ``ref`` check.

    Registered both as ``calcidocs:NAME`` and as plain ``NAME``. The link text
    is plain text (not code), like a word of the sentence it stands in.
    """

    def __init__(self) -> None:
        super().__init__(innernodeclass=nodes.inline)

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        if ":" not in self.name:
            self.name = f"calcidocs:{self.name}"
        result, messages = super().run()
        _, reftype = self.name.split(":", 1)
        domain = self.env.domains["calcidocs"]
        assert isinstance(domain, CalcidocsDomain)
        target = ""
        for node in result:
            for xref in node.findall(pending_xref):
                target = xref["reftarget"]
        domain.note_xref(self.env.docname, reftype, target, self.lineno)
        return result, messages


class ClaimIndex(Index):
    """Claims grouped by subtype, with those of no subtype last."""

    name = "claims"
    localname = "Claim index"
    shortname = "claims"

    def generate(
        self, docnames: Iterable[str] | None = None
    ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain = self.domain
        assert isinstance(domain, CalcidocsDomain)
        titles = domain.env.config.calcidocs_subtypes
        groups: dict[str, list[IndexEntry]] = {}
        wanted = set(docnames) if docnames is not None else None
        # the first claim of each id, in the order of the ids
        for claim_id, claim in domain.index.claims.items():
            # Sphinx's index template inserts group names and anchors unescaped:
            # only declared subtypes and well-formed ids (the claims with an anchor)
            docname = claim["docname"]
            if not ID_RE.match(claim_id) or (wanted is not None and docname not in wanted):
                continue
            entry = IndexEntry(
                claim["text"], 0, docname, claim_anchor(claim_id), claim["status"], "", claim_id
            )
            known = [s for s in claim["subtypes"] if s in titles]
            for subtype in known or [""]:
                groups.setdefault(titles[subtype] if subtype else "(no subtype)", []).append(entry)
        order = {title: n for n, title in enumerate(titles.values())}
        content = sorted(
            (
                (name, sorted(entries, key=lambda e: e.name.casefold()))
                for name, entries in groups.items()
            ),
            key=lambda item: (order.get(item[0], len(order)), item[0]),
        )
        return content, True


# -- what a worker of a parallel read sends back -------------------------------------

#: The process that reads the pages of this build (set when reading starts), and the
#: pages read in this process since: in a worker of a parallel read, those of its batch.
_reading: dict[str, Any] = {"process": None, "pages": set()}


def start_reading(app: Any, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs`` (in the process that reads, before any worker starts)."""
    _reading["process"] = os.getpid()
    _reading["pages"] = set()


def note_read(app: Any, doctree: nodes.document) -> None:
    """``doctree-read``: the page was read in this process."""
    _reading["pages"].add(app.env.docname)


def _in_worker() -> bool:
    process = _reading["process"]
    return process is not None and process != os.getpid()


class DomainData(dict[str, Any]):
    """The domain's data in the environment, which pickles as a plain dict would,
    except in a worker of a parallel read.

    Sphinx sends back the whole environment from each batch of pages that a worker
    reads, and merges only that batch's pages from it
    (:meth:`CalcidocsDomain.merge_domaindata`). A worker's copy also holds every page
    merged before it started, so at 40,000 claims each batch sent back megabytes that
    the main process unpickled only to drop. A worker sends only its own pages.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        if not _in_worker():
            return (DomainData, (), None, None, iter(self.items()))
        pages = _reading["pages"]
        own: dict[str, Any] = {"version": self.get("version")}
        for bucket in CalcidocsDomain.initial_data:
            own[bucket] = {d: v for d, v in self.get(bucket, {}).items() if d in pages}
        return (DomainData, (), None, None, iter(own.items()))


class CalcidocsDomain(Domain):
    """Claims, the subtype and topic vocabulary, and the sources."""

    name = "calcidocs"
    label = "calcidocs"
    object_types = {
        "claim": ObjType("claim", "claim"),
        "subtype": ObjType("subtype", "subtype"),
        "topic": ObjType("topic", "topic"),
        "source": ObjType("source", "source"),
    }
    roles = {
        "claim": CalcidocsXRefRole(),
        "subtype": CalcidocsXRefRole(),
        "topic": CalcidocsXRefRole(),
        "source": CalcidocsXRefRole(),
    }
    indices = [ClaimIndex]
    initial_data: ClassVar[dict[str, Any]] = {
        "claims": {},  # docname -> [Claim]
        "problems": {},  # docname -> [Problem]
        "xrefs": {},  # docname -> [XRef]
        "terms": {},  # docname -> [Term]
        "source_pages": {},  # docname -> [key]
        "aggregates": {},  # docname -> [Aggregate] of its tables, lists, source text
        "links": {},  # docname -> sorted [(reftype, target)] of every calcidocs reference
        "cited_sentences": {},  # docname -> [CitedSentence] of prose citing claims
        "editorial": {},  # docname -> [EditorialSentence], references left out
        "readability": {},  # docname -> ReadabilityCounts of a content page's prose
        "prints": {},  # docname -> [ClaimPrints] of its claims, in their order
        "results": {},  # docname -> PageResults: what the checks found for its claims
    }
    data_version = 5

    _index: Index_ | None = None
    #: the fingerprints of the pages this build writes, recorded once they are written
    #: (see :mod:`calcidocs.checks.freshness`); never stored in the environment
    unrecorded_prints: dict[str, str] | None = None
    #: the checks' results for the current data (see :mod:`calcidocs.checks.cross_document`): what
    #: they were computed from, and the results by name; never stored in the environment
    checked: tuple[tuple[object, ...], dict[str, Any]] | None = None
    #: the lines of lists kept from the last build, while pages are written (see
    #: :mod:`calcidocs.writers.line_memo`); never stored in the environment
    line_memo: Any = None
    #: the drift found for the claims of the pages cleared in this build, by the claim's
    #: record fingerprint, and the lexicon key it was found with: a page read again
    #: takes the drift of its unchanged claims from here (see
    #: :mod:`calcidocs.checks.page_results`); never stored in the environment
    dropped_drift: dict[str, tuple[Any, ...]]
    dropped_drift_key: str = ""

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        if type(self.data) is dict:  # as Sphinx makes it, or as saved before
            self.data = env.domaindata[self.name] = DomainData(self.data)
        self.dropped_drift = {}

    # -- storing ------------------------------------------------------------

    def _changed(self) -> None:
        self._index = None
        self.checked = None

    def _per_doc(self, bucket: str, docname: str) -> list[Any]:
        self._changed()
        return self.data[bucket].setdefault(docname, [])

    def add_claim(self, claim: Claim) -> None:
        self._per_doc("claims", claim["docname"]).append(claim)

    def add_problem(self, problem: Problem) -> None:
        self._per_doc("problems", problem.docname).append(problem)

    def note_xref(self, docname: str, reftype: str, target: str, line: int) -> None:
        self._per_doc("xrefs", docname).append(XRef(reftype, target, line))

    def add_term(
        self, docname: str, kind: str, name: str, anchor: str, line: int, priority: int
    ) -> None:
        self._per_doc("terms", docname).append(Term(kind, name, anchor, line, priority))

    def add_source_page(self, docname: str, key: str) -> None:
        self._per_doc("source_pages", docname).append(key)

    def add_cited_sentence(self, docname: str, line: int, text: str, claims: list[str]) -> None:
        self._per_doc("cited_sentences", docname).append(CitedSentence(line, text, list(claims)))

    def add_editorial_sentence(self, docname: str, line: int, text: str) -> None:
        self._per_doc("editorial", docname).append(EditorialSentence(line, text))

    def note_aggregate(self, docname: str, kind: str, options: AggregateOptions) -> None:
        self._per_doc("aggregates", docname).append(Aggregate(kind, options))

    def set_readability(self, docname: str, counts: ReadabilityCounts) -> None:
        self.data["readability"][docname] = counts

    def set_links(self, docname: str, links: list[tuple[str, str]]) -> None:
        self.data["links"][docname] = links

    def known_syllables(self, counter: str) -> dict[str, int]:
        """The syllables of every word ``counter`` (a name and version) counted so far,
        kept with the environment so that a build counts only new words: a cache, not
        data of any page."""
        kept = self.data.get("syllables")
        if not isinstance(kept, tuple) or kept[0] != counter:
            kept = self.data["syllables"] = (counter, {})
        known: dict[str, int] = kept[1]
        return known

    def set_prints(self, docname: str, prints: list[ClaimPrints]) -> None:
        """The fingerprints of the page's claims, in the order of its claims."""
        self.data["prints"][docname] = prints
        self._changed()

    def prints_of(self, claim: Claim) -> ClaimPrints | None:
        """The fingerprints recorded for ``claim`` when its page was read (or None)."""
        return self.index.prints.get(id(claim))

    def resolutions(self) -> Iterator[tuple[str, list[tuple[str, str, str] | None], bool]]:
        """Each page with calcidocs references, what each of them resolves to now, and
        whether it links to the quotes of its own claims. Such a link is left out: it
        resolves from the claim, which is the page's own data, and the source pages
        (:attr:`Index_.source_pages`), unless another page's claim has the id first."""
        index = self.index
        claims = self.data["claims"]
        for docname, links in sorted(self.data["links"].items()):
            own = set()
            for claim in claims.get(docname, ()):
                claim_id = claim["id"]
                if index.claims.get(claim_id) is claim:
                    own.add(claim_id)
            resolved = [
                self.find(reftype, target)
                for reftype, target in links
                if reftype != "quote" or target.rpartition("#")[0] not in own
            ]
            yield docname, resolved, len(resolved) < len(links)

    def clear_doc(self, docname: str) -> None:
        self._keep_drift(docname)
        for bucket in self.initial_data:
            self.data[bucket].pop(docname, None)
        self._changed()

    def _keep_drift(self, docname: str) -> None:
        """Keep the drift found for the page's claims while it is read again."""
        results = self.data["results"].get(docname)
        prints = self.data["prints"].get(docname, [])
        if results is None or len(results.claims) != len(prints):
            return
        if results.lexicon != self.dropped_drift_key:
            self.dropped_drift, self.dropped_drift_key = {}, results.lexicon
        for found, result in zip(prints, results.claims, strict=True):
            self.dropped_drift[found.record] = (result.drift, result.used)

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        for bucket in self.initial_data:
            for docname in docnames:
                if docname in otherdata[bucket]:
                    self.data[bucket][docname] = otherdata[bucket][docname]
        self._changed()

    # -- reading --------------------------------------------------------------

    def claim_at(self, docname: str, position: int) -> Claim:
        """The ``position``-th claim read from ``docname``."""
        claim: Claim = self.data["claims"][docname][position]
        return claim

    def position_of_next_claim(self, docname: str) -> int:
        return len(self.data["claims"].get(docname, []))

    def claims(self) -> Iterator[Claim]:
        for docname in sorted(self.data["claims"]):
            yield from self.data["claims"][docname]

    def problems(self) -> Iterator[Problem]:
        for docname in sorted(self.data["problems"]):
            for problem in self.data["problems"][docname]:
                yield Problem(*problem)

    @property
    def index(self) -> Index_:
        if self._index is None:
            self._index = self._build_index()
        return self._index

    def _build_index(self) -> Index_:
        index = Index_()
        index.all_claims = sorted(self.claims(), key=claim_sort_key)
        first_claims, citing, passages = index.claims, index.citing, index.passages
        for claim in index.all_claims:
            claim_id, citations = claim["id"], claim["citations"]
            first = bool(claim_id) and first_claims.setdefault(claim_id, claim) is claim
            if claim_id and not first:
                index.shadowed.add(claim["docname"])
            keys = [c["source"] for c in citations]
            for key in keys if len(keys) < 2 else dict.fromkeys(keys):
                citing.setdefault(key, []).append(claim)
            if first:
                for citation in citations:
                    if citation["verified"]:
                        passages.setdefault(citation["source"], []).append((claim, citation))
        best: dict[tuple[str, str], tuple[int, str, str, int]] = {}
        for docname in sorted(self.data["terms"]):
            for kind, name, anchor, line, priority in self.data["terms"][docname]:
                candidate = (-priority, docname, anchor, line)
                if (kind, name) not in best or candidate < best[(kind, name)]:
                    best[(kind, name)] = candidate
        index.terms = {term: (v[1], v[2]) for term, v in best.items()}
        for docname in sorted(self.data["source_pages"]):
            for key in self.data["source_pages"][docname]:
                index.source_pages.setdefault(key, docname)
        for docname, claims in self.data["claims"].items():
            prints = self.data["prints"].get(docname, [])
            if len(prints) == len(claims):
                index.prints.update((id(c), p) for c, p in zip(claims, prints, strict=True))
        return index

    def term_definitions(self) -> Iterator[tuple[str, str, str, str, int, int]]:
        """Every (docname, kind, name, anchor, line, priority) a page declares."""
        for docname in sorted(self.data["terms"]):
            for kind, name, anchor, line, priority in self.data["terms"][docname]:
                yield docname, kind, name, anchor, line, priority

    def xrefs(self) -> Iterator[tuple[str, str, str, int]]:
        for docname in sorted(self.data["xrefs"]):
            for reftype, target, line in self.data["xrefs"][docname]:
                yield docname, reftype, target, line

    def cited_sentences(self) -> Iterator[tuple[str, int, str, list[str]]]:
        """Every (docname, line, text, claim ids) of prose that cites claims."""
        for docname in sorted(self.data["cited_sentences"]):
            for line, text, claims in self.data["cited_sentences"][docname]:
                yield docname, line, text, claims

    def editorial_sentences(self) -> Iterator[tuple[str, int, str]]:
        """Every (docname, line, text) of an editorial block."""
        for docname in sorted(self.data["editorial"]):
            for line, text in self.data["editorial"][docname]:
                yield docname, line, text

    def aggregates(self) -> Iterator[tuple[str, list[Aggregate]]]:
        """Each page holding aggregates, with the (kind, options) of each."""
        for docname in sorted(self.data["aggregates"]):
            yield docname, self.data["aggregates"][docname]

    # -- resolving -----------------------------------------------------------

    def find(self, typ: str, target: str) -> tuple[str, str, str] | None:
        """(docname, anchor, default title) of ``target``, or None."""
        index = self.index
        if typ == "quote":
            claim_id, _, number = target.rpartition("#")
            claim = index.claims.get(claim_id)
            if claim is None or not number.isdigit():
                return None
            wanted = int(number)
            citation = next((c for c in claim["citations"] if c["number"] == wanted), None)
            if citation is None:
                return None
            docname = index.source_pages.get(citation["source"])
            if docname is None:
                return None
            anchor = (
                quote_anchor(claim_id, wanted)
                if citation["verified"]
                else source_anchor(citation["source"])
            )
            return docname, anchor, f"{citation['source']}: {citation['quote']}"
        if typ == "claim":
            claim = index.claims.get(target)
            if claim is None:
                return None
            return claim["docname"], claim_anchor(target), claim["label"] or claim["text"]
        if typ in TERM_KINDS:
            found = index.terms.get((typ, target))
            if found is None:
                return None
            config = self.env.config
            vocabulary = config.calcidocs_subtypes if typ == "subtype" else config.calcidocs_topics
            return found[0], found[1], vocabulary.get(target, target)
        if typ == "source":
            docname = index.source_pages.get(target)
            if docname is None:
                return None
            return docname, source_anchor(target), target
        return None

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> nodes.reference | None:
        found = self.find(typ, target)
        if found is None:
            return None
        docname, anchor, title = found
        if not node.get("refexplicit") and typ != "quote":
            contnode = nodes.inline("", title, classes=contnode.get("classes", []))
        return refnode(builder, fromdocname, docname, anchor, contnode, title)

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        results = []
        for typ in ("claim", "subtype", "topic", "source"):
            ref = self.resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
            if ref is not None:
                results.append((f"calcidocs:{typ}", ref))
        return results

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Every target, for ``objects.inv``: another project that links here through
        intersphinx gets the same target and link text as this project's own roles.

        Claims have the priority -1, which keeps them out of the search index's
        objects: their statements are found by their words, as on the page, and an
        object per claim (found only by its id, which the page does not show) made
        most of ``searchindex.js``, which every reader who searches downloads.
        """
        index = self.index
        if index.objects is None:
            index.objects = list(self._objects())
        return iter(index.objects)

    def _objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for kind, name in sorted(self.index.terms):
            yield from self._object(kind, name)
        # (a malformed id has no anchor, and may break objects.inv)
        for claim_id, claim in sorted(self.index.claims.items()):
            if ID_RE.match(claim_id):
                title = " ".join((claim["label"] or claim["text"]).split())
                yield claim_id, title, "claim", claim["docname"], claim_anchor(claim_id), -1
        for key in sorted(self.index.source_pages):
            yield from self._object("source", key)

    def _object(self, kind: str, name: str) -> Iterator[tuple[str, str, str, str, str, int]]:
        found = self.find(kind, name)
        if found is not None:
            docname, anchor, title = found
            yield name, " ".join(title.split()), kind, docname, anchor, 1


def domain_of(env: BuildEnvironment) -> CalcidocsDomain:
    """The calcidocs domain of ``env``."""
    domain = env.domains["calcidocs"]
    assert isinstance(domain, CalcidocsDomain)
    return domain
