"""Approximate Bayesian computation by rejection, against the calibration facts only.

Each prior draw (a design point of method ``prior``) is run over replicate seeds; its
distance to the targets is, per calibration fact, how far the mean over seeds lies
outside the fact's frozen range ``[low, high]``, in units of the range's width (0 inside),
and overall the largest of these. Draws with distance <= ``epsilon`` are accepted: with
``epsilon = 0`` the posterior is the prior restricted to the draws that meet every
calibration target. When none qualifies, the ``quantile`` nearest draws are kept instead
and the summary says so (they are the region to widen the search around, not a
posterior).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
import pandas as pd

QUANTILES = (0.05, 0.5, 0.95)


def distances(values: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """Per-fact distance outside the range (columns of ``values`` = facts, ``ranges`` rows)."""
    low = ranges.loc[values.columns, "low"].astype(float)
    high = ranges.loc[values.columns, "high"].astype(float)
    width = (high - low).where(high > low, 1.0)
    below = (low - values).clip(lower=0)
    above = (values - high).clip(lower=0)
    return (below + above) / width


def abc_reject(points: pd.DataFrame, values: pd.DataFrame, ranges: pd.DataFrame, epsilon: float = 0.0,
               quantile: float = 0.1) -> Tuple[pd.DataFrame, bool]:
    """Accepted draws (parameters, fact values, distance), and whether they met ``epsilon``.

    Args:
        points: one row per prior draw, one column per parameter.
        values: the same rows, one column per calibration fact (mean over seeds; NaN rows
            are never accepted).
        ranges: index = fact, columns ``low`` and ``high`` (the frozen target ranges).
        epsilon: tolerance on the largest per-fact distance.
        quantile: share of nearest draws kept when none is within ``epsilon``.
    """
    dist = distances(values, ranges).max(axis=1, skipna=False)
    table = pd.concat([points, values.add_prefix("fact."), dist.rename("distance")], axis=1)
    table = table[np.isfinite(table["distance"])]
    accepted = table[table["distance"] <= epsilon]
    if len(accepted):
        return accepted.sort_values("distance"), True
    keep = max(1, int(np.ceil(quantile * len(table))))
    return table.nsmallest(keep, "distance"), False


def posterior_summary(accepted: pd.DataFrame, prior: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior range, accepted count, mean, sd and the 5/50/95% quantiles."""
    rows = []
    for name in prior.index:
        x = accepted[name].astype(float)
        q = x.quantile(list(QUANTILES)) if len(x) else pd.Series(np.nan, index=QUANTILES)
        rows.append({
            "parameter": name, "prior_low": prior.loc[name, "low"], "prior_high": prior.loc[name, "high"],
            "accepted": len(x), "mean": x.mean(), "sd": x.std(ddof=1) if len(x) > 1 else np.nan,
            **{f"q{int(100 * p):02d}": q[p] for p in QUANTILES},
        })
    return pd.DataFrame(rows)
