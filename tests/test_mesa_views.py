"""The Mesa face of the model: agent views behave as Mesa's AgentSet on every method users call.

sim/agents.py's ViewSet stores its views in a stand-in for Mesa's private
``AgentSet._agents``; each check here compares a ViewSet with an ordinary AgentSet of the
same views, so a Mesa version that changes how AgentSet stores its agents fails here
instead of in a user's notebook. Sets built from a ViewSet are ordinary AgentSets made
with the public constructor (newer Mesa builds them as ``type(self)(agents, random)``,
which a ViewSet does not take).
"""

from __future__ import annotations

import copy
import random

import mesa
import pytest
from mesa.agent import AgentSet

from sim import Group, GroupCultureModel, Professional
from sim.agents import ViewSet
from tests.conftest import SMALL

TINY = {**SMALL, "population.size": 300, "groups.count": 6, "duration.weeks": 2}


@pytest.fixture
def model(small_run) -> GroupCultureModel:
    """The session's small run (read only here)."""
    return small_run


def both(model, seed: int = 5) -> tuple[ViewSet, AgentSet]:
    """All agents as a fresh ViewSet and as an ordinary AgentSet of the same views, with equal generators."""
    n = model.state.pop.size
    views = ViewSet(len(model.agents), lambda i: model.agents[i], (Professional, Group), random.Random(seed))
    assert views[n] is model.group_agents[0]
    return views, AgentSet(list(model.agents), random.Random(seed))


def ids(agents) -> list[int]:
    return [a.unique_id for a in agents]


def test_views_are_made_on_demand():
    fresh = GroupCultureModel(**{**TINY, "duration.weeks": 1})
    n = TINY["population.size"]
    assert len(fresh.professionals._agents.made) == 0  # no Python object per professional up front
    p = fresh.professionals[7]
    assert fresh.professionals[7] is p and fresh.agents[7] is p and p.unique_id == 8
    assert len(fresh.professionals._agents.made) == 1
    assert fresh.agents[n] is fresh.group_agents[0] and fresh.agents[-1] is fresh.group_agents[-1]
    with pytest.raises(IndexError):
        fresh.professionals[n]


def test_model_agents_and_agents_by_type(model):
    n, n_groups = SMALL["population.size"], SMALL["groups.count"]
    assert isinstance(model.agents, AgentSet) and len(model.agents) == n + n_groups
    assert model.agent_types == [Professional, Group]
    assert set(model.agents_by_type) == {Professional, Group}
    by_type = model.agents_by_type
    assert by_type[Professional] is model.professionals and by_type[Group] is model.group_agents
    assert ids(model.agents) == list(range(1, n + n_groups + 1))
    p, g = model.professionals[3], model.group_agents[2]
    assert p in model.agents and p in model.professionals and p not in model.group_agents
    assert g in model.agents and g not in model.professionals
    assert mesa.Agent(mesa.Model(rng=0)) not in model.agents  # an agent that is not a view


@pytest.mark.parametrize("read", [
    pytest.param(len, id="len"),
    pytest.param(ids, id="iteration"),
    pytest.param(lambda s: [s[0], s[-1], s[3], *s[2:5]], id="index-and-slice"),
    pytest.param(lambda s: ids(s.select(lambda a: a.unique_id % 7 == 0)), id="select-filter"),
    pytest.param(lambda s: ids(s.select(at_most=5)), id="select-at-most"),
    pytest.param(lambda s: ids(s.select(at_most=0.1)), id="select-share"),
    pytest.param(lambda s: ids(s.select(agent_type=Group)), id="select-type"),
    pytest.param(lambda s: ids(s.select()), id="select-all"),
    pytest.param(lambda s: ids(s.shuffle()), id="shuffle"),
    pytest.param(lambda s: ids(s.sort(lambda a: -a.unique_id % 11)), id="sort"),
    pytest.param(lambda s: s.select(agent_type=Group).get("members"), id="get"),
    pytest.param(lambda s: s.select(agent_type=Group).get(["charter", "state"]), id="get-several"),
    pytest.param(lambda s: s.get("charter", handle_missing="default", default_value=None), id="get-missing"),
    pytest.param(lambda s: s.map(lambda a: a.unique_id * 2), id="map"),
    pytest.param(lambda s: s.select(agent_type=Group).agg("members", sum), id="agg"),
    pytest.param(lambda s: s.groupby(type).count(), id="groupby"),
    pytest.param(lambda s: {k: ids(v) for k, v in s.groupby(lambda a: a.unique_id % 3).groups.items()},
                 id="groupby-sets"),
])
def test_every_read_matches_an_ordinary_agentset(model, read):
    views, ordinary = both(model)
    assert read(views) == read(ordinary)


