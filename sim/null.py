"""The null model of MODEL_BRIEF Revision 2, and per-capita outcomes for model and null.

The null keeps the run's groups and their member counts week by week (the
``group_weeks`` table) and removes every group dynamic: each group posts Poisson at one
constant per-capita rate (the model's own overall rate, or one rate per charter), each
post is written by a member drawn uniformly from that week's members (so distinct
posters follow from the same draws), and each week is judged by the same
:func:`sim.rules.classify` as the model. The null returns tables shaped like the model's
``group_weeks`` and ``groups``, so every outcome is computed for model and null by one
function (:mod:`sim.summary`).

The null's randomness comes from its own generator, a child of the run's seed
(:func:`null_rng`): it is reproducible and never shifts the model's draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.csr import sorted_unique
from sim.params import ClassificationParams
from sim.rules import DORMANT, STATE_NAMES, classify
from sim.tables import STATE_CATEGORIES, state_names

NULL_STREAM = 0x6E756C6C  # "null": spawn key of the null's stream, apart from the model's children


def null_rng(seed: int, replicate: int = 0) -> np.random.Generator:
    """The null model's generator for a run's ``seed`` (one stream per replicate)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(NULL_STREAM, replicate)))


def per_capita_rates(group_weeks: pd.DataFrame, groups: pd.DataFrame, by_charter: bool) -> pd.Series:
    """Posts per member-week, indexed by group_id: one overall rate, or one per charter."""
    gw = group_weeks.merge(groups[["group_id", "charter"]], on="group_id")
    if not by_charter:
        rate = gw.posts.sum() / max(gw.members.sum(), 1)
        return pd.Series(float(rate), index=groups.group_id)
    sums = gw.groupby("charter", observed=True)[["posts", "members"]].sum()
    rate = sums.posts / sums.members.clip(lower=1)
    return groups.set_index("group_id").charter.map(rate).astype(float)


def augment(group_weeks: pd.DataFrame) -> pd.DataFrame:
    """Add per-capita activity and participation breadth to a ``group_weeks`` table.

    ``posts_per_1000_member_weeks`` = 1000 x posts / members that week (NaN with no
    members); ``breadth`` = distinct posters that week / members (the share of members
    who posted in the week). The weekly window is used because the tables do not keep
    distinct posters over the classifier's trailing window.
    """
    members = group_weeks.members.where(group_weeks.members > 0)
    return group_weeks.assign(
        posts_per_1000_member_weeks=1000.0 * group_weeks.posts / members,
        breadth=group_weeks.distinct_posters / members,
    )


