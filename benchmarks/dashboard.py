"""Benchmark: how long one dashboard step (a simulated week) takes at the default size.

    python -m benchmarks dashboard            # default dashboard model, 8 weeks, seeds 0-2

Prints the model's time per week (the Step button) and the time of all view data
functions per refresh (what the page recomputes after each step; drawing not included).
"""

from __future__ import annotations

import argparse
import statistics
import time

from experiments.dashboard import data


def views(model) -> None:
    data.state_shares(model)
    data.posts_by_charter(model)
    data.badge_wall(model)
    data.activity_by_hour(model)
    data.group_detail(model, 0)


def register(commands) -> None:
    """Add ``dashboard`` to the harness's subcommands."""
    ap = commands.add_parser("dashboard", help="time of one dashboard step (a week) and of its view data",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Step the dashboard's model week by week and print build, step and view-data times per seed."""
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

