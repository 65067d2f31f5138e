"""The run summary: the model's outcomes against its null model, and the stylized facts.

Every share is computed by one function (:func:`outcomes`) for the model and for the null
(:mod:`sim.null`), so ``excess`` (model minus null) compares like with like. Reads only
the run's tables.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import linregress

from sim import facts, null
from sim.clock import HOURS_PER_WEEK, work_hours_mask
from sim.inequality import gini
from sim.states import outcome_states, state_codes, state_shares, state_shares_by

READS = {
    "professionals": ["agent_id"],
    "memberships": ["agent_id", "group_id", "left_tick", "posts", "replies", "first_post_replied"],
}
"""Columns :func:`summary` (with :mod:`sim.facts` and :mod:`sim.null`) reads from the large
tables; every column of the other tables may be read."""

NUMERIC_KEYS = (
    "seed", "professionals", "groups", "weeks",
    "share_thriving", "share_active", "share_dormant", "share_dormant_or_closed", "size50_by_charter.*",
    "null.share_*", "null.size50_by_charter.*", "null.posts_per_1000_member_weeks.*",
    "null.per_charter_rate.share_*", "null.per_charter_rate.size50_by_charter.*",
    "null.per_charter_rate.posts_per_1000_member_weeks.*",
    "excess.share_thriving", "excess.share_dormant", "excess.size50_by_charter.*",
    "share_thriving_by_charter.*", "share_dormant_by_charter.*",
    "median_weeks_to_dormancy", "median_weeks_to_dormancy_by_charter.*", "mean_groups_per_person",
    "posts_total", "replies_total", "posts_per_1000_members_week", "replies_per_1000_members_week",
    "median_group_posts_per_1000_member_weeks", "median_group_breadth",
    "median_group_posts_per_1000_member_weeks_by_charter.*", "median_group_breadth_by_charter.*",
    "null_ladder.*.share_*", "charter_contrast.*.*", "rate_size_elasticity.overall.*",
    "rate_size_elasticity.by_charter.*.*",
    "badge_ratio", "top1_share_posts", "top1_share_posters", "gini_posts", "never_posted_large",
    "first_post_no_reply_share",
    "post_again_if_replied", "post_again_if_not_replied", "work_hours_share_of_visits",
    "thresholds.*", "final_state_counts.*",
    "stylized_facts.*.value", "stylized_facts_passed", "stylized_facts_evaluated",
)
"""The numeric keys of :func:`summary`, dotted, as ``fnmatch`` patterns (``*``: a charter, state
or fact name): what a sweep may name as its ``objective``. A value is a number, or null
where it is undefined (NaN)."""

NULL_REPLICATES = 10
"""Draws of the null per run: their mean is the null's expectation for this run's groups."""

RIDGE = 1e-3
"""L2 penalty of the size50 logistic fit: keeps the fit finite when size separates
thriving from not thriving perfectly (as it nearly does under the null)."""


def size50(initial_size, thriving) -> float:
    """Initial size at which 50% of groups thrive: logistic fit of thriving on ln(size).

    NaN when no group or every group thrives, when thriving does not rise with size, or
    when the fitted size is beyond any float (thriving barely rises with size).
    """
    x = np.log(np.maximum(np.asarray(initial_size, dtype=float), 1.0))
    y = np.asarray(thriving, dtype=float)
    if len(y) < 2 or y.min() == y.max():
        return math.nan
    centre, scale = x.mean(), max(x.std(), 1e-9)
    z = (x - centre) / scale

    def loss(beta):
        eta = beta[0] + beta[1] * z
        return np.sum(np.logaddexp(0, eta) - y * eta) + RIDGE * beta @ beta

    def grad(beta):
        r = expit(beta[0] + beta[1] * z) - y
        return np.array([r.sum(), r @ z]) + 2 * RIDGE * beta

    b0, b1 = minimize(loss, np.zeros(2), jac=grad, method="BFGS").x
    log_size = centre - scale * b0 / b1 if b1 > 0 else math.inf
    return float(math.exp(log_size)) if log_size < math.log(np.finfo(float).max) else math.nan


def shares(groups: pd.DataFrame) -> dict:
    """Shares of founded groups thriving, active and dormant at the horizon (:func:`sim.states.state_shares`)."""
    return {f"share_{name}": v for name, v in state_shares(state_codes(groups.final_state)).items()}


def outcomes(groups: pd.DataFrame) -> dict:
    """Shares thriving / active / dormant at the horizon and the 50%-thriving size per charter.

    Reads a ``groups`` table: the model's or the null's.
    """
    thriving = groups.final_state.astype(str).eq("thriving")
    return {
        **shares(groups),
        "size50_by_charter": {
            name: size50(g.initial_size, thriving[g.index]) for name, g in groups.groupby("charter", observed=True)
        },
    }


@dataclass
class Rung:
    """One rung of the ladder of nulls for a run: its per-capita rates, its draws' final states and their mean shares.

    Only what :func:`null_block` reads of the draws is kept (their groups and final
    states): forty draws' week x group arrays are a GB at a million professionals.
    """

    rates: pd.Series
    ids: np.ndarray  # the groups of the draws (columns of their arrays)
    final_states: list  # per draw, :meth:`sim.null.Draw.final_states`
    shares: dict


def null_rungs(tables: dict, c, seed: int) -> dict[str, Rung]:
    """Every rung of the ladder (:data:`sim.null.RUNGS`), :data:`NULL_REPLICATES` draws each.

    Shares thriving, active and dormant at the horizon are averaged over the draws.
    """
    out = {}
    for rung in null.RUNGS:
        rates = null.per_capita_rates(tables["group_weeks"], tables["groups"], rung)
        draws = null.draws(tables, c, seed, rung, NULL_REPLICATES, rates)
        final = [d.final_states() for d in draws]
        ids = draws[0].ids
        del draws
        per = [shares(f) for f in final]
        out[rung] = Rung(rates, ids, final, {k: float(np.mean([p[k] for p in per])) for k in per[0]})
    return out


def null_block(tables: dict, rung: Rung) -> dict:
    """The outcomes of one rung's null for this run.

    Its mean shares; size50 fitted on all its draws pooled; the rate per 1,000
    member-weeks per charter (one value for each, as for the rungs ``one_rate`` and
    ``per_charter``).
    """
    groups = tables["groups"].set_index("group_id")
    fixed = groups.reindex(rung.ids)[["charter", "initial_size"]].reset_index(drop=True)
    pooled = pd.concat([fixed.assign(final_state=f.final_state) for f in rung.final_states],
                       ignore_index=True)  # what outcomes() reads of each draw's groups table
    charters = groups.charter.reindex(rung.rates.index).values
    return {**rung.shares, "size50_by_charter": outcomes(pooled)["size50_by_charter"],
            "posts_per_1000_member_weeks": (1000 * rung.rates).groupby(charters).first().to_dict()}


def null_ladder(rungs: dict[str, Rung]) -> dict:
    """Share thriving and share dormant of each rung of the ladder of nulls, judged by the model's classifier."""
    return {name: {k: rung.shares[k] for k in ("share_thriving", "share_dormant")} for name, rung in rungs.items()}


