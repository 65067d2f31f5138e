"""Benchmark: wall time and peak memory of one run at a given scale.

    python benchmarks/bench_scale.py                      # 100,000 professionals, 1,000 groups, 52 weeks
    python benchmarks/bench_scale.py --size 20000 --groups 150

Prints set-up time, run time, time to build the tables and the summary, and peak RSS.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

from sim import GroupCultureModel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--groups", type=int, default=1_000)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    model = GroupCultureModel(**{
        "population.size": args.size, "groups.count": args.groups,
        "duration.weeks": args.weeks, "duration.spinup_weeks": 0, "seed": args.seed,
    })
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    summary = model.summary()
    t3 = time.perf_counter()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(f"scale: {args.size} professionals, {args.groups} groups, {args.weeks} weeks, "
          f"{summary['mean_groups_per_person']:.2f} memberships per person")
    print(f"setup {t1 - t0:.1f} s | run {t2 - t1:.1f} s | tables+summary {t3 - t2:.1f} s | "
          f"total {t3 - t0:.1f} s | peak RSS {rss_mb:.0f} MB")
    print(f"posts {summary['posts_total']}, share thriving {summary['share_thriving']:.2f}, "
          f"dormant {summary['share_dormant']:.2f}")


if __name__ == "__main__":
    main()
