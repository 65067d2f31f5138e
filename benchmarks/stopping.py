"""Probe: does posting show momentum over the population while each member tires? (docs/VALIDATION.md)

    python -m benchmarks stopping results/validate --out docs/findings/stopping.json

Wilkinson (2008, "Strong regularities in online peer production") found that the chance
a contributor stops falls with the contributions already made (momentum). The model
assumes the opposite for one member in one group (fatigue, ``behaviour.post_momentum``
below 0). Over a population of different people the two can agree: those who keep
posting are those with the highest odds, so the share who stop after their n-th post can
fall with n while each one tires. For every job of a sweep (e.g. ``experiment=validate``)
this reads the memberships table and, per person (their reported-week posts over all
their groups), gives the share of those with at least n posts who have no more
(``P(stop | n)``) for n = 1, 2, 3, 5, 10, 20; over the seeds, each with its interval
(:func:`experiments.intervals.over_seeds`), and whether it falls: the interval over seeds
of P(stop | 1) - P(stop | 20), paired by seed, lies above 0. A censored measure: a year of
posting, not a lifetime. Writes ``--out`` whole at the end.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.h1_ceiling import interval
from benchmarks.stationarity import FINDINGS, write_findings

COUNTS = (1, 2, 3, 5, 10, 20)
"""The post counts n at which the chance of stopping is read."""


def stop_shares(posts: np.ndarray) -> dict:
    """``P(stop | n)`` for each n of :data:`COUNTS`: of the people with at least n posts, the share with exactly n."""
    out = {}
    for n in COUNTS:
        reached = int((posts >= n).sum())
        out[str(n)] = float((posts == n).sum() / reached) if reached else float("nan")
    return out


def per_seed(sweep: Path) -> pd.DataFrame:
    """One row per job of ``sweep``: its seed and ``P(stop | n)`` per person over the reported weeks."""
    rows = []
    for path in sorted(sweep.glob("*/memberships.parquet")):
        seed = int(pd.read_json(path.parent / "summary.json", typ="series")["seed"])
        posts = pd.read_parquet(path, columns=["agent_id", "posts"]).groupby("agent_id").posts.sum().to_numpy()
        rows.append({"seed": seed, **stop_shares(posts)})
    if not rows:
        raise SystemExit(f"stopping: no */memberships.parquet under {sweep}: allowed a sweep directory of finished"
                         " jobs")
    return pd.DataFrame(rows).sort_values("seed", ignore_index=True)


def register(commands) -> None:
    """Add ``stopping`` to the harness's subcommands."""
    ap = commands.add_parser("stopping", help="probe: the chance of stopping after n posts, over the population",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep", type=Path, help="a sweep directory whose jobs wrote their tables")
    ap.add_argument("--out", type=Path, default=FINDINGS / "stopping.json")
    ap.set_defaults(run=run)


def run(args) -> None:
    table = per_seed(args.sweep)
    by_count = {str(n): interval(table[str(n)].dropna()) for n in COUNTS}
    first, last = str(COUNTS[0]), str(COUNTS[-1])
    drop = interval((table[first] - table[last]).dropna())  # paired by seed
    record = {"sweep": str(args.sweep), "counts": list(COUNTS), "per_seed": table.to_dict(orient="records"),
              "stop_after": by_count, f"stop_after_{first}_minus_{last}": drop,
              "falls_with_n": bool(np.isfinite(drop["low"]) and drop["low"] > 0)}
    falls = record["falls_with_n"]
    write_findings(args.out, f"python -m benchmarks stopping {args.sweep}", record)
    print("P(stop | n): " + ", ".join(f"n={n} {by_count[str(n)]['mean']:.3f}" for n in COUNTS)
          + f"; falls with n: {falls}")
    print(f"wrote {args.out}")
