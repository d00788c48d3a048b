"""Sphinx configuration of the calcidocs site: sphinx-build -c . docs OUT."""

from __future__ import annotations

import sys
from pathlib import Path

# The extension lives in src/; an installed copy works the same way.
sys.path.insert(0, str(Path(__file__).parent / "src"))

project = "calcidocs"
author = "calcidocs contributors"
copyright = "2026, calcidocs contributors"
language = "en"

extensions = ["myst_parser", "sphinx_design", "calcidocs"]
myst_enable_extensions = ["colon_fence", "deflist"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "sources/*.txt"]
root_doc = "index"

html_theme = "furo"
html_title = "calcidocs: calcinosis cutis, cited"

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
}
calcidocs_content_pages = ["subtypes/*", "topics/*"]
