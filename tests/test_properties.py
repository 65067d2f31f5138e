"""Invariants over random valid configurations (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim import GroupCultureModel

share = st.floats(0.0, 1.0)
configs = st.fixed_dictionaries({
    "seed": st.integers(0, 2**31),
    "population.size": st.integers(60, 500),
    "groups.count": st.integers(1, 8),
    "duration.weeks": st.integers(1, 4),
    "duration.spinup_weeks": st.integers(0, 2),
    "population.blocked_at_work": share,
    "population.office_hours_mindset": share,
    "population.job_search_fear": share,
    "population.job_hunting_only": share,
    "population.content_role": share,
    "population.profile_tidiness": share,
    "population.attention_budget": st.floats(0.0, 30.0),
    "groups.size_median": st.floats(5.0, 400.0),
    "groups.size_sigma": st.floats(0.0, 2.0),
    "behaviour.post_base": st.floats(-8.0, 0.0),
    "behaviour.tidy_idle_weeks": st.integers(1, 3),
    "behaviour.join_base": share,
    "interventions.moderation": st.floats(0.0, 3.0),
    "interventions.manager_posts_per_week": st.floats(0.0, 5.0),
    "interventions.weekly_digest": share,
})


FOUNDED_AND_JOINED_SAME_DAY = {
    "seed": 1712, "population.size": 294, "groups.count": 8, "duration.weeks": 3, "duration.spinup_weeks": 0,
    "population.blocked_at_work": 0.7890625, "population.office_hours_mindset": 0.6328125,
    "population.job_search_fear": 0.0, "population.job_hunting_only": 0.4140625, "population.content_role": 0.3359375,
    "population.profile_tidiness": 0.03125, "population.attention_budget": 8.6171875, "groups.size_median": 90.9375,
    "groups.size_sigma": 1.0, "behaviour.post_base": -7.8125, "behaviour.tidy_idle_weeks": 1,
    "behaviour.join_base": 0.25, "interventions.moderation": 1.0, "interventions.manager_posts_per_week": 0.375,
    "interventions.weekly_digest": 0.375,
}
"""Found by this test: a founder of a group founded today was drawn as today's join candidate and joined again
(join read the membership index of the day before); professional 215 held two current memberships of group 8."""


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
@example(FOUNDED_AND_JOINED_SAME_DAY)
def test_invariants_hold_for_any_valid_configuration(config):
    model = GroupCultureModel(**config).run()
    t = model.tables()
    groups, gw, members, hourly = t["groups"], t["group_weeks"], t["memberships"], t["hourly_activity"]

    # no negative counts anywhere
    for table in (gw, members, hourly):
        numeric = table.select_dtypes("number").drop(columns=["left_tick", "first_post_replied"], errors="ignore")
        assert (numeric.fillna(0) >= 0).all().all()

    # members never exceed the eligible population
    pool = model.state.groups.pool.sizes()
    open_to_all = model.state.groups.open_to_all
    eligible = np.where(open_to_all, config["population.size"], pool)
    assert (gw.groupby("group_id").members.max().reindex(groups.group_id, fill_value=0).to_numpy() <= eligible).all()
    assert (groups.final_members.to_numpy() <= eligible).all()
    # ... and every member is eligible
    s = model.state
    for g in range(s.groups.count):
        if not open_to_all[g]:
            assert np.isin(members.agent_id[members.group_id == g], s.groups.pool.row(g)).all()

    # a member who left posts no more
    m = s.memberships
    left = m.view("left") >= 0
    assert (m.view("last_post")[left] <= m.view("left")[left]).all()
    assert (m.view("last_visit")[left] <= m.view("left")[left]).all()

    # the tables agree with each other
    assert members.posts.sum() == gw.posts.sum() == hourly.posts.sum() == groups.posts.sum()
    assert members.replies.sum() == gw.replies.sum() == hourly.replies.sum()
    assert members.visits.sum() == hourly.visits.sum()
    start = members.attrs["report_start_tick"]  # memberships keep their whole history; weeks are reported ones
    assert gw.joins.sum() == ((~members.initial) & (members.joined_tick >= start)).sum()
    assert gw.leaves.sum() + gw.exits.sum() == (members.left_tick >= start).sum()  # exits: left the platform
    last = gw[gw.week == gw.week.max()].set_index("group_id").members
    assert (last.reindex(groups.group_id).to_numpy() == groups.final_members.to_numpy()).all()
    current = members[members.left_tick.isna()].groupby("group_id").size()
    assert (current.reindex(groups.group_id, fill_value=0).to_numpy() == groups.final_members.to_numpy()).all()
    assert not members[members.left_tick.isna()].duplicated(["agent_id", "group_id"]).any()
