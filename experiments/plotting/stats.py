"""Small statistical tools behind the figures: intervals, survival, inequality.

scipy does the work where it has it: Wilson intervals (``binomtest(...).proportion_ci``)
and Kaplan-Meier with log(-log) Greenwood bands (``ecdf`` on ``CensoredData``). What scipy
lacks is written here: Kaplan-Meier with delayed entry (left truncation), Newcombe's
interval for a difference of proportions, the
order-statistic median interval, Lorenz curves, Gini and top shares; the interval of a mean
over seeds is :func:`experiments.intervals.over_seeds`, and medians and survival curves over
seeds follow its rule: no interval below 3 seeds, a t-interval over the seeds' own medians or
curves with 3-9, and from 10 seeds a bootstrap that resamples seeds (``scipy.stats.bootstrap``). Every function returns
plain numbers or arrays, so the figure tables in :mod:`experiments.plotting.data` can be
checked against published or hand-computed values.
"""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy.stats import CensoredData, binomtest, bootstrap, ecdf

from experiments import intervals
from sim.inequality import gini, top_share  # noqa: F401  (one home; the figures use them from here)

LEVEL = intervals.LEVEL
"""Confidence level of every interval in the figures."""

WITHIN_RUN = {
    "wilson": "Wilson interval over the groups or members of one run",
    "newcombe": "Newcombe interval over the groups of one run",
    "normal over weeks": "normal interval over the weeks of one run",
    "normal over days": "normal interval over the days of one run",
}
"""Intervals from the observations of a single run (its only seed), in words."""


def describe(methods) -> str:
    """The interval methods of a table's ``interval`` column in words, joined by ``; ``."""
    used = set(methods)
    within = [WITHIN_RUN[m] for m in WITHIN_RUN if m in used]
    return "; ".join(text for text in [intervals.describe(used), *within] if text)


def z_value(level: float = LEVEL) -> float:
    """Two-sided standard normal quantile, e.g. 1.95996 for 95%."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson(successes, trials, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (Newcombe 1998, method 3), by scipy.

    Works elementwise on arrays; NaN where ``trials`` is 0. Stays inside [0, 1] and is
    sensible at 0 and n successes, unlike the normal (Wald) interval.
    """
    x, n = np.broadcast_arrays(np.asarray(successes, dtype=float), np.asarray(trials, dtype=float))
    low, high = np.full(x.shape, np.nan), np.full(x.shape, np.nan)
    for i in np.ndindex(x.shape):
        if n[i] > 0:
            ci = binomtest(int(x[i]), int(n[i])).proportion_ci(confidence_level=level, method="wilson")
            # the interval holds the share; keep it so where rounding says otherwise (0 or n)
            low[i], high[i] = min(ci.low, x[i] / n[i]), max(ci.high, x[i] / n[i])
    if low.ndim == 0:
        return low[()], high[()]
    return low, high


def newcombe_difference(x1, n1, x2, n2, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference p1 - p2 of two proportions and its hybrid score interval.

    Newcombe (1998), method 10: combines the two Wilson intervals. Returns
    ``(difference, low, high)``.
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, level)
    l2, u2 = wilson(x2, n2, level)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high


def median_ci(values, level: float = LEVEL) -> tuple[float, float]:
    """Distribution-free interval of a median from order statistics.

    The ranks are ``n/2 -/+ z*sqrt(n)/2`` (normal approximation to Binomial(n, 1/2),
    e.g. the 40th and 61st of 100 sorted values). With few values it widens to the
    minimum and maximum.
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan
    half = z_value(level) * math.sqrt(n) / 2
    lo_rank = max(1, math.floor(n / 2 - half))
    hi_rank = min(n, math.ceil(1 + n / 2 + half))
    return float(x[lo_rank - 1]), float(x[hi_rank - 1])


MEDIAN_BOOTSTRAP = "bootstrap of seeds"
MEDIAN_WITHIN_RUN = "order statistics"
"""The two intervals of a pooled median besides :mod:`experiments.intervals`' own methods."""


