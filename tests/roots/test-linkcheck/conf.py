# Link checking against a server on 127.0.0.1 that the test starts: the test
# copies this project and puts the server's port in place of PORT.
project = "linkcheck"
extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
linkcheck_timeout = 10
linkcheck_retries = 1
linkcheck_workers = 2
linkcheck_anchors = False
