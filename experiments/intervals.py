"""The interval of a mean over seeds: the one rule every figure, table and benchmark uses.

Seeds are the independent units (the groups or weeks of one run are not). The method
depends on how many seeds there are:

- fewer than :data:`MIN_SEEDS` (3): no interval (NaN), method ``"none (n<3)"``;
- 3 to 9: Student's t-interval (``scipy.stats.t``), method ``"t"``;
- :data:`BOOTSTRAP_FROM` (10) or more: percentile bootstrap over seeds
  (``scipy.stats.bootstrap`` with a fixed resampling stream), method ``"bootstrap"``.

When every seed gives the same value the interval is that value (both methods would
return NaN or a point). The result names its method, so a figure's note or a table's
column can state it.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy import stats

LEVEL = 0.95
"""Confidence level of every interval over seeds."""
MIN_SEEDS = 3
"""Fewer seeds than this: no interval."""
BOOTSTRAP_FROM = 10
"""From this many seeds on, a percentile bootstrap instead of the t-interval."""
N_RESAMPLES = 2000
RESAMPLING_SEED = 0
"""Seed of the bootstrap's resampling stream: the same values give the same interval."""

NONE, T, BOOTSTRAP = f"none (n<{MIN_SEEDS})", "t", "bootstrap"
METHOD_TEXT = {
    NONE: f"no interval with fewer than {MIN_SEEDS} seeds",
    T: "Student t-interval over seeds",
    BOOTSTRAP: "percentile bootstrap over seeds",
}
"""Each method in words, for a figure's note."""
RULE = (f"95% interval over seeds: none below {MIN_SEEDS} seeds, Student t with {MIN_SEEDS}-{BOOTSTRAP_FROM - 1},"
        f" percentile bootstrap from {BOOTSTRAP_FROM}")
"""The rule in one sentence, for a report's header."""


class Interval(NamedTuple):
    """A mean over seeds with its interval: ``mean, low, high, n`` (seeds used) and ``method``."""

    mean: float
    low: float
    high: float
    n: int
    method: str


def over_seeds(values, level: float = LEVEL, method: str | None = None) -> Interval:
    """Mean of one value per seed and its ``level`` interval, by the rule of this module.

    NaN values are dropped (a seed that did not measure the value); with none left the
    mean is NaN too. ``method="t"`` asks for Student's t-interval whatever the number of
    seeds (3 or more), for a judgement whose rule names it (S6 in MODEL_BRIEF Revision 3).
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    n = len(x)
    mean = float(x.mean()) if n else math.nan
    if n < MIN_SEEDS:
        return Interval(mean, math.nan, math.nan, n, NONE)
    if method not in (None, T):
        raise ValueError(f"method = {method!r}: allowed None (the rule of this module) or {T!r}")
    method = method or (T if n < BOOTSTRAP_FROM else BOOTSTRAP)
    if np.ptp(x) == 0:
        return Interval(mean, mean, mean, n, method)
    if method == T:
        low, high = stats.t.interval(level, n - 1, loc=mean, scale=stats.sem(x))
    else:
        res = stats.bootstrap((x,), np.mean, confidence_level=level, n_resamples=N_RESAMPLES,
                              method="percentile", rng=np.random.default_rng(RESAMPLING_SEED))
        low, high = res.confidence_interval
    return Interval(mean, float(low), float(high), n, method)


def describe(methods) -> str:
    """The methods used (e.g. a table's ``method`` column) in words, joined by ``; ``."""
    used = [m for m in METHOD_TEXT if m in set(methods)]
    return "; ".join(METHOD_TEXT[m] for m in used)