@pytest.mark.parametrize("method", ["do", "shuffle_do"])
def test_do_and_shuffle_do_visit_every_agent_in_the_same_order(model, method):
    views, ordinary = both(model)
    seen: dict[str, list[int]] = {"views": [], "ordinary": []}
    assert getattr(views, method)(lambda a: seen["views"].append(a.unique_id)) is views
    getattr(ordinary, method)(lambda a: seen["ordinary"].append(a.unique_id))
    assert seen["views"] == seen["ordinary"] and sorted(seen["views"]) == ids(model.agents)


def test_sets_made_from_a_view_set_are_ordinary_agentsets(model):
    made = [model.agents.select(agent_type=Group), model.agents.select(), model.agents.shuffle(),
            model.group_agents.sort("members"), copy.copy(model.professionals),
            *model.agents.groupby(type).groups.values()]
    for one in made:
        assert type(one) is AgentSet
    assert made[4][5] is model.professionals[5]
    assert sum(model.group_agents.get("members")) == model.state.index.members.sum()


@pytest.mark.parametrize("change", [
    pytest.param(lambda s, a: s.add(a), id="add"),
    pytest.param(lambda s, a: s.discard(a), id="discard"),
    pytest.param(lambda s, a: s.remove(a), id="remove"),
    pytest.param(lambda s, a: s.select(agent_type=Group, inplace=True), id="select-inplace"),
    pytest.param(lambda s, a: s.sort("unique_id", inplace=True), id="sort-inplace"),
    pytest.param(lambda s, a: s.shuffle(inplace=True), id="shuffle-inplace"),
])
def test_a_view_set_cannot_be_changed_in_place(model, change):
    with pytest.raises(TypeError, match="cannot be changed in place"):
        change(model.agents, model.professionals[0])
    assert ids(model.agents) == list(range(1, len(model.agents) + 1))


def test_datacollector_agent_and_agenttype_reporters(model):
    collector = mesa.DataCollector(agent_reporters={"kind": lambda a: type(a).__name__},
                                   agenttype_reporters={Group: {"members": "members", "charter": "charter"}})
    collector.collect(model)
    agents = collector.get_agent_vars_dataframe()
    assert len(agents) == len(model.agents)
    assert (agents["kind"] == "Professional").sum() == SMALL["population.size"]
    groups = collector.get_agenttype_vars_dataframe(Group)
    assert list(groups["members"]) == model.group_agents.get("members")
    assert list(groups["charter"]) == model.group_agents.get("charter")


class ReportingModel(GroupCultureModel):
    """The model with an agent reporter, as a user would add one for batch_run."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.datacollector = mesa.DataCollector(model_reporters={"steps": "steps"},
                                                agent_reporters={"members": lambda a: getattr(a, "members", None)})


def test_batch_run_collects_agent_reporters_over_the_views():
    params = {"population.size": 300, "groups.count": 4, "duration.weeks": 1, "duration.spinup_weeks": 0, "seed": 2}
    rows = mesa.batch_run(ReportingModel, parameters=params, max_steps=10_000, iterations=1, number_processes=1,
                          display_progress=False)
    assert len(rows) == 300 + 4
    members = {row["AgentID"]: row["members"] for row in rows}
    model = GroupCultureModel(**params)
    for _ in range(rows[0]["Step"]):  # Mesa's batch_run reports the record of step model.steps - 1
        model.step()
    expected = model.group_agents.get("members")
    assert [members[300 + 1 + g] for g in range(4)] == expected
    assert all(members[i] is None for i in range(1, 301))


def test_sets_built_as_newer_mesa_builds_them_are_still_ordinary(model, monkeypatch):
    """Newer Mesa 3 builds the sets of select and groupby as ``type(self)(agents, random)``."""
    original = {name: getattr(AgentSet, name) for name in ("select", "groupby")}

    def select(self, *args, **kwargs):
        made = original["select"](self, *args, **kwargs)
        return type(self)(list(made), self.random)

    def groupby(self, by, result_type="agentset"):
        groups = original["groupby"](self, by, result_type="list").groups
        return mesa.agent.GroupBy({k: type(self)(v, self.random) for k, v in groups.items()})

    monkeypatch.setattr(AgentSet, "select", select)
    monkeypatch.setattr(AgentSet, "groupby", groupby)
    assert type(AgentSet(list(model.group_agents), model.random).select(at_most=2)) is AgentSet  # the stand-in works
    made = model.agents.select(agent_type=Group)
    assert type(made) is AgentSet and ids(made) == ids(model.group_agents)
    assert all(type(s) is AgentSet for s in model.agents.groupby(type).groups.values())
