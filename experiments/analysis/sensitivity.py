"""Morris and Sobol indices from a design and its outputs (SALib), with what is missing.

The design is regenerated from the sweep's config (:func:`experiments.analysis.design.design`);
each output is the mean over a point's replicate seeds. SALib needs whole Morris
trajectories (``D + 1`` points) or whole Sobol blocks (``D + 2`` points): an incomplete
one (a job failed, is missing, or its output is NaN) is left out, and the count of those
used is reported, so a resumed or partly failed sweep is analysed on what it has.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np
import pandas as pd

from experiments.analysis import design, outputs

COLUMNS = ["parameter", "output", "index", "value", "conf"]
CONF_LEVEL = 0.95
RESAMPLES = 1000
HOLDS = 0.95
"""An answer holds across the region when its sign (a direction) or its fact's target range (S1-S3)
holds at this share of the design points at least."""
CHARTER_FACTORS = "charters."
"""Factors whose key starts so are the hand-set charter values."""


def complete_units(y: np.ndarray, size: int) -> np.ndarray:
    """Boolean mask of the units (consecutive blocks of ``size`` rows) with no NaN."""
    return np.isfinite(y.reshape(-1, size)).all(axis=1)


def indices(method: str, factors: Dict, points: pd.DataFrame, y: np.ndarray, seed: int = 0) -> Tuple[pd.DataFrame, int]:
    """Long table of one output's indices, and the number of trajectories/blocks used.

    Args:
        method: ``morris`` or ``sobol``.
        factors: the factor table the design was made from.
        points: the unrounded design (rows in design order).
        y: the output at each point (NaN where missing).
        seed: seed of SALib's bootstrap of the confidence intervals.
    """
    prob = design.problem(factors)
    d = prob["num_vars"]
    size = d + 1 if method == "morris" else d + 2
    keep = np.repeat(complete_units(np.asarray(y, float), size), size)
    used = int(keep.sum() // size)
    if used < 2:
        return pd.DataFrame(columns=COLUMNS), used
    x, yk = points.to_numpy(float)[keep], np.asarray(y, float)[keep]
    rows: List[Dict] = []
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(prob, x, yk, num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                             num_levels=design.MORRIS_LEVELS, seed=seed)
        for i, name in enumerate(prob["names"]):
            rows.append({"parameter": name, "index": "mu_star", "value": res["mu_star"][i],
                         "conf": res["mu_star_conf"][i]})
            rows.append({"parameter": name, "index": "sigma", "value": res["sigma"][i], "conf": np.nan})
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(prob, yk, calc_second_order=False, num_resamples=RESAMPLES,
                            conf_level=CONF_LEVEL, seed=seed)
        for i, name in enumerate(prob["names"]):
            for index in ("S1", "ST"):
                rows.append({"parameter": name, "index": index, "value": res[index][i],
                             "conf": res[f"{index}_conf"][i]})
    return pd.DataFrame(rows).assign(output="")[COLUMNS], used


def analyse(method: str, factors: Dict, points: pd.DataFrame, outputs: pd.DataFrame) -> Tuple[pd.DataFrame, Dict]:
    """Indices of every output column (``outputs`` rows follow ``points``), and units used."""
    tables, used = [], {}
    for name in outputs.columns:
        table, used[name] = indices(method, factors, points, outputs[name].to_numpy(float))
        tables.append(table.assign(output=name))
    frames = [t for t in tables if len(t)]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)), used


def figure(table: pd.DataFrame, path, title: str) -> None:
    """One panel per output: the main index of each factor with its 95% interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    main = "mu_star" if (table["index"] == "mu_star").any() else "ST"
    outputs = list(dict.fromkeys(table["output"]))
    cols = min(3, max(len(outputs), 1))
    rows = -(-max(len(outputs), 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.25 * table["parameter"].nunique() * rows + 1.5 * rows),
                             squeeze=False, constrained_layout=True)
    for ax, output in zip(axes.flat, outputs, strict=False):
        part = table[table["output"] == output]
        for offset, index, marker in ((-0.15, main, "o"), (0.15, "S1" if main == "ST" else "sigma", "s")):
            sub = part[part["index"] == index]
            ypos = np.arange(len(sub)) + offset
            err = sub["conf"].to_numpy(float)
            ax.errorbar(sub["value"], ypos, xerr=np.where(np.isfinite(err), err, 0), fmt=marker, ms=4,
                        capsize=2, label=index)
        names = part[part["index"] == main]["parameter"]
        ax.set_yticks(np.arange(len(names)), [n.split(".", 1)[-1] for n in names], fontsize=7)
        ax.set_title(output, fontsize=9)
        ax.set_xlabel(f"{main} (units of the output)" if main == "mu_star" else "share of output variance")
        ax.legend(fontsize=7)
    for ax in axes.flat[len(outputs):]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=10)
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main_index(table: pd.DataFrame) -> str:
    """The index that ranks factors: ``ST`` (Sobol) or ``mu_star`` (Morris)."""
    return "ST" if (table["index"] == "ST").any() else "mu_star"


