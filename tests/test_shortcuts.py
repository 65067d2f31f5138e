"""Shortcuts of the fast engine give exactly what the rule applied to every row gives.

``leave`` reads members' traits only where a draw can lead to leaving, ``join`` counts
connections only where they decide, and both draw their uniforms in parts; a visit
carries the group and professional its choice already gathered: the outputs must not move
(a run stays identical to the one before the shortcut).
"""

import copy

import numpy as np
import pytest

from sim import GroupCultureModel, kernel, rules, submodels
from sim import state as state_module
from sim.clock import HOURS_PER_WEEK


@pytest.fixture(scope="module")
def state():
    """A state 16 weeks in: tidy members have idle groups (tidy_idle_weeks = 12), members joined and left."""
    model = GroupCultureModel(**{"population.size": 3000, "groups.count": 30, "duration.weeks": 20,
                                 "duration.spinup_weeks": 0, "seed": 11, "population.profile_tidiness": 0.6})
    for _ in range(16 * HOURS_PER_WEEK):
        model.step()
    return model.state


def test_draws_below_are_the_draws_of_one_call_whatever_the_parts(monkeypatch):
    u = np.random.default_rng(4).random(1000)
    for part in (1000, 64, 7):
        monkeypatch.setattr(submodels, "CHUNK", part)
        where, below = submodels._draws_below(np.random.default_rng(4), 1000, 0.3)
        np.testing.assert_array_equal(where, np.flatnonzero(u < 0.3))
        np.testing.assert_array_equal(below, u[u < 0.3])


@pytest.mark.parametrize("part", [submodels.CHUNK, 101])
def test_leave_drops_exactly_the_memberships_the_rule_drops(state, monkeypatch, part):
    monkeypatch.setattr(submodels, "CHUNK", part)
    tick = 17 * HOURS_PER_WEEK - 1  # the end of the next week
    s, m, b = copy.deepcopy(state), state.memberships, state.params.behaviour
    rows = state.index.rows
    idle = tick - m.last_visit[rows] >= b.tidy_idle_weeks * HOURS_PER_WEEK
    p = rules.leave_probability(state.pop.profile_tidiness[m.agent[rows]], idle, m.posts[rows] == 0, b)
    expected = rows[np.random.default_rng(9).random(len(rows)) < p]
    assert (p > b.leave_base).sum() > 50  # tidy members' idle groups are there to be dropped
    assert submodels.leave(s, tick, np.random.default_rng(9)) == len(expected) > 0
    np.testing.assert_array_equal(np.flatnonzero(s.memberships.view("left") == tick), np.sort(expected))


def test_join_decisions_equal_counting_every_candidates_connections(state):
    s = copy.deepcopy(state)
    rng = np.random.default_rng(2)
    days = [submodels._join_candidates(s, 16 * HOURS_PER_WEEK - 1, rng) for _ in range(60)]  # many days' worth
    cand, grp = (np.concatenate(x) for x in zip(*days, strict=True))
    s.groups.activity = rng.exponential(5.0, s.groups.count)  # a spread of activity, so both bounds matter
    u = rng.random(len(cand))
    seg, friends, _ = s.neighbours.gather(cand)  # every candidate's ties, counted the plain way
    n_conn = np.bincount(seg, weights=s.lookup(friends, grp[seg]) >= 0, minlength=len(cand))
    p = rules.join_probability(n_conn, s.groups.activity[grp], s.params.behaviour)
    expected = (s.lookup(cand, grp) < 0) & (u < p)
    assert len(cand) > 200 and (n_conn > 0).sum() > 20 and 0 < expected.sum() < len(cand)
    np.testing.assert_array_equal(submodels._decide_joins(s, cand, grp, u), expected)



def test_visits_carry_the_group_and_professional_of_their_rows(state):
    s, m = copy.deepcopy(state), state.memberships
    k, rng, scratch = kernel.parts(s), np.random.default_rng(5), np.empty(64)
    agents = np.random.default_rng(3).integers(0, s.pop.size, 2000)
    chosen = np.array([kernel.choose_group(a, k.idx, k.people, k.grp, k.mem, k.b, rng, scratch) for a in agents])
    visited = chosen >= 0
    assert 100 < visited.sum() < len(agents)  # some sessions go elsewhere
    entries, agents = chosen[visited], agents[visited]
    rows = s.index.rows[entries]
    assert ((s.index.by_agent.ptr[agents] <= entries) & (entries < s.index.by_agent.ptr[agents + 1])).all()
    np.testing.assert_array_equal(s.index.groups[entries], m.group[rows])  # what read() is given
    np.testing.assert_array_equal(agents, m.agent[rows])
    assert (m.left[rows] < 0).all()  # current memberships only


@pytest.mark.parametrize("top", [200, 60_000, 70_000])  # held in uint8, uint16, int32
def test_reported_counts_are_exact_whatever_type_holds_the_spinup_counts(top):
    m = state_module.Memberships(4)
    m.add(np.arange(4), np.zeros(4, dtype=int), 0, 1.0, initial=True)
    m.visits[:4] = [0, 5, top, top - 1]
    m.mark_report_start()
    assert m.at_report_start["visits"].dtype.itemsize == {200: 1, 60_000: 2, 70_000: 4}[top]
    m.visits[:4] += [3, 0, 7, 1]
    np.testing.assert_array_equal(m.reported("visits"), [3, 0, 7, 1])
    np.testing.assert_array_equal(m.reported("visits", slice(2, 4)), [7, 1])
