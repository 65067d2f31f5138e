"""Probe: how do the calibration facts move with one parameter? (docs/VALIDATION.md, posting structure)

    python -m benchmarks facts-sweep behaviour.post_momentum 0 0.5 1 2 --seeds 1 2 3 4 5 \\
        --out docs/findings/momentum_probe.json
    python -m benchmarks facts-sweep population.activity_exponent 2 2.5 3 --seeds 1 2 3 population.size=5000

The default world (20,000 professionals, 150 groups, 104-week spin-up, 52 reported weeks)
unless ``key=value`` overrides are given. One arm per value of the parameter, the first
the baseline; every arm runs the same seeds (the same initial world per seed), so the
differences from the baseline are paired by seed. Per seed and arm: every calibration
measure (S1 never posted, S2 top-1% share, S3 posts and replies, as the calibration reads
them: :func:`experiments.analysis.calibration.measure_table`), share dormant, and whether
S3 fell back to the 30 largest industry groups (fewer than 5 reach 2,000 members). Over the
seeds (:func:`experiments.intervals.over_seeds`, which names its method): each arm's mean
and interval per measure, how many seeds put it in its frozen range, and each arm minus
the baseline. Writes ``--out`` whole at the end.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from benchmarks.h1_ceiling import interval
from benchmarks.stationarity import FINDINGS, parse_overrides, write_findings
from experiments.analysis import calibration
from sim import GroupCultureModel


def measure(seed: int, key: str, value: float, overrides: dict) -> dict:
    """One run of an arm: the calibration measures and share dormant."""
    start = time.process_time()
    summary = GroupCultureModel(seed=seed, **{**overrides, key: value}).run().summary()
    values, _ = calibration.measure_table(pd.json_normalize(summary))
    return {"seed": seed, "value": value, **values.iloc[0].to_dict(), "share_dormant": summary["share_dormant"],
            "S3.fallback": bool(summary["stylized_facts"]["S3"]["fallback"]),
            "cpu_seconds": round(time.process_time() - start, 1)}


def summarize(rows: list[dict], values: list[float]) -> dict:
    """Per arm: mean and interval of each measure and seeds in its frozen range; each arm minus the first."""
    table, ranges = pd.DataFrame(rows), calibration.ranges()
    measures = [*ranges.index, "share_dormant"]
    arms = {}
    for value, part in table.groupby("value", sort=False):
        arms[f"{value:g}"] = {m: {**interval(part[m]), **({"seeds_in_range": int(
            part[m].between(ranges.loc[m, "low"], ranges.loc[m, "high"]).sum())} if m in ranges.index else {})}
            for m in measures}
        # S3 measures the 30 largest industry groups in seeds where fewer than 5 reach 2,000 (sim.facts.falls_back)
        arms[f"{value:g}"]["S3.posts"]["fallback_seeds"] = int(part["S3.fallback"].sum())
    wide = {m: table.pivot(index="seed", columns="value", values=m) for m in measures}
    paired = {f"{v:g} minus {values[0]:g}": {m: interval(w[v] - w[values[0]]) for m, w in wide.items()}
              for v in values[1:]}
    return {"ranges": ranges.to_dict(orient="index"), "arms": arms, "paired": paired}


def register(commands) -> None:
    """Add ``facts-sweep`` to the harness's subcommands."""
    ap = commands.add_parser("facts-sweep", help="probe: how do the calibration facts move with one parameter?",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("key", help="a model parameter, e.g. behaviour.post_momentum")
    ap.add_argument("values", type=float, nargs="+", help="its values, the first the baseline")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--out", type=Path, default=FINDINGS / "facts_sweep.json")
    ap.add_argument("--set", dest="overrides", metavar="key=value", nargs="*", default=[],
                    help="other model parameters (default: the default world)")
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Run every value on every seed, summarize, write and print the result."""
    overrides = parse_overrides(args.overrides)
    rows = []
    for seed in args.seeds:
        for value in args.values:
            rows.append(measure(seed, args.key, value, overrides))
            print(json.dumps(rows[-1]), flush=True)
    out = write_findings(args.out, "python -m benchmarks facts-sweep " + " ".join(
        [args.key, *(f"{v:g}" for v in args.values), f"--seeds {' '.join(map(str, args.seeds))}",
         *(["--set", *args.overrides] if args.overrides else [])]),
        {"key": args.key, "overrides": overrides, "seeds": args.seeds, "per_seed": rows,
         **summarize(rows, args.values)})
    for value, r in out["arms"].items():
        print(f"{args.key}={value}: " + "; ".join(
            f"{m} {v['mean']:.3f} [{v['low']:.3f}, {v['high']:.3f}] ({v['method']})" for m, v in r.items()))
    print(f"wrote {args.out}")
