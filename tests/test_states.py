"""One definition of the shares of groups per state (sim/states.py), used by reporters, summary and dashboard."""

import math

import numpy as np
import pandas as pd
import pytest

from experiments.dashboard import data as dashboard
from sim import GroupCultureModel, summary
from sim.rules import ACTIVE, DORMANT, NOT_FOUNDED, THRIVING
from sim.states import state_codes, state_shares, state_shares_by


def test_groups_not_yet_founded_count_in_no_share():
    week = np.array([THRIVING, ACTIVE, DORMANT, NOT_FOUNDED, NOT_FOUNDED])
    assert state_shares(week) == {"thriving": 1 / 3, "active": 1 / 3, "dormant": 1 / 3}
    none = state_shares(np.array([NOT_FOUNDED, NOT_FOUNDED]))
    assert all(math.isnan(v) for v in none.values())
    weeks = np.array([[NOT_FOUNDED, NOT_FOUNDED], [THRIVING, NOT_FOUNDED], [THRIVING, DORMANT]])
    per_week = state_shares(weeks, axis=1)
    assert np.isnan(per_week["thriving"][0]) and per_week["thriving"][1:].tolist() == [1.0, 0.5]


def test_state_names_read_back_as_codes():
    names = pd.Categorical(["thriving", None, "dormant", "active"], categories=["dormant", "active", "thriving"])
    assert state_codes(names).tolist() == [THRIVING, NOT_FOUNDED, DORMANT, ACTIVE]
    assert state_codes(["thriving", "nan"]).tolist() == [THRIVING, NOT_FOUNDED]  # a CSV's missing state
    # a categorical Series (the tables' column) reads the same as its names one by one
    column = pd.Series(pd.Categorical(["dormant", None, "closed?", "active"],
                                      categories=["closed?", "dormant", "active"]))
    assert state_codes(column).tolist() == state_codes(column.astype(object).tolist()).tolist() == [
        DORMANT, NOT_FOUNDED, NOT_FOUNDED, ACTIVE]
    by = state_shares_by(state_codes(names), ["b", "a", "a", "b"])
    assert list(by) == ["a", "b"] and by["a"]["dormant"] == 1.0 and by["b"]["thriving"] == 0.5


@pytest.fixture(scope="module")
def late_founded():
    """A run stopped at week 2 of 10, with groups founded after it."""
    params = {"population.size": 1500, "groups.count": 24, "duration.weeks": 10, "duration.spinup_weeks": 0,
              "seed": 3, **{f"charters.{name}.founding_rate": 20.0
                            for name in ("employment_association", "university_alumni", "industry_profession")}}
    return GroupCultureModel(**params).run(weeks=2)


def test_reporters_summary_and_dashboard_agree_on_one_denominator(late_founded):
    m = late_founded
    groups = m.tables()["groups"]
    assert groups["final_state"].isna().any(), "the run must end with groups not yet founded"
    s = m.summary()
    shares = [s["share_thriving"], s["share_active"], s["share_dormant"]]
    assert sum(shares) == pytest.approx(1.0)  # of founded groups, not of all groups
    reporters = m.datacollector.get_model_vars_dataframe().iloc[-1]
    last = dashboard.state_shares(m).iloc[-1]
    assert reporters["share_thriving"] == pytest.approx(s["share_thriving"]) == pytest.approx(last["thriving"])
    assert reporters["share_dormant"] == pytest.approx(s["share_dormant"]) == pytest.approx(last["dormant"])
    assert last["groups"] == groups["final_state"].notna().sum()
    expected = dict(zip(("share_thriving", "share_active", "share_dormant"), shares, strict=True))
    assert summary.shares(groups) == expected
