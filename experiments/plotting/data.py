"""The data behind each figure, as tidy tables (one row per plotted point or cell).

Pure functions of the model's tables (see ``experiments/plotting/load.py``): no files, no
matplotlib. Tables pooled over several jobs carry a ``job`` column, and rows of
different jobs are different subjects (group 3 of job 0 is not group 3 of job 1); a table
without ``job`` is one job. Intervals are 95%. Means over seeds (seeds are the
independent units) get :func:`experiments.intervals.over_seeds` (none below 3 seeds, t, or
bootstrap); only a table of one seed falls back to intervals within that run (Wilson for
shares, Newcombe for differences of shares, normal for means); medians and survival curves
resample seeds (see :mod:`experiments.plotting.stats`). Each table's ``interval`` column
names the method of each row.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import pandas as pd

from experiments import intervals
from experiments.analysis import design
from experiments.plotting import stats
from sim import null
from sim.charters import PRESETS
from sim.params import ClassificationParams

PRESET_ORDER = tuple(PRESETS)  # the brief's order, as defined in sim.charters
DEFAULT_SIZE_EDGES = (0, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, math.inf)
REFERENCE_90_9_1 = {"never posted": 0.90, "occasional": 0.09, "heavy": 0.01}
QUANTILES = (10, 25, 75, 90)  # of weekly posts over groups, figure 1
FIG1_SIZE_EDGES = (0, 200, 1_000, math.inf)  # figure 1: small / mid / large groups by their own initial size
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MEDIAN_OVER_SEEDS, MEDIAN_WITHIN_RUN = stats.MEDIAN_BOOTSTRAP, stats.MEDIAN_WITHIN_RUN
"""Figure 1's intervals of a median from 10 seeds (resampling seeds) and within one run (order statistics)."""


def charter_order(names) -> list[str]:
    """The three presets in the brief's order, then any other charter alphabetically."""
    names = set(names)
    return [c for c in PRESET_ORDER if c in names] + sorted(names - set(PRESET_ORDER))


def value_order(values) -> list:
    """Distinct values sorted numerically when all are numbers, else as text with the baseline ``none`` first."""
    distinct = list(pd.unique(pd.Series(list(values))))
    try:
        return sorted(distinct, key=float)
    except (TypeError, ValueError):
        return sorted(distinct, key=lambda v: (str(v) != "none", str(v)))


SET_COLUMN = design.SET_COLUMN
"""The column naming a job's calibrated parameter set (``experiment=charter_vs_size_uncertainty``)."""
SET_BAND = (0.05, 0.95)
"""Quantiles over parameter sets of figure 2's parameter-uncertainty band."""

NULL_SOURCE = "null_model"
"""``source`` of the null model's rows in figure tables (not "null": CSV readers take that for missing)."""


def _keys(df: pd.DataFrame) -> list[str]:
    return ["job", "group_id"] if "job" in df.columns else ["group_id"]


def _units(groups: pd.DataFrame) -> pd.DataFrame:
    """``groups`` with ``job`` and ``seed`` columns (one job: ""; no seed: each job is its own seed)."""
    g = groups if "job" in groups.columns else groups.assign(job="")
    if "seed" not in g.columns or g["seed"].isna().all():
        g = g.assign(seed=g["job"])
    return g


def _outcomes(groups: pd.DataFrame) -> pd.DataFrame:
    """:func:`_units` of the groups :func:`at_start`, with ``_thriving`` (thriving at the horizon).

    The shares of figures 2, 4 and 7 follow one cohort, the groups a design sets: a group of
    it that closed (in the spin-up or the reported weeks) went dormant first
    (:func:`sim.states.outcome_states`) and counts as not thriving. (The summary's
    ``share_thriving`` is the stock view instead: every group open at the horizon, founded
    during the run or not.)
    """
    g = _units(at_start(groups))
    return g.assign(_thriving=g["final_state"].astype(str).eq("thriving"))


def at_start(groups: pd.DataFrame) -> pd.DataFrame:
    """The groups present when the simulation started (column ``at_start``; all, in tables without it).

    Figures 2, 4 and 7 are about them: a design sets their charter and initial size, while a
    group founded during the run (of any charter, with a few founding members) is not a
    cell of the design; figure 3 and H5 follow those from their founding.
    """
    return groups[groups["at_start"].astype(bool).to_numpy()] if "at_start" in groups.columns else groups


