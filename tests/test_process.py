"""What a build leaves to the process that ran it.

The loaded environment and the records read are kept out of the cycle
collector's passes while the build runs. Once it is over, a process that builds
again (the tests, a language server) gets every object back for the collector;
a process that ends freezes what is left before the interpreter's last
collections, which would only walk it to free it as the process ends. A worker
of a parallel read sends back what it read, not all the process holds.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_root

SCRIPT = """
import atexit, gc, sys
# atexit runs its functions last registered first: this one runs after calcidocs'
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
from sphinx.cmd.build import build_main
status = build_main(["-q", "-W", "-b", "html", sys.argv[1], sys.argv[2]])
print("status:", status)
print("frozen after the build:", gc.get_freeze_count())
"""


def _printed(script: str, tmp_path: Path) -> list[str]:
    """The lines ``script`` prints when it runs in a new process on the basic project."""
    srcdir = copy_root("basic", tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", script, str(srcdir), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_a_build_hands_its_objects_back_and_the_exit_skips_them(tmp_path: Path) -> None:
    assert _printed(SCRIPT, tmp_path) == [
        "status: 0",
        "frozen after the build: 0",
        "frozen at exit: True",
    ]


RELOAD = """
import gc, pickle, sys
from sphinx.cmd.build import build_main

seen = []
original = pickle.load
def load(file):
    if str(getattr(file, "name", "")).endswith("environment.pickle"):
        seen.append(gc.isenabled())
    return original(file)
pickle.load = load  # as Sphinx loads the saved environment

args = ["-q", "-W", "-b", "html", sys.argv[1], sys.argv[2]]
print("first:", build_main(args), seen)
print("again:", build_main(args), seen)
print("collector on after:", gc.isenabled())
"""


def test_the_saved_environment_loads_without_the_collector(tmp_path: Path) -> None:
    """The next build loads the environment with the cycle collector off, and puts it
    back on."""
    assert _printed(RELOAD, tmp_path) == [
        "first: 0 []",  # nothing saved yet
        "again: 0 [False]",
        "collector on after: True",
    ]


READING = """
import gc, sys
import calcidocs
from sphinx.cmd.build import build_main

calcidocs.FREEZE_EVERY = 2
frozen = []
def probe(*args):
    frozen.append(gc.get_freeze_count())
def setup(app):
    # once the code is frozen, before the first page is read
    app.connect("env-before-read-docs", probe, priority=999)
    # once all pages are read, before calcidocs freezes the records read
    app.connect("env-updated", probe, priority=0)
calcidocs_setup = calcidocs.setup
def with_probe(app):
    found = calcidocs_setup(app)
    setup(app)
    return found
calcidocs.setup = with_probe
status = build_main(["-q", "-W", "-b", "html", sys.argv[1], sys.argv[2]])
print("status:", status)
print("frozen while reading:", frozen[1] > frozen[0] > 0)
print("frozen after the build:", gc.get_freeze_count())
"""


def test_what_is_read_is_frozen_while_reading_and_handed_back_after(tmp_path: Path) -> None:
    assert _printed(READING, tmp_path) == [
        "status: 0",
        "frozen while reading: True",
        "frozen after the build: 0",
    ]


def test_a_worker_of_a_parallel_read_sends_back_only_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main process merges only a batch's pages from what its worker sends back:
    the pages merged before the worker started stay out of it."""
    from calcidocs import domain

    data = domain.DomainData(version=4, syllables={"cat": 1})
    for bucket in domain.CalcidocsDomain.initial_data:
        data[bucket] = {"earlier": [bucket], "mine": [bucket]}
    monkeypatch.setitem(domain._reading, "pages", {"mine"})

    monkeypatch.setitem(domain._reading, "process", os.getpid())  # the process that reads
    assert pickle.loads(pickle.dumps(data)) == data

    monkeypatch.setitem(domain._reading, "process", os.getpid() + 1)  # a worker
    sent = pickle.loads(pickle.dumps(data))
    assert isinstance(sent, domain.DomainData)
    assert sent["version"] == 4
    for bucket in domain.CalcidocsDomain.initial_data:
        assert sent[bucket] == {"mine": [bucket]}


PARALLEL = """
import sys
from calcidocs.checks import page_results
found = []
original = page_results._find
def counted(domain, now, docname, kept):
    found.append(docname)
    return original(domain, now, docname, kept)
page_results._find = counted
from sphinx.cmd.build import build_main
status = build_main(["-q", "-W", "-j", "2", "-b", "html", sys.argv[1], sys.argv[2]])
print("status:", status)
print("pages checked in the main process:", len(found))
"""


def test_the_workers_of_a_parallel_read_check_the_claims_of_their_pages(tmp_path: Path) -> None:
    """The drift and review of each page's claims are found by the worker that reads
    the page, in parallel; the main process takes them as they are."""
    if sys.platform == "win32":
        pytest.skip("a parallel read forks")
    assert _printed(PARALLEL, tmp_path) == ["status: 0", "pages checked in the main process: 0"]
