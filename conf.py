"""Sphinx configuration of the calcidocs site: sphinx-build -c . docs OUT."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The extension lives in src/; an installed copy works the same way.
sys.path.insert(0, str(Path(__file__).parent / "src"))

from calcidocs import __version__  # found through the path above

project = "calcidocs"
author = "calcidocs contributors"
copyright = "2026, calcidocs contributors"
language = "en"
# The edition of the site is the version of its extension and content.
release = __version__
version = ".".join(release.split(".")[:2])

extensions = ["myst_parser", "sphinx_design", "calcidocs"]
myst_enable_extensions = ["colon_fence", "deflist"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "sources/*.txt", "snippets/*"]
root_doc = "index"

# -- HTML ----------------------------------------------------------------------
# Furo: a maintained theme made for reading long reference pages. It has a light
# and a dark mode (and follows the system's choice), a sidebar that collapses
# on phones, and an announcement bar we use for the disclaimer on every page.

html_theme = "furo"
html_title = "calcidocs: calcinosis cutis, cited"
html_short_title = "calcidocs"
html_copy_source = False
# Read the Docs gives each version its address; canonical links use it.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
html_show_sourcelink = False
html_theme_options = {
    "announcement": "Not medical advice: this site reports what its sources say. "
    "See a doctor about any symptom.",
    "navigation_with_keys": True,
    "light_css_variables": {
        "color-brand-primary": "#1f5f99",
        "color-brand-content": "#1f5f99",
        "color-announcement-background": "#7a2e00",
        "color-announcement-text": "#ffffff",
    },
    "dark_css_variables": {
        "color-brand-primary": "#7cb7f0",
        "color-brand-content": "#7cb7f0",
        "color-announcement-background": "#7a2e00",
        "color-announcement-text": "#ffffff",
    },
}

# -- PDF (LaTeX) ---------------------------------------------------------------
# sphinx-build -b latex -c . docs _build/latex, then latexmk -pdf in that folder.
# pdflatex with the TeX Gyre fonts (Debian: tex-gyre); soul (Debian:
# texlive-plain-generic) for highlighted passages.

latex_engine = "pdflatex"
latex_documents = [
    (root_doc, "calcidocs.tex", "Calcinosis cutis, cited", author, "manual"),
]
latex_show_urls = "footnote"
latex_show_pagerefs = False
latex_domain_indices = True
latex_table_style = ["booktabs", "colorrows"]
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # Read on screen more than printed: no blank pages, one page layout.
    "extraclassoptions": "openany,oneside",
    "releasename": "Version",
    "fncychap": r"\usepackage[Sonny]{fncychap}",
    "sphinxsetup": "hmargin={2cm,2cm}, vmargin={2.5cm,2.5cm}, marginpar=1cm",
    "passoptionstopackages": r"\PassOptionsToPackage{hyphens}{url}",
    # The first toctree's caption would title the table of contents.
    "tableofcontents": r"\renewcommand{\contentsname}{Contents}\sphinxtableofcontents"
    r"\markboth{}{}",
    "preamble": r"""
\hypersetup{
  bookmarksnumbered=true, bookmarksopen=true, bookmarksopenlevel=1,
  pdfsubject={Calcinosis cutis: what five public sources say, every statement quoted},
  pdfkeywords={calcinosis cutis, calcification, skin, ICD-10 L94.2},
  pdflang={en},
}
% Table cells: ragged right (calcidocs.sty), long words may break.
\AtBeginEnvironment{tabulary}{\calcidocsRaggedCells}
\AtBeginEnvironment{longtable}{\calcidocsRaggedCells}
\AtBeginEnvironment{tabular}{\calcidocsRaggedCells}
\newcommand{\calcidocsdisclaimer}{%
  \noindent\fbox{\parbox{\dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}{%
    \textbf{Not medical advice.} This book gathers what five public sources say
    about calcinosis cutis, each statement with a verbatim quote from its source.
    It is not medical advice: see a doctor about any symptom.}}}
% The disclaimer on the back of the title page, and in every page's footer.
\newcommand{\sphinxbackoftitlepage}{%
  \vspace*{\fill}\calcidocsdisclaimer\par
  \medskip\noindent Every citation mark such as \textsf{[s004]} links to the
  quoted passage, highlighted, in the sources appendix.\vspace*{\fill}}
\setlength{\headheight}{14pt}% fancyhdr asks for 13.6pt with 11pt type
\makeatletter
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyfoot[R]{{\py@HeaderFamily\thepage}}%
  \fancyfoot[L]{{\py@HeaderFamily\footnotesize Not medical advice}}%
  \fancyhead[R]{{\py@HeaderFamily\@title}}%
  \fancyhead[L]{{\py@HeaderFamily\nouppercase{\leftmark}}}%
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0pt}%
}
\fancypagestyle{plain}{%
  \fancyhf{}%
  \fancyfoot[R]{{\py@HeaderFamily\thepage}}%
  \fancyfoot[L]{{\py@HeaderFamily\footnotesize Not medical advice}}%
  \renewcommand{\headrulewidth}{0pt}%
  \renewcommand{\footrulewidth}{0pt}%
}
\makeatother
""",
}

# -- EPUB ----------------------------------------------------------------------
# The site builds with every builder Sphinx ships (sphinx-build -b NAME), and the
# tests build each. An EPUB 3 book needs a version (above) and its metadata.

epub_title = "Calcinosis cutis, cited"
epub_author = author
epub_publisher = author
epub_description = (
    "What five public sources say about calcinosis cutis, each statement with a "
    "verbatim quote from its source. Not medical advice."
)

calcidocs_subtypes = {
    "dystrophic": "Dystrophic calcinosis cutis",
    "metastatic": "Metastatic calcinosis cutis",
    "idiopathic": "Idiopathic calcinosis cutis",
    "iatrogenic": "Iatrogenic calcinosis cutis",
    "circumscripta": "Calcinosis cutis circumscripta",
    "universalis": "Calcinosis cutis universalis",
    "tumoral": "Tumoral calcinosis",
    "transplant": "Transplant-associated calcinosis cutis",
    "scleroderma": "Calcinosis cutis in scleroderma",
}
calcidocs_topics = {
    "definition": "Definition",
    "classification": "Classification and codes",
    "causes": "Causes",
    "symptoms": "Signs and symptoms",
    "sites": "Sites",
    "course": "Course",
    "affected": "Who is affected",
    "diagnosis": "Diagnosis",
    "treatment": "Treatment",
    "complications": "Complications",
    "prevention": "Prevention",
    "prognosis": "Prognosis",
    # Aspects that the comparison of subtypes uses as columns, beside the topics.
    "mechanism": "Mechanism",
    "serum": "Serum calcium and phosphate",
    "setting": "Typical setting and associated conditions",
    "examples": "Examples",
}
# Every page where medical text can appear: each sentence there is a claim,
# cites one, or stands in an editorial block.
calcidocs_content_pages = ["subtypes/*", "topics/*", "index", "glossary", "disagreements"]
# The medical terms the drift check knows, shown on the vocabulary page.
calcidocs_lexicon = "lexicon.toml"
# Who reviewed each claim, when, and what they read (python -m calcidocs.check --accept).
calcidocs_review_lock = "claims.lock"
