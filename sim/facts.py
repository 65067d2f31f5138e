"""The stylized facts S1-S6 and the held-out patterns H4-H5: ONE frozen, versioned registry and their evaluation.

Definitions and targets are those of MODEL_BRIEF.md, "Revision 2", with the facts
"Revision 3" changes (S2, S2.posters, S5, S6) as Revision 3 words them. They are frozen:
a definition or a target is never changed to make the model pass (a test checks a digest
of :data:`FACTS`). If the model misses a fact, the docs say so and why. ``summary()``,
docs/ODD.md, the README's validation table, the tests and CI all read this module.

Each fact has one or more measures, each with a target range; it passes when every
measure is inside its range. A fact judged over seeds (``over_seeds``, S6) has no verdict
in a single run: the run reports its per-seed values, and
:mod:`experiments.analysis.validation` judges them by a t-interval over seeds. A fact may
carry diagnostics (reported, no target) and a note on what it is evidence of.
Evaluations read only the run's tables.

The held-out patterns (role ``held-out``; issue 20) are published patterns the model does
not take as inputs and that no parameter is tuned to; H1-H3, which read summary keys, are
in :mod:`experiments.analysis.validation`. They were added after Revision 3: the digest of
the Revision 3 facts alone (:data:`REVISION_3`) is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from sim.inequality import top_share
from sim.states import live as live_groups
from sim.states import outcome_states

VERSION = "3"
"""Registry version: the MODEL_BRIEF revision the definitions come from."""

LARGE = 2_000
"""Members from which a group counts as large (S1, S2, S3), fixed by the definitions."""

FALLBACK_MIN, FALLBACK_LARGEST = 5, 30
"""S2, S3: when fewer than 5 groups reach :data:`LARGE`, the 30 largest are used."""

LIVE_MAX_DORMANT = 0.9
"""S6: size classes where live employment associations are this dormant or more are left out."""

YOUNG_WEEKS = 52
"""H5: a group younger than this many weeks since its founding is young."""

NEEDS_FOUNDED_WEEK = "not computed (needs founded_week)"
"""H5's status when the groups table has no ``founded_week`` column (a closed world)."""


@dataclass(frozen=True)
class Fact:
    """One stylized fact: definition, target ranges per measure, source, tables, role."""

    key: str
    definition: str
    measures: tuple[tuple[str, float, float], ...]  # (name, low, high), the first is the headline
    target: str
    source: str
    tables: tuple[str, ...]
    role: str  # "calibration", "validation", "held-out", "reported" or "diagnostic"
    note: str = ""  # what the fact is (not) evidence of
    over_seeds: int = 0  # judged by a 95% t-interval over at least this many seeds (0: in each run)


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
            "in each group of 2,000+ members (the 30 largest groups if fewer than 5 reach 2,000): the share of "
            "the group's reported-week posts written by the top 1% of its members (all members ranked by their "
            "posts in that group, lurkers included); median over those groups",
            (("top1_share", 0.50, 0.80),),
            "50-80% (van Mierlo 2014: 74.7% over four networks)",
            "van Mierlo 2014 (74.7%)",
            ("groups", "memberships"),
            "calibration",
        ),
        Fact(
            "S2_posters",
            "the Revision 2 measure (top 1% of posting members, platform-wide)",
            (("top1_share", -math.inf, math.inf),),
            "none: reported",
            "van Mierlo 2014 (74.7%)",
            ("memberships",),
            "diagnostic",
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
            "reported",
            note="not evidence while leaving ignores activity",
        ),
        Fact(
            "S6",
            "per seed: among employment associations of one size class (log2 of members when first seen in the "
            "reported weeks), share dormant of defunct minus live employers, averaged over the size classes where "
            "live ones are below 90% dormant (weights: groups); and industry groups minus live employment "
            "associations the same way",
            (("defunct_minus_live", 0.0, math.inf), ("industry_minus_live", -math.inf, 0.0)),
            "defunct minus live: the 95% t-interval over 12+ seeds lies above 0; industry minus live: it lies "
            "below 0",
            "the seed",
            ("groups", "group_weeks"),
            "validation",
            over_seeds=12,
        ),
        # Held-out patterns (issue 20): published, not taken as inputs, never used in calibration.
        Fact(
            "H4",
            "per run, over the groups with members: Spearman rank correlation of a group's mean members with its "
            "mean weekly joins, and with its mean weekly leaves (over the reported weeks it has members)",
            (("joins_with_size", 0.0, math.inf), ("leaves_with_size", 0.0, math.inf)),
            "both positive (larger groups gain and lose more members): the 95% t-interval over 3+ seeds of each "
            "lies above 0",
            "Butler 2001, Information Systems Research 12(4):346-362 (listservs: size brings both member gain "
            "and member loss)",
            ("group_weeks",),
            "held-out",
            note="leaves_with_size is close to an input while each membership leaves at its own rate",
            over_seeds=3,
        ),
        Fact(
            "H5",
            "hazard of a group's first dormancy by age (weeks since founded_week), left-truncated: a group is at "
            "risk from its first reported week (left out if dormant then) to its first dormant week or the "
            "horizon; dormancies per group-week at ages below 52 weeks minus at 52 weeks and older",
            (("young_minus_old", 0.0, math.inf),),
            "positive (a liability of newness: young groups die more often): the 95% t-interval over 3+ seeds "
            "lies above 0",
            "Freeman, Carroll & Hannan 1983, American Sociological Review 48(5):692-710 (death rates fall with "
            "age; Stinchcombe 1965); Lai 2014, J. Computer-Mediated Communication, doi:10.1111/jcc4.12075 "
            "(Meetup groups: group age predicts survival)",
            ("groups", "group_weeks"),
            "held-out",
            over_seeds=3,
        ),
    )
}