SOBOL_PLAUSIBLE = (-0.5, 1.5)
"""Sobol indices are shares of variance (0 to 1): estimates beyond this band say the estimator failed."""


def degenerate(part: pd.DataFrame) -> str:
    """Why one output's indices cannot be read ('' when they can).

    Every main index 0: the output did not vary over the design (or was undefined at all but
    one value). Sobol estimates far outside 0-1: the output is too heavy-tailed for a
    variance-based index (as a logistic midpoint far beyond any group is).
    """
    main = part[part["index"] == main_index(part)]["value"].to_numpy(float)
    if np.all(np.nan_to_num(main) == 0):
        return "constant over the design: no index"
    sobol = part[part["index"].isin(["S1", "ST"])]["value"].to_numpy(float)
    if len(sobol) and (np.nanmin(sobol) < SOBOL_PLAUSIBLE[0] or np.nanmax(sobol) > SOBOL_PLAUSIBLE[1]):
        return (f"not interpretable: estimates from {np.nanmin(sobol):.3g} to {np.nanmax(sobol):.3g},"
                " outside 0-1 (a heavy-tailed output)")
    return ""


def across_region(y: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Per answer (:data:`outputs.ANSWERS`) over the design points ``y`` (one row per point): does it hold?

    Columns: answer, claim (``sign``, ``target`` or ``level``), points (finite values), q05, median,
    q95, agreement (share of points with the median's sign, or in the fact's frozen range), holds
    (agreement >= :data:`HOLDS`, and for a sign a median other than 0; empty for a level or an
    answer undefined everywhere), and charter_factor_share: the share of the
    answer's main index (ST or mu_star, summed over factors) owed to the hand-set charter values.
    """
    rows = []
    main = table[table["index"] == main_index(table)] if len(table) else table
    for name in [a for a in outputs.ANSWERS if a in y.columns]:
        v = pd.to_numeric(y[name], errors="coerce").dropna().to_numpy(float)
        claim = "sign" if name in outputs.SIGN_ANSWERS else ("target" if name in outputs.FACT_RANGES else "level")
        median = float(np.median(v)) if len(v) else np.nan
        if claim == "sign" and len(v):
            agreement = float(np.mean(np.sign(v) == np.sign(median)))
        elif claim == "target" and len(v):
            low, high = outputs.FACT_RANGES[name]
            agreement = float(np.mean((v >= low) & (v <= high)))
        else:
            agreement = np.nan
        part = main[main["output"] == name] if len(main) else main
        total = part["value"].clip(lower=0).sum() if len(part) else 0.0
        charter = part.loc[part["parameter"].str.startswith(CHARTER_FACTORS), "value"].clip(lower=0).sum() \
            if len(part) else 0.0
        rows.append({"answer": name, "claim": claim, "points": len(v), "missing": int(y[name].isna().sum()),
                     "q05": float(np.quantile(v, 0.05)) if len(v) else np.nan, "median": median,
                     "q95": float(np.quantile(v, 0.95)) if len(v) else np.nan, "agreement": agreement,
                     "holds": None if claim == "level" or not len(v) else bool(
                         agreement >= HOLDS and (claim != "sign" or median != 0)),  # a zero median has no direction
                     "charter_factor_share": float(charter / total) if total > 0 else np.nan})
    return pd.DataFrame(rows, columns=["answer", "claim", "points", "missing", "q05", "median", "q95", "agreement",
                                       "holds", "charter_factor_share"])


def top_factors(table: pd.DataFrame, k: int = 8) -> pd.Series:
    """The ``k`` factors with the largest main index over the answers, each output's scaled by its largest.

    The mean over the answers of each factor's index as a share of the output's largest (so an
    answer in large units does not outweigh the others); highest first.
    """
    main = table[(table["index"] == main_index(table)) & table["output"].isin(list(outputs.ANSWERS))]
    if not len(main):
        return pd.Series(dtype=float)
    wide = main.pivot_table(index="parameter", columns="output", values="value", aggfunc="first")
    scaled = wide / wide.abs().max().replace(0, np.nan)
    return scaled.mean(axis=1).sort_values(ascending=False).head(k)


def top_text(top: pd.Series) -> str:
    """``sensitivity_top.txt``: the ranking, then the override that runs Sobol on those factors."""
    lines = [f"{name}\t{score:.3f}" for name, score in top.items()]
    return "\n".join([*lines, f"hydra.sweeper.select=[{','.join(top.index)}]"]) + "\n"
