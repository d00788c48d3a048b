"""Generate a benchmark corpus: the same claims as plain Sphinx, sphinx-needs or calcidocs.

    python benchmarks/generate.py --dialect calcidocs --pages 200 --claims 20 OUT

writes into OUT (the Sphinx source folder) a ``conf.py``, an ``index.md`` whose
toctree lists every page, ``pages/pNNNN.md`` with the claims, ``overview.md``
with the one aggregate (none for plain Sphinx), a page per subtype and topic
in ``terms/`` and, for every dialect, five generated source documents with
their manifest and a page each in ``sources/``.

The three dialects hold the same text:

plain
    each claim is a MyST paragraph: its statement, then the quote and the
    source key as text (the floor: what Sphinx costs without an extension);
needs
    each claim is a sphinx-needs ``req`` with an id, a status and tags (its
    subtype and topic), the quote as its content; ``overview.md`` holds one
    ``needtable`` of all needs;
calcidocs
    each claim is a ``claim`` with an id, a subtype, a topic, a source and a
    verbatim quote of that source (every one verifies); ``overview.md`` holds
    one ``comparison-table`` of all claims. Every page is a content page, so
    the uncited-prose check runs on all of them.

The output depends only on the arguments (a fixed random seed).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

DIALECTS = ("plain", "needs", "calcidocs")
SOURCE_COUNT = 5
SENTENCES_PER_SOURCE = 160
CLAIMS_PER_SECTION = 5
SEED = 20260101

SUBTYPES = {
    "alpha": "Alpha form",
    "beta": "Beta form",
    "gamma": "Gamma form",
    "delta": "Delta form",
    "epsilon": "Epsilon form",
    "zeta": "Zeta form",
}
TOPICS = {
    "definition": "Definition",
    "causes": "Causes",
    "symptoms": "Signs and symptoms",
    "sites": "Sites",
    "course": "Course",
    "diagnosis": "Diagnosis",
    "treatment": "Treatment",
    "prognosis": "Prognosis",
}

_WORD_LINES = (
    "skin deposit calcium phosphate nodule lesion tissue injury inflammation serum",
    "level patient doctor treatment surgery drug therapy course chronic acute painful",
    "painless firm white yellow small large single multiple finger elbow knee hand",
    "arm leg face trunk joint muscle vessel kidney disease disorder cause effect sign",
    "symptom test biopsy scan image blood urine sample result report study trial case",
    "series review source author article chapter page section table figure note",
    "common rare frequent early late slow fast mild severe local general primary",
    "secondary known unknown usually often sometimes rarely never always may might",
    "can could should would form forms grows shrinks appears returns heals breaks",
    "opens drains hurts itches spreads stays changes remains persists resolves occurs",
    "arises develops follows precedes with without after before during within around",
    "under over between among against",
)
WORDS = [word for line in _WORD_LINES for word in line.split()]

#: The site's own lexicon of medical terms, for the drift check.
LEXICON = Path(__file__).parent.parent / "docs" / "lexicon.toml"

CONNECTIVES = ["and", "or", "but", "so", "because", "while", "when", "where", "which"]


@dataclass(frozen=True)
class Corpus:
    """What a corpus holds, independent of its dialect."""

    pages: int
    claims: int

    @property
    def total_claims(self) -> int:
        return self.pages * self.claims


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
    for index in range(4, len(words) - 3, 7):
        words[index] = rng.choice(CONNECTIVES)
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def source_files() -> dict[str, str]:
    """file name -> text of the five generated sources (wrapped at 72 columns).

    Lines break inside sentences, so quotes match only with white space folded;
    some sentences use typographic quotes and dashes for the same reason.
    """
    rng = random.Random(SEED)
    files: dict[str, str] = {}
    for number in range(SOURCE_COUNT):
        paragraphs = []
        for _ in range(SENTENCES_PER_SOURCE // 8):
            sentences = [_sentence(rng) for _ in range(8)]
            sentences[3] = sentences[3].replace(" and ", " \u2013 and ", 1)
            sentences[5] = "\u201c" + sentences[5][:-1] + "\u201d."
            paragraphs.append(textwrap.fill(" ".join(sentences), width=72))
        title = f"Generated source {number}"
        files[f"source-{number}.txt"] = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
    return files


def source_sentences(text: str) -> list[str]:
    """The sentences of a source, white space folded (quotable as they are)."""
    body = " ".join(text.split("\n\n", 1)[1].split())
    return [s.strip() + "." for s in body.split(".") if len(s.split()) >= 9]


def source_key(number: int) -> str:
    return f"s{number:03d}"


STATEMENT_START = "One source says that "


def statement(quote: str) -> str:
    """The statement of a claim: what its quote says, attributed, so that it says no
    more than the quote (the drift check passes) and differs from it."""
    return STATEMENT_START + quote.rstrip(".") + "."


@dataclass(frozen=True)
class Claim:
    page: int
    number: int
    statement: str
    subtype: str
    topic: str
    source: str
    quote: str

    @property
    def claim_id(self) -> str:
        return f"p{self.page:04d}-c{self.number:02d}"

    @property
    def need_id(self) -> str:
        return f"P{self.page:04d}_C{self.number:02d}"


def page_claims(page: int, claims: int, sentences: list[list[str]]) -> list[Claim]:
    """The claims of one page: vocabulary and sources in rotation, a quote from a sentence."""
    rng = random.Random(SEED + page)
    result = []
    subtypes, topics = list(SUBTYPES), list(TOPICS)
    for number in range(1, claims + 1):
        index = page * claims + number
        source = index % SOURCE_COUNT
        sentence = rng.choice(sentences[source]).split()
        length = rng.randint(5, min(12, len(sentence)))
        start = rng.randint(0, len(sentence) - length)
        quote = " ".join(sentence[start : start + length])
        result.append(
            Claim(
                page=page,
                number=number,
                statement=statement(quote),
                subtype=subtypes[index % len(subtypes)],
                topic=topics[(index // len(subtypes)) % len(topics)],
                source=source_key(source),
                quote=quote,
            )
        )
    return result


# -- the three dialects ----------------------------------------------------------------


def render_claim(dialect: str, claim: Claim) -> str:
    if dialect == "plain":
        return f"{claim.statement} \u201c{claim.quote}\u201d [{claim.source}]\n"
    if dialect == "needs":
        return (
            f":::{{req}} {claim.statement}\n"
            f":id: {claim.need_id}\n"
            ":status: open\n"
            f":tags: {claim.subtype}; {claim.topic}\n"
            "\n"
            f"\u201c{claim.quote}\u201d [{claim.source}]\n"
            ":::\n"
        )
    return (
        f":::{{claim}} {claim.statement}\n"
        f":id: {claim.claim_id}\n"
        f":subtype: {claim.subtype}\n"
        f":topic: {claim.topic}\n"
        f":source: {claim.source}\n"
        f":quote: {claim.quote}\n"
        ":::\n"
    )


def render_page(dialect: str, page: int, claims: list[Claim]) -> str:
    parts = [f"# Page {page}\n"]
    for index, claim in enumerate(claims):
        if index % CLAIMS_PER_SECTION == 0:
            parts.append(f"## Section {index // CLAIMS_PER_SECTION + 1}\n")
        parts.append(render_claim(dialect, claim))
    return "\n".join(parts)


OVERVIEW = {
    "plain": "# Overview\n\nThe plain corpus has no aggregate.\n",
    "needs": "# Overview\n\n:::{needtable} All claims\n:columns: id;title;status;tags\n:::\n",
    "calcidocs": "# Overview\n\n:::{comparison-table} All claims\n:::\n",
}

CONF_COMMON = """\
project = "bench"
author = "bench"
root_doc = "index"
source_suffix = {{".md": "markdown"}}
exclude_patterns = ["_build"]
extensions = {extensions!r}
myst_enable_extensions = ["colon_fence"]
# The default sidebar renders the whole table of contents into every page, so
# any build grows with the square of the page count: it would hide what the
# extensions cost.
html_sidebars = {{"**": ["relations.html", "searchbox.html"]}}
"""

CONF_EXTRA = {
    "plain": "",
    "needs": 'needs_id_regex = "^[A-Z0-9_]{{5,}}"\n',
    "calcidocs": (
        "calcidocs_subtypes = {subtypes!r}\n"
        "calcidocs_topics = {topics!r}\n"
        'calcidocs_content_pages = ["pages/*"]\n'
        "# the checks the site runs: drift against a lexicon, review sign-off\n"
        'calcidocs_lexicon = "lexicon.toml"\n'
        'calcidocs_review_lock = "claims.lock"\n'
    ),
}

EXTENSIONS = {
    "plain": ["myst_parser"],
    "needs": ["myst_parser", "sphinx_needs"],
    "calcidocs": ["myst_parser", "calcidocs"],
}


def conf_py(dialect: str) -> str:
    text = CONF_COMMON.format(extensions=EXTENSIONS[dialect])
    return text + CONF_EXTRA[dialect].format(subtypes=SUBTYPES, topics=TOPICS)


def manifest(files: dict[str, str]) -> str:
    entries = []
    for number, (name, text) in enumerate(sorted(files.items())):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        entries.append(
            "[[source]]\n"
            f'key = "{source_key(number)}"\n'
            f'file = "{name}"\n'
            f'title = "Generated source {number}"\n'
            f'sha256 = "{digest}"\n'
        )
    return "\n".join(entries)


def write_term_and_source_pages(dialect: str, out: Path, files: dict[str, str]) -> list[str]:
    """A page per subtype, topic and source, so that every reference has a target.

    calcidocs marks each term's page and shows each source's full text with its
    quoted passages highlighted; the other dialects hold the same words.
    """
    (out / "terms").mkdir()
    names = []
    for kind, vocabulary in (("subtype", SUBTYPES), ("topic", TOPICS)):
        for name, title in vocabulary.items():
            if dialect == "calcidocs":
                body = f"```{{{kind}}} {name}\n```\n"
            else:
                body = f"The {kind} {name}.\n"
            (out / "terms" / f"{name}.md").write_text(f"# {title}\n\n{body}", encoding="utf-8")
            names.append(f"terms/{name}")
    for number, name in enumerate(sorted(files)):
        key = source_key(number)
        if dialect == "calcidocs":
            body = f"```{{source-text}} {key}\n```\n"
        else:
            body = files[name].split("\n\n", 1)[1]
        (out / "sources" / f"{key}.md").write_text(
            f"# Generated source {number}\n\n{body}", encoding="utf-8"
        )
        names.append(f"sources/{key}")
    return names


def page_name(page: int) -> str:
    return f"pages/p{page:04d}"


def generate(dialect: str, corpus: Corpus, out: Path) -> None:
    """Write the corpus into ``out`` (emptied first)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    if out.exists():
        shutil.rmtree(out)
    (out / "pages").mkdir(parents=True)
    (out / "sources").mkdir()
    files = source_files()
    for name, text in files.items():
        (out / "sources" / name).write_bytes(text.encode("utf-8"))
    (out / "sources" / "manifest.toml").write_text(manifest(files), encoding="utf-8")
    sentences = [source_sentences(files[name]) for name in sorted(files)]
    names = []
    for page in range(1, corpus.pages + 1):
        claims = page_claims(page, corpus.claims, sentences)
        (out / f"{page_name(page)}.md").write_text(
            render_page(dialect, page, claims), encoding="utf-8"
        )
        names.append(page_name(page))
    (out / "overview.md").write_text(OVERVIEW[dialect], encoding="utf-8")
    extra = write_term_and_source_pages(dialect, out, files)
    toctree = "\n".join(["overview", *extra, *names])
    (out / "index.md").write_text(
        f"# Benchmark corpus\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n",
        encoding="utf-8",
    )
    (out / "conf.py").write_text(conf_py(dialect), encoding="utf-8")
    if dialect == "calcidocs":
        (out / "lexicon.toml").write_text(LEXICON.read_text(encoding="utf-8"), encoding="utf-8")


EDIT = ", as revised."


def edit_page(out: Path, undo: bool = False) -> Path:
    """Change (or change back) the first statement of page 1, as a writer would: every
    aggregate that shows that claim (the overview table, its source's page) changes."""
    path = out / f"{page_name(1)}.md"
    text = path.read_text(encoding="utf-8")
    start = text.index(STATEMENT_START)
    end = text.index(EDIT, start) + len(EDIT) if undo else text.index(".", start) + 1
    old = text[start:end]
    new = old.removesuffix(EDIT) + "." if undo else old[:-1] + EDIT
    path.write_text(text[:start] + new + text[end:], encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dialect", choices=DIALECTS, required=True)
    parser.add_argument("--pages", type=int, default=200, help="pages (default 200)")
    parser.add_argument("--claims", type=int, default=20, help="claims per page (default 20)")
    parser.add_argument("out", type=Path, help="the folder to write (emptied first)")
    args = parser.parse_args(argv)
    corpus = Corpus(args.pages, args.claims)
    generate(args.dialect, corpus, args.out)
    print(f"{args.out}: {args.dialect}, {corpus.pages} pages x {corpus.claims} claims")


if __name__ == "__main__":
    main()
