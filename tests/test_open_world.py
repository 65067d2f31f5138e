"""The open world (issue 20): groups founded over time, professionals leaving and replaced.

Founding (found_groups, docs/ODD.md 7) and renewal (renew): their direction, what a user
reads in the tables (founded_week, weeks_to_dormancy from founding, arrived_week, exits),
and reproducibility.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import GroupCultureModel, ModelParams, ParamError
from sim.clock import HOURS_PER_WEEK
from sim.population import TRAITS

CHARTERS = ("employment_association", "university_alumni", "industry_profession")
BASE = {"population.size": 3000, "groups.count": 30, "seed": 5, "duration.spinup_weeks": 0, "duration.weeks": 12}


def founding(rate: float) -> dict:
    return {f"charters.{name}.founding_rate": rate for name in CHARTERS}


def model(**overrides) -> GroupCultureModel:
    return GroupCultureModel(**{**BASE, **overrides})


# ------------------------------------------------------------------------ founding


def test_a_higher_founding_rate_founds_more_groups_and_none_without_one():
    counts = [int((model(**founding(rate)).state.groups.founded_week >= 0).sum()) for rate in (0.0, 5.0, 20.0)]
    assert counts[0] == 0 and 0 < counts[1] < counts[2]
    # 20 per 1,000 eligible a year, three charters, 3,000 people, 12 weeks: 3 x 60 x 12 / 52 = 41.5 expected
    assert 25 < counts[2] < 60


def test_groups_present_at_the_start_have_an_age_within_the_platform_age():
    g = model(**{"groups.platform_age_weeks": 50}).state.groups
    start = g.founded_week[:30]
    assert np.all((start <= -1) & (start >= -50)) and len(np.unique(start)) > 10


def test_founded_groups_start_small_with_their_founder_and_grow_by_joining():
    m = model(**founding(40.0), **{"duration.weeks": 40, "groups.founding_size": 4})
    g = m.state.groups
    later = np.flatnonzero(g.founded_week >= 0)
    assert np.all(g.initial_size[later] <= g.pool.sizes()[later]) and g.initial_size[later].mean() < 8
    founder = g.founders.values[g.founders.ptr[later]]  # the first founding member is the founder
    assert np.all(m.state.index.members[later] == 0)  # nobody before the founding
    anchors = {"employment_association": m.state.pop.employer, "university_alumni": m.state.pop.university,
               "industry_profession": m.state.pop.industry}
    for c, name in enumerate(g.charter_names):  # anchored on the founder's own affiliation
        rows = g.charter[later] == c
        if name != "employment_association":  # (employment associations: current or a past employer)
            np.testing.assert_array_equal(g.anchor_value[later][rows], anchors[name][founder[rows]])
    assert not g.defunct[later].any()
    m.run()
    weeks = m.tables()["group_weeks"]
    founding_members = weeks[weeks.group_id.isin(later)].groupby("group_id").members
    grown = (founding_members.last() - g.initial_size[founding_members.last().index]).sum()
    assert grown > 0


def test_a_founded_group_gets_its_founders_in_its_founding_week_and_no_joins_before():
    m = model(**founding(30.0), **{"duration.weeks": 6})
    g, per_week = m.state.groups, []
    for _ in range(6):
        m.run(1)
        per_week.append(m.state.index.members.copy())
    members = np.array(per_week)
    later = g.founded_week >= 0
    assert later.sum() > 5
    before = np.arange(6)[:, None] < g.founded_week[None, :]
    assert np.all(members[before] == 0)
    mem = m.state.memberships
    founders = mem.view("initial") & later[mem.view("group")]
    np.testing.assert_array_equal(mem.view("joined")[founders] // HOURS_PER_WEEK,
                                  g.founded_week[mem.view("group")[founders]])


def test_weeks_to_dormancy_counts_from_founding_and_is_never_below_the_dormant_window():
    m = model(**founding(30.0), **{"duration.spinup_weeks": 20, "duration.weeks": 30}).run()
    groups = m.tables()["groups"]
    assert groups.weeks_to_dormancy.notna().sum() > 10
    assert groups.weeks_to_dormancy.min() >= m.params.classification.dormant_window_weeks
    assert (groups.founded_week >= -20).any() and (groups.founded_week < -20).any()  # in the run, and before it
    states = m.state.records.week_state
    g = groups[groups.weeks_to_dormancy.notna()].iloc[0]
    first = np.flatnonzero(states[:, g.group_id] == 0)[0]  # simulated week, spin-up included
    assert g.weeks_to_dormancy == first + 1 - (g.founded_week + 20)


def test_old_founding_parameters_fail_with_one_line_naming_their_replacement():
    with pytest.raises(ParamError, match=r"groups.late_founded_share was removed: .*founding_rate"):
        ModelParams.from_dict(**{"groups.late_founded_share": 0.3})


# ------------------------------------------------------------------------- renewal


def test_a_higher_exit_rate_ends_more_memberships_and_newcomers_arrive_without_any():
    ended = []
    for rate in (0.0, 2.0, 8.0):
        m = model(**{"population.platform_exit_rate": rate}).run()
        weeks, people = m.tables()["group_weeks"], m.tables()["professionals"]
        ended.append(int(weeks.exits.sum()))
        if rate == 8.0:
            arrived = people[people.arrived_week.notna()]
            assert 0.5 < len(arrived) / len(people) < 0.95  # 1 - exp(-8 x 12 / 52) = 0.84
            pop, mem = m.state.pop, m.state.memberships
            slots = arrived.agent_id.to_numpy()
            joined = mem.view("joined")[np.isin(mem.view("agent"), slots)]
            arrival = pop.arrived[mem.view("agent")[np.isin(mem.view("agent"), slots)]]
            current = mem.view("left")[np.isin(mem.view("agent"), slots)] < 0
            assert np.all(joined[current] > arrival[current])  # a newcomer's memberships are their own joins
            assert (arrived.memberships < people[people.arrived_week.isna()].memberships.mean()).mean() > 0.9
    assert ended[0] == 0 and 0 < ended[1] < ended[2]


def test_newcomers_keep_the_slot_position_and_draw_fresh_traits():
    base, renewed = model(), model(**{"population.platform_exit_rate": 8.0})
    renewed.run()
    pop0, pop1 = base.state.pop, renewed.state.pop
    new = pop1.arrived >= 0
    for name in ("employer", "university", "industry"):
        np.testing.assert_array_equal(getattr(pop0, name), getattr(pop1, name))
    assert not np.array_equal(pop0.attention_budget[new], pop1.attention_budget[new])
    np.testing.assert_array_equal(pop0.attention_budget[~new], pop1.attention_budget[~new])
    assert set(TRAITS) <= set(vars(pop1))


def test_renewal_draws_from_its_own_stream():
    """Switching renewal off leaves the initial state identical (the stream is spawned last)."""
    a, b = model(), model(**{"population.platform_exit_rate": 0.0})
    for name in ("founded_week", "initial_size", "anchor_value"):
        np.testing.assert_array_equal(getattr(a.state.groups, name), getattr(b.state.groups, name))
    np.testing.assert_array_equal(a.state.memberships.view("agent"), b.state.memberships.view("agent"))


def test_an_open_world_run_is_reproducible():
    config = {**founding(20.0), "population.platform_exit_rate": 2.0}
    one, two = (model(**config).run().tables() for _ in range(2))
    for name in ("groups", "group_weeks", "professionals"):
        assert one[name].drop(columns=["past_employers"], errors="ignore").equals(
            two[name].drop(columns=["past_employers"], errors="ignore")), name


# ------------------------------------------------------------------------- closure

SHORT_WINDOWS = {"classification.dormant_window_weeks": 2, "duration.weeks": 16}


def test_a_higher_closure_rate_closes_more_dormant_groups_and_none_without_one():
    closed = []
    for rate in (0.0, 5.0, 50.0):
        g = model(**SHORT_WINDOWS, **{"groups.closure_rate": rate, "groups.closure_size": 1e6}).run().tables()["groups"]
        closed.append(int(g.closed_week.notna().sum()))
    assert closed[0] == 0 and 0 < closed[1] < closed[2]


def test_small_dormant_groups_close_more_readily_than_large_ones():
    from sim.params import GroupsParams
    from sim.rules import closure_chance

    chance = closure_chance(np.array([1, 20, 40, 400, 4000]), GroupsParams(closure_rate=1.0, closure_size=20))
    assert chance[0] == chance[1] > chance[2] > chance[3] > chance[4] > 0
    np.testing.assert_allclose(chance[2] / chance[3], 10, rtol=0.01)  # the yearly hazard falls as 1 / size


def test_a_closed_group_was_dormant_loses_its_members_and_takes_no_joins():
    m = model(**SHORT_WINDOWS, **{"groups.closure_rate": 50.0, "groups.closure_size": 1e6}).run()
    t = m.tables()
    g, gw = t["groups"], t["group_weeks"].set_index(["group_id", "week"])
    closed = g[g.closed_week.notna()]
    assert len(closed) > 0
    for row in closed.itertuples():
        week = int(row.closed_week)
        assert gw.loc[(row.group_id, week), "state"] == "dormant"  # only a dormant group closes
        assert gw.loc[(row.group_id, week), "closures"] == gw.loc[(row.group_id, week), "members"] > 0
        after = gw.loc[row.group_id].loc[week + 1:]
        assert after.state.isna().all() and (after.members == 0).all() and (after.joins == 0).all()
    assert closed.final_state.isna().all() and (closed.final_members == 0).all()
    mem = t["memberships"]
    assert mem[mem.group_id.isin(closed.group_id)].left_tick.notna().all()


def test_closed_groups_leave_the_shares_of_the_stock_but_count_as_dormant_outcomes():
    from sim.states import outcome_states

    m = model(**SHORT_WINDOWS, **{"groups.closure_rate": 50.0, "groups.closure_size": 1e6}).run()
    g = m.tables()["groups"]
    summary = m.summary()
    present = g[g.closed_week.isna()]
    assert summary["share_dormant"] == pytest.approx((present.final_state == "dormant").mean())
    assert (outcome_states(g)[g.closed_week.notna()] == "dormant").all()


def test_closure_draws_from_its_own_stream():
    """Switching closure off changes nothing before the first group closes."""
    a = model(**SHORT_WINDOWS, **{"groups.closure_rate": 0.0}).run().tables()
    b = model(**SHORT_WINDOWS, **{"groups.closure_rate": 50.0, "groups.closure_size": 1e6}).run().tables()
    first = int(b["groups"].closed_week.min())
    early = ["group_id", "week", "members", "posts", "replies", "joins", "leaves", "state"]
    before = lambda gw: gw[gw.week <= first][early].reset_index(drop=True)  # noqa: E731
    assert before(a["group_weeks"]).equals(before(b["group_weeks"]))


def test_the_outcome_share_counts_closed_groups_as_dormant_and_does_not_fall_with_closure():
    """share_dormant (the stock at the horizon) falls when dormant groups close sooner;
    share_dormant_or_closed (the groups seen in the reported weeks) counts them as dormant."""
    runs = {rate: model(**SHORT_WINDOWS, **{"groups.closure_rate": rate, "groups.closure_size": 1e6}).run()
            for rate in (0.0, 50.0)}
    open_, closing = (runs[r].summary() for r in (0.0, 50.0))
    assert open_["share_dormant_or_closed"] == pytest.approx(open_["share_dormant"])
    assert closing["share_dormant"] < closing["share_dormant_or_closed"]
    g = runs[50.0].tables()["groups"]
    assert g.closed_week.notna().sum() > 0
    assert runs[50.0].state.records.week_state.min() == -2  # closed groups carry the CLOSED code
    from sim import reporters
    last = runs[50.0].state.records.week_state[-1]  # the last week's states; groups closed before it have none
    assert reporters.share_dormant(runs[50.0]) == pytest.approx((last == 0).sum() / (last >= 0).sum())
    assert (last >= 0).sum() < len(last)
    closed = int(g.closed_week.dropna().index[0])
    assert runs[50.0].group_agents[closed].state is None
