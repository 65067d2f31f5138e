"""The model's output tables, built from the state of the fast engine.

``group_weeks`` is built by one builder from either engine's weekly records.

Tables (``GroupCultureModel.tables()``; ids are array indices; ticks are simulated hours
from Monday 00:00 of the first simulated week, spin-up included; weeks count reported
weeks only, week 0 being the first; every table carries ``attrs["report_start_tick"]``,
the simulated tick at which reported week 0 begins):

``professionals``  agent_id, the eight traits (blocked_at_work, office_hours_mindset,
    job_search_fear, job_hunting_only, attention_budget, content_role, profile_tidiness,
    activity),
    hunting (in a job-hunting spell at the end), employer, past_employers (array of ids),
    university, industry, arrived_week (reported week whose end the slot's professional
    arrived at, replacing one who left the platform; negative in the spin-up; <NA>: present
    from the start), memberships (current at the end), posts, replies (of the slot: a
    predecessor's in the reported weeks included; ``memberships`` rows with ``joined_tick``
    after the arrival are the current professional's)
``groups``  group_id, charter, anchor (employer / university / industry / anyone),
    anchor_value, initial_size (founding members for a group founded during the run),
    founded_week (reported week of founding; negative in the spin-up or before it),
    at_start (present when the simulation started: founded before the spin-up),
    closed_week (reported week at whose end the group closed, negative in the spin-up; <NA>
    while open), employer_defunct, final_members, final_state (NaN for a closed group),
    weeks_to_dormancy (weeks from founding to the end of the first week classified dormant,
    spin-up included; NaN if never; at least the classifier's dormant window), posts,
    replies, manager_posts (over the reported weeks)
``group_weeks``  group_id, week, members (at week end), posts, replies, distinct_posters,
    joins, leaves, exits (memberships ended by the member leaving the platform), closures
    (memberships ended by the group closing at that week's end), manager_posts, state (NaN
    before the group's founding and after the week it closed)
``memberships``  agent_id, group_id, joined_tick, left_tick (<NA> while a member), posts,
    replies, visits, initial (member at the start), replies_received, first_post_replied
    (<NA> if the first post is still open or none was made); posts, replies and visits
    count the reported weeks (as every other table does), replies_received the whole
    simulation, spin-up included; ids, ticks and counts are int32 (left_tick nullable
    Int32, first_post_replied nullable Int8)
``hourly_activity``  tick, hour_of_day, weekday (0 = Monday), visits, posts, replies
``network``  source, target (undirected, source < target; int32)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Optional

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.clock import HOURS_PER_WEEK, hour_of_day, weekday
from sim.params import ANCHOR_OF
from sim.rules import CLOSED, DORMANT, STATE_NAMES
from sim.state import State

# group_weeks column -> name of the weekly record it comes from
WEEKLY_COLUMNS = {
    "members": "members", "posts": "posts", "replies": "replies", "distinct_posters": "posters",
    "joins": "joins", "leaves": "leaves", "exits": "exits", "closures": "closures", "manager_posts": "manager_posts",
}
STATE_CATEGORIES = [STATE_NAMES[code] for code in sorted(STATE_NAMES)]  # dormant, active, thriving

OBJECT_ROWS = 200_000
"""Rows per part of a table with a column of Python objects (see :meth:`Table.chunks`)."""

SUM_ROWS = 1 << 20
"""Membership rows summed at a time into per-professional totals (bounded temporaries)."""

Column = Callable[[slice], object]
"""A column of a table: the values of a range of rows (a numpy or pandas array)."""


@dataclass
class Table:
    """A table whose columns are made on demand, for all rows or a range of rows.

    ``frame()`` is the whole table as a DataFrame; ``chunks(size)`` gives it as DataFrames
    of ``size`` rows, so that a table of tens of millions of rows can be written in row
    groups without ever existing whole in memory (:func:`experiments.results.write_parquet`).
    """

    rows: int
    columns: dict[str, Column]
    report_start_tick: int = 0
    objects: bool = False  # a column holds Python objects

    def frame(self, rows: slice = slice(None), columns: Optional[list] = None, copy: bool = True) -> pd.DataFrame:
        """Rows ``rows`` of the ``columns`` named (default all) as a DataFrame.

        With ``copy=False`` columns may be views of the model's arrays (no copy): such a
        frame is valid only until the model steps again.
        """
        names = list(self.columns) if columns is None else columns
        cols = {name: self.columns[name](rows) for name in names}
        if copy:  # column by column: pandas would otherwise copy twice (and join same-dtype columns into blocks)
            cols = {name: c.copy() for name, c in cols.items()}
        out = pd.DataFrame(cols, copy=False)
        out.attrs["report_start_tick"] = self.report_start_tick
        return out

    def chunks(self, size: int) -> Iterator[pd.DataFrame]:
        """The table as consecutive DataFrames of at most ``size`` rows (one, possibly empty, at least).

        Tables with a column of Python objects (``past_employers``) come in parts of at
        most :data:`OBJECT_ROWS` rows: freed small objects are not all given back to the
        operating system.
        """
        size = min(size, OBJECT_ROWS) if self.objects else size
        for start in range(0, max(self.rows, 1), size):
            yield self.frame(slice(start, min(start + size, self.rows)), copy=False)


def lazy_tables(s: State, weeks: int) -> dict[str, Table]:
    """All tables over the first ``weeks`` reported weeks, their columns made on demand."""
    out = {
        "professionals": professionals_table(s),
        "groups": Table(s.groups.count, groups_columns(s, weeks)),
        "group_weeks": group_weeks_lazy(reported(s, weeks)),
        "memberships": memberships_table(s),
        "hourly_activity": hourly_table(s, weeks),
        "network": network_table(s),
    }
    for table in out.values():
        table.report_start_tick = s.records.spinup * HOURS_PER_WEEK
    return out


def tables(s: State, weeks: int, columns: Optional[dict] = None, copy: bool = True) -> dict[str, pd.DataFrame]:
    """All tables over the first ``weeks`` reported weeks, as DataFrames.

    ``columns`` maps a table name to the columns wanted (tables not named: all columns);
    ``copy=False`` lets columns be views of the state (see :meth:`Table.frame`).
    """
    columns = columns or {}
    return {name: t.frame(columns=columns.get(name), copy=copy) for name, t in lazy_tables(s, weeks).items()}


def reported(s: State, weeks: int) -> Callable[[str], np.ndarray]:
    """Weekly record ``name`` (posts, replies, ..., state) over the reported weeks."""
    rec = s.records

    def record(name: str) -> np.ndarray:
        return getattr(rec, f"week_{name}")[rec.spinup : rec.spinup + weeks]

    return record


def state_names(codes: np.ndarray) -> pd.Categorical:
    """State codes of :mod:`sim.rules` as a categorical (codes < 0, no state yet, as NaN)."""
    codes = np.asarray(codes)  # the codes of rules (0, 1, 2) are the positions in STATE_CATEGORIES
    return pd.Categorical.from_codes(np.where(codes < 0, -1, codes), categories=STATE_CATEGORIES)


def _rows(r: slice, n: int) -> np.ndarray:
    """Row numbers of slice ``r`` of a table of ``n`` rows."""
    return np.arange(*r.indices(n))


def group_weeks_lazy(record: Callable[[str], np.ndarray]) -> Table:
    """One row per reported week and group (week-major) from weekly records of shape (weeks, groups).

    ``record(name)`` gives the record ``name`` (both engines use this builder).
    """
    shape = np.shape(record("state"))
    n = shape[0] * shape[1]

    def flat(name: str, dtype=None) -> Column:
        return lambda r: np.asarray(np.asarray(record(name)).reshape(-1)[r], dtype=dtype)

    cols = {"group_id": lambda r: _rows(r, n) % shape[1], "week": lambda r: _rows(r, n) // shape[1]}
    for column, name in WEEKLY_COLUMNS.items():
        cols[column] = flat(name, np.int64)
    cols["state"] = lambda r: state_names(flat("state")(r))
    return Table(n, cols)


def group_weeks_table(record: Callable[[str], np.ndarray]) -> pd.DataFrame:
    """:func:`group_weeks_lazy` as one DataFrame (the reference engine's table)."""
    return group_weeks_lazy(record).frame()


def professionals_table(s: State) -> Table:
    """One row per professional: traits, affiliations, memberships, posts, replies."""
    pop, m = s.pop, s.memberships
    n = pop.size
    past = pop.past_employers

    @cache
    def per_agent(name: str) -> np.ndarray:  # totals over all membership rows of the slot, computed once
        total = np.zeros(n, dtype=np.int64)
        for start in range(0, m.n, SUM_ROWS):  # in parts: no float copy of the whole column (exact sums)
            rows = slice(start, min(start + SUM_ROWS, m.n))
            total += np.bincount(m.view("agent")[rows], weights=m.reported(name, rows), minlength=n).astype(np.int64)
        return total

    def field(name: str) -> Column:
        return lambda r: getattr(pop, name)[r]

    def past_employers(r: slice) -> np.ndarray:  # arrays of ids
        lo, hi, _ = r.indices(n)
        return pa.ListArray.from_arrays(past.ptr[lo : hi + 1], past.values).to_pandas()

    cols = {"agent_id": lambda r: _rows(r, n)}
    for name in ("blocked_at_work", "office_hours_mindset", "job_search_fear", "job_hunting_only",
                 "attention_budget", "content_role", "profile_tidiness", "activity", "hunting", "employer"):
        cols[name] = field(name)
    cols["past_employers"] = past_employers
    cols["university"], cols["industry"] = field("university"), field("industry")
    cols["arrived_week"] = lambda r: _masked(pop.arrived[r] // HOURS_PER_WEEK - s.records.spinup, "Int32",
                                             pop.arrived[r] < 0)
    cols["memberships"] = lambda r: s.index.by_agent.sizes()[r]
    cols["posts"] = lambda r: per_agent("posts")[r]
    cols["replies"] = lambda r: per_agent("replies")[r]
    return Table(n, cols, objects=True)


def groups_columns(s: State, weeks: int) -> dict[str, Column]:
    """One row per group: charter, size, final state, weeks to dormancy and reported activity."""
    g, p = s.groups, s.params
    record = reported(s, weeks)
    names = np.array(g.charter_names)
    anchors = np.array([ANCHOR_OF[p.charters[n].eligibility[0]] for n in g.charter_names])

    def dormancy(r: slice) -> np.ndarray:  # first week dormant, spin-up included, counted from founding
        dormant = s.records.week_state[: s.records.spinup + weeks, r] == DORMANT
        if len(dormant) == 0:
            return np.full(dormant.shape[1], np.nan)
        first = dormant.argmax(axis=0) + 1.0 - g.founded_week[r]
        return np.where(dormant.any(axis=0), first, np.nan)

    def final_state(r: slice) -> pd.Categorical:  # no state once closed (also when it closed at the last week's end)
        codes = record("state")[-1, r] if weeks else np.ones(g.count, dtype=np.int8)[r]
        return state_names(np.where(g.closed_week[r] >= 0, CLOSED, codes))

    def total(name: str) -> Column:
        return lambda r: record(name)[:, r].sum(axis=0)

    return {
        "group_id": lambda r: _rows(r, g.count),
        "charter": lambda r: names[g.charter[r]],
        "anchor": lambda r: anchors[g.charter[r]],
        "anchor_value": lambda r: g.anchor_value[r],
        "initial_size": lambda r: g.initial_size[r],
        "founded_week": lambda r: g.founded_week[r] - s.records.spinup,
        "at_start": lambda r: g.founded_week[r] < 0,
        "closed_week": lambda r: _masked(g.closed_week[r] - s.records.spinup, "Int32", g.closed_week[r] < 0),
        "employer_defunct": lambda r: g.defunct[r],
        "final_members": lambda r: s.index.members[r],
        "final_state": final_state,
        "weeks_to_dormancy": dormancy,
        "posts": total("posts"),
        "replies": total("replies"),
        "manager_posts": total("manager_posts"),
    }


def memberships_table(s: State) -> Table:
    """One row per membership ever held (simulated ticks)."""
    m = s.memberships

    def field(name: str) -> Column:
        return lambda r: m.view(name)[r]

    def counted(name: str) -> Column:  # over the reported weeks, as every other table
        return lambda r: m.reported(name, r)

    def masked(name: str, dtype: str) -> Column:  # nullable integers, <NA> where negative
        return lambda r: _masked(m.view(name)[r], dtype)

    return Table(m.n, {
        "agent_id": field("agent"),
        "group_id": field("group"),
        "joined_tick": field("joined"),
        "left_tick": masked("left", "Int32"),
        "posts": counted("posts"),
        "replies": counted("replies"),
        "visits": counted("visits"),
        "initial": field("initial"),
        "replies_received": field("replies_received"),
        "first_post_replied": masked("first_post_replied", "Int8"),
    })


def _masked(values: np.ndarray, dtype: str, mask: Optional[np.ndarray] = None) -> pd.arrays.IntegerArray:
    """Nullable integers: ``values``, <NA> where ``mask`` (default: where negative)."""
    return pd.arrays.IntegerArray(values.astype(dtype.lower(), copy=False), values < 0 if mask is None else mask)


def network_table(s: State) -> Table:
    """One row per tie (source < target), read once from the neighbour index when first needed."""
    edges = cache(s.edge_columns)
    return Table(len(s.neighbours.values) // 2, {"source": lambda r: edges()[0][r], "target": lambda r: edges()[1][r]})


def hourly_table(s: State, weeks: int) -> Table:
    """One row per reported hour: visits, posts and replies."""
    rec = s.records
    start = rec.spinup * HOURS_PER_WEEK
    n = weeks * HOURS_PER_WEEK

    def ticks(r: slice) -> np.ndarray:
        return start + _rows(r, n)

    return Table(n, {
        "tick": ticks,
        "hour_of_day": lambda r: hour_of_day(ticks(r)),
        "weekday": lambda r: weekday(ticks(r)),
        "visits": lambda r: rec.hour_visits[ticks(r)],
        "posts": lambda r: rec.hour_posts[ticks(r)],
        "replies": lambda r: rec.hour_replies[ticks(r)],
    })
