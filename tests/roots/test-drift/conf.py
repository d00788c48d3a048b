extensions = ["myst_parser", "calcidocs"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
calcidocs_subtypes = {"red": "Red form", "blue": "Blue form"}
calcidocs_topics = {"causes": "Causes", "course": "Course"}
calcidocs_content_pages = ["subtypes/*"]
calcidocs_lexicon = "lexicon.toml"
calcidocs_manifest = None