REVISION_3 = ("S1", "S2", "S2_posters", "S3", "S4", "S5", "S6")
"""The facts as MODEL_BRIEF Revision 3 words them; the held-out patterns were added after (issue 20)."""


def digest(keys=None) -> str:
    """SHA-256 of the registry (version, definitions, targets, sources, roles), or of the facts ``keys`` only."""
    chosen = [f for k, f in FACTS.items() if keys is None or k in keys]
    payload = json.dumps({"version": VERSION, "facts": [asdict(f) for f in chosen]}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


# ------------------------------------------------------------------ evaluation


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def result(key: str, values: dict, **extra) -> dict:
    """A fact's entry in the summary.

    Holds value (of the headline measure), low, high, target, pass, role, source,
    definition, every measure, and extra comparisons. A diagnostic (no target) and a fact
    judged over seeds have ``pass`` None in a single run; a fact with a note carries it.
    """
    f = FACTS[key]
    judged = f.role != "diagnostic" and not f.over_seeds
    measures = {}
    for name, low, high in f.measures:
        v = values.get(name, math.nan)
        ok = None if _nan(v) or not judged else bool(low <= v <= high)
        measures[name] = {"value": v, "low": low, "high": high, "pass": ok}
    passes = [m["pass"] for m in measures.values()]
    name, low, high = f.measures[0]
    notes = {"note": f.note} if f.note else {}
    if f.over_seeds:
        notes["judged_over_seeds"] = (f"a 95% t-interval over {f.over_seeds}+ seeds "
                                      "(experiments.analysis.validation)")
    return {
        "value": measures[name]["value"], "low": low, "high": high, "target": f.target,
        "pass": None if None in passes else all(passes), "role": f.role, "source": f.source,
        "definition": f.definition, "measures": measures, **notes, **extra,
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
    """S2_posters (Revision 3's S2.posters): share of all posts by the top 1% (at least one) of people who posted."""
    posts = memberships.groupby("agent_id").posts.sum()
    return top_share(posts[posts > 0].to_numpy(dtype=float), 0.01)


def falls_back(groups: pd.DataFrame) -> bool:
    """Whether :func:`largest` takes the 30 largest groups: fewer than 5 reach 2,000 members."""
    return int((groups.final_members >= LARGE).sum()) < FALLBACK_MIN


def largest(groups: pd.DataFrame) -> pd.DataFrame:
    """The groups of 2,000+ members at the horizon, or the 30 largest if fewer than 5 reach 2,000."""
    return groups.nlargest(FALLBACK_LARGEST, "final_members") if falls_back(groups) else (
        groups[groups.final_members >= LARGE])


def live_industry(groups: pd.DataFrame) -> pd.DataFrame:
    """The groups S3 chooses from: industry groups neither dormant nor closed at the horizon."""
    return groups[(groups.anchor == "industry") & live_groups(groups)]


def top1_share_in_groups(groups: pd.DataFrame, memberships: pd.DataFrame, report_start: int) -> dict:
    """S2: median over the large groups of the share of a group's posts by the top 1% of its members.

    A group's members are every membership held at some time in the reported weeks (not
    left before ``report_start``, the tick at which they begin), posters and lurkers
    alike, ranked by their reported-week posts in that group; the top 1% is at least one
    member. Groups without posts have no share and are left out of the median.
    """
    chosen = largest(groups).group_id
    held = memberships.left_tick.isna() | (memberships.left_tick >= report_start)
    rows = memberships[memberships.group_id.isin(chosen) & held.to_numpy(dtype=bool)]
    per_group = rows.groupby("group_id").posts.agg(lambda p: top_share(p.to_numpy(dtype=float), 0.01)).dropna()
    return {"top1_share": float(per_group.median()) if len(per_group) else math.nan,
            "groups_used": int(len(per_group))}


def industry_rates(groups: pd.DataFrame, group_weeks: pd.DataFrame) -> dict:
    """S3: pooled posts and replies per 1,000 member-weeks of large live industry groups.

    The groups are the non-dormant industry groups of 2,000+ members, or the 30 largest
    non-dormant industry groups if fewer than 5 reach 2,000.
    """
    live = live_industry(groups)
    chosen, fallback = largest(live), falls_back(live)
    gw = group_weeks[group_weeks.group_id.isin(chosen.group_id)]
    exposure = gw.members.sum()
    if exposure == 0:
        return {"posts": math.nan, "replies": math.nan, "groups": 0, "fallback": fallback}
    return {"posts": 1000.0 * gw.posts.sum() / exposure, "replies": 1000.0 * gw.replies.sum() / exposure,
            "groups": int(len(chosen)), "fallback": fallback}


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
    state = outcome_states(stacked)
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
    live = np.isin(members.columns, groups.group_id[live_groups(groups)])
    kept, compared = [], []  # the same values as a loop over the dormant groups, in another order
    founded = dormant.founded_week.to_numpy() if "founded_week" in dormant else 0  # weeks_to_dormancy counts from it
    onsets = np.maximum(dormant.weeks_to_dormancy.astype(int).to_numpy() + founded - 1, 0)  # reported week
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


def first_seen_members(group_weeks: pd.DataFrame) -> pd.Series:
    """Members of each group in the first reported week it has members, indexed by group_id."""
    seen = group_weeks[group_weeks.members > 0].sort_values(["group_id", "week"])
    return seen.groupby("group_id").members.first()


def risk_difference(dormant: pd.Series, size_class: pd.Series, case: pd.Series, live: pd.Series) -> float:
    """Share dormant of ``case`` minus ``live`` groups within size classes, averaged over classes.

    All series are indexed alike (one entry per group; realigned on ``dormant``'s index if
    not). Only classes that hold both kinds and where live groups are below
    :data:`LIVE_MAX_DORMANT` dormant count; each class is weighted by its number of groups
    of the two kinds (a group whose outcome is NaN counts in the weight, not in the share).
    NaN when no class counts. Counted with ``np.bincount`` per class (the summary calls it
    for every null draw; a pandas group-by per call was a third of the summary's time).
    """
    aligned = [x if x.index.equals(dormant.index) else x.reindex(dormant.index) for x in (size_class, case, live)]
    cls, is_case, is_live = (x.to_numpy() for x in aligned)
    is_case = is_case.astype(bool)
    use = (is_case | is_live.astype(bool)) & pd.notna(cls)
    classes, inv = np.unique(cls[use].astype(np.int64), return_inverse=True)
    outcome, kind = dormant.to_numpy(dtype=float)[use], is_case[use]
    seen = ~np.isnan(outcome)

    def share_and_size(of_kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        size = np.bincount(inv[of_kind], minlength=len(classes))
        n = np.bincount(inv[of_kind & seen], minlength=len(classes))
        total = np.bincount(inv[of_kind & seen], weights=outcome[of_kind & seen], minlength=len(classes))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, total / n, np.nan), size

    case_share, case_size = share_and_size(kind)
    live_share, live_size = share_and_size(~kind)
    used = ~np.isnan(case_share) & ~np.isnan(live_share) & (live_share < LIVE_MAX_DORMANT)
    if not used.any():
        return math.nan
    weights = (case_size + live_size)[used]
    return float(np.average(case_share[used] - live_share[used], weights=weights.astype(float)))


def defunct_risk(groups: pd.DataFrame, group_weeks: pd.DataFrame) -> dict:
    """S6 for one seed: the two size-matched risk differences of dormancy at the horizon.

    ``defunct_minus_live``: employment associations of a defunct employer against those of
    a live one; ``industry_minus_live``: industry groups against live employment
    associations. Size classes are log2 of members when first seen in the reported weeks
    (groups never seen with members are left out); see :func:`risk_difference`.
    """
    first = first_seen_members(group_weeks)
    g = groups.set_index("group_id").loc[lambda d: d.index.isin(first.index)]
    size_class = pd.Series(size_bins(first.reindex(g.index)), index=g.index)
    dormant = outcome_states(g).eq("dormant").astype(float)  # a closed group went dormant
    employer = g.anchor.eq("employer")
    defunct = employer & g.employer_defunct.astype(bool)
    live = employer & ~g.employer_defunct.astype(bool)
    return {"defunct_minus_live": risk_difference(dormant, size_class, defunct, live),
            "industry_minus_live": risk_difference(dormant, size_class, g.anchor.eq("industry"), live),
            "groups": {"defunct": int(defunct.sum()), "live_employment": int(live.sum()),
                       "industry": int(g.anchor.eq("industry").sum())}}


def rank_correlation(x, y) -> float:
    """Spearman rank correlation of ``x`` and ``y`` (NaN below 3 pairs or when either is constant)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan
    return float(spearmanr(x, y).statistic)


def turnover_with_size(group_weeks: pd.DataFrame) -> dict:
    """H4: do larger groups gain and lose more members?

    Per group, over the reported weeks it has members: mean members, mean weekly joins and
    mean weekly leaves (weeks before a group is founded have no members and are left out);
    the Spearman rank correlation of size with joins and with leaves over the groups.
    """
    per_group = group_weeks[group_weeks.members > 0].groupby("group_id")[["members", "joins", "leaves"]].mean()
    return {"joins_with_size": rank_correlation(per_group.members, per_group.joins),
            "leaves_with_size": rank_correlation(per_group.members, per_group.leaves),
            "groups": int(len(per_group))}


def newness_hazard(groups: pd.DataFrame, group_weeks: pd.DataFrame) -> dict:
    """H5: the weekly hazard of a group's first dormancy at young and at old ages, left-truncated.

    Age in a reported week is ``week - founded_week`` (``founded_week`` in reported weeks,
    negative for groups founded before them). A group is at risk from its first reported
    week (its founding week if later) to its first dormant week (the event) or the
    horizon; a group already dormant in its first reported week died before it was seen
    and is left out (never counted as dying then). The hazard of an age band is events
    per group-week at risk in it; young is below :data:`YOUNG_WEEKS`. Without a
    ``founded_week`` column (a closed world) nothing is computed.
    """
    if "founded_week" not in groups:
        return {"young_minus_old": math.nan, "status": NEEDS_FOUNDED_WEEK}
    founded = groups.set_index("group_id").founded_week
    gw = group_weeks.assign(founded=group_weeks.group_id.map(founded).to_numpy())
    gw = gw[gw.week >= gw.founded].sort_values(["group_id", "week"])
    dormant = gw.state.astype(str).eq("dormant")
    by_group = dormant.groupby(gw.group_id)
    seen_dormant = by_group.transform("first").astype(bool)  # left truncation
    before = by_group.cumsum() - dormant  # dormant weeks before this one
    risk = ~seen_dormant & (before == 0)
    young = (gw.week - gw.founded)[risk] < YOUNG_WEEKS
    events = dormant[risk]
    hazard = {band: float(events[sel].mean()) if sel.any() else math.nan
              for band, sel in (("young", young), ("old", ~young))}
    return {"young_minus_old": hazard["young"] - hazard["old"], "hazard_young": hazard["young"],
            "hazard_old": hazard["old"], "group_weeks_young": int(young.sum()), "group_weeks_old": int((~young).sum()),
            "dormancies_young": int(events[young].sum()), "dormancies_old": int(events[~young].sum()),
            "left_truncated": int(seen_dormant.groupby(gw.group_id).first().sum()), "status": "computed"}


def evaluate(tables: dict, report_start: int) -> dict:
    """All facts a single run can evaluate; ``report_start`` is the tick the reported weeks begin.

    S4 needs replicate runs (see :func:`path_dependence`) and is reported as not
    evaluated here; S6 gives this seed's values for the judgement over seeds.
    """
    groups, gw, members = tables["groups"], tables["group_weeks"], tables["memberships"]
    s2 = top1_share_in_groups(groups, members, report_start)
    s3 = industry_rates(groups, gw)
    s5 = badges_persist(groups, gw)
    s6 = defunct_risk(groups, gw)
    h4 = turnover_with_size(gw)
    h5 = newness_hazard(groups, gw)
    return {
        "S1": result("S1", {"never_posted": never_posted_large(groups, members)}),
        "S2": result("S2", s2, groups_used=s2["groups_used"]),
        "S2_posters": result("S2_posters", {"top1_share": top1_share(members)}),
        "S3": result("S3", s3, groups_used=s3["groups"], fallback=s3["fallback"]),
        "S4": result("S4", {}, note="not evaluated in a single run: needs replicate runs of one initial state "
                     "(sim.facts.path_dependence)"),
        "S5": result("S5", s5, comparison={k: v for k, v in s5.items() if k != "kept_dormant"}),
        "S6": result("S6", s6, groups_used=s6["groups"]),
        "H4": result("H4", h4, groups_used=h4["groups"]),
        "H5": result("H5", h5, comparison={k: v for k, v in h5.items() if k != "young_minus_old"}),
    }


def registry_table() -> str:
    """The registry as a markdown table (docs/ODD.md and the README are generated from it)."""
    rows = ["| # | definition | target | role | source |", "|---|---|---|---|---|"]
    rows += [f"| {f.key} | {f.definition} | {f.target} | {f.role}{'; ' + f.note if f.note else ''} | {f.source} |"
             for f in FACTS.values()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(registry_table())
