"""Seeds needed to detect a 5-point change in share thriving, from a sweep's per-seed spread.

    python -m benchmarks power MULTIRUN_DIR [--delta 0.05]

Per cell (the swept values other than seed): mean and SD over seeds of share thriving, of
the null's share and of the excess; the SD of the difference between two cells at the
same seed (paired by seed); and n = ((z_0.975 + z_0.8) * sd / delta)^2 seeds for a
two-sided 5% test with 80% power.
"""

import argparse
import math

import pandas as pd

from experiments.analysis.power import seeds_needed
from experiments.plotting.load import load


def register(commands) -> None:
    """Add ``power`` to the harness's subcommands."""
    ap = commands.add_parser("power", help="probe: seeds needed to detect a 5-point change, from a sweep",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", metavar="MULTIRUN_DIR")
    ap.add_argument("--delta", type=float, default=0.05)
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Read the sweep and print the per-cell spread and the seeds needed."""
    r = load(args.path)
    rows = [{"seed": j.seed, **{k: v for k, v in j.overrides.items() if k != "seed"},
             "model": j.summary["share_thriving"], "null": j.summary["null"]["share_thriving"],
             "excess": j.summary["excess"]["share_thriving"]} for j in r.jobs]
    df = pd.DataFrame(rows)
    cells = [c for c in df.columns if c not in ("seed", "model", "null", "excess")]
    n = lambda sd: seeds_needed(sd, args.delta)  # noqa: E731
    per_cell = df.groupby(cells)[["model", "null", "excess"]].agg(["mean", "std"])
    per_cell["seeds_for_model_vs_null"] = per_cell[("excess", "std")].map(n)
    print(per_cell.round(3).to_string())
    wide = df.pivot_table(index="seed", columns=cells, values="model")
    diffs = wide.diff(axis=1).iloc[:, 1:]
    print("\nSD over seeds of the difference between neighbouring cells (paired by seed):")
    print(diffs.std().round(3).to_string())
    print("\nmedian SD of one cell's share thriving:", round(df.groupby(cells).model.std().median(), 3),
          "-> seeds for a 5-point difference between two cells, unpaired:",
          n(df.groupby(cells).model.std().median() * math.sqrt(2)),
          "; paired by seed:", n(diffs.std().median()))