def excess(model: dict, base: dict) -> dict:
    """Model minus null for share_thriving, share_dormant and size50 per charter."""
    return {
        "share_thriving": model["share_thriving"] - base["share_thriving"],
        "share_dormant": model["share_dormant"] - base["share_dormant"],
        "size50_by_charter": {
            k: v - base["size50_by_charter"].get(k, math.nan) for k, v in model["size50_by_charter"].items()
        },
    }


CONTRAST_REFERENCE = "industry_profession"
"""The charter the others are compared with at matched size (S6: industry groups go dormant least)."""


def charter_contrast(groups: pd.DataFrame, gw: pd.DataFrame, rung: Rung) -> dict:
    """Share dormant of each charter minus industry groups at matched size: model, null and excess.

    Size classes and weights as S6's (:func:`sim.facts.risk_difference`: log2 of members when
    first seen in the reported weeks; classes where industry groups are below 90% dormant).
    ``null``: the same contrast on the draws of ``rung`` (mean over draws), which keep each
    group's members week by week, so ``excess`` (model minus null) is what the charters'
    group dynamics add beyond their sizes. One entry per charter other than the reference.
    Over the groups open at the horizon (closed groups, ODD 7.16, are left out of both).
    """
    first = facts.first_seen_members(gw)
    g = groups.set_index("group_id").loc[lambda d: d.index.isin(first.index)]
    if "closed_week" in g:  # the stock at the horizon, as the shares of states (a closed group has no state)
        g = g[g.closed_week.isna()]
    size_class = pd.Series(facts.size_bins(first.reindex(g.index)), index=g.index)
    charter = g.charter.astype(str)
    others = [c for c in pd.unique(charter) if c != CONTRAST_REFERENCE]

    def contrast(dormant: pd.Series) -> dict:
        return {c: facts.risk_difference(dormant, size_class, charter.eq(c), charter.eq(CONTRAST_REFERENCE))
                for c in others}

    model = contrast(g.final_state.astype(str).eq("dormant").astype(float))
    draws = [contrast(pd.Series(f.final_state.eq("dormant").astype(float).to_numpy(), index=rung.ids)
                      .reindex(g.index)) for f in rung.final_states]
    out = {}
    for c in others:
        base = float(np.nanmean([d[c] for d in draws])) if any(np.isfinite(d[c]) for d in draws) else math.nan
        out[f"{c}_minus_industry"] = {"model": model[c], "null": base, "excess": model[c] - base}
    return out


