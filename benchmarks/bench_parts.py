"""Benchmark: the pieces the fourth scaling round changed, each against what it replaced.

    python benchmarks/bench_parts.py sort                 # sim.csr.stable_order vs numpy's stable argsort
    python benchmarks/bench_parts.py take                 # ndarray.take vs fancy indexing (int32 rows)
    python benchmarks/bench_parts.py summary RUN_DIR      # the summary (and S5) of a run directory's tables

Each case checks that both ways give the same result, then prints wall times (the best
of a few, or for ``take`` the mean of many with fresh indices). ``summary`` reads the
tables the command line wrote (for example
``groupsim seed=1 population.size=1000000 groups.count=10000 duration.weeks=52
duration.spinup_weeks=0 plots=false``) and times :func:`sim.summary.summary` and S5
(:func:`sim.facts.badges_persist`) on them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def best(f, repeat: int = 3) -> float:
    """The shortest of ``repeat`` wall times of ``f()``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def sort_case(n: int) -> None:
    from sim.csr import stable_order

    keys = np.random.default_rng(0).integers(0, 1_000_000, n)
    assert np.array_equal(stable_order(keys), np.argsort(keys, kind="stable"))
    print(f"{n:,} keys: np.argsort(kind='stable') {best(lambda: np.argsort(keys, kind='stable')):.2f} s, "
          f"sim.csr.stable_order {best(lambda: stable_order(keys)):.2f} s")


def take_case(rows: int, gathered: int, repeat: int = 200) -> None:
    """Gathers as in choose_group: fresh runs of about 11 rows from random starts each time
    (a warm, repeated index favours fancy indexing), the two ways taken in turns."""
    rng = np.random.default_rng(0)
    values = rng.random(rows)
    total = {"a[i]": 0.0, "a.take(i)": 0.0}
    for k in range(repeat):
        starts = rng.integers(0, rows - 16, gathered // 11)
        idx = (starts[:, None] + np.arange(11)).ravel().astype(np.int32)
        for name in sorted(total, reverse=bool(k % 2)):
            t = time.perf_counter()
            out = values[idx] if name == "a[i]" else values.take(idx)
            total[name] += time.perf_counter() - t
        assert np.array_equal(out, values[idx])
    print(f"{len(idx):,} int32 rows of {rows:,} float64, mean of {repeat}: "
          + ", ".join(f"{name} {t / repeat * 1e3:.2f} ms" for name, t in total.items()))


def summary_case(directory: Path) -> None:
    from omegaconf import OmegaConf

    from experiments import results
    from experiments.config import model_params
    from sim import facts
    from sim import summary as sim_summary

    names = [p.stem for p in sorted(directory.glob("*.parquet"))]
    tables = results.read_tables(directory, names, sim_summary.READS)
    params = model_params(OmegaConf.load(directory / ".hydra" / "config.yaml"))
    print(f"{directory}: summary {best(lambda: sim_summary.summary(params, tables), 1):.1f} s, "
          f"S5 {best(lambda: facts.badges_persist(tables['groups'], tables['group_weeks'])):.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="case", required=True)
    s = sub.add_parser("sort", help="stable_order against numpy's stable argsort")
    s.add_argument("--n", type=int, default=20_000_000)
    t = sub.add_parser("take", help="ndarray.take against fancy indexing")
    t.add_argument("--rows", type=int, default=12_000_000)
    t.add_argument("--gathered", type=int, default=100_000)
    m = sub.add_parser("summary", help="the summary of a run directory")
    m.add_argument("directory", type=Path)
    args = ap.parse_args()
    if args.case == "sort":
        sort_case(args.n)
    elif args.case == "take":
        take_case(args.rows, args.gathered)
    else:
        summary_case(args.directory)


if __name__ == "__main__":
    main()
