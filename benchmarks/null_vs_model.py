"""The model against its null, per seed (default scale): shares, size curves and stylized facts of both.

    python -m benchmarks null-vs-model [SEED ...] [--weeks N] [--size N] [--groups N]

Prints one JSON line per seed and the per-seed shares by size class.
"""

import argparse
import json
import time

import numpy as np
import pandas as pd

from sim import null
from sim.model import GroupCultureModel

EDGES = [0, 100, 200, 400, 800, 1600, np.inf]

def register(commands) -> None:
    """Add ``null-vs-model`` to the harness's subcommands."""
    ap = commands.add_parser("null-vs-model", help="probe: the model against its null, per seed",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seeds", metavar="SEED", type=int, nargs="*", default=[1, 2, 3])
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--size", type=int, default=20000)
    ap.add_argument("--groups", type=int, default=150)
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Run each seed and its null; print one JSON line per seed."""
    for seed in args.seeds:
        t = time.time()
        m = GroupCultureModel(seed=seed, **{"population.size": args.size, "groups.count": args.groups,
                                            "duration.weeks": args.weeks, "duration.spinup_weeks": 0})
        m.run()
        tables = m.tables()
        s = m.summary(tables)
        g = tables["groups"]
        nul = null.null_tables(tables, m.params.classification, seed, replicates=10)
        ng = pd.concat([d["groups"] for d in nul])
        bins = lambda x: pd.cut(x.initial_size, EDGES, right=False)  # noqa: E731
        model_curve = g.assign(t=g.final_state.astype(str).eq("thriving")).groupby(bins(g), observed=False).t.mean()
        null_curve = ng.assign(t=ng.final_state.astype(str).eq("thriving")).groupby(bins(ng), observed=False).t.mean()
        f = s["stylized_facts"]
        print(json.dumps({
            "seed": seed, "seconds": round(time.time() - t, 1),
            "share_thriving": s["share_thriving"], "share_dormant": s["share_dormant"],
            "null": {k: s["null"][k] for k in ("share_thriving", "share_dormant", "size50_by_charter",
                                               "posts_per_1000_member_weeks")},
            "null_per_charter": {k: s["null"]["per_charter_rate"][k] for k in ("share_thriving", "share_dormant",
                                                                               "size50_by_charter")},
            "size50": s["size50_by_charter"], "excess": s["excess"],
            "model_by_size": model_curve.round(3).tolist(), "null_by_size": null_curve.round(3).tolist(),
            "facts": {k: {"value": v["value"], "pass": v["pass"],
                          "measures": {n: x["value"] for n, x in v["measures"].items()},
                          **({"comparison": v["comparison"]} if "comparison" in v else {})} for k, v in f.items()},
            "per_capita": s["median_group_posts_per_1000_member_weeks_by_charter"],
            "breadth": s["median_group_breadth_by_charter"],
        }), flush=True)
