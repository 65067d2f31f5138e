"""Approximate Bayesian computation by rejection, against the calibration facts only.

Each prior draw (a design point of method ``prior``) is run over replicate seeds; its
distance to the targets is, per measure of every calibration fact (S3 has two: posts and
replies), how far the mean over seeds lies outside the measure's frozen range
``[low, high]``, in units of the range's width (0 inside), and overall the largest of
these. Draws with distance <= ``epsilon`` are accepted: with ``epsilon = 0`` the
posterior is the prior restricted to the draws that meet every calibration target. When
none qualifies, the ``quantile`` nearest draws are kept instead and the summary says so
(they are the region to widen the search around, not a posterior). A measure that no
draw of the prior reaches would decide that ranking alone; it can be left out of the
distance (``exclude``, stated in the report) while its values are still written and its
reach over the prior is reported (:func:`reach`).
"""

from __future__ import annotations

from typing import Sequence, Tuple

import numpy as np
import pandas as pd

from sim.facts import FACTS

QUANTILES = (0.05, 0.5, 0.95)


def measure_table(jobs: pd.DataFrame) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """Every measure of every calibration fact of the registry, per job.

    Returns (values: one row per job, one column ``<fact>.<measure>`` per measure, read
    from the flattened summary's ``stylized_facts.<fact>.measures.<measure>.value``; NaN
    when a run did not judge it), (ranges: the same names as index, frozen ``low`` and
    ``high`` from :data:`sim.facts.FACTS`). A fact's headline value alone would drop a
    measure such as S3's replies.
    """
    names, columns, bounds = [], {}, []
    for fact in FACTS.values():
        if fact.role != "calibration":
            continue
        for measure, low, high in fact.measures:
            name, key = f"{fact.key}.{measure}", f"stylized_facts.{fact.key}.measures.{measure}.value"
            names.append(name)
            bounds.append((low, high))
            columns[name] = pd.to_numeric(jobs[key], errors="coerce") if key in jobs.columns else np.nan
    values = pd.DataFrame(columns, index=jobs.index, columns=names)
    return values, pd.DataFrame(bounds, index=names, columns=["low", "high"])


def ranges() -> pd.DataFrame:
    """The frozen ``low`` and ``high`` of every calibration measure (the ranges :func:`measure_table` returns)."""
    return measure_table(pd.DataFrame(index=[0]))[1]


def select(names, exclude=()) -> list:
    """The measure names (``<fact>.<measure>``) not excluded; ``exclude`` holds facts (``S2``) or measures."""
    unknown = sorted(set(exclude) - set(names) - {n.split(".")[0] for n in names})
    if unknown:
        raise ValueError(f"calibration exclude: unknown fact or measure {', '.join(unknown)};"
                         f" allowed: {', '.join(names)} or their facts")
    return [n for n in names if n not in exclude and n.split(".")[0] not in exclude]


def reach(values: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """Per measure: its frozen range, the least and largest mean over seeds of any draw, draws in range."""
    inside = (values >= ranges["low"]) & (values <= ranges["high"])
    return pd.DataFrame({"low": ranges["low"], "high": ranges["high"], "min over draws": values.min(),
                         "max over draws": values.max(), "draws in range": inside.sum(),
                         "draws judged": values.notna().sum()}).rename_axis("measure").reset_index()


def draws_in_range(runs: pd.DataFrame, ranges: pd.DataFrame) -> Tuple[int, int, int]:
    """How many draws of a calibration reach every frozen range: (draws, by their means, at every seed).

    ``runs`` is ``calibration_runs.csv`` (``draw`` and one column per measure). A draw counts
    by its means when the mean over its seeds of every measure lies in range, and at every
    seed when each of its seeds has every measure in range (Revision 3's pass rule asks 80%).
    """
    names = [n for n in ranges.index if n in runs.columns]
    inside = ((runs[names] >= ranges.loc[names, "low"]) & (runs[names] <= ranges.loc[names, "high"])).all(axis=1)
    means = runs.groupby("draw")[names].mean()
    mean_inside = ((means >= ranges.loc[names, "low"]) & (means <= ranges.loc[names, "high"])).all(axis=1)
    return len(means), int(mean_inside.sum()), int(inside.groupby(runs["draw"]).all().sum())


def distances(values: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """Per-fact distance outside the range (columns of ``values`` = facts, ``ranges`` rows)."""
    low = ranges.loc[values.columns, "low"].astype(float)
    high = ranges.loc[values.columns, "high"].astype(float)
    width = (high - low).where(high > low, 1.0)
    below = (low - values).clip(lower=0)
    above = (values - high).clip(lower=0)
    return (below + above) / width


def abc_reject(points: pd.DataFrame, values: pd.DataFrame, ranges: pd.DataFrame, epsilon: float = 0.0,
               quantile: float = 0.1, exclude: Sequence[str] = ()) -> Tuple[pd.DataFrame, bool]:
    """Accepted draws (parameters, fact values, distance), and whether they met ``epsilon``.

    Args:
        points: one row per prior draw, one column per parameter.
        values: the same rows, one column per calibration fact (mean over seeds; NaN rows
            are never accepted).
        ranges: index = fact, columns ``low`` and ``high`` (the frozen target ranges).
        epsilon: tolerance on the largest per-fact distance.
        quantile: share of nearest draws kept when none is within ``epsilon``.
        exclude: facts or measures left out of the distance (their values are still listed).
    """
    dist = distances(values[select(list(values.columns), exclude)], ranges).max(axis=1, skipna=False)
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
