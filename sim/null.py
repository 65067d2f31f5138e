"""The null models of MODEL_BRIEF Revisions 2 and 3 (a ladder of them), and per-capita outcomes.

The null keeps the run's groups and their member counts week by week (the
``group_weeks`` table) and removes every group dynamic: each group posts Poisson at a
constant per-capita rate, pooled from the model's reported weeks over a cell of groups
(:data:`RUNGS`: one rate for all groups, one per charter, one per charter and size class,
or each group's own rate), each post is written by a member drawn uniformly from that week's members (so distinct
posters follow from the same draws), and each week is judged by the same
:func:`sim.rules.classify` as the model. The null returns tables shaped like the model's
``group_weeks`` and ``groups``, so every outcome is computed for model and null by one
function (:mod:`sim.summary`).

The null's randomness comes from its own generator, a child of the run's seed
(:func:`null_rng`): it is reproducible and never shifts the model's draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.csr import sorted_unique
from sim.facts import first_seen_members, size_bins
from sim.params import ClassificationParams
from sim.rules import DORMANT, NOT_FOUNDED, classify
from sim.tables import state_names

NULL_STREAM = 0x6E756C6C  # "null": spawn key of the null's stream, apart from the model's children


def null_rng(seed: int, replicate: int = 0) -> np.random.Generator:
    """The null model's generator for a run's ``seed`` (one stream per replicate)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(NULL_STREAM, replicate)))


RUNGS = {
    "one_rate": [],
    "per_charter": ["charter"],
    "per_charter_size": ["charter", "size_class"],
    "own_rate": ["group_id"],
}
"""The ladder of nulls: rung name -> the columns whose cells pool one per-capita rate.

``size_class`` is log2 of a group's members when first seen in the reported weeks
(:func:`sim.facts.first_seen_members`), the size classes of S6."""


def per_capita_rates(group_weeks: pd.DataFrame, groups: pd.DataFrame, rung: str = "one_rate") -> pd.Series:
    """Posts per member-week over the reported weeks, indexed by group_id, pooled per cell of ``rung``.

    ``rung`` is a key of :data:`RUNGS`: the groups of one cell share the rate of their
    pooled posts over their pooled member-weeks.
    """
    if rung not in RUNGS:
        raise ValueError(f"null rung {rung!r}: allowed {', '.join(RUNGS)}")
    totals = group_weeks.groupby("group_id")[["posts", "members"]].sum()
    g = groups[["group_id", "charter"]].join(totals, on="group_id").fillna({"posts": 0, "members": 0})
    if "size_class" in RUNGS[rung]:
        first = first_seen_members(group_weeks).reindex(g.group_id).fillna(0)
        g["size_class"] = size_bins(first.to_numpy())
    cells = g.groupby(RUNGS[rung] or np.zeros(len(g)), observed=True)[["posts", "members"]].transform("sum")
    return pd.Series((cells.posts / cells.members.clip(lower=1)).to_numpy(dtype=float), index=g.group_id.to_numpy())


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
    return draw(member_weeks(group_weeks), rates, c, rng).weeks_table()


def member_weeks(group_weeks: pd.DataFrame) -> pd.DataFrame:
    """Members per week (rows, sorted) and group (columns, sorted): what every draw keeps.

    Weeks in which the model gives a group no state (before its founding, after it
    closed) are NaN: the null gives them no state either.
    """
    members = group_weeks.members.astype(float)
    if "state" in group_weeks:
        members = members.where(group_weeks.state.notna())
    return group_weeks.assign(members=members).pivot(index="week", columns="group_id", values="members").sort_index()


@dataclass
class Draw:
    """One draw of the null as week x group arrays (rows: ``weeks``, columns: ``ids``)."""

    weeks: np.ndarray
    ids: np.ndarray
    members: np.ndarray
    posts: np.ndarray
    posters: np.ndarray  # distinct posters in the week
    state: np.ndarray  # codes of sim.rules

    def weeks_table(self) -> pd.DataFrame:
        """The draw shaped like the model's ``group_weeks`` table (rows by week, then group)."""
        return pd.DataFrame({
            "group_id": np.tile(self.ids, len(self.weeks)),
            "week": np.repeat(self.weeks, len(self.ids)),
            "members": self.members.ravel(),
            "posts": self.posts.ravel(),
            "distinct_posters": self.posters.ravel(),
            "state": state_names(self.state.ravel()),
        })

    def final_states(self) -> pd.DataFrame:
        """``final_state`` of every group at the last week (what :func:`sim.summary.shares` reads)."""
        return pd.DataFrame({"final_state": state_names(self.state[-1])})

    def groups_table(self, groups: pd.DataFrame) -> pd.DataFrame:
        """A ``groups``-like table of this draw.

        Sets ``final_state`` and ``final_members`` (the last week), ``weeks_to_dormancy``
        (first dormant week + 1, counted from ``founded_week`` where the table has it; NaN
        if never) and ``posts``, and keeps the groups' fixed columns (charter, anchor,
        initial_size, employer_defunct, ...).
        """
        dormant = self.state == DORMANT
        first = np.where(dormant.any(axis=0), self.weeks[dormant.argmax(axis=0)] + 1.0, np.nan)
        if "founded_week" in groups:
            first = first - groups.set_index("group_id").founded_week.reindex(self.ids).to_numpy(dtype=float)
        per_group = pd.DataFrame({
            "final_members": self.members[-1],
            "final_state": state_names(self.state[-1]),
            "weeks_to_dormancy": first,
            "posts": self.posts.sum(axis=0),
        }, index=self.ids)
        out = groups.drop(columns=["final_state", "weeks_to_dormancy", "posts", "replies"], errors="ignore")
        out = out.set_index("group_id")
        for name, column in per_group.items():
            out[name] = column.reindex(out.index)
        return out.reset_index()


