"""The run summary and the stylized facts S1-S6 (the tables are in :mod:`sim.tables`)."""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import pandas as pd

from sim.clock import HOURS_PER_WEEK, work_hours_mask
from sim.state import State
from sim.tables import tables

# ----------------------------------------------------------------------- summary


def top_share(values: np.ndarray, top: float = 0.01) -> float:
    """Share of the total held by the top ``top`` fraction of entries (at least one)."""
    values = np.sort(np.asarray(values, dtype=float))[::-1]
    if values.sum() <= 0:
        return math.nan
    k = max(1, int(round(top * len(values))))
    return float(values[:k].sum() / values.sum())


def gini(values: np.ndarray) -> float:
    """Gini coefficient of ``values`` (NaN if empty or all zero)."""
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) == 0 or x.sum() <= 0:
        return math.nan
    n = len(x)
    return float((2 * np.arange(1, n + 1) - n - 1).dot(x) / (n * x.sum()))


def size_bins(sizes) -> np.ndarray:
    """Log2 size classes (bin k holds sizes in [2^k, 2^(k+1)))."""
    return np.floor(np.log2(np.maximum(np.asarray(sizes, dtype=float), 1))).astype(int)


def summary(s: State, weeks: int, t: dict | None = None) -> dict:
    """Run-level outcomes and stylized facts; ``t`` may pass tables already built."""
    t = tables(s, weeks) if t is None else t
    groups, members = t["groups"], t["memberships"]
    c = s.params.classification
    by_charter = groups.groupby("charter", observed=True)
    participants = members.groupby("agent_id")["posts"].sum()
    in_large = members.group_id.isin(groups.group_id[groups.initial_size >= c.large_group])
    large = members[in_large & members.left_tick.isna()]  # members at the end of the run
    first = members.first_post_replied.dropna().astype(int)
    posted_first = members[members.first_post_replied.notna()]
    hourly = t["hourly_activity"]
    work = work_hours_mask(s.params.clock)[hourly.tick % HOURS_PER_WEEK]
    out = {
        "seed": s.params.seed,
        "professionals": s.pop.size,
        "groups": s.groups.count,
        "weeks": weeks,
        "share_thriving": _mean(groups.final_state == "thriving"),
        "share_active": _mean(groups.final_state == "active"),
        "share_dormant": _mean(groups.final_state == "dormant"),
        "share_thriving_by_charter": by_charter.final_state.apply(lambda x: _mean(x == "thriving")).to_dict(),
        "share_dormant_by_charter": by_charter.final_state.apply(lambda x: _mean(x == "dormant")).to_dict(),
        "median_weeks_to_dormancy_by_charter": by_charter.weeks_to_dormancy.median().to_dict(),
        "mean_groups_per_person": float(s.index.members.sum() / max(s.pop.size, 1)),
        "posts_total": int(members.posts.sum()),
        "replies_total": int(members.replies.sum()),
        "posts_per_1000_members_week": _rate(groups.posts.sum(), groups.final_members.sum(), weeks),
        "badge_ratio": _mean(members.posts == 0),
        "top1_share_posts": top_share(participants.to_numpy()),
        "gini_posts": gini(participants.to_numpy()),
        "never_posted_large": _mean(large.posts == 0) if len(large) else math.nan,
        "first_post_no_reply_share": _mean(first == 0) if len(first) else math.nan,
        "post_again_if_replied": _mean(posted_first.posts[posted_first.first_post_replied == 1] > 1),
        "post_again_if_not_replied": _mean(posted_first.posts[posted_first.first_post_replied == 0] > 1),
        "work_hours_share_of_visits": _mean_weighted(work, hourly.visits),
        "thresholds": asdict(c),
    }
    facts = stylized_facts(s, t, weeks, out)
    out["stylized_facts"] = facts
    out["stylized_facts_passed"] = sum(1 for f in facts.values() if f["pass"] is True)
    out["stylized_facts_evaluated"] = sum(1 for f in facts.values() if f["pass"] is not None)
    return _jsonable(out)