def median_over_seeds(values, seeds, level: float = LEVEL, n_resamples: int = 1000) -> tuple[float, float, str]:
    """Interval of the median of values pooled over seeds, with seeds (not values) as the units.

    Values of one seed (the groups of one run) are not independent. Returns ``(low, high,
    method)``: one seed, :func:`median_ci` (``order statistics``); 2-9 seeds, the interval of
    :func:`experiments.intervals.over_seeds` over each seed's own median (none below 3
    seeds, Student t from 3); from 10 seeds, the seeds are resampled with replacement
    (``scipy.stats.bootstrap`` on the seed labels) and the pooled median recomputed with each
    seed weighted by how often it was drawn (``bootstrap of seeds``). A band always holds
    the pooled median.
    """
    x, s = np.asarray(values, dtype=float), np.asarray(seeds)
    keep = ~np.isnan(x)
    x, s = x[keep], s[keep]
    units, unit_of = np.unique(s.astype(str), return_inverse=True)
    if len(units) < 2:
        return (*median_ci(x, level), MEDIAN_WITHIN_RUN)
    median = float(np.median(x))
    if len(units) < intervals.BOOTSTRAP_FROM:
        per_seed = pd.Series(x).groupby(unit_of).median()
        _, low, high, _, method = intervals.over_seeds(per_seed.to_numpy(), level)
        return (min(low, median), max(high, median), method) if math.isfinite(low) else (low, high, method)
    order = np.argsort(x, kind="stable")
    xs, us = x[order], unit_of[order]

    def weighted_median(idx, axis=-1):
        idx = np.asarray(idx, dtype=int)
        drawn = (idx[..., :, None] == np.arange(len(units))).sum(axis=-2)  # times each seed was drawn
        cum = np.cumsum(drawn[..., us], axis=-1)
        return xs[(cum < cum[..., -1:] / 2).sum(axis=-1)]

    res = bootstrap((np.arange(len(units)),), weighted_median, vectorized=True, confidence_level=level,
                    n_resamples=n_resamples, method="percentile", rng=np.random.default_rng(0))
    low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return min(low, median), max(high, median), MEDIAN_BOOTSTRAP


