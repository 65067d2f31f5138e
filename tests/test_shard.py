"""Splitting one initialized world into shards (benchmarks/shard.py, benchmarks/split_coupling.py)."""

import json

import numpy as np
import pandas as pd
import pytest

from benchmarks import harness
from benchmarks import shard as sh
from sim import GroupCultureModel, ModelParams
from sim.initialize import build_state
from sim.state import Groups, Memberships, State

# every charter kind (an open-to-all one too) and groups founded later (founders)
WORLD = {
    "population.size": 4000, "groups.count": 40, "duration.weeks": 3, "seed": 11, "duration.spinup_weeks": 0,
    "charters.open_source": {"eligibility": ["anyone"], "inflow": 5.0, "founding_rate": 20.0},
    "charters.employment_association.founding_rate": 20.0, "charters.university_alumni.founding_rate": 20.0,
    "charters.industry_profession.founding_rate": 20.0,
    "groups.charter_mix": {"open_source": 0.25, "employment_association": 0.25, "university_alumni": 0.25,
                           "industry_profession": 0.25},
}


def world(**overrides) -> State:
    params = ModelParams.from_dict(**{**WORLD, **overrides})
    return build_state(params, np.random.default_rng(params.seed))


@pytest.fixture(scope="module")
def cut():
    """An initialized world, its industry shards and shard 0 restricted."""
    state = world()
    agent_shard, group_shard = sh.industry_shards(state, 2)
    return state, agent_shard, group_shard, sh.restrict(state, agent_shard == 0, group_shard == 0)


def test_restricting_to_everything_reproduces_the_run_table_for_table():
    params = ModelParams.from_dict(**WORLD)
    normal = GroupCultureModel(params).run().tables()
    state = world()
    copy = sh.restrict(state, np.ones(state.pop.size, bool), np.arange(state.groups.count))
    assert copy.pop.employer is not state.pop.employer and copy.groups.activity is not state.groups.activity
    restricted = sh.ShardModel(copy, params.seed).run().tables()
    assert normal.keys() == restricted.keys()
    for name in normal:
        pd.testing.assert_frame_equal(normal[name], restricted[name])


def test_every_state_field_has_a_restriction_rule():
    assert sh.unruled_fields() == {}


def test_a_field_without_a_rule_is_named_and_refused(monkeypatch):
    state = world()
    monkeypatch.setitem(sh.RULES, Groups, sh.RULES[Groups] - {"identity"})
    assert sh.unruled_fields() == {"Groups": ["identity"]}
    with pytest.raises(ValueError, match="fields without a rule in benchmarks/shard.py: .*identity"):
        sh.restrict(state, np.ones(state.pop.size, bool), np.ones(state.groups.count, bool))


def _renumbered(keep: np.ndarray) -> np.ndarray:
    new = np.full(len(keep), -1)
    new[keep] = np.arange(keep.sum())
    return new


def test_each_population_and_group_field_follows_its_rule(cut):
    state, agent_shard, group_shard, part = cut
    agents, groups = agent_shard == 0, group_shard == 0
    new_agent = _renumbered(agents)
    for name in sh.PER_AGENT:
        np.testing.assert_array_equal(getattr(part.pop, name), getattr(state.pop, name)[agents])
    for name in sh.PER_AFFILIATION:
        np.testing.assert_array_equal(getattr(part.pop, name), getattr(state.pop, name))
    for name in sh.AGENTS_BY_AFFILIATION:  # same affiliation rows, only this shard's professionals, renumbered
        old, new = getattr(state.pop, name), getattr(part.pop, name)
        assert len(new.ptr) == len(old.ptr)
        for row in range(len(old.ptr) - 1):
            members = old.row(row)
            np.testing.assert_array_equal(new.row(row), new_agent[members[agents[members]]])
    for name in sh.AFFILIATIONS_BY_AGENT:
        old, new = getattr(state.pop, name), getattr(part.pop, name)
        for i, a in enumerate(np.flatnonzero(agents)[:200]):
            np.testing.assert_array_equal(new.row(i), old.row(a))
    for name in sh.PER_GROUP:
        np.testing.assert_array_equal(getattr(part.groups, name), getattr(state.groups, name)[groups])
    kept_share = part.groups.initial_size / state.groups.initial_size[groups]
    for name in sh.GROUP_SCALED:
        np.testing.assert_allclose(getattr(part.groups, name), getattr(state.groups, name)[groups] * kept_share)
    assert part.groups.charter_names == state.groups.charter_names
    assert (part.groups.ring_author == -1).all()  # nothing posted yet
    np.testing.assert_array_equal(part.capacity, state.capacity[agents])
    assert part.session_classes is None and part.records.week_posts.shape == (3, groups.sum())
    assert part.params.population.size == agents.sum() and part.params.groups.count == groups.sum()