def _per_seed(g: pd.DataFrame, by: list[str], value: str) -> pd.Series:
    """Mean of ``value`` per cell of ``by`` and seed: each job's mean, then averaged over the jobs of a seed.

    Jobs of one seed in a cell (parameter sets, or settings pooled in a figure) share the
    seed's random streams (paired), so the seed is the unit, not the job.
    """
    per_job = g.groupby([*by, "seed", "job"], sort=False, observed=True)[value].mean()
    return per_job.groupby(level=[*by, "seed"], sort=False, observed=True).mean()


def _seed_interval(per_seed) -> tuple[float, float, float, str]:
    """``(mean, low, high, method)`` over seeds of one value per seed (:func:`intervals.over_seeds`)."""
    mean, low, high, _, method = intervals.over_seeds(per_seed)
    return mean, low, high, method


def _over_seeds(part: pd.DataFrame, value: str, within, label: str, n_seeds: int) -> tuple[float, float, float, str]:
    """Mean of ``value`` and its 95% interval, and the interval's method.

    When the table holds two or more seeds (``n_seeds``): the mean over the part's seeds of
    each seed's mean and :func:`intervals.over_seeds` (no interval below 3 seeds); a table of
    one seed: ``within(values)`` over that run's observations (``label``). Returns
    ``(mean, low, high, method)``.
    """
    if n_seeds >= 2:
        return _seed_interval(part.groupby("seed")[value].mean())
    return (*within(part[value]), label)


def _wilson_share(hits: pd.Series) -> tuple[float, float, float]:
    """Share of 0/1 ``hits`` and its Wilson interval."""
    return (hits.mean() if len(hits) else math.nan, *stats.wilson(int(hits.sum()), len(hits)))


