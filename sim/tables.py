"""The model's output tables, built from the state of the fast engine.

``group_weeks`` is built by one builder from either engine's weekly records.

Tables (``GroupCultureModel.tables()``; ids are array indices; ticks are simulated hours
from Monday 00:00 of the first simulated week, spin-up included; weeks count reported
weeks only, week 0 being the first; every table carries ``attrs["report_start_tick"]``,
the simulated tick at which reported week 0 begins):

``professionals``  agent_id, the seven traits (blocked_at_work, office_hours_mindset,
    job_search_fear, job_hunting_only, attention_budget, content_role, profile_tidiness),
    hunting (in a job-hunting spell at the end), employer, past_employers (array of ids),
    university, industry, memberships (current at the end), posts, replies (over the reported weeks)
``groups``  group_id, charter, anchor (employer / university / industry / anyone),
    anchor_value, initial_size, employer_defunct, final_members, final_state,
    weeks_to_dormancy (first dormant reported week + 1, NaN if never), posts, replies,
    manager_posts (over the reported weeks)
``group_weeks``  group_id, week, members (at week end), posts, replies, distinct_posters,
    joins, leaves, manager_posts, state
``memberships``  agent_id, group_id, joined_tick, left_tick (<NA> while a member), posts,
    replies, visits, initial (member at the start), replies_received, first_post_replied
    (<NA> if the first post is still open or none was made); posts, replies and visits
    count the reported weeks (as every other table does), replies_received the whole
    simulation, spin-up included; joined_tick and the counts are int32
``hourly_activity``  tick, hour_of_day, weekday (0 = Monday), visits, posts, replies
``network``  source, target (undirected, source < target)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.clock import HOURS_PER_WEEK, hour_of_day, weekday
from sim.params import ANCHOR_OF
from sim.rules import DORMANT, STATE_NAMES
from sim.state import State

# group_weeks column -> name of the weekly record it comes from
WEEKLY_COLUMNS = {
    "members": "members", "posts": "posts", "replies": "replies", "distinct_posters": "posters",
    "joins": "joins", "leaves": "leaves", "manager_posts": "manager_posts",
}
STATE_CATEGORIES = [STATE_NAMES[code] for code in sorted(STATE_NAMES)]  # dormant, active, thriving


def tables(s: State, weeks: int) -> dict[str, pd.DataFrame]:
    """All tables over the first ``weeks`` reported weeks."""
    out = {
        "professionals": professionals_table(s),
        "groups": groups_table(s, weeks),
        "group_weeks": group_weeks_table(reported(s, weeks)),
        "memberships": memberships_table(s),
        "hourly_activity": hourly_table(s, weeks),
        "network": pd.DataFrame({"source": s.edges[:, 0], "target": s.edges[:, 1]}),
    }
    start = s.records.spinup * HOURS_PER_WEEK
    for table in out.values():
        table.attrs["report_start_tick"] = start
    return out


def reported(s: State, weeks: int) -> Callable[[str], np.ndarray]:
    """Weekly record ``name`` (posts, replies, ..., state) over the reported weeks."""
    rec = s.records

    def record(name: str) -> np.ndarray:
        return getattr(rec, f"week_{name}")[rec.spinup : rec.spinup + weeks]

    return record


def state_names(codes: np.ndarray) -> pd.Categorical:
    """State codes of :mod:`sim.rules` as a categorical (codes < 0, no state yet, as NaN)."""
    codes = np.asarray(codes)
    names = np.array(STATE_CATEGORIES + [None], dtype=object)
    return pd.Categorical(names[np.where(codes < 0, len(STATE_CATEGORIES), codes)], categories=STATE_CATEGORIES)


def group_weeks_table(record: Callable[[str], np.ndarray]) -> pd.DataFrame:
    """One row per reported week and group from weekly records of shape (weeks, groups).

    ``record(name)`` gives the record ``name`` (both engines use this builder).
    """
    states = np.asarray(record("state"))
    weeks, n = states.shape
    week, group = np.meshgrid(np.arange(weeks), np.arange(n), indexing="ij")
    cols = {"group_id": group.ravel(), "week": week.ravel()}
    for column, name in WEEKLY_COLUMNS.items():
        cols[column] = np.asarray(record(name), dtype=np.int64).ravel()
    cols["state"] = state_names(states.ravel())
    return pd.DataFrame(cols)


def professionals_table(s: State) -> pd.DataFrame:
    """One row per professional: traits, affiliations, memberships, posts, replies."""
    pop, m = s.pop, s.memberships
    n = pop.size
    past = pop.past_employers
    return pd.DataFrame({
        "agent_id": np.arange(n),
        "blocked_at_work": pop.blocked_at_work,
        "office_hours_mindset": pop.office_hours_mindset,
        "job_search_fear": pop.job_search_fear,
        "job_hunting_only": pop.job_hunting_only,
        "attention_budget": pop.attention_budget,
        "content_role": pop.content_role,
        "profile_tidiness": pop.profile_tidiness,
        "hunting": pop.hunting,
        "employer": pop.employer,
        "past_employers": pa.ListArray.from_arrays(past.ptr, past.values).to_pandas(),  # arrays of ids
        "university": pop.university,
        "industry": pop.industry,
        "memberships": s.index.by_agent.sizes(),
        "posts": np.bincount(m.view("agent"), weights=m.reported("posts"), minlength=n).astype(np.int64),
        "replies": np.bincount(m.view("agent"), weights=m.reported("replies"), minlength=n).astype(np.int64),
    })


def groups_table(s: State, weeks: int) -> pd.DataFrame:
    """One row per group: charter, size, final state, weeks to dormancy and reported activity."""
    g, p = s.groups, s.params
    record = reported(s, weeks)
    names = np.array(g.charter_names)
    anchors = np.array([ANCHOR_OF[p.charters[n].eligibility[0]] for n in g.charter_names])
    states = record("state")
    dormant = states == DORMANT
    ever = dormant.any(axis=0)
    first = np.where(ever, dormant.argmax(axis=0) + 1.0, np.nan) if weeks else np.full(g.count, np.nan)
    final = states[-1] if weeks else np.ones(g.count, dtype=np.int8)
    return pd.DataFrame({
        "group_id": np.arange(g.count),
        "charter": names[g.charter],
        "anchor": anchors[g.charter],
        "anchor_value": g.anchor_value,
        "initial_size": g.initial_size,
        "employer_defunct": g.defunct,
        "final_members": s.index.members,
        "final_state": state_names(final),
        "weeks_to_dormancy": first,
        "posts": record("posts").sum(axis=0),
        "replies": record("replies").sum(axis=0),
        "manager_posts": record("manager_posts").sum(axis=0),
    })


def memberships_table(s: State) -> pd.DataFrame:
    """One row per membership ever held (simulated ticks)."""
    m = s.memberships
    left = m.view("left")
    first = m.view("first_post_replied")
    return pd.DataFrame({
        "agent_id": m.view("agent"),
        "group_id": m.view("group"),
        "joined_tick": m.view("joined"),
        "left_tick": _masked(left, left >= 0, "Int64"),
        "posts": m.reported("posts"),
        "replies": m.reported("replies"),
        "visits": m.reported("visits"),
        "initial": m.view("initial"),
        "replies_received": m.view("replies_received"),
        "first_post_replied": _masked(first, first >= 0, "Int8"),
    })


def _masked(values: np.ndarray, valid: np.ndarray, dtype: str) -> pd.arrays.IntegerArray:
    """Nullable integers: ``values`` where ``valid``, <NA> elsewhere."""
    return pd.arrays.IntegerArray(values.astype(dtype.lower()), ~valid)


def hourly_table(s: State, weeks: int) -> pd.DataFrame:
    """One row per reported hour: visits, posts and replies."""
    rec = s.records
    start = rec.spinup * HOURS_PER_WEEK
    ticks = np.arange(start, start + weeks * HOURS_PER_WEEK)
    return pd.DataFrame({
        "tick": ticks,
        "hour_of_day": hour_of_day(ticks),
        "weekday": weekday(ticks),
        "visits": rec.hour_visits[ticks],
        "posts": rec.hour_posts[ticks],
        "replies": rec.hour_replies[ticks],
    })