def test_a_shard_keeps_exactly_the_memberships_ties_pools_and_founders_inside_it(cut):
    state, agent_shard, group_shard, part = cut
    agents, groups = agent_shard == 0, group_shard == 0
    ids, gids = np.flatnonzero(agents), np.flatnonzero(groups)
    m, pm = state.memberships, part.memberships
    inside = agents[m.view("agent")] & groups[m.view("group")]
    assert 0 < pm.n == inside.sum() < m.n
    np.testing.assert_array_equal(ids[pm.view("agent")], m.view("agent")[inside])
    np.testing.assert_array_equal(gids[pm.view("group")], m.view("group")[inside])
    for name in Memberships.FIELDS:
        if name not in ("agent", "group"):
            np.testing.assert_array_equal(pm.view(name), m.view(name)[inside])
    old_edges = {tuple(e) for e in state.edges.tolist() if agents[e[0]] and agents[e[1]]}
    assert {(ids[a], ids[b]) for a, b in part.edges.tolist()} == old_edges
    assert len(old_edges) < len(state.edges)
    for i, g in enumerate(gids):
        old = state.groups.pool.row(g)
        np.testing.assert_array_equal(ids[part.groups.pool.row(i)], old[agents[old]])
        old = state.groups.founders.row(g)
        np.testing.assert_array_equal(ids[part.groups.founders.row(i)], old[agents[old]])
    assert part.groups.founders.sizes().sum() > 0
    assert len(part.groups.founder_commitment) == len(part.groups.founders.values)
    assert part.index.members.sum() == pm.n and len(part.index.by_agent.ptr) == part.pop.size + 1


def test_a_shard_run_stays_inside_its_shard_and_open_groups_draw_from_it_only(cut):
    state, agent_shard, group_shard, _ = cut
    part = sh.restrict(state, agent_shard == 0, group_shard == 0)
    n, n_groups = part.pop.size, part.groups.count
    assert part.groups.open_to_all.any()
    model = sh.ShardModel(part, seed=5).run()
    m = model.state.memberships
    assert (m.view("agent") < n).all() and (m.view("group") < n_groups).all()
    joined_open = ~m.view("initial") & model.state.groups.open_to_all[m.view("group")]
    assert joined_open.sum() > 10  # open groups drew their candidates among the shard's professionals
    assert model.tables()["professionals"].shape[0] == n and model.tables()["groups"].shape[0] == n_groups


def test_a_shard_model_is_reproducible_for_its_seed(cut):
    state, agent_shard, group_shard, _ = cut

    def run(seed):
        return sh.ShardModel(sh.restrict(state, agent_shard == 1, group_shard == 1), seed).run().tables()

    first, again, other = run(4), run(4), run(5)
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["memberships"].equals(other["memberships"])


def test_industry_shards_partition_the_world_along_industries(cut):
    state, agent_shard, group_shard, _ = cut
    pop, g = state.pop, state.groups
    assert set(agent_shard) == {0, 1} and set(group_shard) <= {0, 1}
    for industry in np.unique(pop.industry):  # an industry's professionals share one shard
        assert len(set(agent_shard[pop.industry == industry])) == 1
    anchor = np.array([state.params.charters[n].anchor for n in g.charter_names])[g.charter]
    shard_of_industry = {i: agent_shard[pop.industry == i][0] for i in np.unique(pop.industry)}
    for gid in range(g.count):
        if anchor[gid] == "industry":
            assert group_shard[gid] == shard_of_industry[g.anchor_value[gid]]
        elif anchor[gid] == "employer":
            assert group_shard[gid] == shard_of_industry[pop.employer_industry[g.anchor_value[gid]]]
    parts = sh.split(state, agent_shard, group_shard)
    assert sum(p.pop.size for p in parts) == pop.size and sum(p.groups.count for p in parts) == g.count


