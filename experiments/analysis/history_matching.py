"""History matching in waves against the calibration facts (Vernon et al. 2010; Andrianakis et al. 2015).

Wave 1 is a Latin hypercube over the uniform priors (design method ``waves``). After each
wave, per calibration measure (S1, S2, S3 posts, S3 replies: :func:`calibration.measure_table`),
a Gaussian process (scikit-learn) is fitted to the mean over replicate seeds of every draw
run so far, with the variance of that mean (the pooled seed-to-seed variance over the
draw's seeds) as known noise. A point x of the prior box is *implausible* for a measure when

    I(x) = |target - E[f(x)]| / sqrt(Var[f(x)] + Var_seeds + Var_target)

exceeds :data:`CUTOFF` (3): ``target`` is the middle of the measure's frozen range,
``Var_target = (half-width / 3)^2`` (the range is the 3-sigma band of the observation
tolerance, so a perfect emulator without seed noise keeps exactly the range) and
``Var_seeds`` the pooled variance of one run between seeds (one seed's run must fall in
range, not only the mean). A point is non-implausible when the ``rank``-th largest I over
the measures (1: the largest) is below the cutoff, under the emulators of every wave so far
(the regions are nested). The next wave is the first ``n`` non-implausible points of a
large Latin hypercube of candidates; the waves stop after ``waves`` waves, when the region
shrinks by less than ``min_shrink`` (share of candidates kept, wave on wave; 0 turns this
rule off, so that every wave runs), or when it is empty.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence

import numpy as np
import pandas as pd
from scipy.stats import qmc
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern

CUTOFF = 3.0
"""Implausibility above this rules a point out (Pukelsheim's three-sigma rule, as in Vernon et al. 2010)."""
TOLERANCE_SIGMAS = 3.0
"""The frozen range of a target spans +-3 standard deviations of the observation tolerance."""
IDENTIFIED = 0.5
"""A parameter is called identified when its non-implausible 5-95% range is below this share of its prior range."""


@dataclass(frozen=True)
class Settings:
    """The knobs of the method (``calibrate.*`` in ``configs/experiment/calibrate.yaml``)."""

    waves: int = 4
    cutoff: float = CUTOFF
    rank: int = 1
    candidates: int = 20000
    min_shrink: float = 0.1
    design_seed: int = 0


# ------------------------------------------------------------------ scaling and targets


def unit(points: pd.DataFrame, prior: pd.DataFrame) -> np.ndarray:
    """Points scaled to the unit cube of the prior box (``prior``: index = parameter, ``low``, ``high``)."""
    low, high = prior["low"].to_numpy(float), prior["high"].to_numpy(float)
    return (points[list(prior.index)].to_numpy(float) - low) / (high - low)


def from_unit(x: np.ndarray, prior: pd.DataFrame) -> pd.DataFrame:
    """Unit-cube points back on the prior box, one column per parameter."""
    if not len(x):
        return pd.DataFrame(columns=list(prior.index), dtype=float)
    return pd.DataFrame(qmc.scale(x, prior["low"].to_numpy(float), prior["high"].to_numpy(float)),
                        columns=list(prior.index))


def targets(ranges: pd.DataFrame) -> pd.DataFrame:
    """Per measure: the target (middle of the frozen range) and ``var_target`` (half-width / 3, squared)."""
    low, high = ranges["low"].astype(float), ranges["high"].astype(float)
    return pd.DataFrame({"target": (low + high) / 2, "var_target": ((high - low) / 2 / TOLERANCE_SIGMAS) ** 2})


# ------------------------------------------------------------------ per-draw statistics


def draw_stats(values: pd.DataFrame, point: Sequence[int]) -> Dict[str, pd.DataFrame]:
    """Per draw (design row): ``mean``, ``var`` (between seeds, ddof 1) and ``seeds`` of every measure."""
    grouped = values.groupby(np.asarray(point))
    return {"mean": grouped.mean(), "var": grouped.var(ddof=1), "seeds": grouped.count()}


def pooled_seed_variance(stats: Mapping[str, pd.DataFrame]) -> pd.Series:
    """Per measure: the variance of one run between seeds, pooled over draws (weights: seeds - 1)."""
    dof = (stats["seeds"] - 1).clip(lower=0)
    return (stats["var"].fillna(0) * dof).sum() / dof.sum().where(dof.sum() > 0)


# ------------------------------------------------------------------ the emulator


class Emulator:
    """A Gaussian process of one output over the unit cube, the seed noise of each training mean given.

    Outputs are standardised before the fit; the kernel is a constant times an anisotropic
    Matern 5/2 (one length scale per parameter, the lengths tell how fast the output moves
    along each); ``alpha`` is each training mean's noise variance (seed variance / seeds),
    so the emulator's own variance is what it does not know, not the seed noise.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, noise: np.ndarray, seed: int = 0) -> None:
        self.centre, self.scale = float(np.mean(y)), float(np.std(y)) or 1.0
        d = x.shape[1]
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(np.full(d, 0.5), (1e-2, 1e2), nu=2.5)
        self.gp = GaussianProcessRegressor(kernel, alpha=np.asarray(noise) / self.scale ** 2 + 1e-8,
                                           n_restarts_optimizer=1, random_state=seed)
        with warnings.catch_warnings():  # a length scale at its upper bound: the output ignores that parameter
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.gp.fit(x, (np.asarray(y) - self.centre) / self.scale)

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the output at ``x`` (unit cube)."""
        if not len(x):
            return np.empty(0), np.empty(0)
        mean, sd = self.gp.predict(x, return_std=True)
        return self.centre + self.scale * mean, (self.scale * sd) ** 2


def fit(x: np.ndarray, stats: Mapping[str, pd.DataFrame], measures: Sequence[str],
        seed: int = 0) -> Dict[str, Emulator]:
    """One emulator per measure, on the draws that judged it (their mean over seeds; noise: pooled variance / seeds)."""
    var = pooled_seed_variance(stats)
    out = {}
    for m in measures:
        ok = stats["mean"][m].notna().to_numpy()
        if ok.sum() >= 3:
            out[m] = Emulator(x[ok], stats["mean"][m].to_numpy(float)[ok],
                              var[m] / stats["seeds"][m].to_numpy(float)[ok], seed)
    return out


def implausibility(emulators: Mapping[str, Emulator], x: np.ndarray, goal: pd.DataFrame,
                   seed_var: pd.Series) -> pd.DataFrame:
    """I per measure at the points ``x`` (unit cube): one column per emulated measure."""
    out = {}
    for m, em in emulators.items():
        mean, var = em.predict(x)
        out[m] = np.abs(goal.loc[m, "target"] - mean) / np.sqrt(var + seed_var[m] + goal.loc[m, "var_target"])
    return pd.DataFrame(out)


def worst(table: pd.DataFrame, rank: int = 1) -> pd.Series:
    """The ``rank``-th largest implausibility of each row (1: the largest); NaN when fewer measures."""
    if table.shape[1] < rank:
        return pd.Series(math.nan, index=table.index)
    return pd.Series(-np.sort(-table.to_numpy(float), axis=1)[:, rank - 1], index=table.index)


# ------------------------------------------------------------------ the waves


def candidates(prior: pd.DataFrame, count: int, seed: int, wave: int) -> np.ndarray:
    """The Latin hypercube of candidate points (unit cube) screened after ``wave``."""
    return qmc.LatinHypercube(d=len(prior), seed=np.random.default_rng([seed, wave])).random(count)


@dataclass
class Screen:
    """The region after one wave: which candidates are kept, and the worst implausibility at each."""

    wave: int
    kept: np.ndarray
    worst: np.ndarray
    x: np.ndarray
    emulators: List[Dict[str, Emulator]]


def screen(history: Sequence[Dict[str, Emulator]], x: np.ndarray, goal: pd.DataFrame, seed_var: pd.Series,
           settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Kept (non-implausible under every wave's emulators) and the rank-th largest I of the last wave."""
    kept = np.ones(len(x), dtype=bool)
    last = np.full(len(x), math.nan)
    for emulators in history:
        if not emulators:
            continue
        last = worst(implausibility(emulators, x, goal, seed_var), settings.rank).to_numpy()
        kept &= last < settings.cutoff
    return kept, last


def step(points: pd.DataFrame, values: pd.DataFrame, point: Sequence[int], prior: pd.DataFrame,
         ranges: pd.DataFrame, wave_of: Sequence[int], settings: Settings, cache: Optional[dict] = None) -> Screen:
    """Fit the emulators of waves 1..w on the runs of those waves and screen the candidates.

    ``points``: every draw so far (one row per design row); ``values``: one row per run,
    one column per measure; ``point``: the draw (row of ``points``) of each run;
    ``wave_of``: the wave of each draw. The emulators of wave k see the runs of waves 1..k.
    ``cache`` (wave -> emulators) keeps the emulators of earlier waves between calls.
    """
    goal = targets(ranges.loc[values.columns])
    x_all = unit(points, prior)
    wave_of = np.asarray(wave_of)
    point = np.asarray(point)
    wave = int(wave_of.max())
    cache = {} if cache is None else cache
    for k in range(1, wave + 1):
        if k not in cache or k == wave:
            runs = np.isin(point, np.flatnonzero(wave_of <= k))
            stats = draw_stats(values[runs], point[runs])
            cache[k] = fit(x_all[stats["mean"].index.to_numpy()], stats, list(values.columns), settings.design_seed)
    history = [cache[k] for k in range(1, wave + 1)]
    seed_var = pooled_seed_variance(draw_stats(values, point))
    x = candidates(prior, settings.candidates, settings.design_seed, wave)
    kept, last = screen(history, x, goal, seed_var, settings)
    return Screen(wave, kept, last, x, history)


def next_points(result: Screen, prior: pd.DataFrame, n: int) -> pd.DataFrame:
    """The next wave's draws: the first ``n`` kept candidates (a random subsample of the region)."""
    return from_unit(result.x[result.kept][:n], prior)


def stop_reason(shares: Sequence[float], settings: Settings) -> Optional[str]:
    """Why the waves stop after the last screen (``shares``: share of candidates kept after each wave), or None."""
    if shares[-1] == 0:
        return "the non-implausible region is empty"
    if len(shares) >= settings.waves:
        return f"{settings.waves} waves run"
    if settings.min_shrink > 0 and len(shares) >= 2 and shares[-1] > (1 - settings.min_shrink) * shares[-2]:
        return f"the region shrank by less than {settings.min_shrink:.0%} in the last wave"
    return None


# ------------------------------------------------------------------ the report's tables


def region_summary(region: pd.DataFrame, prior: pd.DataFrame, defaults: Mapping[str, float],
                   default_kept: Optional[bool]) -> pd.DataFrame:
    """Per parameter: prior range, the region's 5/50/95% quantiles, width ratio, identified, the default."""
    rows = []
    for name in prior.index:
        x = region[name].astype(float)
        q05, q50, q95 = (x.quantile([0.05, 0.5, 0.95]) if len(x) else pd.Series([math.nan] * 3)).tolist()
        ratio = (q95 - q05) / (prior.loc[name, "high"] - prior.loc[name, "low"])
        rows.append({"parameter": name, "prior_low": prior.loc[name, "low"], "prior_high": prior.loc[name, "high"],
                     "region_q05": q05, "region_q50": q50, "region_q95": q95, "width_ratio": ratio,
                     "identified": bool(ratio < IDENTIFIED) if np.isfinite(ratio) else None,
                     "default": defaults.get(name, math.nan),
                     "default_in_q05_q95": bool(q05 <= defaults.get(name, math.nan) <= q95) if len(x) else None,
                     "default_point_non_implausible": default_kept})
    return pd.DataFrame(rows)
