# A wide table in the PDF: thirteen columns of sentences, as the comparison
# table of the real docs has (a subtype per row, a topic per column).
project = "wide table"
author = "calcidocs tests"
extensions = ["myst_parser", "calcidocs"]
myst_enable_extensions = ["colon_fence"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
calcidocs_manifest = None
latex_documents = [(root_doc, "wide.tex", "Wide table", author, "manual")]
latex_elements = {"papersize": "a4paper"}
