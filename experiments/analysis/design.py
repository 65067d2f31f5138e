"""Deterministic designs: the same (method, n, factors, seed) always gives the same points.

A factor table maps a dotted config key to its range ``[low, high]`` (uniform). The
sensitivity and calibration experiments state theirs in ``configs/experiment/*.yaml``
under ``hydra.sweeper.factors``. Methods:

* ``morris``: ``n`` trajectories of ``D + 1`` points (SALib ``morris.sample``, 4 levels);
* ``sobol``: ``n * (D + 2)`` points (SALib's Saltelli/Sobol' sequence, first and total
  order only); ``n`` should be a power of 2;
* ``prior``: ``n`` Latin-hypercube draws from the uniform prior (scipy ``qmc``), for ABC;
* ``waves``: history matching (:mod:`experiments.analysis.waves`); wave 1 is the design of
  ``prior``, each later wave ``n`` draws inside the region the earlier ones left;
* ``none``: one point (the configuration as composed): replicate seeds only;
* ``sets``: the first ``n`` rows of a table of parameter sets (``calibration_accepted.csv``
  of a calibration sweep, :func:`parameter_sets`), each labelled ``param_set`` = its row.
"""

from __future__ import annotations

from typing import Dict, List, Mapping, Sequence

import numpy as np
import pandas as pd

METHODS = ("morris", "sobol", "prior", "none", "sets", "waves")
SET_COLUMN = "param_set"
"""The run-level key that labels a job with its parameter set (method ``sets``)."""
MORRIS_LEVELS = 4


def problem(factors: Mapping[str, Sequence[float]]) -> Dict:
    """SALib's problem dict of a factor table (one uniform range per key)."""
    for key, bounds in factors.items():
        if len(bounds) != 2 or not float(bounds[0]) < float(bounds[1]):
            raise ValueError(f"factor {key} = {list(bounds)}: allowed [low, high] with low < high")
    return {
        "num_vars": len(factors),
        "names": list(factors),
        "bounds": [[float(lo), float(hi)] for lo, hi in factors.values()],
    }


def design(method: str, n: int, factors: Mapping[str, Sequence[float]], seed: int) -> pd.DataFrame:
    """The design points, one row per point, one column per factor (unrounded)."""
    if method not in METHODS:
        raise ValueError(f"design method = {method!r}: allowed {', '.join(METHODS)}")
    if method == "none":
        return pd.DataFrame(index=pd.RangeIndex(1))
    if n < 1:
        raise ValueError(f"design n = {n}: allowed a positive base sample size")
    prob = problem(factors)
    if not factors:
        raise ValueError(f"design method = {method!r} needs factors: allowed a mapping key -> [low, high]")
    if method == "morris":
        from SALib.sample import morris

        x = morris.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)
    elif method == "sobol":
        from SALib.sample import sobol

        x = sobol.sample(prob, n, calc_second_order=False, scramble=True, seed=seed)
    else:
        from scipy.stats import qmc

        bounds = np.array(prob["bounds"])
        x = qmc.scale(qmc.LatinHypercube(d=prob["num_vars"], seed=seed).random(n), bounds[:, 0], bounds[:, 1])
    return pd.DataFrame(x, columns=prob["names"])


def parameter_sets(path: str, n: int, sample: int | None = None) -> pd.DataFrame:
    """``n`` parameter sets of a CSV, one column per parameter, and ``param_set`` (0, 1, ...).

    The file's first ``n`` rows; with ``sample`` (a seed), ``n`` rows drawn at random without
    replacement by numpy's generator of that seed, in the order drawn (a region's file is
    not in random order: its first rows can sit in one corner of it).

    The parameters are the columns named by config keys: in ``calibration_accepted.csv`` every
    column but the fact values (``fact.*``) and ``distance``; in ``calibration_region.csv`` of
    history matching every column but the implausibilities (``I.*``). Raises ``ValueError`` (one line)
    for a file that is not such a table.
    """
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"param_sets.path = {path!r} cannot be read as CSV ({type(exc).__name__}): allowed"
                         " calibration_accepted.csv of a calibration sweep") from None
    keys = [c for c in table.columns if not c.startswith(("fact.", "I.")) and c not in ("distance", SET_COLUMN)]
    if not keys or table.empty or not table[keys].map(np.isreal).all().all():
        raise ValueError(f"param_sets.path = {path!r} holds no numeric parameter columns: allowed"
                         " calibration_accepted.csv (one column per model key, one row per accepted set)")
    rows = (np.random.default_rng(sample).choice(len(table), size=min(n, len(table)), replace=False)
            if sample is not None else np.arange(min(n, len(table))))
    sets = table[keys].iloc[rows].astype(float).reset_index(drop=True)
    return sets.assign(**{SET_COLUMN: np.arange(len(sets))})


def not_accepted(path: str) -> int:
    """Rows of a parameter-set file farther than 0 from the targets (nearest draws, not a posterior)."""
    table = pd.read_csv(path)
    return int((pd.to_numeric(table.get("distance", pd.Series(dtype=float)), errors="coerce") > 0).sum())


def applied(points: pd.DataFrame, integer_keys: Sequence[str]) -> pd.DataFrame:
    """The values a job is given: integer parameters rounded, floats as they are."""
    out = points.copy()
    for key in integer_keys:
        if key in out:
            out[key] = out[key].round().astype(int)
    return out


def overrides(points: pd.DataFrame) -> List[List[str]]:
    """Hydra override strings of each point (``repr`` keeps floats exact)."""
    return [[f"{key}={value!r}" for key, value in row.items()] for row in points.to_dict("records")]


def _keys(values: np.ndarray) -> List[tuple]:
    return [tuple(np.round(row, 9)) for row in values]


def first_rows(points: pd.DataFrame) -> np.ndarray:
    """For each design row, the first row with the same values.

    A Morris grid can repeat a point; the model is deterministic, so a repeated point
    shares the results of its jobs.
    """
    first: dict = {}
    return np.array([first.setdefault(k, i) for i, k in enumerate(_keys(points.to_numpy(float)))], dtype=int)


def match_points(jobs: pd.DataFrame, points: pd.DataFrame) -> pd.Series:
    """The (first) design row of each job, found from its overrides (-1 when it matches none)."""
    if points.shape[1] == 0:
        return pd.Series(0, index=jobs.index)
    if not set(points.columns) <= set(jobs.columns):
        return pd.Series(-1, index=jobs.index)
    rows = first_rows(points)
    key = {k: int(rows[i]) for i, k in enumerate(_keys(points.to_numpy(float)))}
    values = jobs[list(points.columns)].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    return pd.Series([key.get(k, -1) for k in _keys(values)], index=jobs.index)
