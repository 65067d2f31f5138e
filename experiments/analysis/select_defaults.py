"""Choose the defaults from a calibration's non-implausible region, checked by runs rather than by the emulator.

    python -m experiments.analysis.select_defaults docs/calibration [--k 8] [--seeds 101 ... 108] [--jobs 2]
        [--rank margin|p_pass] [--out defaults_selection.csv]

The least implausible point of the region (:mod:`experiments.analysis.defaults`) is where the
emulators are least sure as much as where they expect the targets: implausibility divides by
the emulator's variance, which is largest at the edges of the prior, where few draws ran. In
the calibration of docs/calibration such points missed S2 in most runs. So the defaults are
chosen in two steps, both on points of ``calibration_region.csv`` (so they stay in the region):

1. rank the region's points by their expected *margin*, what Revision 3's pass rule asks
   of a default: the smallest, over the measures, distance of the emulators' mean from the
   nearer end of the frozen range, in seed-to-seed standard deviations (``min over measures
   of min(E - low, high - E) / sd_seeds``; negative outside the range). One seed's run falls
   in range with probability about Phi(margin): 80% needs a margin of about 0.84. The
   emulators are refitted on ``calibration_runs.csv``, as the last wave fitted them; the
   implausibility's distance to the middle of each range would instead favour points far
   inside S1's range at the cost of S2 (S1's middle, 0.85, is out of the model's reach);
   ``--rank p_pass`` ranks instead by the emulators' probability that one seed's run has
   every measure in range (the product over the measures of the normal probability of the
   range, with the emulator's variance added to the seed variance): a point close to one
   bound of a single measure but far inside the others ranks higher than by its margin,
   and one the emulators are unsure of ranks lower;
2. run the ``k`` best at selection seeds (101-108 by default: not the validation's 1-100)
   and judge each measure by Revision 3's rule (mean over seeds in range, at least 80% of
   seeds in range). The defaults are the first point, in the ranking's order, with the
   fewest failed measures (none, when one passes them all).

Writes ``defaults_selection.csv`` next to the region (one row per candidate: parameters, the
expected and observed means, shares of seeds in range, pass) and prints the chosen point as
``key=value`` lines.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Dict, List

import numpy as np
import pandas as pd
from scipy.stats import norm

from experiments.analysis import calibration, validation
from experiments.analysis import history_matching as hm
from sim import GroupCultureModel

SELECTION_SEEDS = tuple(range(101, 109))
"""Seeds of the selection runs: disjoint from the validation's (experiment=validate, seeds 1-100)."""
MARGIN_80 = float(norm.ppf(validation.SEED_SHARE["calibration"]))
"""The expected margin (in seed SDs) at which one seed falls in range with the share the pass rule asks (0.84)."""


def _ranges() -> pd.DataFrame:
    """The frozen ``low`` and ``high`` of every calibration measure (:func:`calibration.measure_table`)."""
    return calibration.ranges()


def _parameters(table: pd.DataFrame) -> List[str]:
    """The parameter columns of a table of candidates (not the expected measures ``E.*``, ``margin``, ``p_pass``)."""
    return [c for c in table.columns if not c.startswith("E.") and c not in RANKINGS]


RANKINGS = ("margin", "p_pass")
"""How the region's points are ranked: expected margin in seed SDs, or probability that one seed passes."""


def expected(folder: Path, rank: str = "margin") -> pd.DataFrame:
    """The region's points with the emulators' expected measures (``E.<measure>``), ``margin`` and ``p_pass``.

    Best first by ``rank`` (one of :data:`RANKINGS`).
    """
    runs = pd.read_csv(folder / "calibration_runs.csv")
    region = pd.read_csv(folder / "calibration_region.csv")
    prior = pd.read_csv(folder / "calibration_parameters.csv").set_index("parameter")
    prior = prior.rename(columns={"prior_low": "low", "prior_high": "high"})[["low", "high"]]
    ranges = _ranges()
    measures = [m for m in ranges.index if m in runs.columns and runs[m].notna().any()]
    draws = runs.groupby("draw")[list(prior.index)].first()
    stats = hm.draw_stats(runs[measures], runs["draw"])
    emulators = hm.fit(hm.unit(draws.loc[stats["mean"].index], prior), stats, measures)
    seed_var = hm.pooled_seed_variance(stats)
    x = hm.unit(region, prior)
    out = region[list(prior.index)].copy()
    margin, p_pass = np.full(len(region), np.inf), np.ones(len(region))
    for m, em in emulators.items():
        mean, var = em.predict(x)
        out[f"E.{m}"] = mean
        low, high = ranges.loc[m, "low"], ranges.loc[m, "high"]
        margin = np.minimum(margin, np.minimum(mean - low, high - mean) / np.sqrt(seed_var[m]))
        sd = np.sqrt(seed_var[m] + var)
        p_pass *= norm.cdf((high - mean) / sd) - norm.cdf((low - mean) / sd)
    out["margin"], out["p_pass"] = margin, p_pass
    return out.sort_values(rank, ascending=False).reset_index(drop=True)