def per_capita(gw: pd.DataFrame, groups: pd.DataFrame) -> dict:
    """Per-capita activity and participation breadth, overall and per charter.

    Medians over groups (with members) of each group's pooled posts per 1,000
    member-weeks and of its mean weekly breadth.
    """
    g = null.augment(gw).merge(groups[["group_id", "charter"]], on="group_id")
    g = g[g.members > 0]
    per_group = g.groupby(["charter", "group_id"], observed=True).agg(
        posts=("posts", "sum"), members=("members", "sum"), breadth=("breadth", "mean"))
    per_group["rate"] = 1000.0 * per_group.posts / per_group.members
    by = per_group.groupby(level="charter")
    return {
        "median_group_posts_per_1000_member_weeks": _float(per_group.rate.median()),
        "median_group_breadth": _float(per_group.breadth.median()),
        "median_group_posts_per_1000_member_weeks_by_charter": by.rate.median().to_dict(),
        "median_group_breadth_by_charter": by.breadth.median().to_dict(),
    }


def dormant_or_closed(groups: pd.DataFrame, gw: pd.DataFrame) -> float:
    """Share of the groups with a state in some reported week that are dormant or closed at the horizon.

    The outcome view (:func:`sim.states.outcome_states`): a group that closed went dormant.
    Unlike ``share_dormant`` (the stock a visitor sees at the horizon) it does not fall
    when dormant groups close sooner.
    """
    seen = gw.group_id[gw.state.notna()].unique()
    cohort = groups[groups.group_id.isin(seen)]
    return _float(outcome_states(cohort).eq("dormant").mean()) if len(cohort) else math.nan


def elasticity(members, rate) -> dict:
    """Least-squares slope of ln(rate) on ln(members) and the number of groups (NaN below 3 or one size)."""
    x, y = np.log(np.asarray(members, dtype=float)), np.log(np.asarray(rate, dtype=float))
    slope = linregress(x, y).slope if len(x) >= 3 and np.ptp(x) > 0 else math.nan
    return {"slope": _float(slope), "groups": int(len(x))}


def rate_size_elasticity(gw: pd.DataFrame, groups: pd.DataFrame) -> dict:
    """Elasticity of per-member posting with group size, overall and per charter.

    Per group over the reported weeks: posts per member-week and mean members over the
    weeks it had members; the slope of the log of the first on the log of the second,
    over the non-empty groups (members and at least one post).
    """
    had = gw[gw.members > 0]
    per_group = had.groupby("group_id").agg(posts=("posts", "sum"), member_weeks=("members", "sum"),
                                            weeks=("members", "size"))
    per_group = per_group[per_group.posts > 0].join(groups.set_index("group_id").charter)
    per_group["rate"] = per_group.posts / per_group.member_weeks
    per_group["members"] = per_group.member_weeks / per_group.weeks
    return {"overall": elasticity(per_group.members, per_group.rate),
            "by_charter": {name: elasticity(g.members, g.rate)
                           for name, g in per_group.groupby("charter", observed=True)}}


