"""Benchmark: how long one dashboard step (a simulated week) takes, in the model and in the browser.

    python -m benchmarks dashboard            # default dashboard model, 8 weeks, seeds 0-2
    python -m benchmarks dashboard --browser  # Step in Chromium: writes benchmarks/results/dashboard_browser.json
    python -m benchmarks dashboard --browser --visitors 3 --steps 8 --out /tmp/steps.json

Without ``--browser``: the model's time per week (the Step button) and the time of all
view data functions per refresh (what the page recomputes after each step; drawing not
included).

With ``--browser``: ``groupsim-dashboard`` in a child process, Debian's Chromium driven by
Playwright (needs the dashboard extra and ``pip install playwright``). Each visitor opens
the page in a fresh browser context, waits for its model, then presses Step ``steps``
times, resting a second between. The page itself times each Step (``performance.now()``):
from the click to the new simulated date in the page (shown on tab 0), and to the last
figure of the tab in sight loaded (``--tab``: 0, 1 or 2). Each Step also records the CPU
seconds (user + system) that the server process and the browser's processes spent from
just before the click until the figures loaded, which a loaded machine distorts less than
wall time. The JSON holds every Step and the medians, with the machine's load average
before and after (the figures are an idle machine's only when those are low).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from experiments.dashboard import data

REPO = Path(__file__).resolve().parent.parent
TIMER = """() => {
  const t = window.__step = {images: []};
  document.addEventListener('click', () => { t.click ??= performance.now(); }, true);
  document.addEventListener('load', e => {
    if (e.target.tagName === 'IMG' && t.click !== undefined) t.images.push(performance.now() - t.click);
  }, true);
  new MutationObserver(() => {
    const date = document.querySelector('.groupsim-date');
    if (t.click !== undefined && t.date === undefined && date && date.innerText !== t.before)
      t.date = performance.now() - t.click;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
"""In-page timing of one Step: click, the date's text changed, each figure's image loaded (ms after the click)."""


def views(model) -> None:
    data.state_shares(model)
    data.posts_by_charter(model)
    data.badge_wall(model)
    data.activity_by_hour(model)
    data.group_detail(model, 0)


def register(commands) -> None:
    """Add ``dashboard`` to the harness's subcommands."""
    ap = commands.add_parser("dashboard", help="time of one dashboard step (a week): model, view data, browser",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--browser", action="store_true", help="time Step in Chromium (writes --out)")
    ap.add_argument("--visitors", type=int, default=3, help="with --browser: fresh pages, one after another")
    ap.add_argument("--steps", type=int, default=8, help="with --browser: Steps per visitor")
    ap.add_argument("--tab", type=int, default=0, help="with --browser: the tab in sight while stepping")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "dashboard_browser.json")
    ap.add_argument("--note", default="", help="with --browser: what was measured, kept in the JSON")
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Step the dashboard's model week by week and print build, step and view-data times per seed."""
    if args.browser:
        return run_browser(args)
    weeks = args.weeks
    for seed in args.seeds:
        start = time.perf_counter()
        model = data.DashboardModel(**(data.default_controls() | {"seed": str(seed)}))
        built = time.perf_counter() - start
        step, view = [], []
        for _ in range(weeks):
            t0 = time.perf_counter()
            model.step()
            t1 = time.perf_counter()
            views(model)
            step.append(t1 - t0)
            view.append(time.perf_counter() - t1)
        print(f"seed {seed}: build {built:.2f} s | week median {statistics.median(step):.3f} s, "
              f"max {max(step):.3f} s | view data {statistics.median(view):.3f} s")


def _cpu(processes) -> float:
    total = 0.0
    for p in processes:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except Exception:  # noqa: BLE001 - a browser helper process may end between listing and reading
            pass
    return total


def _browser_processes(server_pid: int) -> list:
    import psutil

    return [p for p in psutil.Process().children(recursive=True)
            if p.pid != server_pid and "chrom" in p.name().lower()]


def _step(page, server, browser_processes) -> dict:
    """Press Step once; the page's timings (s) and the CPU seconds of the server and the browser.

    Waits for the date (on tab 0) and every figure in sight; a figure whose picture did not
    change is not sent again, so after 10 s the Step counts with the figures that came.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    images = page.locator("img:visible").count()
    page.evaluate("() => { const t = window.__step; t.before = document.querySelector('.groupsim-date')?.innerText;"
                  " delete t.click; delete t.date; t.images = []; }")
    server0, browser0 = _cpu([server]), _cpu(browser_processes)
    page.get_by_role("button", name="Step", exact=True).click()
    dated = "window.__step.date !== undefined || window.__step.before === undefined"  # the date is on tab 0 only
    page.wait_for_function(f"() => ({dated}) && window.__step.images.length > 0", timeout=60_000, polling=20)
    try:
        page.wait_for_function(f"() => window.__step.images.length >= {images}", timeout=10_000, polling=20)
    except PlaywrightTimeout:
        pass
    timing = page.evaluate("() => window.__step")
    return {"to_date_s": round(timing["date"] / 1000, 3) if "date" in timing else None,
            "to_figures_s": round(max(timing["images"]) / 1000, 3), "figures": len(timing["images"]),
            "figures_in_sight": images, "server_cpu_s": round(_cpu([server]) - server0, 3),
            "browser_cpu_s": round(_cpu(browser_processes) - browser0, 3)}


def _summary(steps: list[dict]) -> dict:
    out = {}
    for key in ("to_date_s", "to_figures_s", "server_cpu_s", "browser_cpu_s"):
        values = [s[key] for s in steps if s[key] is not None]
        if values:
            out |= {f"{key}_median": round(statistics.median(values), 3), f"{key}_range": [min(values), max(values)]}
    return out


def run_browser(args: argparse.Namespace) -> None:
    """Step the dashboard in Chromium, ``args.steps`` times per visitor, and write the JSON."""
    import psutil
    from playwright.sync_api import sync_playwright

    from experiments.dashboard.cli import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, served

    load_before = os.getloadavg()[0]
    visitors = []
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "server.log") as (url, proc):
        server = psutil.Process(proc.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for v in range(args.visitors):
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.set_default_timeout(120_000)
                page.goto(url)
                page.locator(".groupsim-date").wait_for()
                if args.tab:
                    page.get_by_role("tab", name=f"Page {args.tab}").click()
                    page.locator("img:visible").first.wait_for()
                page.evaluate(TIMER)
                time.sleep(1)
                steps = []
                for _ in range(args.steps):
                    steps.append(_step(page, server, _browser_processes(proc.pid)))
                    time.sleep(1)
                page.context.close()
                visitors.append(steps)
                print(f"visitor {v}: " + ", ".join(f"{s['to_figures_s']:.2f}" for s in steps)
                      + f" s from Step to tab {args.tab}'s figures; server CPU " + ", ".join(f"{s['server_cpu_s']:.2f}"
                                                                                    for s in steps) + " s")
            browser.close()
    every = [s for steps in visitors for s in steps]
    out = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                       "load_average_1min_before": round(load_before, 2),
                       "load_average_1min_after": round(os.getloadavg()[0], 2)},
           "model": {k: data.default_controls()[k] for k in ("population_size", "groups_count", "spinup_weeks")},
           "note": args.note, "tab": args.tab, "visitors": args.visitors, "steps_per_visitor": args.steps,
           "summary": _summary(every), "per_visitor": [_summary(steps) for steps in visitors], "steps": visitors}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out["summary"]))
    print(f"-> {args.out}")
