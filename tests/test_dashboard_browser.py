"""The dashboard in a real browser: Debian's Chromium driven by Playwright, offline.

Skipped (with the reason) only when the browser or the dashboard's extra cannot be had;
.ci/run installs both on a fresh machine.
"""

import os
import shutil
import time
from urllib.parse import urlparse

import pytest

from experiments.dashboard.cli import CHROMIUM, VIEWPORT
from experiments.dashboard.cli import CHROMIUM_ARGS as ARGS

pytestmark = pytest.mark.slow

LOCAL = {"127.0.0.1"}


def _requirements() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set GROUPSIM_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install playwright)"
    from experiments.dashboard.cli import missing_dependency

    return missing_dependency()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    reason = _requirements()
    if reason:
        pytest.skip(reason)
    from experiments.dashboard.cli import served

    try:
        with served(tmp_path_factory.mktemp("dashboard") / "server.log") as (url, _):
            yield url
    except RuntimeError as e:
        pytest.fail(str(e))


@pytest.fixture
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _visit(browser, url):
    """A new browser context (a visitor of its own) on the dashboard, once its model is built."""
    pg = browser.new_context(viewport=VIEWPORT).new_page()
    pg.set_default_timeout(120_000)
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("websocket", lambda ws: pg.requests.append(ws.url))
    pg.goto(url)
    pg.locator(".groupsim-date").wait_for()
    return pg


@pytest.fixture
def page(browser, server):
    return _visit(browser, server)


def _shot(pg, tmp_path, name):
    pg.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _step(pg, before: str) -> str:
    pg.get_by_role("button", name="Step", exact=True).click()
    from playwright.sync_api import expect

    shares = pg.locator(".groupsim-shares")
    expect(shares).not_to_have_text(before, timeout=60_000)
    return shares.inner_text()


def _step_date(pg) -> tuple[str, float]:
    """Press Step; the new simulated date and the seconds from the click until the page showed it.

    Polled every 20 ms in the page (``expect`` backs off to 1 s between checks, which would
    count in the seconds); ``python -m benchmarks dashboard --browser`` times it in the page.
    """
    date = pg.locator(".groupsim-date")
    before = date.inner_text()
    start = time.perf_counter()
    pg.get_by_role("button", name="Step", exact=True).click()
    pg.wait_for_function("before => document.querySelector('.groupsim-date').innerText !== before", arg=before,
                         timeout=60_000, polling=20)
    return date.inner_text(), time.perf_counter() - start


def _set_text(pg, label: str, value: str) -> None:
    box = pg.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")


def test_page_loads_offline_and_shows_the_state_view(page, tmp_path):
    shares = page.locator(".groupsim-shares")
    shares.wait_for()
    assert shares.inner_text().startswith("No completed week yet")  # the spin-up weeks are not shown
    regime = page.locator(".groupsim-regime").inner_text()
    assert "after the command line's 104-week spin-up" in regime and "5,000 professionals in 60 groups" in regime
    assert "week 0, Monday 00:00" in page.locator(".groupsim-date").inner_text()
    _step(page, shares.inner_text())
    assert "thriving" in shares.inner_text() and "null model:" in shares.inner_text()
    assert page.locator("img").count() == 2  # the state and posts figures; the other tabs draw when shown
    page.get_by_role("tab", name="Page 1").click()
    page.get_by_text("memberships ever posted").wait_for()
    assert page.locator("img:visible").count() == 2  # badge wall and activity
    page.get_by_role("tab", name="Page 2").click()
    page.locator(".groupsim-inspector").wait_for()
    _shot(page, tmp_path, "loaded")
    outside = [u for u in page.requests
               if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL]
    assert page.requests and not outside, outside


def test_a_control_and_a_week_change_the_plotted_numbers(page, tmp_path):
    page.locator(".groupsim-shares").wait_for()
    first = _step(page, page.locator(".groupsim-shares").inner_text())
    assert first.startswith("Week 0:")
    assert "week 1," in page.locator(".groupsim-date").inner_text()
    posts_default = page.locator(".groupsim-posts").inner_text()
    _set_text(page, "value (empty: the preset)", "0.05")  # industry groups' relevance, preset 0.8
    page.get_by_role("button", name="Reset", exact=True).click()
    page.get_by_text("No completed week yet").wait_for()
    again = _step(page, page.locator(".groupsim-shares").inner_text())
    posts_changed = page.locator(".groupsim-posts").inner_text()
    _shot(page, tmp_path, "stepped")
    assert again.startswith("Week 0:")
    assert posts_changed != posts_default
    later = _step(page, again)
    assert later.startswith("Week 1:")
    from playwright.sync_api import expect

    # the posts line renders after the shares line: wait for it (on a loaded machine it lagged the shares)
    expect(page.locator(".groupsim-posts")).not_to_have_text(posts_changed, timeout=30_000)


def test_slider_values_show_without_dragging(page):
    labels = page.locator(".v-slider__thumb-label")
    assert labels.first.is_visible()
    shown = [labels.nth(i).inner_text() for i in range(labels.count()) if labels.nth(i).is_visible()]
    assert "5000" in shown and "60" in shown and "104" in shown  # professionals, groups, spin-up weeks


def test_two_visitors_have_their_own_model(browser, server):
    first, second = _visit(browser, server), _visit(browser, server)
    timings = []
    for expected in ("week 1,", "week 2,"):
        date, seconds = _step_date(first)
        assert expected in date
        timings.append(seconds)
    # the second visitor's model has not moved: one step takes it to week 1, not week 3
    assert "week 0," in second.locator(".groupsim-date").inner_text()
    date, seconds = _step_date(second)
    timings.append(seconds)
    assert "week 1," in date
    assert "week 2," in first.locator(".groupsim-date").inner_text()
    print("seconds from Step to the new date in the browser:", ", ".join(f"{t:.2f}" for t in timings))


def test_an_invalid_control_shows_the_one_line_error(page, tmp_path):
    page.locator(".groupsim-shares").wait_for()
    _set_text(page, "seed", "-1")
    page.get_by_role("button", name="Reset", exact=True).click()
    error = page.locator(".groupsim-error")
    error.wait_for()
    _shot(page, tmp_path, "error")
    text = error.inner_text().strip()
    assert text == "seed = -1 is out of range: allowed an integer in 0..9223372036854775807"
    assert "Traceback" not in page.inner_text("body")