def _share_table(groups: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Groups thriving at the horizon per cell of ``by`` (over the groups of :func:`_outcomes`).

    When the groups come from two or more seeds, ``share`` is the mean over a cell's seeds
    of each seed's share (:func:`_per_seed`) with :func:`intervals.over_seeds` (seeds are the
    independent units, groups of one seed are not; a cell of fewer than 3 seeds has no
    interval); groups of one seed: the pooled share and its Wilson interval. ``interval``
    names the method per cell.
    """
    g = _outcomes(groups)
    out = (
        g.groupby(by, sort=False, observed=True)
        .agg(n_groups=("_thriving", "size"), n_thriving=("_thriving", "sum"), n_jobs=("job", "nunique"),
             n_seeds=("seed", "nunique"))
        .reset_index()
    )
    out["share"] = out["n_thriving"] / out["n_groups"]
    out["ci_low"], out["ci_high"] = stats.wilson(out["n_thriving"], out["n_groups"])
    out["interval"] = "wilson"
    if g["seed"].nunique() < 2:
        return out
    per_seed = _per_seed(g, by, "_thriving")
    for i, row in out.iterrows():
        key = tuple(row[b] for b in by)
        shares = per_seed.xs(key if len(by) > 1 else key[0], level=by if len(by) > 1 else by[0])
        out.loc[i, ["share", "ci_low", "ci_high", "interval"]] = _seed_interval(shares)
    out[["ci_low", "ci_high"]] = out[["ci_low", "ci_high"]].astype(float).clip(0, 1)  # a t-interval may overrun
    return out


def set_band(groups: pd.DataFrame, by: list[str], quantiles=SET_BAND) -> pd.DataFrame:
    """Parameter uncertainty per cell of ``by``: quantiles over parameter sets of each set's share thriving.

    A set's share is the mean over its seeds of each seed's share (the sets run the same
    seeds). Returns ``<by>, n_sets, band_low, band_high``; empty without two or more sets.
    """
    columns = [*by, "n_sets", "band_low", "band_high"]
    if SET_COLUMN not in groups.columns or groups[SET_COLUMN].nunique() < 2:
        return pd.DataFrame(columns=columns)
    g = _outcomes(groups)
    per_set = _per_seed(g, [*by, SET_COLUMN], "_thriving").groupby(level=[*by, SET_COLUMN], observed=True).mean()
    cells = per_set.groupby(level=by, observed=True)
    out = pd.DataFrame({"n_sets": cells.size(), "band_low": cells.quantile(quantiles[0]),
                        "band_high": cells.quantile(quantiles[1])})
    return out.reset_index()[columns]


# ----------------------------------------------------------------- figure 1


def size_class(sizes, edges=FIG1_SIZE_EDGES) -> pd.Categorical:
    """Size class of each initial size: ``[lo, hi)`` bins of ``edges``, labelled for a legend."""
    labels = [
        f"<{hi:,.0f}" if lo == 0 else (f"≥{lo:,.0f}" if math.isinf(hi) else f"{lo:,.0f}-{hi - 1:,.0f}")
        for lo, hi in zip(edges[:-1], edges[1:], strict=True)
    ]
    return pd.cut(pd.Series(np.asarray(sizes, dtype=float)), edges, right=False, labels=labels).array


def weekly_posts_by_charter(group_weeks: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Figure 1: weekly posts per group, by charter, initial-size class and week (over groups and jobs).

    Groups of very different sizes post at very different rates, so they are not pooled:
    ``size_class`` bins the groups' own initial size (``FIG1_SIZE_EDGES``; "all sizes"
    when ``groups`` has no ``initial_size``). Returns ``charter, size_class, week,
    n_groups, median, median_ci_low, median_ci_high, q10, q25, q75, q90``: the median
    group's posts that week, the 95% interval of that median (over seeds when there are two
    or more: :func:`stats.median_over_seeds`; else from order statistics; ``interval`` says
    which), and quantiles that show the spread between groups.
    """
    keys = _keys(groups)
    g = _units(groups)[[*keys, "charter", "seed"] if "job" in keys else [*keys, "charter"]].copy()
    g["size_class"] = size_class(groups["initial_size"]) if "initial_size" in groups else "all sizes"
    weekly = _units(group_weeks.merge(g.drop(columns=[c for c in ("seed",) if c in group_weeks]), on=keys))
    rows = []
    for (charter, size, week), part in weekly.groupby(["charter", "size_class", "week"], observed=True):
        posts = part["posts"]
        lo, hi, method = stats.median_over_seeds(posts, part["seed"])
        rows.append(
            {
                "charter": charter,
                "size_class": size,
                "week": int(week),
                "n_groups": int(posts.size),
                "median": float(posts.median()),
                "median_ci_low": lo,
                "median_ci_high": hi,
                **{f"q{q}": float(posts.quantile(q / 100)) for q in QUANTILES},
                "interval": method,
            }
        )
    columns = [
        "charter",
        "size_class",
        "week",
        "n_groups",
        "median",
        "median_ci_low",
        "median_ci_high",
        *(f"q{q}" for q in QUANTILES),
        "interval",
    ]
    out = pd.DataFrame(rows, columns=columns)
    order = list(g["size_class"].cat.categories) if isinstance(g["size_class"].dtype, pd.CategoricalDtype) else None
    out["size_class"] = pd.Categorical(out["size_class"], categories=order, ordered=order is not None)
    return _sort_charters(out, ["size_class", "week"])


def _sort_charters(df: pd.DataFrame, then: list[str]) -> pd.DataFrame:
    rank = {c: i for i, c in enumerate(charter_order(df["charter"]))}
    return df.sort_values(["charter", *then], key=lambda s: s.map(rank) if s.name == "charter" else s).reset_index(
        drop=True
    )


# ----------------------------------------------------------------- figure 2


