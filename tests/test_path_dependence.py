"""S4 needs replicate runs of ONE initial state: ``dynamics_seed`` re-seeds only the dynamics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import GroupCultureModel
from sim.facts import FACTS, path_dependence

SMALL = {"population.size": 1500, "groups.count": 16, "duration.weeks": 10, "seed": 3, "duration.spinup_weeks": 0}


def _run(**extra):
    return GroupCultureModel(**{**SMALL, **extra}).run()


@pytest.mark.slow
def test_dynamics_seed_keeps_the_initial_state_and_changes_the_dynamics():
    base, a, b = _run(), _run(dynamics_seed=1), _run(dynamics_seed=2)
    for m in (a, b):  # same professionals, network, groups and founding members
        assert np.array_equal(m.state.pop.employer, base.state.pop.employer)
        assert np.array_equal(m.state.pop.job_search_fear, base.state.pop.job_search_fear)
        assert np.array_equal(m.state.edges, base.state.edges)
        assert np.array_equal(m.state.groups.initial_size, base.state.groups.initial_size)
        assert np.array_equal(m.state.groups.anchor_value, base.state.groups.anchor_value)
        initial = m.tables()["memberships"].query("initial")[["agent_id", "group_id"]]
        assert initial.equals(base.tables()["memberships"].query("initial")[["agent_id", "group_id"]])
    posts = [m.tables()["group_weeks"].posts.to_numpy() for m in (base, a, b)]
    assert not np.array_equal(posts[1], posts[2]) and not np.array_equal(posts[0], posts[1])


def test_dynamics_seed_minus_one_is_the_seed_itself():
    assert _run(dynamics_seed=-1).tables()["group_weeks"].equals(_run().tables()["group_weeks"])


@pytest.mark.slow
def test_path_dependence_is_evaluated_on_replicates_of_one_initial_state():
    replicates = [_run(dynamics_seed=k).tables()["groups"] for k in range(4)]
    result = path_dependence(replicates)
    assert 0.0 <= result["within_group_split"] <= 0.5
    # the same group table four times (no dynamics noise) shows no path dependence at all
    assert path_dependence([replicates[0]] * 4)["within_group_split"] == 0.0
    assert FACTS["S4"].role == "validation"
    assert isinstance(replicates[0], pd.DataFrame)
