"""The stylized facts S1-S6: ONE frozen, versioned registry and their evaluation.

Definitions and targets are those of MODEL_BRIEF.md, "Revision 2". They are frozen: a
definition or a target is never changed to make the model pass (a test checks a digest
of :data:`FACTS`). If the model misses a fact, the docs say so and why. ``summary()``,
docs/ODD.md, the README's validation table, the tests and CI all read this module.

Each fact has one or more measures, each with a target range; it passes when every
measure is inside its range. Evaluations read only the run's tables.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from sim.inequality import top_share

VERSION = "2"
"""Registry version: the MODEL_BRIEF revision the definitions come from."""

LARGE = 2_000
"""Members from which a group counts as large (S1, S3), fixed by the definitions."""


@dataclass(frozen=True)
class Fact:
    """One stylized fact: definition, target ranges per measure, source, tables, role."""

    key: str
    definition: str
    measures: tuple[tuple[str, float, float], ...]  # (name, low, high), the first is the headline
    target: str
    source: str
    tables: tuple[str, ...]
    role: str  # "calibration" or "validation"


FACTS: dict[str, Fact] = {
    f.key: f
    for f in (
        Fact(
            "S1",
            "members of groups with 2,000+ members who never posted in the last 52 reported weeks",
            (("never_posted", 0.75, 0.95),),
            "75-95%",
            "Nielsen 90-9-1; van Mierlo 2014 (<25% ever posted)",
            ("groups", "memberships"),
            "calibration",
        ),
        Fact(
            "S2",
            "share of all posts written by the top 1% of posting members",
            (("top1_share", 0.50, 0.80),),
            "50-80%",
            "van Mierlo 2014 (74.7%)",
            ("memberships",),
            "calibration",
        ),
        Fact(
            "S3",
            "over all non-dormant industry groups of 2,000+ members (the 30 largest industry groups if fewer "
            "than 5 reach 2,000): posts per 1,000 members per week, and replies per 1,000 members per week",
            (("posts", 0.8, 3.0), ("replies", 0.1, 1.0)),
            "posts 0.8-3 (LinkedIn 1.2-1.9), replies 0.1-1 (LinkedIn 0.2-0.6)",
            "LinkedIn top 30 analytics groups 2015-16",
            ("groups", "group_weeks"),
            "calibration",
        ),
        Fact(
            "S4",
            "path dependence: one identical initial state (same members, network, groups) run with different "
            "dynamics seeds splits into thriving and dormant near the tipping point; heterogeneity between "
            "groups does not count",
            (("within_group_split", 0.10, 1.0),),
            "at least one charter x size cell with both end states >= 10%",
            "Granovetter 1978; Oliver, Marwell & Teixeira 1985",
            ("groups",),
            "validation",
        ),
        Fact(
            "S5",
            "members kept by dormant groups, compared with non-dormant groups of the same size",
            (("kept_dormant", 0.85, math.inf),),
            "dormant groups keep >= 85%, and the comparison is reported",
            "Patil et al. 2013",
            ("groups", "group_weeks"),
            "validation",
        ),
        Fact(
            "S6",
            "employment associations of a defunct employer against live employment associations and industry "
            "groups of matched size: share dormant at the horizon and time to dormancy",
            (("order_holds", 1.0, 1.0),),
            "defunct highest, industry lowest",
            "the seed",
            ("groups",),
            "validation",
        ),
    )
}


def digest() -> str:
    """SHA-256 of the registry (version, definitions, targets, sources, roles)."""
    payload = json.dumps({"version": VERSION, "facts": [asdict(f) for f in FACTS.values()]}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


# ------------------------------------------------------------------ evaluation


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def result(key: str, values: dict, **extra) -> dict:
    """A fact's entry in the summary.

    Holds value (of the headline measure), low, high, target, pass, role, source,
    definition, every measure, and extra comparisons.
    """
    f = FACTS[key]
    measures = {}
    for name, low, high in f.measures:
        v = values.get(name, math.nan)
        measures[name] = {"value": v, "low": low, "high": high, "pass": None if _nan(v) else bool(low <= v <= high)}
    passes = [m["pass"] for m in measures.values()]
    name, low, high = f.measures[0]
    return {
        "value": measures[name]["value"], "low": low, "high": high, "target": f.target,
        "pass": None if None in passes else all(passes), "role": f.role, "source": f.source,
        "definition": f.definition, "measures": measures, **extra,
    }


def never_posted_large(groups: pd.DataFrame, memberships: pd.DataFrame) -> float:
    """S1: share of current members of groups with 2,000+ members who never posted.

    Group size is taken at the horizon. The memberships table counts posts over the
    reported weeks (spin-up excluded), which are the last 52 reported weeks for a run of
    up to 52 reported weeks (the default).
    """
    large = groups.group_id[groups.final_members >= LARGE]
    current = memberships[memberships.group_id.isin(large) & memberships.left_tick.isna()]
    return float((current.posts == 0).mean()) if len(current) else math.nan


def top1_share(memberships: pd.DataFrame) -> float:
    """S2: share of all posts written by the top 1% (at least one person) of people who posted."""
    posts = memberships.groupby("agent_id").posts.sum()
    return top_share(posts[posts > 0].to_numpy(dtype=float), 0.01)


def industry_rates(groups: pd.DataFrame, group_weeks: pd.DataFrame) -> dict:
    """S3: pooled posts and replies per 1,000 member-weeks of large live industry groups.

    The groups are the non-dormant industry groups of 2,000+ members, or the 30 largest
    non-dormant industry groups if fewer than 5 reach 2,000.
    """
    live = groups[(groups.anchor == "industry") & (groups.final_state.astype(str) != "dormant")]
    chosen = live[live.final_members >= LARGE]
    if len(chosen) < 5:
        chosen = live.nlargest(30, "final_members")
    gw = group_weeks[group_weeks.group_id.isin(chosen.group_id)]
    exposure = gw.members.sum()
    if exposure == 0:
        return {"posts": math.nan, "replies": math.nan, "groups": 0}
    return {"posts": 1000.0 * gw.posts.sum() / exposure, "replies": 1000.0 * gw.replies.sum() / exposure,
            "groups": int(len(chosen))}


def size_bins(sizes) -> np.ndarray:
    """Log2 size classes (bin k holds sizes in [2^k, 2^(k+1)))."""
    return np.floor(np.log2(np.maximum(np.asarray(sizes, dtype=float), 1))).astype(int)


def path_dependence(replicates: list[pd.DataFrame], min_groups: int = 1) -> dict:
    """S4 from the final ``groups`` tables of runs sharing ONE initial state.

    The runs share the seed and differ in ``dynamics_seed``. Per group, the shares of
    runs ending thriving and dormant; per charter x size cell, the mean over its groups
    of the smaller of the two. Fixed differences between groups give 0 here; only the
    same group ending in different states counts.
    """
    if len(replicates) < 2:
        return {"within_group_split": math.nan, "cell": None}
    stacked = pd.concat(replicates, keys=range(len(replicates)), names=["run"]).reset_index(level=0)
    state = stacked.final_state.astype(str)
    per_group = stacked.assign(t=state.eq("thriving"), d=state.eq("dormant")).groupby("group_id").agg(
        charter=("charter", "first"), initial_size=("initial_size", "first"), t=("t", "mean"), d=("d", "mean"))
    per_group["split"] = np.minimum(per_group.t, per_group.d)
    per_group["size_bin"] = size_bins(per_group.initial_size)
    cells = per_group.groupby(["charter", "size_bin"]).split.agg(["mean", "size"])
    cells = cells[cells["size"] >= min_groups]
    if cells.empty:
        return {"within_group_split": math.nan, "cell": None}
    best = cells["mean"].idxmax()
    return {"within_group_split": float(cells["mean"].max()),
            "cell": {"charter": best[0], "size_from": int(2 ** best[1]), "size_to": int(2 ** (best[1] + 1))}}


def badges_persist(groups: pd.DataFrame, group_weeks: pd.DataFrame) -> dict:
    """S5: members kept by dormant groups, against non-dormant groups of the same size.

    The median share of members kept from dormancy onset to the horizon by groups dormant
    at the horizon, and the same share over the same weeks for non-dormant groups of the
    same size class (log2 of members at onset).
    """
    members = group_weeks.pivot(index="week", columns="group_id", values="members")
    final = members.iloc[-1].to_numpy(dtype=float)
    column = pd.Series(np.arange(members.shape[1]), index=members.columns)
    dormant = groups[groups.final_state.astype(str) == "dormant"].dropna(subset=["weeks_to_dormancy"])
    live = np.isin(members.columns, groups.group_id[groups.final_state.astype(str) != "dormant"])
    kept, compared = [], []  # the same values as a loop over the dormant groups, in another order
    onsets = dormant.weeks_to_dormancy.astype(int).to_numpy() - 1
    for onset in np.unique(onsets):  # the groups that went dormant in one week share ``start``
        start = members.loc[onset].to_numpy(dtype=float)
        i = column[dormant.group_id[onsets == onset]].to_numpy()
        i = i[~(start[i] <= 0)]
        kept.append(final[i] / start[i])
        bins, peers = size_bins(start), live & (start > 0)
        for b, n in zip(*np.unique(bins[i], return_counts=True), strict=True):  # each group's peers: its size class
            same = peers & (bins == b)
            compared.append(np.tile(final[same] / start[same], n))
    kept, compared = np.concatenate(kept or [[]]), np.concatenate(compared or [[]])
    return {"kept_dormant": float(np.median(kept)) if len(kept) else math.nan,
            "kept_non_dormant_same_size": float(np.median(compared)) if len(compared) else math.nan,
            "dormant_groups": len(kept)}


def _standardised(groups: pd.DataFrame, mask: pd.Series, weights: pd.Series, horizon: int) -> tuple[float, float]:
    """Share dormant at the horizon and mean weeks to dormancy, size-standardised.

    Never dormant counts as the horizon. The groups in ``mask`` are reweighted to the
    size classes of ``weights`` (direct standardisation on log2 size classes).
    """
    sel = groups[mask]
    sel = sel.assign(size_bin=size_bins(sel.initial_size), dormant=sel.final_state.astype(str).eq("dormant"),
                     weeks=sel.weeks_to_dormancy.fillna(horizon).astype(float))
    per_bin = sel.groupby("size_bin")[["dormant", "weeks"]].mean()
    common = weights.index.intersection(per_bin.index)
    if len(common) == 0:
        return math.nan, math.nan
    w = weights[common] / weights[common].sum()
    return float((per_bin.dormant[common] * w).sum()), float((per_bin.weeks[common] * w).sum())


def defunct_order(groups: pd.DataFrame, horizon: int) -> dict:
    """S6: defunct employment associations against live ones and industry groups.

    All three are size-matched to the defunct groups' size classes: share dormant at the
    horizon and mean weeks to dormancy. ``order_holds`` is 1 when dormancy is highest
    and earliest for defunct and lowest and latest for industry groups, 0 when not, NaN
    without defunct groups.
    """
    employer = groups.anchor.eq("employer")
    masks = {"defunct": employer & groups.employer_defunct, "live_employment": employer & ~groups.employer_defunct,
             "industry": groups.anchor.eq("industry")}
    weights = pd.Series(size_bins(groups.initial_size[masks["defunct"]])).value_counts()
    out = {name: _standardised(groups, m, weights, horizon) for name, m in masks.items()}
    values = [v for pair in out.values() for v in pair]
    if weights.empty or any(math.isnan(v) for v in values):
        order = math.nan
    else:
        d, lv, ind = (out[k] for k in masks)
        order = float(d[0] > lv[0] > ind[0] and d[1] < lv[1] < ind[1])
    return {"order_holds": order,
            "share_dormant_size_matched": {k: v[0] for k, v in out.items()},
            "mean_weeks_to_dormancy_size_matched": {k: v[1] for k, v in out.items()}}


def evaluate(tables: dict, horizon: int) -> dict:
    """All facts a single run can evaluate.

    S4 needs replicate runs (see :func:`path_dependence`) and is reported as not
    evaluated here.
    """
    groups, gw, members = tables["groups"], tables["group_weeks"], tables["memberships"]
    s3 = industry_rates(groups, gw)
    s5 = badges_persist(groups, gw)
    s6 = defunct_order(groups, horizon)
    return {
        "S1": result("S1", {"never_posted": never_posted_large(groups, members)}),
        "S2": result("S2", {"top1_share": top1_share(members)}),
        "S3": result("S3", s3, groups_used=s3["groups"]),
        "S4": result("S4", {}, note="not evaluated in a single run: needs replicate runs of one initial state "
                     "(sim.facts.path_dependence)"),
        "S5": result("S5", s5, comparison={k: v for k, v in s5.items() if k != "kept_dormant"}),
        "S6": result("S6", s6, comparison={k: v for k, v in s6.items() if k != "order_holds"}),
    }


def registry_table() -> str:
    """The registry as a markdown table (docs/ODD.md and the README are generated from it)."""
    rows = ["| # | definition | target | role | source |", "|---|---|---|---|---|"]
    rows += [f"| {f.key} | {f.definition} | {f.target} | {f.role} | {f.source} |" for f in FACTS.values()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(registry_table())
