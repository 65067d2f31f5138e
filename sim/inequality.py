"""Participation inequality: Gini and top shares.

One home for the run summary, the stylized facts (S2) and the figures
(:mod:`experiments.plotting.stats` re-exports them).
"""

from __future__ import annotations

import math

import numpy as np


def gini(values) -> float:
    """Gini coefficient of non-negative values (NaN when empty or summing to 0); 0.75 for [0, 0, 0, 10]."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return math.nan
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def top_share(values, fraction: float = 0.01) -> float:
    """Share of the total held by the top ``fraction`` of entries (at least one entry)."""
    x = np.sort(np.asarray(values, dtype=float))[::-1]
    if len(x) == 0 or x.sum() <= 0:
        return math.nan
    k = max(1, math.ceil(fraction * len(x) - 1e-9))
    return float(x[:k].sum() / x.sum())
