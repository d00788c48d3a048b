"""The HTML site in a real browser: headless Chromium driven by Playwright.

A reader on a subtype page clicks a claim's citation mark and lands on the
source page, scrolled to the highlighted passage. The test builds the real
docs, serves them on 127.0.0.1 and saves screenshots at desktop (1280 px) and
phone (390 px) width, in light and dark mode, into ``_build/screenshots``.
axe-core checks the main kinds of page against WCAG 2.1 A and AA, a keyboard
scrolls a wide table, and the disclaimer bar is readable whole on a phone.

Needs Debian's ``chromium`` (or ``CALCIDOCS_CHROMIUM`` naming a Chromium
binary), the ``playwright`` package and, for the accessibility check, the npm
package ``axe-core`` (``npm ci``; or ``CALCIDOCS_AXE`` naming its
``axe.min.js``); the tests skip without them only outside CI.
"""

from __future__ import annotations

import os
import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import need, npm_file, serve

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
def site(real_site: Path) -> Path:
    """The real docs, built to HTML as ``tox -e docs`` does (with ``-W --keep-going``)."""
    assert (real_site / PAGE).is_file()
    return real_site


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


# -- accessibility ------------------------------------------------------------------

#: WCAG 2.1, levels A and AA, as axe-core tags its rules.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: One page of each kind: home, subtype, topic, source, disagreements, review.
A11Y_PAGES = [
    "index.html",
    "subtypes/dystrophic.html",
    "topics/diagnosis.html",
    "sources/s004.html",
    "disagreements.html",
    "review.html",
]

_AXE_RUN = """tags => axe.run(document, {
  runOnly: {type: 'tag', values: tags},
  resultTypes: ['violations'],
})"""


@pytest.fixture(scope="module")
def axe() -> Path:
    """axe-core's ``axe.min.js``, from the npm package (``npm ci``)."""
    script = npm_file("CALCIDOCS_AXE", "axe-core/axe.min.js")
    need(None if script else "no axe-core: run npm ci (package.json)")
    assert script is not None
    return script


def _violations(page: Any, axe: Path) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the open page, one line per element."""
    page.add_script_tag(path=str(axe))
    result = page.evaluate(_AXE_RUN, WCAG_TAGS)
    return [
        f"{violation['id']} ({violation['help']}) at {node['target']}: "
        + " ".join(node.get("failureSummary", "").split())
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def test_axe_reports_what_it_should(axe: Path, browser: Any) -> None:
    """The checker is live: a page with known faults gets them reported."""
    page = browser.new_page()
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<p role="heading">no level</p>'
        '<p style="color: #999; background: #fff; font-size: 12px">pale small text</p>'
        "</main></body></html>"
    )
    found = " ".join(_violations(page, axe))
    assert "aria-required-attr" in found
    assert "color-contrast" in found
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_accessibility_violations(
    axe: Path, browser: Any, server: str, width: int, scheme: str
) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation on any kind of page, in any mode."""
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 844})
    page.emulate_media(color_scheme=scheme)
    found: list[str] = []
    for name in A11Y_PAGES:
        page.goto(f"{server}/{name}")
        body = page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor")
        assert (_luminance(_rgb(body)) < 0.1) == (scheme == "dark"), (name, scheme, body)
        found += [f"{name}: {line}" for line in _violations(page, axe)]
    page.close()
    assert not found, f"{len(found)} violations at {width}px, {scheme}:\n" + "\n".join(found)


def test_a_wide_table_scrolls_by_keyboard(browser: Any, server: str) -> None:
    """At phone width, Tab reaches a table too wide for the screen; arrows scroll it."""
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/subtypes/index.html")
    wide = page.locator(".table-wrapper").filter(has=page.locator("caption")).first
    assert wide.evaluate("w => w.scrollWidth > w.clientWidth"), "the table fits: nothing to test"
    # The box is a region named by the table's caption, for screen readers too.
    caption = " ".join(wide.locator("caption").inner_text().split())
    assert page.get_by_role("region", name=caption).count() == 1, caption
    for _ in range(400):
        page.keyboard.press("Tab")
        if wide.evaluate("w => document.activeElement === w"):
            break
    else:
        pytest.fail("Tab never reaches the scrolling table")
    assert wide.evaluate("w => w.scrollLeft") == 0
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "w => w.scrollLeft > 0", arg=wide.element_handle(), timeout=5_000, polling=50
    )
    # The arrows scrolled the table and turned no page (navigation_with_keys).
    assert urlsplit(page.url).path == "/subtypes/index.html", page.url
    page.close()


_DISCLAIMER_GEOMETRY = """() => {
  const bar = document.querySelector('.announcement');
  const content = bar.querySelector('.announcement-content') || bar;
  const box = bar.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(content);
  const lines = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
  return {
    box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
    viewport: {width: document.documentElement.clientWidth, height: window.innerHeight},
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    barScroll: [bar.scrollWidth - bar.clientWidth, bar.scrollHeight - bar.clientHeight],
    contentScroll: [content.scrollWidth - content.clientWidth,
                    content.scrollHeight - content.clientHeight],
    lines: lines.map(r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
      // What a reader sees at the middle of the line: the bar, not something over it.
      seen: bar.contains(document.elementFromPoint((r.left + r.right) / 2,
                                                   (r.top + r.bottom) / 2))})),
  };
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_disclaimer_is_readable_whole(browser: Any, server: str, shots: Path, width: int) -> None:
    """The "Not medical advice" bar shows its whole text on the first screen, at any width."""
    expected = runpy.run_path(str(ROOT / "conf.py"))["html_theme_options"]["announcement"]
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 844})
    for name in (PAGE, "index.html", "sources/s004.html"):
        page.goto(f"{server}/{name}")
        bar = page.locator(".announcement")
        assert bar.is_visible()
        assert bar.inner_text().split() == expected.split(), name
        geometry = page.evaluate(_DISCLAIMER_GEOMETRY)
        box, viewport = geometry["box"], geometry["viewport"]
        where = f"{name} at {width}px: {geometry}"
        assert geometry["page"] <= 1, f"the page scrolls sideways: {where}"
        assert max(geometry["barScroll"]) <= 1, f"the bar scrolls: {where}"
        assert max(geometry["contentScroll"]) <= 1, f"the text overflows its box: {where}"
        assert box["left"] >= 0 and box["right"] <= viewport["width"] + 1, where
        assert box["top"] >= 0 and box["bottom"] <= viewport["height"], where
        assert geometry["lines"], where
        for line in geometry["lines"]:
            assert line["left"] >= max(box["left"], 0) - 1, f"a line is cut off: {where}"
            assert line["right"] <= min(box["right"], viewport["width"]) + 1, where
            assert line["top"] >= box["top"] - 1 and line["bottom"] <= box["bottom"] + 1, where
            assert line["seen"], f"something covers the text: {where}"
    page.goto(f"{server}/{PAGE}")
    page.screenshot(path=str(shots / f"disclaimer-{width}.png"), clip=_top(width))
    page.close()


def _top(width: int) -> dict[str, int]:
    return {"x": 0, "y": 0, "width": width, "height": 200}
