# A project that loads calcidocs before it has any claim, source or manifest.
extensions = ["myst_parser", "calcidocs"]
exclude_patterns = ["_build"]
nitpicky = True