def summary(params, tables: dict) -> dict:
    """Run-level outcomes, the null model, the stylized facts S1-S6 and the held-out patterns H4, H5 (JSON-ready)."""
    groups, members, gw = tables["groups"], tables["memberships"], tables["group_weeks"]
    weeks = int(gw.week.nunique())
    c = params.classification
    model = outcomes(groups)
    rungs = null_rungs(tables, c, params.seed)
    base = null_block(tables, rungs["one_rate"])
    # weeks to dormancy (from founding) of the groups founded in the simulation, spin-up included
    founded_in_run = groups[groups.founded_week >= -params.duration.spinup_weeks]
    state = groups.final_state.astype(str)
    by_charter_shares = state_shares_by(state_codes(groups.final_state), groups.charter.to_numpy())
    participants = members.groupby("agent_id")["posts"].sum()
    first = members.first_post_replied.dropna().astype(int)
    posted_first = members[members.first_post_replied.notna()]
    hourly = tables["hourly_activity"]
    work = work_hours_mask(params.clock)[hourly.tick % HOURS_PER_WEEK]
    exposure = gw.members.sum()
    evaluated = facts.evaluate(tables, params.duration.spinup_weeks * HOURS_PER_WEEK)
    out = {
        "seed": params.seed,
        "professionals": len(tables["professionals"]),
        "groups": len(groups),
        "weeks": weeks,
        **model,
        "null": {**base, "per_charter_rate": null_block(tables, rungs["per_charter"])},
        "null_ladder": null_ladder(rungs),
        "charter_contrast": charter_contrast(groups, gw, rungs["one_rate"]),
        "excess": excess(model, base),
        "share_thriving_by_charter": {c: v["thriving"] for c, v in by_charter_shares.items()},
        "share_dormant_by_charter": {c: v["dormant"] for c, v in by_charter_shares.items()},
        "share_dormant_or_closed": dormant_or_closed(groups, gw),
        "median_weeks_to_dormancy": _float(founded_in_run.weeks_to_dormancy.median()),
        "median_weeks_to_dormancy_by_charter":
            founded_in_run.groupby("charter", observed=True).weeks_to_dormancy.median()
            .reindex(pd.unique(groups.charter)).to_dict(),  # every charter, NaN without such groups
        "mean_groups_per_person": float(members.left_tick.isna().sum() / max(len(tables["professionals"]), 1)),
        "posts_total": int(members.posts.sum()),
        "replies_total": int(members.replies.sum()),
        "posts_per_1000_members_week": _float(1000.0 * gw.posts.sum() / exposure) if exposure else math.nan,
        "replies_per_1000_members_week": _float(1000.0 * gw.replies.sum() / exposure) if exposure else math.nan,
        **per_capita(gw, groups),
        "rate_size_elasticity": rate_size_elasticity(gw, groups),
        "badge_ratio": _mean(members.posts == 0),
        "top1_share_posts": evaluated["S2"]["value"],
        "top1_share_posters": evaluated["S2_posters"]["value"],
        "gini_posts": gini(participants.to_numpy()),
        "never_posted_large": evaluated["S1"]["value"],
        "first_post_no_reply_share": _mean(first == 0) if len(first) else math.nan,
        "post_again_if_replied": _mean(posted_first.posts[posted_first.first_post_replied == 1] > 1),
        "post_again_if_not_replied": _mean(posted_first.posts[posted_first.first_post_replied == 0] > 1),
        "work_hours_share_of_visits": _mean_weighted(work, hourly.visits),
        "thresholds": asdict(c),
        "final_state_counts": state.value_counts().to_dict(),
    }
    out["stylized_facts"] = evaluated
    out["stylized_facts_version"] = facts.VERSION
    evidence = [f for f in evaluated.values() if f["role"] in ("calibration", "validation")]
    out["stylized_facts_passed"] = sum(1 for f in evidence if f["pass"] is True)
    out["stylized_facts_evaluated"] = sum(1 for f in evidence if f["pass"] is not None)
    return jsonable(out)


def _float(x) -> float:
    return float(x) if x is not None and not pd.isna(x) else math.nan


def _mean(x) -> float:
    x = np.asarray(x, dtype=float)
    return float(x.mean()) if len(x) else math.nan


def _mean_weighted(mask, weights) -> float:
    w = np.asarray(weights, dtype=float)
    return float(w[np.asarray(mask)].sum() / w.sum()) if w.sum() > 0 else math.nan


def jsonable(x):
    """Plain JSON types: numpy scalars to Python, NaN and infinity to None, keys to str."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    return x
