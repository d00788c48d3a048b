# A project that cites nothing itself and links to another calcidocs site's
# claims, terms and sources through intersphinx. The test points
# intersphinx_mapping at that site's output folder: nothing leaves the machine.
extensions = ["myst_parser", "calcidocs", "sphinx.ext.intersphinx"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
nitpicky = True
intersphinx_mapping = {}