def simulate(
    group_weeks: pd.DataFrame,
    rates: pd.Series,
    c: ClassificationParams,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One draw of the null: posts, distinct posters and state per group and week.

    Args:
        group_weeks: the model's table (``group_id, week, members`` are read).
        rates: posts per member-week, indexed by group_id.
        c: the classification thresholds of the run.
        rng: the null's generator (see :func:`null_rng`).

    Returns:
        ``group_id, week, members, posts, distinct_posters, state`` like the model's
        ``group_weeks`` (state categorical dormant / active / thriving).
    """
    members = group_weeks.pivot(index="week", columns="group_id", values="members").sort_index()
    n_weeks, ids = len(members), members.columns.to_numpy()
    m = members.to_numpy(dtype=np.int64)
    posts = rng.poisson(rates.reindex(ids).to_numpy() * m)
    week, group, author = _authors(posts, m, rng)
    weekly_posters = distinct_posters(week, group, author, posts.shape, 1)
    window_posters = distinct_posters(week, group, author, posts.shape, c.window_weeks)
    cum = np.vstack([np.zeros((1, len(ids)), dtype=np.int64), posts.cumsum(axis=0)])
    seen = np.arange(1, n_weeks + 1)
    in_window = cum[seen] - cum[np.maximum(0, seen - c.window_weeks)]
    in_dormant_window = cum[seen] - cum[np.maximum(0, seen - c.dormant_window_weeks)]
    state = classify(in_window, window_posters, in_dormant_window, seen[:, None], c)
    return pd.DataFrame({
        "group_id": np.tile(ids, n_weeks),
        "week": np.repeat(members.index.to_numpy(), len(ids)),
        "members": m.ravel(),
        "posts": posts.ravel(),
        "distinct_posters": weekly_posters.ravel(),
        "state": state_names(state.ravel()),
    })


def _authors(posts: np.ndarray, members: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Week, group and author (index among that week's members) of every post."""
    flat = posts.ravel()
    cell = np.repeat(np.arange(flat.size), flat)
    week, group = np.divmod(cell, posts.shape[1])
    author = np.floor(rng.random(cell.size) * np.maximum(members[week, group], 1)).astype(np.int64)
    return week, group, author


def distinct_posters(week, group, author, shape: tuple[int, int], window: int) -> np.ndarray:
    """Distinct authors per group over the trailing ``window`` weeks ending at each week.

    Each (group, author) with a post in week w counts in weeks w .. w + window - 1; the
    distinct (group, author, week) triples are sorted, each covers the weeks its
    predecessor of the same pair does not, and the covered spans are summed per group.
    Memory grows with the posts, not with posts x window.
    """
    n_weeks, n_groups = shape
    base = int(author.max()) + 1 if author.size else 1
    key = sorted_unique((np.asarray(group, dtype=np.int64) * base + author) * n_weeks + week)
    pair, w = np.divmod(key, n_weeks)
    same = np.concatenate([[False], pair[1:] == pair[:-1]])
    start = np.where(same, np.maximum(w, np.concatenate([[0], w[:-1]]) + window), w)
    end = np.minimum(w + window, n_weeks)
    spans = start < end
    g = pair[spans] // base
    cells = n_groups * (n_weeks + 1)  # +1 at each span's start, -1 after its end, per (group, week) cell
    diff = np.bincount(g * (n_weeks + 1) + start[spans], minlength=cells)
    diff -= np.bincount(g * (n_weeks + 1) + end[spans], minlength=cells)
    return diff.reshape(n_groups, n_weeks + 1)[:, :n_weeks].cumsum(axis=1).T


def groups_from_weeks(group_weeks: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """A ``groups``-like table from weekly states.

    Sets ``final_state``, ``final_members``, ``weeks_to_dormancy`` (first dormant week +
    1, NaN if never) and ``posts``, and keeps the groups' fixed columns (charter,
    anchor, initial_size, employer_defunct, ...).
    """
    gw = group_weeks.sort_values(["group_id", "week"])
    final = gw.groupby("group_id").last()
    dormant = gw[gw.state == STATE_NAMES[DORMANT]].groupby("group_id").week.min() + 1.0
    out = groups.drop(columns=["final_state", "weeks_to_dormancy", "posts", "replies"], errors="ignore")
    out = out.set_index("group_id")
    out["final_members"] = final.members.reindex(out.index)
    out["final_state"] = pd.Categorical(final.state.reindex(out.index).astype(str), categories=STATE_CATEGORIES)
    out["weeks_to_dormancy"] = dormant.reindex(out.index).astype(float)
    out["posts"] = gw.groupby("group_id").posts.sum().reindex(out.index)
    return out.reset_index()


def null_tables(
    tables: dict,
    c: ClassificationParams,
    seed: int,
    by_charter: bool = False,
    replicates: int = 1,
) -> list[dict[str, pd.DataFrame]]:
    """``replicates`` draws of the null for a run's tables.

    Returns a list of ``{"group_weeks", "groups"}`` with the model's columns, one per draw.
    """
    gw, groups = tables["group_weeks"], tables["groups"]
    rates = per_capita_rates(gw, groups, by_charter)
    draws = []
    for r in range(replicates):
        weeks = simulate(gw, rates, c, null_rng(seed, r))
        draws.append({"group_weeks": weeks, "groups": groups_from_weeks(weeks, groups)})
    return draws