def thriving_by_size(
    groups: pd.DataFrame, edges=DEFAULT_SIZE_EDGES, min_groups: int = 3, null_groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Figure 2: share of groups thriving at the horizon by charter and initial-size bin (of :func:`_outcomes`).

    Bins are ``[lo, hi)`` of ``initial_size``; bins with fewer than ``min_groups`` groups
    are dropped. ``null_groups`` (the null model's groups of the same jobs, see
    :func:`null_groups`) adds the null's rows. Returns ``source`` (model / null),
    ``charter, size_lo, size_hi, size_median, n_groups, n_thriving, n_jobs, n_seeds, share,
    ci_low, ci_high, interval`` (the mean over seeds with a bootstrap interval over seeds
    when there are several, else Wilson; see :func:`_share_table`). Groups run under two or
    more calibrated parameter sets (column ``param_set``) add ``n_sets, band_low,
    band_high``: the 5-95% range over sets of each set's mean share (:func:`set_band`); the
    share and its interval are then of the mean over sets, per seed.
    """
    labels = [c for c in ("seed", SET_COLUMN) if c in groups.columns]
    parts = [("model", groups)]
    if null_groups is not None:
        missing = ["job", *(c for c in labels if c not in null_groups.columns)]
        parts.append((NULL_SOURCE, null_groups.merge(groups[missing].drop_duplicates("job"), on="job", how="left")
                      if len(missing) > 1 else null_groups))
    edges = list(edges)
    tables = []
    for source, frame in parts:
        g = at_start(frame).copy()  # _share_table and set_band apply _outcomes
        g["_bin"] = pd.cut(g["initial_size"], edges, right=False, labels=False)
        out = _share_table(g, ["charter", "_bin"])
        band = set_band(g, ["charter", "_bin"])
        if len(band):
            out = out.merge(band, on=["charter", "_bin"], how="left")
        median = g.groupby(["charter", "_bin"])["initial_size"].median().rename("size_median")
        out = out.merge(median.reset_index(), on=["charter", "_bin"])
        out["size_lo"] = [edges[int(b)] for b in out["_bin"]]
        out["size_hi"] = [edges[int(b) + 1] for b in out["_bin"]]
        tables.append(out[out["n_groups"] >= min_groups].assign(source=source))
    columns = ["source", "charter", "size_lo", "size_hi", "size_median", "n_groups", "n_thriving", "n_jobs", "n_seeds",
               "share", "ci_low", "ci_high", "interval"]
    out = pd.concat(tables, ignore_index=True)
    columns += [c for c in ("n_sets", "band_low", "band_high") if c in out.columns]
    return _sort_charters(out[columns], ["source", "size_lo"])


def null_groups(group_weeks: pd.DataFrame, groups: pd.DataFrame, thresholds: dict, seeds: dict) -> pd.DataFrame:
    """The null model's groups table for every job (one draw each, from the job's seed).

    Each job keeps its own groups and member counts; posts come at the run's overall
    per-capita rate and are judged by the same classifier (:mod:`sim.null`).
    """
    c = ClassificationParams(**{k: thresholds[k] for k in asdict(ClassificationParams())})
    parts = []
    for job, gw in group_weeks.groupby("job", sort=False):
        g = groups[groups["job"] == job]
        draw = null.null_tables({"group_weeks": gw, "groups": g.drop(columns="job")}, c, int(seeds.get(job) or 0))[0]
        parts.append(draw["groups"].assign(job=job))
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------- figure 3

SURVIVAL_COHORTS = {
    "founded_during": "weeks since founding",
    "present_at_start": "weeks since the reported weeks began",
}
"""Figure 3's cohorts (panels, in this order) and what each one's ``time`` counts."""


def survival_by_charter(groups: pd.DataFrame, horizon_weeks=None) -> pd.DataFrame:
    """Figure 3: Kaplan-Meier share of groups not yet dormant, per cohort and charter.

    Time to dormancy is ``weeks_to_dormancy``, counted from founding (``founded_week``, in
    reported weeks: negative before them; tables without it count every group as founded
    at week 0). A group never dormant is censored at the horizon (``horizon_weeks``: a
    number, or the column of that name per group). Two cohorts (column ``cohort``):

    - ``founded_during``: founded during the reported weeks (``0 <= founded_week <
      horizon``); time is the age, weeks since founding. Seen from birth, so nothing is
      truncated.
    - ``present_at_start``: founded before the reported weeks and not yet dormant when they
      began (a group that closed was dormant first); time is weeks since the reported weeks
      began, so the curve is survival conditional on being alive then, not from founding.
      Their ages at that moment run from 1 week to years; a curve of age with delayed entry
      at it would leave its young ages to the few groups founded just before, which go
      dormant at the classifier's earliest age and take the product-limit curve to about 0
      there, whatever the older groups do.

    A group first dormant before the reported weeks is in neither (left truncation: it died
    unseen and is never counted as dying in week 1); one not founded by the horizon neither.
    Returns one curve per cohort and charter with groups: ``cohort, charter, time_since``
    (what ``time`` counts), the :func:`stats.kaplan_meier` columns, ``interval`` (two or
    more seeds: a band over seeds, :func:`stats.kaplan_meier_over_seeds`; one: Greenwood's),
    ``entered`` (groups in the curve) and ``median_age_at_start`` (weeks since founding when
    the reported weeks began; NaN for ``founded_during``).
    """
    if horizon_weeks is None:
        horizon = groups["horizon_weeks"].astype(float)
    else:
        horizon = pd.Series(float(horizon_weeks), index=groups.index)
    founded = groups["founded_week"].astype(float) if "founded_week" in groups else pd.Series(0.0, index=groups.index)
    to_dormancy = groups["weeks_to_dormancy"].astype(float)
    dormant = to_dormancy.notna()
    age_at_start = -founded
    cohorts = {
        "founded_during": ((founded >= 0) & (founded < horizon), to_dormancy.where(dormant, horizon - founded)),
        "present_at_start": ((founded < 0) & ~(to_dormancy <= age_at_start),
                             (to_dormancy - age_at_start).where(dormant, horizon)),
    }
    seeds = _units(groups)["seed"].astype(str)
    parts = []
    for cohort, (members, durations) in cohorts.items():
        for charter in charter_order(groups["charter"]):
            mask = (groups["charter"] == charter) & members
            if not mask.any():
                continue
            km = stats.kaplan_meier_over_seeds(durations[mask], dormant[mask], seeds[mask])
            median_age = float(age_at_start[mask].median()) if cohort == "present_at_start" else math.nan
            parts.append(km.assign(cohort=cohort, charter=charter, time_since=SURVIVAL_COHORTS[cohort],
                                   entered=int(mask.sum()), median_age_at_start=median_age))
    first = ["cohort", "charter", "time_since"]
    if not parts:
        return pd.DataFrame(columns=[*first, "time", "at_risk", "events", "censored", "survival", "ci_low", "ci_high",
                                     "interval", "entered", "median_age_at_start"])
    out = pd.concat(parts, ignore_index=True)
    return out[[*first, *[c for c in out.columns if c not in first]]]


# ----------------------------------------------------------------- figure 4


def heatmap_axes(swept: list[str], groups: pd.DataFrame) -> tuple[list[str], str]:
    """The two dimensions of figure 4 and a note on the choice.

    The first two swept parameters; with only one, the group's ``charter`` joins it (a
    sweep over size alone still varies charter between groups). Fewer than two: [].
    """
    if len(swept) >= 2:
        note = "" if len(swept) == 2 else f"pooled over {', '.join(swept[2:])}"
        return swept[:2], note
    if len(swept) == 1 and groups["charter"].nunique() > 1:
        return ["charter", swept[0]], ""
    return [], f"needs two swept parameters (besides seed); this sweep varies {swept or 'none'}"


SIZE_CELL = "initial size"
"""Figure 4's size axis: each group's own initial size, binned as figure 2 bins it."""


def shared_cells(groups: pd.DataFrame, axes: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Figure 4's axes as the cells figure 2 uses, so both give the same share for a charter x size cell.

    A swept ``groups/charter_mix`` whose jobs each hold one charter becomes the groups'
    ``charter``. Beside a charter axis, a swept ``groups.size_median`` becomes
    :data:`SIZE_CELL`: each group's own initial size in figure 2's bins
    (``DEFAULT_SIZE_EDGES``), so a group capped below the swept size (an employment
    association of a defunct employer) counts at its own size in both figures. Other axes
    stay. Returns the groups (with the new column) and the axes.
    """
    out = [
        "charter" if a == "groups/charter_mix" and groups[a].astype(str).eq(groups["charter"].astype(str)).all()
        else a
        for a in axes
    ]
    if "charter" in out and "groups.size_median" in out and "initial_size" in groups:
        groups = groups.assign(**{SIZE_CELL: size_class(groups["initial_size"], DEFAULT_SIZE_EDGES)})
        out = [SIZE_CELL if a == "groups.size_median" else a for a in out]
    return groups, out


