"""CPU time of history matching's emulator (experiments/analysis/history_matching.py): fit and screen.

    python -m benchmarks emulator                     # 200, 600 and 1,000 draws of 5 parameters
    python -m benchmarks emulator --draws 1000 2000

One Gaussian process per measure is fitted after each wave on every draw so far, then
predicts at the candidates screened (20,000 by default). A smooth synthetic output with
seed noise stands in for the model's (the cost depends on the number of draws, not on the
output). Writes benchmarks/results/emulator.json; times are CPU seconds of this process
(BLAS threads included).
"""

import argparse
import json

import numpy as np

from benchmarks.throughput import RESULTS, Clock, machine
from experiments.analysis import history_matching as hm


def register(commands) -> None:
    """Add ``emulator`` to the harness's subcommands."""
    ap = commands.add_parser("emulator", help="CPU time of history matching's Gaussian-process emulator",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--draws", type=int, nargs="+", default=[200, 600, 1000])
    ap.add_argument("--parameters", type=int, default=5)
    ap.add_argument("--candidates", type=int, default=hm.Settings().candidates)
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Fit and screen at each number of draws; write the CPU seconds."""
    rng = np.random.default_rng(0)
    rows = []
    for n in args.draws:
        x = rng.random((n, args.parameters))
        y = np.sin(3 * x[:, 0]) + x[:, 1] ** 2 + rng.normal(0, 0.05, n)
        clock = Clock()
        em = hm.Emulator(x, y, np.full(n, 0.05 ** 2 / 2))
        fit = clock.lap()
        em.predict(rng.random((args.candidates, args.parameters)))
        rows.append({"draws": n, "parameters": args.parameters, "fit": fit, "candidates": args.candidates,
                     "predict": clock.lap()})
    out = {"command": "python -m benchmarks emulator --draws " + " ".join(map(str, args.draws)),
           "machine": machine(), "rows": rows}
    path = RESULTS / "emulator.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(rows, indent=2))
    print(f"-> {path}")
