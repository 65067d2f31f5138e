"""Outputs: the model's tables (the run summary is in :mod:`sim.summary`).

Tables (``GroupCultureModel.tables()``; ids are array indices, ticks are hours from
Monday 00:00 of week 0):

``professionals``  agent_id, the seven traits (blocked_at_work, office_hours_mindset,
    job_search_fear, job_hunting_only, attention_budget, content_role, profile_tidiness),
    hunting (in a job-hunting spell at the end), employer, past_employers (list),
    university, industry, memberships (current at the end), posts, replies
``groups``  group_id, charter, anchor (employer / university / industry / anyone),
    anchor_value, initial_size, employer_defunct, final_members, final_state,
    weeks_to_dormancy (first dormant week + 1, NaN if never), posts, replies, manager_posts
``group_weeks``  group_id, week, members (at week end), posts, replies, distinct_posters,
    joins, leaves, manager_posts, state
``memberships``  agent_id, group_id, joined_tick, left_tick (<NA> while a member), posts,
    replies, visits, initial (member at the start), replies_received, first_post_replied
    (<NA> if the first post is still open or none was made)
``hourly_activity``  tick, hour_of_day, weekday (0 = Monday), visits, posts, replies
``network``  source, target (undirected, source < target)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.clock import HOURS_PER_WEEK, hour_of_day, weekday
from sim.params import ANCHOR_OF
from sim.rules import DORMANT, THRIVING
from sim.state import State

# --------------------------------------------------------------- model reporters


def _last_week(model) -> int:
    return model.weeks_done - 1


def weekly_posts(model) -> int:
    return int(model.state.records.week_posts[_last_week(model)].sum())


def weekly_replies(model) -> int:
    return int(model.state.records.week_replies[_last_week(model)].sum())


def share_thriving(model) -> float:
    return float(np.mean(model.state.records.week_state[_last_week(model)] == THRIVING))


def share_dormant(model) -> float:
    return float(np.mean(model.state.records.week_state[_last_week(model)] == DORMANT))


def memberships(model) -> int:
    return int(model.state.index.members.sum())


MODEL_REPORTERS = {
    "posts": weekly_posts,
    "replies": weekly_replies,
    "share_thriving": share_thriving,
    "share_dormant": share_dormant,
    "memberships": memberships,
}

# ------------------------------------------------------------------------ tables


def tables(s: State, weeks: int) -> dict[str, pd.DataFrame]:
    return {
        "professionals": professionals_table(s),
        "groups": groups_table(s, weeks),
        "group_weeks": group_weeks_table(s, weeks),
        "memberships": memberships_table(s),
        "hourly_activity": hourly_table(s, weeks),
        "network": pd.DataFrame({"source": s.edges[:, 0], "target": s.edges[:, 1]}),
    }


def professionals_table(s: State) -> pd.DataFrame:
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
        "past_employers": [past.row(i).tolist() for i in range(n)],
        "university": pop.university,
        "industry": pop.industry,
        "memberships": s.index.by_agent.sizes(),
        "posts": np.bincount(m.view("agent"), weights=m.view("posts"), minlength=n).astype(np.int64),
        "replies": np.bincount(m.view("agent"), weights=m.view("replies"), minlength=n).astype(np.int64),
    })


def _state_names(codes: np.ndarray) -> pd.Categorical:
    names = np.array(["dormant", "active", "thriving", "none"])
    return pd.Categorical(names[np.where(codes < 0, 3, codes)], categories=["dormant", "active", "thriving"])


def groups_table(s: State, weeks: int) -> pd.DataFrame:
    g, rec, p = s.groups, s.records, s.params
    names = np.array(g.charter_names)
    anchors = np.array([ANCHOR_OF[p.charters[n].eligibility[0]] for n in g.charter_names])
    states = rec.week_state[:weeks]
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
        "final_state": _state_names(final),
        "weeks_to_dormancy": first,
        "posts": rec.week_posts[:weeks].sum(axis=0),
        "replies": rec.week_replies[:weeks].sum(axis=0),
        "manager_posts": rec.week_manager_posts[:weeks].sum(axis=0),
    })


def group_weeks_table(s: State, weeks: int) -> pd.DataFrame:
    rec, n = s.records, s.groups.count
    week, group = np.meshgrid(np.arange(weeks), np.arange(n), indexing="ij")
    cols = {"group_id": group.ravel(), "week": week.ravel()}
    for name in ("members", "posts", "replies", "posters", "joins", "leaves", "manager_posts"):
        key = "distinct_posters" if name == "posters" else name
        cols[key] = getattr(rec, f"week_{name}")[:weeks].ravel()
    cols["state"] = _state_names(rec.week_state[:weeks].ravel())
    return pd.DataFrame(cols)


def memberships_table(s: State) -> pd.DataFrame:
    m = s.memberships
    left = m.view("left")
    first = m.view("first_post_replied")
    return pd.DataFrame({
        "agent_id": m.view("agent"),
        "group_id": m.view("group"),
        "joined_tick": m.view("joined"),
        "left_tick": _masked(left, left >= 0, "Int64"),
        "posts": m.view("posts"),
        "replies": m.view("replies"),
        "visits": m.view("visits"),
        "initial": m.view("initial"),
        "replies_received": m.view("replies_received"),
        "first_post_replied": _masked(first, first >= 0, "Int8"),
    })


def _masked(values: np.ndarray, valid: np.ndarray, dtype: str) -> pd.arrays.IntegerArray:
    """Nullable integers: ``values`` where ``valid``, <NA> elsewhere."""
    return pd.arrays.IntegerArray(values.astype(dtype.lower()), ~valid)


def hourly_table(s: State, weeks: int) -> pd.DataFrame:
    ticks = np.arange(weeks * HOURS_PER_WEEK)
    rec = s.records
    return pd.DataFrame({
        "tick": ticks,
        "hour_of_day": hour_of_day(ticks),
        "weekday": weekday(ticks),
        "visits": rec.hour_visits[: len(ticks)],
        "posts": rec.hour_posts[: len(ticks)],
        "replies": rec.hour_replies[: len(ticks)],
    })
