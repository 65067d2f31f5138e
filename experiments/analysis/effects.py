"""Paired effects of switching a mechanism: each variant minus the baseline at the same seed, over seeds.

The jobs of a sweep such as ``trait_ablation`` or ``interventions`` run every variant at the
same seeds, so a variant's effect on an output is taken seed by seed (variant minus baseline
at that seed; the spread between seeds cancels) and its interval is over those per-seed
differences (:func:`experiments.intervals.over_seeds`: none below 3 seeds, t with 3-9,
bootstrap from 10). An effect whose interval holds 0 is not detectable with these seeds.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from experiments.intervals import over_seeds


def paired_effects(jobs: pd.DataFrame, column: str, baseline: str, outputs: Sequence[str]) -> pd.DataFrame:
    """Per variant of ``column`` and output: the mean paired difference from ``baseline`` and its interval.

    ``jobs`` has one row per job with ``seed``, ``column`` and the ``outputs``; jobs of one
    seed and variant are averaged first. Returns ``variant, output, effect, low, high, seeds,
    method, detectable`` (the interval excludes 0), the variants ranked by the absolute
    effect on the first output.
    """
    per_seed = jobs.assign(**{column: jobs[column].astype(str)}).groupby([column, "seed"])[list(outputs)].mean()
    base = per_seed.xs(str(baseline), level=column)
    rows = []
    for variant in per_seed.index.get_level_values(column).unique():
        if variant == str(baseline):
            continue
        diff = per_seed.xs(variant, level=column).sub(base).dropna(how="all")
        for output in outputs:
            ci = over_seeds(diff[output].to_numpy())
            rows.append({"variant": variant, "output": output, "effect": ci.mean, "low": ci.low, "high": ci.high,
                         "seeds": ci.n, "method": ci.method,
                         "detectable": bool(np.isfinite(ci.low) and (ci.low > 0 or ci.high < 0))})
    out = pd.DataFrame(rows, columns=["variant", "output", "effect", "low", "high", "seeds", "method", "detectable"])
    first = out[out["output"] == outputs[0]].set_index("variant")["effect"].abs()
    order = {v: i for i, v in enumerate(first.sort_values(ascending=False, kind="stable").index)}
    return out.sort_values(["variant", "output"], key=lambda s: s.map(order) if s.name == "variant" else s.map(
        {o: i for i, o in enumerate(outputs)})).reset_index(drop=True)