def thriving_heatmap(groups: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """Figure 4: share of groups thriving for each combination of two parameters (of :func:`_outcomes`).

    ``groups`` has one column per parameter (swept parameters are merged in from the job
    overrides). Returns ``<rows>, <columns>, n_groups, n_thriving, n_jobs, share, ci_low,
    ci_high``, sorted by both parameters.
    """
    out = _share_table(groups, [rows, columns])
    row_rank = {v: i for i, v in enumerate(_order(groups[rows], rows))}
    col_rank = {v: i for i, v in enumerate(_order(groups[columns], columns))}
    out = out.sort_values([rows, columns], key=lambda s: s.map(row_rank if s.name == rows else col_rank))
    return out.reset_index(drop=True)


def _order(values: pd.Series, name: str) -> list:
    """Charters (``charter``, or a sweep over ``groups/charter_mix``) in the presets' order; bins in order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [c for c in values.cat.categories if c in set(values)]
    if name == "charter" or values.isin(PRESET_ORDER).any():
        return charter_order(values)
    return value_order(values)


def heatmap_matrix(table: pd.DataFrame, rows: str, columns: str, value: str = "share") -> pd.DataFrame:
    """The tidy heatmap table as a matrix (rows x columns), in the table's order."""
    matrix = table.pivot(index=rows, columns=columns, values=value)
    row_order = list(pd.unique(table[rows]))
    col_order = list(pd.unique(table[columns]))
    return matrix.reindex(index=row_order, columns=col_order)


# ----------------------------------------------------------------- figure 5


def lorenz_by_charter(memberships: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Figure 5a: Lorenz curve of posts over members, for all groups and per charter.

    One member = one membership (a person in two groups counts in each). Returns
    ``charter`` ("all groups" first), ``share_members, share_posts, gini, top1_share``
    (share of posts by the top 1% of all members) and ``top1_share_posting`` (the top 1% of
    the members who posted: stylized fact S2's denominator, though S2 counts people).
    """
    m = _with_charter(memberships, groups)
    parts = []
    for charter, sub in [("all groups", m), *((c, m[m["charter"] == c]) for c in charter_order(m["charter"]))]:
        curve = stats.lorenz(sub["posts"]).rename(
            columns={"share_people": "share_members", "share_total": "share_posts"}
        )
        posting = sub["posts"][sub["posts"] > 0]
        parts.append(curve.assign(charter=charter, gini=stats.gini(sub["posts"]),
                                  top1_share=stats.top_share(sub["posts"]),
                                  top1_share_posting=stats.top_share(posting) if len(posting) else math.nan))
    out = pd.concat(parts, ignore_index=True)
    return out[["charter", "share_members", "share_posts", "gini", "top1_share", "top1_share_posting"]]


def _with_charter(memberships: pd.DataFrame, groups: pd.DataFrame, extra=()) -> pd.DataFrame:
    keys = _keys(groups)
    return memberships.merge(groups[keys + ["charter", *extra]], on=keys, how="inner")


def heavy_min_posts(horizon_weeks: float) -> int:
    """Posts that make a member 'heavy': one per four weeks of the run, at least 2."""
    return max(2, math.ceil(horizon_weeks / 4))


def participation_split(memberships: pd.DataFrame, heavy_min: int) -> pd.DataFrame:
    """Figure 5b: members who never posted, posted occasionally, or heavily, vs 90-9-1.

    ``heavy``: at least ``heavy_min`` posts; ``occasional``: 1 to ``heavy_min - 1``.
    Returns ``source`` ("model" / "90-9-1 rule"), ``category, n, share, ci_low, ci_high,
    interval``: with two or more seeds the share is the mean over seeds of each seed's share
    with :func:`intervals.over_seeds`, else the pooled share with Wilson's interval.
    """
    m = _units(memberships)
    n_seeds = m["seed"].nunique()
    posts = m["posts"].to_numpy()
    category = np.where(posts == 0, "never posted", np.where(posts < heavy_min, "occasional", "heavy"))
    n = len(posts)
    rows = []
    for name in REFERENCE_90_9_1:
        hit = pd.Series(category == name, index=m.index, dtype=float)
        share, low, high, interval = _over_seeds(m.assign(_hit=hit), "_hit", _wilson_share, "wilson", n_seeds)
        rows.append({"source": "model", "category": name, "n": int(hit.sum()), "share": share if n else math.nan,
                     "ci_low": max(low, 0.0), "ci_high": min(high, 1.0), "interval": interval})
    model = pd.DataFrame(rows)
    ref = pd.DataFrame(
        {
            "source": "90-9-1 rule",
            "category": list(REFERENCE_90_9_1),
            "n": np.nan,
            "share": list(REFERENCE_90_9_1.values()),
        }
    )
    ref["ci_low"] = ref["ci_high"] = np.nan
    ref["interval"] = ""
    return pd.concat([model, ref], ignore_index=True)


def badge_ratio_by_charter(memberships: pd.DataFrame, groups: pd.DataFrame, large_group: int) -> pd.DataFrame:
    """Figure 5c: badge ratio (share of memberships with no post) per charter and size class.

    Size class: ``all groups``, and ``large groups`` (initial size >= ``large_group``,
    where stylized fact S1 applies). Returns ``charter, size_class, n_badges, n_no_post,
    badge_ratio, ci_low, ci_high, interval`` (over seeds with two or more, else Wilson); a
    class without memberships is left out.
    """
    m = _units(_with_charter(memberships, groups, extra=["initial_size"]))
    m = m.assign(no_post=m["posts"].eq(0).astype(float))
    n_seeds, rows = m["seed"].nunique(), []
    for charter in charter_order(m["charter"]):
        sub = m[m["charter"] == charter]
        for size_class, part in (("all groups", sub), ("large groups", sub[sub["initial_size"] >= large_group])):
            if len(part):
                ratio, low, high, interval = _over_seeds(part, "no_post", _wilson_share, "wilson", n_seeds)
                rows.append({"charter": charter, "size_class": size_class, "n_badges": len(part),
                             "n_no_post": int(part["no_post"].sum()), "badge_ratio": ratio,
                             "ci_low": max(low, 0.0), "ci_high": min(high, 1.0), "interval": interval})
    return pd.DataFrame(rows, columns=["charter", "size_class", "n_badges", "n_no_post", "badge_ratio", "ci_low",
                                       "ci_high", "interval"])


# ----------------------------------------------------------------- figure 6


def _per_thousand(hourly: pd.DataFrame, population, value: str) -> pd.Series:
    """``value`` per 1,000 professionals (population: a number or a {job: size} map)."""
    if isinstance(population, dict):
        size = hourly["job"].map(population).astype(float)
    else:
        size = float(population)
    return hourly[value] / size * 1000


def activity_by_hour(hourly: pd.DataFrame, population, value: str = "posts") -> pd.DataFrame:
    """Figure 6 (heatmap): mean ``value`` per hour per 1,000 professionals, by weekday and hour.

    Each week (of each job) is one observation of a (weekday, hour) cell. Returns
    ``weekday, day, hour_of_day, n_weeks, mean, ci_low, ci_high, interval`` (day: Mon..Sun;
    lower bound clipped at 0): with two or more seeds the mean over seeds of each seed's mean
    and a bootstrap interval over seeds, else the normal interval over the run's weeks.
    """
    h = _units(hourly).assign(rate=_per_thousand(hourly, population, value))
    n_seeds, rows = h["seed"].nunique(), []
    for (weekday, hour), part in h.groupby(["weekday", "hour_of_day"]):
        mean, lo, hi, interval = _over_seeds(part, "rate", stats.mean_ci, "normal over weeks", n_seeds)
        rows.append({"weekday": int(weekday), "day": WEEKDAYS[int(weekday)], "hour_of_day": int(hour),
                     "n_weeks": int(len(part)), "mean": mean, "ci_low": max(lo, 0.0), "ci_high": hi,
                     "interval": interval})
    return pd.DataFrame(rows, columns=["weekday", "day", "hour_of_day", "n_weeks", "mean", "ci_low", "ci_high",
                                       "interval"])


def hourly_profile(hourly: pd.DataFrame, population, value: str = "posts") -> pd.DataFrame:
    """Figure 6 (profile): mean ``value`` per hour per 1,000 professionals, workdays vs weekend.

    One observation is one day (of one job): a workday hour averages Mon-Fri. Returns
    ``day_type, hour_of_day, n_days, mean, ci_low, ci_high, interval`` (lower bound clipped
    at 0; the interval over seeds with two or more, as in :func:`activity_by_hour`).
    """
    h = _units(hourly).assign(rate=_per_thousand(hourly, population, value))
    h["day_type"] = np.where(h["weekday"] >= 5, "weekend", "workdays")
    n_seeds, rows = h["seed"].nunique(), []
    for (day_type, hour), part in h.groupby(["day_type", "hour_of_day"]):
        mean, lo, hi, interval = _over_seeds(part, "rate", stats.mean_ci, "normal over days", n_seeds)
        rows.append({"day_type": day_type, "hour_of_day": int(hour), "n_days": int(len(part)), "mean": mean,
                     "ci_low": max(lo, 0.0), "ci_high": hi, "interval": interval})
    out = pd.DataFrame(rows, columns=["day_type", "hour_of_day", "n_days", "mean", "ci_low", "ci_high", "interval"])
    return out.sort_values(["day_type", "hour_of_day"], ascending=[False, True]).reset_index(drop=True)


# ----------------------------------------------------------------- figure 7


def variant_effects(groups: pd.DataFrame, column: str, baseline: str = "none", by=()) -> pd.DataFrame:
    """Figure 7: share of groups thriving per variant of ``column``, and its change vs baseline.

    Per cell of ``by`` (e.g. ``["charter"]``: each charter's groups compared with the same
    charter's groups in the baseline arm; none: all groups). Returns ``<by>, <column>,
    n_groups, n_thriving, n_jobs, n_seeds, share, ci_low, ci_high, interval, diff,
    diff_low, diff_high, diff_interval``; in each cell the baseline first, then by diff.
    Shares as in :func:`_share_table`. With two or more seeds the change is paired by seed:
    each seed's share minus the baseline's at the same seed, averaged over seeds with
    :func:`intervals.over_seeds` (``diff_interval`` names its method); groups of one seed,
    or arms that share no seed: the pooled shares' difference with Newcombe's interval.
    Without a baseline row in a cell its diff columns are NaN.
    """
    cells = list(by) or ["_cell"]
    g = _outcomes(groups)
    g = g.assign(**{column: g[column].astype(str)})
    g = g if by else g.assign(_cell="")
    out = _share_table(g, [*cells, column])
    out[["diff", "diff_low", "diff_high"]] = np.nan
    out["diff_interval"] = ""
    base = out[out[column] == str(baseline)][[*cells, "n_thriving", "n_groups"]]
    if len(base):
        b = out[cells].merge(base, on=cells, how="left")
        out["diff"], out["diff_low"], out["diff_high"] = stats.newcombe_difference(
            out["n_thriving"], out["n_groups"], b["n_thriving"].to_numpy(), b["n_groups"].to_numpy()
        )
        out["diff_interval"] = np.where(b["n_groups"].notna().to_numpy(), "newcombe", "")
    if len(base) and g["seed"].nunique() >= 2:
        wide = _per_seed(g, [*cells, column], "_thriving").unstack(column)  # one row per cell and seed
        paired = wide.sub(wide[str(baseline)], axis=0)
        for i, row in out.iterrows():
            key = tuple(row[c] for c in cells)
            d = paired[row[column]].xs(key if len(cells) > 1 else key[0], level=cells if len(cells) > 1 else cells[0])
            if d.notna().any():  # else no seed ran both arms: the pooled difference stays
                out.loc[i, ["diff", "diff_low", "diff_high", "diff_interval"]] = _seed_interval(d)
    out["_base"] = out[column] != str(baseline)
    rank = {c: i for i, c in enumerate(charter_order(out["charter"]))} if "charter" in cells else {}
    out = out.sort_values([*cells, "_base", "diff", column], key=lambda s: s.map(rank) if s.name == "charter" else s)
    return out.drop(columns=["_base", "_cell"], errors="ignore").reset_index(drop=True)
