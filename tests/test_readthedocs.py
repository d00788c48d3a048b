"""``.readthedocs.yaml``: the HTML site and the PDF, built the way Read the Docs runs it.

The HTML step runs here as Read the Docs would run it (from the top of the
repository, with ``READTHEDOCS_OUTPUT`` set); the PDF step is the one
``tests/test_pdf.py`` runs, checked here for its file names.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict:
    return yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))


def test_config_builds_html_and_pdf_with_the_package_installed() -> None:
    config = _config()
    assert config["version"] == 2
    assert "pdf" in config["formats"]
    assert (ROOT / config["sphinx"]["configuration"]).is_file()
    assert {"method": "pip", "path": "."} in config["python"]["install"]
    jobs = config["build"]["jobs"]["build"]
    pdf = " ".join(jobs["pdf"])
    assert "-b latex" in pdf and "latexmk -pdf" in pdf
    assert "calcidocs.tex" in pdf and '"$READTHEDOCS_OUTPUT/pdf' in pdf


def test_html_step_builds_the_site(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "READTHEDOCS_OUTPUT": str(tmp_path),
        "READTHEDOCS_CANONICAL_URL": "https://calcidocs.example.org/en/latest/",
    }
    for command in _config()["build"]["jobs"]["build"]["html"]:
        result = subprocess.run(
            ["bash", "-c", command.replace("python ", f"{sys.executable} ", 1)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://calcidocs.example.org/en/latest/index.html"' in page
    assert (tmp_path / "html" / "claims.json").is_file()