def draw(members: pd.DataFrame, rates: pd.Series, c: ClassificationParams, rng: np.random.Generator) -> Draw:
    """One draw of the null for the week x group ``members`` of :func:`member_weeks`."""
    n_weeks, ids = len(members), members.columns.to_numpy()
    present = members.notna().to_numpy()
    m = members.fillna(0).to_numpy(dtype=np.int64)
    posts = rng.poisson(rates.reindex(ids).to_numpy() * m)
    triples = author_weeks(*_authors(posts, m, rng), n_weeks)
    weekly_posters = posters_in_window(triples, posts.shape, 1)
    window_posters = posters_in_window(triples, posts.shape, c.window_weeks)
    cum = np.vstack([np.zeros((1, len(ids)), dtype=np.int64), posts.cumsum(axis=0)])
    seen = np.arange(1, n_weeks + 1)
    in_window = cum[seen] - cum[np.maximum(0, seen - c.window_weeks)]
    in_dormant_window = cum[seen] - cum[np.maximum(0, seen - c.dormant_window_weeks)]
    weeks_seen = present.cumsum(axis=0)  # weeks with a state so far: since the start, or since the founding
    state = np.where(present, classify(in_window, window_posters, in_dormant_window, weeks_seen, c), NOT_FOUNDED)
    return Draw(members.index.to_numpy(), ids, m, posts, weekly_posters, state)


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
    return posters_in_window(author_weeks(week, group, author, shape[0]), shape, window)


def author_weeks(week, group, author, n_weeks: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The distinct (group, author) pairs with a post in a week, sorted, as (pair key, week, authors per group)."""
    base = int(author.max()) + 1 if author.size else 1
    key = sorted_unique((np.asarray(group, dtype=np.int64) * base + author) * n_weeks + week)
    pair, w = np.divmod(key, n_weeks)
    return pair, w, base


def posters_in_window(author_weeks: tuple, shape: tuple[int, int], window: int) -> np.ndarray:
    """:func:`distinct_posters` from the sorted triples of :func:`author_weeks` (shared by every window)."""
    (pair, w, base), (n_weeks, n_groups) = author_weeks, shape
    same = np.concatenate([[False], pair[1:] == pair[:-1]])
    start = np.where(same, np.maximum(w, np.concatenate([[0], w[:-1]]) + window), w)
    end = np.minimum(w + window, n_weeks)
    spans = start < end
    g = pair[spans] // base
    cells = n_groups * (n_weeks + 1)  # +1 at each span's start, -1 after its end, per (group, week) cell
    diff = np.bincount(g * (n_weeks + 1) + start[spans], minlength=cells)
    diff -= np.bincount(g * (n_weeks + 1) + end[spans], minlength=cells)
    return diff.reshape(n_groups, n_weeks + 1)[:, :n_weeks].cumsum(axis=1).T


def draws(tables: dict, c: ClassificationParams, seed: int, rung: str = "one_rate",
          replicates: int = 1, rates: pd.Series | None = None) -> list[Draw]:
    """``replicates`` draws of the null of ``rung`` (a key of :data:`RUNGS`) for a run's tables.

    ``rates`` are the rung's :func:`per_capita_rates` if already at hand. Every rung draws
    from the same streams (:func:`null_rng`), so rungs differ by their rates only.
    """
    gw = tables["group_weeks"]
    rates = per_capita_rates(gw, tables["groups"], rung) if rates is None else rates
    members = member_weeks(gw)
    return [draw(members, rates, c, null_rng(seed, r)) for r in range(replicates)]


def null_tables(
    tables: dict,
    c: ClassificationParams,
    seed: int,
    rung: str = "one_rate",
    replicates: int = 1,
) -> list[dict[str, pd.DataFrame]]:
    """:func:`draws` as tables: a list of ``{"group_weeks", "groups"}`` with the model's columns, one per draw."""
    return [{"group_weeks": d.weeks_table(), "groups": d.groups_table(tables["groups"])}
            for d in draws(tables, c, seed, rung, replicates)]
