"""The HTML site in a real browser: headless Chromium driven by Playwright.

A reader on a subtype page clicks a claim's citation mark and lands on the
source page, scrolled to the highlighted passage. The test builds the real
docs, serves them on 127.0.0.1 and saves screenshots at desktop (1280 px) and
phone (390 px) width, in light and dark mode, into ``_build/screenshots``.

Needs Debian's ``chromium`` (or ``CALCIDOCS_CHROMIUM`` naming a Chromium
binary) and the ``playwright`` package; it skips without them only outside CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import serve

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "_build" / "screenshots"
PAGE = "subtypes/dystrophic.html"

# Chromium as root in a container, on a machine with no way out: no sandbox,
# no GPU, and none of the background connections it makes at start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    configured = os.environ.get("CALCIDOCS_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _requirements() -> str | None:
    """Why the test cannot run here, or None."""
    if _chromium() is None:
        return "no Chromium (Debian package chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright package"
    return None


_missing = _requirements()
pytestmark = pytest.mark.skipif(
    _missing is not None and not os.environ.get("CI"),
    reason=f"browser test: {_missing}",
)


# -- the site and its server ----------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real docs, built to HTML as ``tox -e docs`` does."""
    out = tmp_path_factory.mktemp("html")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "-E",
            "-c",
            str(ROOT),
            str(ROOT / "docs"),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (out / PAGE).is_file()
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The built site on a free port of 127.0.0.1; stopped after the tests."""
    with serve(site) as address:
        yield f"http://{address}"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a fresh profile, at desktop width."""
    if _missing is not None:
        pytest.fail(f"CI must run the browser test: {_missing}")
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=_chromium(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            color_scheme="light",
        )
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where screenshots go; copied to ``_build/screenshots`` at the end."""
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for picture in folder.glob("*.png"):
        shutil.copyfile(picture, SCREENSHOTS / picture.name)


# -- helpers ----------------------------------------------------------------------

_STYLE = """el => {
  const s = getComputedStyle(el);
  let page = el, bg = 'rgba(0, 0, 0, 0)';
  while (page && page !== document.documentElement) {
    page = page.parentElement;
    const c = page ? getComputedStyle(page).backgroundColor : 'rgba(0, 0, 0, 0)';
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
  }
  return {background: s.backgroundColor, color: s.color, page: bg};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    inside = css[css.index("(") + 1 : css.index(")")]
    red, green, blue = (float(part) for part in inside.replace("/", ",").split(",")[:3])
    return red, green, blue


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(_rgb(first)), _luminance(_rgb(second))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _distance(first: str, second: str) -> float:
    return sum((a - b) ** 2 for a, b in zip(_rgb(first), _rgb(second), strict=True)) ** 0.5


# Furo scrolls smoothly: wait until the page has stood still for a few frames.
_SETTLE = """() => new Promise(resolve => {
  let last = -1, still = 0;
  const tick = () => {
    const y = window.scrollY;
    if (y === last) { if (++still > 10) return resolve(y); } else { still = 0; last = y; }
    requestAnimationFrame(tick);
  };
  tick();
})"""


def _scrolled_to(page: Any, selector: str) -> None:
    """The page has scrolled so that the element is wholly in view."""
    page.evaluate(_SETTLE)
    box = page.eval_on_selector(
        selector,
        """el => { const r = el.getBoundingClientRect();
                   return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                           scrollY: window.scrollY, width: window.innerWidth,
                           height: window.innerHeight}; }""",
    )
    assert box["bottom"] > box["top"], box
    assert box["top"] >= 0 and box["bottom"] <= box["height"], f"passage not in view: {box}"
    assert box["left"] >= 0 and box["right"] <= box["width"] + 1, f"passage cut off: {box}"
    if box["top"] + box["scrollY"] > box["height"]:
        # Below the first screen: the browser must have scrolled to it.
        assert box["scrollY"] > 0, box


def _assert_highlighted(page: Any, selector: str) -> None:
    """The passage stands out from the page and its text stays readable."""
    style = page.eval_on_selector(selector, _STYLE)
    assert _distance(style["background"], style["page"]) > 60, style
    assert _contrast(style["color"], style["background"]) >= 4.5, style


# -- the tests --------------------------------------------------------------------


def test_citation_mark_leads_to_highlighted_passage(browser: Any, server: str, shots: Path) -> None:
    page = browser.new_page()
    page.goto(f"{server}/{PAGE}")
    mark = page.locator("a:has(> .calcidocs-cite)").first
    href = mark.get_attribute("href")
    assert href and "#" in href, href
    cited = mark.inner_text()  # e.g. "[s004]"
    mark.click()
    page.wait_for_url("**/sources/*.html#*")

    url = urlsplit(page.url)
    assert url.path.startswith("/sources/"), page.url
    assert url.fragment == href.split("#", 1)[1]
    assert url.fragment.startswith("quote-")
    # The source page is the one the mark names.
    assert cited.strip("[]") in page.locator("h1").inner_text() + page.content()

    target = f"[id='{url.fragment}']"
    assert "calcidocs-quote" in (page.get_attribute(target, "class") or "").split()
    assert page.evaluate("document.querySelector(':target') !== null")
    _scrolled_to(page, target)
    _assert_highlighted(page, target)
    page.screenshot(path=str(shots / "passage-1280.png"))

    # At phone width, the same link opens on the passage too.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/{PAGE}")
    page.locator("a:has(> .calcidocs-cite)").first.click()
    page.wait_for_url(f"**#{url.fragment}")
    _scrolled_to(page, target)
    _assert_highlighted(page, target)
    page.screenshot(path=str(shots / "passage-390.png"))
    page.close()


def test_passages_stand_out_in_dark_mode(browser: Any, server: str, shots: Path) -> None:
    page = browser.new_page()
    page.emulate_media(color_scheme="dark")
    page.goto(f"{server}/{PAGE}")
    href = page.locator("a:has(> .calcidocs-cite)").first.get_attribute("href")
    page.goto(f"{server}/subtypes/{href}")
    fragment = urlsplit(page.url).fragment
    target = f"[id='{fragment}']"
    body = page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor")
    assert _luminance(_rgb(body)) < 0.1, f"the page is not dark: {body}"
    _scrolled_to(page, target)
    _assert_highlighted(page, target)
    page.screenshot(path=str(shots / "passage-dark-1280.png"))
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen(
    browser: Any, server: str, site: Path, shots: Path, width: int
) -> None:
    """No page scrolls sideways; a table too wide scrolls inside its own box."""
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 844})
    pages = sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not path.name.startswith(("genindex", "search", "calcidocs-"))
    )
    assert PAGE in pages
    tables: str | None = None  # the page with the table of the most columns
    most = 0
    for name in pages:
        page.goto(f"{server}/{name}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {width}px"
        for wrapper in page.locator(".table-wrapper").all():
            box = wrapper.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
            # Cells keep a readable width: a table wider than its box scrolls.
            narrowest = wrapper.evaluate(
                "w => Math.min(...[...w.querySelectorAll('td, th')]"
                ".map(c => c.getBoundingClientRect().width), 1e9)"
            )
            assert narrowest >= 60, f"{name}: a table cell squeezed to {narrowest}px"
            columns = wrapper.evaluate("w => w.querySelector('tr')?.children.length ?? 0")
            if columns > most:
                tables, most = name, columns
    page.goto(f"{server}/{PAGE}")
    page.screenshot(path=str(shots / f"dystrophic-{width}.png"), full_page=False)
    if tables is not None:
        page.goto(f"{server}/{tables}")
        widest = (
            page.locator(".table-wrapper")
            .filter(has=page.locator(f"tr:first-child > :nth-child({most})"))
            .first
        )
        widest.scroll_into_view_if_needed()
        page.evaluate(_SETTLE)
        page.screenshot(path=str(shots / f"table-{width}.png"), full_page=False)
        if widest.evaluate("w => w.scrollWidth > w.clientWidth"):
            # Scrolled sideways, the row headers stay in view.
            header = widest.locator("tbody th").first
            before = header.bounding_box() if header.count() else None
            widest.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
            page.evaluate(_SETTLE)
            assert widest.evaluate("w => w.scrollLeft") > 0
            if before is not None:
                assert abs(header.bounding_box()["x"] - before["x"]) <= 1
            page.screenshot(path=str(shots / f"table-{width}-scrolled.png"), full_page=False)
    page.close()


def test_document_language(browser: Any, server: str) -> None:
    page = browser.new_page()
    page.goto(f"{server}/{PAGE}")
    assert page.get_attribute("html", "lang") == "en"
    # The disclaimer is on every page.
    assert "Not medical advice" in page.locator("body").inner_text()
    page.close()