def test_alumni_and_open_groups_go_where_most_founders_are():
    state = world()
    agent_shard = np.arange(state.pop.size) % 3
    majority = sh.founding_majority(state, agent_shard, 3)
    agent, group = sh.founding_pairs(state)
    counts = np.zeros((state.groups.count, 3), dtype=int)
    np.add.at(counts, (group, agent_shard[agent]), 1)
    assert (counts[np.arange(state.groups.count), majority] == counts.max(axis=1)).all()
    agent_shard, group_shard = sh.industry_shards(state, 2)
    anchor = np.array([state.params.charters[n].anchor for n in state.groups.charter_names])[state.groups.charter]
    follows = np.isin(anchor, ["university", "anyone"])
    np.testing.assert_array_equal(group_shard[follows], sh.founding_majority(state, agent_shard, 2)[follows])


def test_industry_shards_balance_professionals_largest_industry_first():
    state = world(**{"population.size": 20000, "population.industry_size_sigma": 0.5})
    agent_shard, _ = sh.industry_shards(state, 2)
    load = np.bincount(agent_shard)
    largest = state.pop.industry_members.sizes().max()
    assert abs(load[0] - load[1]) <= largest  # greedy: the gap is at most one industry


def test_an_industry_cut_keeps_more_ties_and_memberships_inside_than_a_random_cut():
    state = world(**{"population.size": 20000, "groups.count": 60, "population.industry_size_sigma": 0.5})
    by_industry = sh.cut_shares(state, *sh.industry_shards(state, 2))
    at_random = sh.cut_shares(state, *sh.random_shards(state, 2, np.random.default_rng(0)))
    assert 0.45 < at_random.ties < 0.55 and 0.4 < at_random.memberships < 0.6
    assert by_industry.ties < at_random.ties - 0.1 and by_industry.memberships < at_random.memberships - 0.1
    whole = np.zeros(state.pop.size, dtype=int), np.zeros(state.groups.count, dtype=int)
    nothing = sh.cut_shares(state, *whole)
    assert (nothing.memberships, nothing.ties, nothing.pool_entries) == (0.0, 0.0, 0.0)
    assert set(nothing.memberships_by_charter.values()) == {0.0}
    assert by_industry.memberships_by_charter["industry_profession"] == 0.0  # industry groups are never cut


def test_restrict_refuses_a_state_that_has_run():
    model = GroupCultureModel(**{**WORLD, "duration.weeks": 1}).run()
    with pytest.raises(ValueError, match="has been simulated"):
        sh.restrict(model.state, np.ones(model.state.pop.size, bool), np.ones(model.state.groups.count, bool))


def test_split_coupling_industry_cut_writes_its_report(tmp_path):
    out = tmp_path / "split.json"
    harness.main(["split-coupling", "--cut", "industry", "--size", "3000", "--weeks", "1", "--seeds", "0", "1",
                  "--json", str(out)])
    report = json.loads(out.read_text())
    assert [r["seed"] for r in report["rows"]] == [0, 1]
    row = report["rows"][0]
    assert sum(row["cut"]["industry"]["professionals"]) == 3000 and sum(row["cut"]["random"]["groups"]) == 30
    assert 0 <= row["cut"]["industry"]["ties"] < row["cut"]["random"]["ties"] <= 1
    for diff in report["difference"].values():
        assert set(diff) == {"share_thriving", "share_dormant", "posts_per_member_week", "groups_per_person",
                             "badge_ratio", "replies_per_post"}
        assert all(np.isfinite(v["difference"]) for v in diff.values())