def stylized_facts(s: State, t: dict, weeks: int, out: dict) -> dict:
    """Value, target range, pass/fail and source of each stylized fact S1-S6."""
    groups, gw = t["groups"], t["group_weeks"]
    facts = {}

    def fact(key, name, value, low, high, target, source):
        ok = None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(low <= value <= high)
        facts[key] = {"name": name, "value": value, "low": low, "high": high, "target": target,
                      "pass": ok, "source": source}

    fact("S1", "share of members of large groups (at the end) who never posted", out["never_posted_large"],
         0.75, 0.95, "75-95%", "Nielsen 90-9-1; van Mierlo 2014")
    fact("S2", "share of all posts by the top 1% of members", out["top1_share_posts"],
         0.50, 0.80, "50-80%", "van Mierlo 2014 (74.7%)")
    fact(
        "S3",
        "posts per 1,000 members per week in non-dormant large industry groups",
        _industry_rate(groups, weeks, s.params.classification.large_group),
        0.5,
        5.0,
        "0.5-5",
        "LinkedIn analytics groups 2015-16: 1.2-1.9",
    )
    fact("S4", "largest share in the rarer end state among groups of one charter and size class",
         _bimodality(groups), 0.10, 0.5, ">= 10% thriving and >= 10% dormant in some cell", "threshold models")
    fact("S5", "median members kept by dormant groups since they went dormant", _badges_persist(groups, gw),
         0.85, 10.0, ">= 85%", "Patil et al. 2013")
    facts["S6"] = _defunct_fact(groups)
    return facts


def _industry_rate(groups: pd.DataFrame, weeks: int, large: int) -> float:
    """Median weekly posts per 1,000 members of non-dormant large industry groups.

    The evidence comes from the 30 largest analytics groups on LinkedIn.
    """
    live = (groups.anchor == "industry") & (groups.final_state != "dormant")
    ind = groups[live & (groups.initial_size >= large)]
    if len(ind) == 0 or weeks == 0:
        return math.nan
    return float(np.median(1000.0 * ind.posts / np.maximum(ind.final_members, 1) / weeks))


def _bimodality(groups: pd.DataFrame, min_groups: int = 4) -> float:
    g = groups.assign(size_bin=size_bins(groups.initial_size))
    cells = g.groupby(["charter", "size_bin"], observed=True).final_state
    best = math.nan
    for _, states in cells:
        if len(states) >= min_groups:
            split = min(_mean(states == "thriving"), _mean(states == "dormant"))
            best = split if math.isnan(best) else max(best, split)
    return best


def _badges_persist(groups: pd.DataFrame, gw: pd.DataFrame) -> float:
    dormant = groups[groups.final_state == "dormant"]
    if len(dormant) == 0:
        return math.nan
    onset = gw.merge(dormant[["group_id", "weeks_to_dormancy"]], on="group_id")
    onset = onset[onset.week == onset.weeks_to_dormancy - 1].set_index("group_id").members
    final = dormant.set_index("group_id").final_members
    return float(np.median(final / np.maximum(onset.reindex(final.index), 1)))


def _dormant_share_standardised(groups: pd.DataFrame, mask: pd.Series, ref_bins: pd.Series) -> float:
    """Share of the groups in ``mask`` that went dormant at some week, size-standardised.

    Reweighted to the size classes in ref_bins (direct standardisation).
    """
    sel = groups[mask].assign(size_bin=size_bins(groups.initial_size[mask]))
    per_bin = sel.groupby("size_bin").weeks_to_dormancy.apply(lambda x: _mean(x.notna()))
    weights = ref_bins.value_counts(normalize=True)
    common = weights.index.intersection(per_bin.index)
    if len(common) == 0:
        return math.nan
    return float((per_bin[common] * weights[common]).sum() / weights[common].sum())


def _defunct_fact(groups: pd.DataFrame) -> dict:
    defunct = groups.employer_defunct
    ref = pd.Series(size_bins(groups.initial_size[defunct]))
    value = _mean(groups.weeks_to_dormancy[defunct].notna()) if defunct.any() else math.nan
    by_charter = {
        name: _dormant_share_standardised(groups, (groups.charter == name) & ~defunct, ref)
        for name in groups.charter.unique()
    }
    industry = [v for k, v in by_charter.items() if groups.anchor[groups.charter == k].iloc[0] == "industry"]
    ok = None
    if defunct.any() and industry and not any(math.isnan(v) for v in by_charter.values()):
        ok = bool(value >= 0.5 and value > industry[0] and industry[0] <= min(by_charter.values()))
    return {
        "name": "share of defunct-employer groups that went dormant; industry groups least (size-matched)",
        "value": value, "low": 0.5, "high": 1.0,
        "target": ">= 50% went dormant, above size-matched industry groups; industry lowest of all charters",
        "pass": ok, "source": "the seed", "dormant_share_size_matched": by_charter,
    }


def _mean(x) -> float:
    x = np.asarray(x, dtype=float)
    return float(x.mean()) if len(x) else math.nan


def _mean_weighted(mask, weights) -> float:
    w = np.asarray(weights, dtype=float)
    return float(w[np.asarray(mask)].sum() / w.sum()) if w.sum() > 0 else math.nan


def _rate(posts, members, weeks) -> float:
    return float(1000.0 * posts / members / weeks) if members and weeks else math.nan


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if math.isnan(x) else float(x)
    return x
