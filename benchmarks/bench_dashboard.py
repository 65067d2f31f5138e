"""Benchmark: how long one dashboard step (a simulated week) takes at the default size.

    python benchmarks/bench_dashboard.py            # default dashboard model, 8 weeks, seeds 0-2

Prints the model's time per week (the Step button) and the time of all view data
functions per refresh (what the page recomputes after each step; drawing not included).
"""

from __future__ import annotations

import statistics
import time

from experiments.dashboard import data


def views(model) -> None:
    data.state_shares(model)
    data.posts_by_charter(model)
    data.badge_wall(model)
    data.activity_by_hour(model)
    data.group_detail(model, 0)


def main(weeks: int = 8) -> None:
    for seed in range(3):
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


if __name__ == "__main__":
    main()
