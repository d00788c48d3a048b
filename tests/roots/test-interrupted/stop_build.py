"""Test only: a build that stops dead at a chosen point, as a killed build does.

``CALCIDOCS_STOP`` names the point:

- ``saved``: the environment is saved, no page is written yet;
- ``page:DOCNAME``: the pages before DOCNAME are written, DOCNAME is not;
- ``finished``: every page is written, the build has not finished.

There the process sends itself SIGKILL: no handler, no clean-up runs.
"""

import os
import signal


def _stop(point: str) -> None:
    if os.environ.get("CALCIDOCS_STOP") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def setup(app):
    app.connect("env-check-consistency", lambda app, env: _stop("saved"))
    app.connect("html-page-context", lambda app, page, *args: _stop(f"page:{page}"))
    app.connect("build-finished", lambda app, exception: _stop("finished"), priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