def mean_ci(values, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and its normal-approximation interval ``mean -/+ z*sd/sqrt(n)``.

    Returns ``(mean, low, high)``; the interval is NaN with fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if n < 2:
        return m, math.nan, math.nan
    half = z_value(level) * float(x.std(ddof=1)) / math.sqrt(n)
    return m, m - half, m + half


def kaplan_meier(durations, events, level: float = LEVEL, entry=None) -> pd.DataFrame:
    """Kaplan-Meier survival curve with Greenwood log(-log) confidence band.

    Args:
        durations: time to the event or to censoring, one per subject.
        events: True where the event happened at that time, False where the subject
            was censored (still event-free when last seen). Subjects censored at a time
            with events are counted as at risk at that time.
        level: confidence level of the band.
        entry: delayed entry (left truncation): the time at which each subject was first
            seen, event-free; it is at risk at times ``t`` with ``entry < t <= duration``.
            Subjects must have ``duration > entry``. Default: all enter at 0.

    Without delayed entry scipy computes the curve and band (``ecdf``); scipy has no
    delayed entry, so with it the product-limit estimate and Greenwood's variance are
    computed here (:func:`_product_limit`), the same formulas with the risk sets shrunk.

    Returns:
        One row for time 0 and one per distinct time: ``time, at_risk, events,
        censored, survival, ci_low, ci_high``. The band is 1 before the first event
        and 0 once survival reaches 0 (where log(-log) is undefined).
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=bool)
    if t.shape != e.shape:
        raise ValueError("durations and events differ in length")
    start = np.zeros_like(t) if entry is None else np.asarray(entry, dtype=float)
    keep = ~np.isnan(t)
    t, e, start = t[keep], e[keep], start[keep]
    if np.any((start > 0) & (start >= t)):
        raise ValueError("every subject needs duration > entry (leave out those with the event before entry)")
    times = np.unique(t)
    entered = (start[None, :] < times[:, None]) | (start[None, :] <= 0)  # entry 0: at risk from the start
    at_risk = (entered & (t[None, :] >= times[:, None])).sum(axis=1).astype(float)
    deaths = (e[None, :] & (t[None, :] == times[:, None])).sum(axis=1).astype(float)
    censored = (~e[None, :] & (t[None, :] == times[:, None])).sum(axis=1).astype(float)
    surv, low, high = np.ones(len(times)), np.ones(len(times)), np.ones(len(times))
    if e.any() and not start.any():
        sf = ecdf(CensoredData(uncensored=t[e], right=t[~e])).sf
        surv = sf.evaluate(times)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # undefined where survival is 0 or 1
            band = sf.confidence_interval(confidence_level=level, method="log-log")
            low, high = band.low.evaluate(times), band.high.evaluate(times)
    elif e.any():
        surv, low, high = _product_limit(at_risk, deaths, level)
    low = np.where(surv >= 1, 1.0, np.where(surv <= 0, 0.0, low))
    high = np.where(surv >= 1, 1.0, np.where(surv <= 0, 0.0, high))
    n = float(np.sum(start <= 0))
    table = pd.DataFrame(
        {
            "time": np.concatenate([[0.0], times]),
            "at_risk": np.concatenate([[n], at_risk]),
            "events": np.concatenate([[0.0], deaths]),
            "censored": np.concatenate([[0.0], censored]),
            "survival": np.concatenate([[1.0], surv]),
            "ci_low": np.concatenate([[1.0], low]),
            "ci_high": np.concatenate([[1.0], high]),
        }
    )
    # Time 0 itself may be a distinct time (dormant from the start): keep its row only.
    return table.drop_duplicates("time", keep="last").reset_index(drop=True)


def _product_limit(at_risk: np.ndarray, deaths: np.ndarray, level: float) -> tuple:
    """Kaplan-Meier ``prod(1 - d / n)`` with Greenwood's log(-log) band, from risk sets and events per time."""
    hazard = np.divide(deaths, at_risk, out=np.zeros_like(deaths), where=at_risk > 0)
    surv = np.cumprod(1.0 - hazard)
    left = at_risk - deaths
    greenwood = np.cumsum(np.divide(deaths, at_risk * left, out=np.zeros_like(deaths), where=left > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(surv)
        half = z_value(level) * np.sqrt(greenwood) / np.abs(log_s)  # on the scale of log(-log S)
        low, high = surv ** np.exp(half), surv ** np.exp(-half)
    return surv, low, high


def kaplan_meier_over_seeds(durations, events, seeds, level: float = LEVEL, n_resamples: int = 1000,
                            entry=None) -> pd.DataFrame:
    """Kaplan-Meier of all groups, with a band over seeds instead of groups.

    Groups of one seed share members and random streams, so Greenwood's band (groups as
    independent units) is too narrow for groups pooled over seeds. From 10 seeds the seeds
    are resampled with replacement (a cluster bootstrap, ``scipy.stats.bootstrap`` on the
    seed labels) and the curve is recomputed from the resampled seeds' at-risk and event
    counts; the band is the percentile interval at each time (``interval`` = ``seeds``).
    With 2-9 seeds, each seed's own curve is computed and the band at each time is the
    interval of :func:`experiments.intervals.over_seeds` over them (``t``; none below 3
    seeds), cut to [0, 1]. Same columns as :func:`kaplan_meier`, plus ``interval``; with one
    seed, :func:`kaplan_meier` with ``interval`` = ``greenwood``. A band always holds the curve.
    ``entry``: delayed entry, as for :func:`kaplan_meier`.
    """
    table = kaplan_meier(durations, events, level, entry)
    t, e, s = (np.asarray(a) for a in (durations, events, seeds))
    start = np.zeros(len(t)) if entry is None else np.asarray(entry, dtype=float)
    keep = ~np.isnan(t.astype(float))
    t, e, s, start = t[keep].astype(float), e[keep].astype(bool), s[keep], start[keep]
    units = pd.unique(s)
    if len(units) < 2:
        return table.assign(interval="greenwood")
    times = table["time"].to_numpy()
    member = s[None, :] == units[:, None]  # seeds x groups
    entered = (start[:, None] < times[None, :]) | (start[:, None] <= 0)
    at_risk = member.astype(float) @ ((t[:, None] >= times[None, :]) & entered)  # seeds x times
    deaths = member.astype(float) @ (e[:, None] & (t[:, None] == times[None, :]))
    if len(units) < intervals.BOOTSTRAP_FROM:
        hazard = np.divide(deaths, at_risk, out=np.zeros_like(deaths), where=at_risk > 0)
        curves = np.cumprod(1 - hazard, axis=-1)  # seeds x times
        bands = [intervals.over_seeds(curves[:, j], level) for j in range(len(times))]
        low, high = np.array([b.low for b in bands]), np.array([b.high for b in bands])
        survival = table["survival"].to_numpy()
        low, high = np.clip(low, 0.0, None), np.clip(high, None, 1.0)  # a share: t's band may reach past 0 or 1
        table["ci_low"] = np.where(np.isfinite(low), np.minimum(low, survival), np.nan)
        table["ci_high"] = np.where(np.isfinite(high), np.maximum(high, survival), np.nan)
        return table.assign(interval=bands[0].method)

    def curve(idx, axis=-1):
        idx = np.asarray(idx, dtype=int)
        ar, d = at_risk[idx].sum(axis=-2), deaths[idx].sum(axis=-2)
        hazard = np.divide(d, ar, out=np.zeros_like(d), where=ar > 0)
        return np.moveaxis(np.cumprod(1 - hazard, axis=-1), -1, 0)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # times where every resample agrees
        res = bootstrap((np.arange(len(units)),), curve, vectorized=True, confidence_level=level,
                        n_resamples=n_resamples, method="percentile", rng=np.random.default_rng(0))
    table["ci_low"] = np.minimum(res.confidence_interval.low, table["survival"])
    table["ci_high"] = np.maximum(res.confidence_interval.high, table["survival"])
    return table.assign(interval="seeds")


def lorenz(values, max_points: int = 1001) -> pd.DataFrame:
    """Lorenz curve: share of the total held by the poorest share of people.

    Returns ``share_people, share_total`` from (0, 0) to (1, 1), one point per person
    plus the origin; with more than ``max_points`` people, evenly spaced points of the
    curve are kept (always the ends). NaN shares when the total is 0.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    total = x.sum()
    people = np.arange(n + 1) / max(n, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        held = np.concatenate([[0.0], np.cumsum(x)]) / total if total > 0 else np.full(n + 1, np.nan)
    if n + 1 > max_points:
        idx = np.unique(np.linspace(0, n, max_points).round().astype(int))
        people, held = people[idx], held[idx]
    return pd.DataFrame({"share_people": people, "share_total": held})