def _run(job) -> Dict[str, float]:
    """One selection run: the calibration measures of the model at a point and seed."""
    point, seed = job
    model = GroupCultureModel(**{**point, "seed": seed})
    model.run()
    values, _ = calibration.measure_table(pd.json_normalize(model.summary()))  # the calibration's own reading
    return values.iloc[0].to_dict()


def judge(observed: pd.DataFrame, ranges: pd.DataFrame) -> pd.Series:
    """Per measure (columns of ``observed``, one row per seed): mean, share of seeds in range, pass.

    Pass is the validation's rule for a calibration target (:func:`experiments.analysis.validation.judge`).
    """
    out = {}
    for m in observed.columns:
        low, high = ranges.loc[m, "low"], ranges.loc[m, "high"]
        inside = observed[m].between(low, high)
        row = validation.judge("fact", m, "calibration", "", observed[m].to_numpy(float), low, high, None, None,
                               seeds_passed=int(inside.sum()))
        out[f"mean.{m}"], out[f"in_range.{m}"], out[f"pass.{m}"] = row["value"], inside.mean(), bool(row["pass"])
    return pd.Series(out)


def select(candidates: pd.DataFrame, seeds: List[int], jobs: int) -> pd.DataFrame:
    """Run every candidate at ``seeds``; the candidates with their verdicts and a ``chosen`` column."""
    points = [{p: float(r[p]) for p in _parameters(candidates)} for _, r in candidates.iterrows()]
    work = [(pt, s) for pt in points for s in seeds]
    with ProcessPoolExecutor(jobs) as pool:
        rows = list(pool.map(_run, work))
    ranges = _ranges()
    observed = pd.DataFrame(rows)
    verdicts = pd.DataFrame([judge(observed.iloc[i * len(seeds):(i + 1) * len(seeds)].reset_index(drop=True), ranges)
                             for i in range(len(points))])
    table = choose(pd.concat([candidates.reset_index(drop=True), verdicts], axis=1))
    table["seeds"] = f"{min(seeds)}-{max(seeds)}"
    return table


def choose(table: pd.DataFrame) -> pd.DataFrame:
    """``failed`` (measures not passed) and ``chosen``: the first row, in the table's order, with the fewest failed."""
    passes = table[[c for c in table if c.startswith("pass.")]].astype(bool)
    table = table.assign(failed=(~passes).sum(axis=1), chosen=False)
    table.loc[table["failed"].idxmin(), "chosen"] = True  # idxmin: the first of equals
    return table


def main(argv: List[str] | None = None) -> None:
    """Rank, run and choose; write ``defaults_selection.csv`` and print the chosen point."""
    parser = argparse.ArgumentParser(prog="python -m experiments.analysis.select_defaults",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a calibration's folder (calibration_region.csv, _runs, _parameters)")
    parser.add_argument("--k", type=int, default=8, help="candidates run (the region's best by expected margin)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SELECTION_SEEDS))
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    parser.add_argument("--rank", choices=RANKINGS, default="margin",
                        help="rank the region by expected margin (seed SDs) or by the probability one seed passes")
    parser.add_argument("--out", default="defaults_selection.csv", help="file name, written in the folder")
    args = parser.parse_args(argv)
    try:
        candidates = expected(args.folder, args.rank).head(args.k)
    except (OSError, KeyError, ValueError) as err:
        sys.exit(f"{args.folder}: {err}")
    table = select(candidates, args.seeds, args.jobs)
    out = args.folder / args.out
    tmp = out.with_suffix(".tmp")
    table.to_csv(tmp, index=False)
    tmp.replace(out)
    chosen = table[table["chosen"]].iloc[0]
    if candidates["margin"].max() < MARGIN_80:
        print(f"# note: the best expected margin is {candidates['margin'].max():.2f} seed SDs, below {MARGIN_80}:"
              " no candidate was expected to pass every measure in 80% of seeds")
    for p in _parameters(candidates):
        print(f"{p}={chosen[p]:.6g}")
    print(f"# failed measures at seeds {chosen['seeds']}: {int(chosen['failed'])}; written {out}")


if __name__ == "__main__":
    main()
