import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

extensions = ["myst_parser", "calcidocs", "stop_build"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
calcidocs_subtypes = {"red": "Red form"}
calcidocs_topics = {"course": "Course"}
