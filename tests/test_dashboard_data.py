"""The data behind each dashboard view, checked against the model's own tables."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

pytest.importorskip("solara", reason="the dashboard extra is not installed (pip install -e '.[dashboard]')")

from experiments.dashboard import cli, data  # noqa: E402
from sim import null  # noqa: E402
from sim.params import ModelParams, ParamError  # noqa: E402

SMALL = {"population_size": 1500, "groups_count": 12, "weeks": 4, "spinup_weeks": 0, "seed": "3"}


def controls(**changes):
    return data.default_controls() | SMALL | changes


@pytest.fixture(scope="module")
def model():
    m = data.DashboardModel(**controls())
    for _ in range(3):
        m.step()
    return m


@pytest.fixture(scope="module")
def tables(model):
    return model.tables()


def test_default_controls_build_the_model_defaults_at_the_dashboard_size():
    controls = data.default_controls()
    assert controls["spinup_weeks"] == ModelParams().duration.spinup_weeks  # the command line's spin-up
    m = data.DashboardModel(**(controls | {"spinup_weeks": 0}))  # (no spin-up here, to keep the test quick)
    assert m.error is None
    expected = ModelParams.from_dict(**{"population.size": 5000, "groups.count": 60, "duration.weeks": 104,
                                        "duration.spinup_weeks": 0})
    assert m.params == expected
    assert "from the start" in data.regime_text(m) and "20,000 professionals" in data.regime_text(m)


def test_the_spin_up_weeks_are_not_shown():
    m = data.DashboardModel(**controls(spinup_weeks=2))
    assert m.tick == 2 * 168 and data.state_shares(m).empty and data.null_state_shares(m).empty
    m.step()
    assert data.state_shares(m).week.tolist() == [0] and data.posts_by_charter(m).week.unique().tolist() == [0]
    assert "after a 2-week spin-up (the command line's: 104 weeks)" in data.regime_text(m)


def test_controls_become_model_overrides():
    out = data.overrides_from_controls(
        {"seed": "7", "mix_university_alumni": 0.5, "charter": "university_alumni", "charter_field": "inflow",
         "charter_value": "2.5", "moderation": 1.0, "step_unit": "day"})
    assert out == {"seed": 7, "groups.charter_mix": {"university_alumni": 0.5},
                   "charters.university_alumni.inflow": 2.5, "interventions.moderation": 1.0}
    assert "charters.university_alumni.inflow" not in data.overrides_from_controls(
        {"charter": "university_alumni", "charter_field": "inflow", "charter_value": " "})
    with pytest.raises(ParamError, match="unknown dashboard control 'colour'"):
        data.overrides_from_controls({"colour": 1})


@pytest.mark.parametrize("change", [{"seed": "abc"}, {"charter_value": "2"},
                                    {"mix_employment_association": 0, "mix_university_alumni": 0,
                                     "mix_industry_profession": 0}])
def test_invalid_controls_keep_the_models_own_one_line_error_and_do_not_run(change):
    m = data.DashboardModel(**controls(**change))
    with pytest.raises(ParamError) as raised:
        ModelParams.from_dict(**data.overrides_from_controls(controls(**change)))
    assert m.error == str(raised.value) and "\n" not in m.error
    assert m.running is False
    m.step()  # a no-op, not a crash
    assert m.state is None


def test_a_step_is_a_day_or_a_week_and_stops_at_the_end():
    day = data.DashboardModel(**controls(step_unit="day"))
    day.step()
    assert day.tick == 24 and day.steps == 1
    assert data.simulated_date(day) == "week 0, Tuesday 00:00 (day 1 of 28)"
    week = data.DashboardModel(**controls(weeks=4))
    for _ in range(5):
        week.step()
    assert week.tick == 4 * 168 and not week.running
    assert data.simulated_date(week).startswith("week 4, Monday")


def test_state_shares_match_the_group_weeks_table(model, tables):
    shares = data.state_shares(model)
    gw = tables["group_weeks"]
    expected = pd.crosstab(gw.week, gw.state.astype(str), normalize="index").reindex(columns=data.STATES, fill_value=0)
    assert list(shares.week) == [0, 1, 2]
    for state in data.STATES:
        assert np.allclose(shares[state], expected[state].to_numpy())
    assert np.allclose(shares[list(data.STATES)].sum(axis=1), 1)
    assert "thriving" in data.share_text(shares) and "Week 2:" in data.share_text(shares)


def test_posts_by_charter_match_the_tables(model, tables):
    posts = data.posts_by_charter(model)
    gw = tables["group_weeks"].merge(tables["groups"][["group_id", "charter"]], on="group_id")
    expected = gw.groupby(["week", "charter"]).posts.mean()
    got = posts.set_index(["week", "charter"]).posts
    assert np.allclose(got.sort_index(), expected.sort_index())


def test_the_null_expectation_redistributes_the_observed_posts_by_members(model, tables):
    null = data.null_expected_posts(model)
    groups = tables["groups"].charter.value_counts()
    expected_total = (null.null * null.charter.map(groups)).sum()
    assert expected_total == pytest.approx(tables["group_weeks"].posts.sum())
    # per member, the null expects the same rate in every charter
    gw = tables["group_weeks"].merge(tables["groups"][["group_id", "charter"]], on="group_id")
    members = gw.groupby(["week", "charter"]).members.mean()
    rate = null.set_index(["week", "charter"]).null / members
    assert np.allclose(rate, rate.iloc[0])


def test_the_null_state_view_is_sim_null_on_the_weeks_so_far(model, tables):
    shares = data.null_state_shares(model)
    gw, groups = tables["group_weeks"], tables["groups"]
    rates = null.per_capita_rates(gw, groups, "one_rate")
    drawn = null.simulate(gw, rates, model.params.classification, null.null_rng(model.params.seed))
    expected = pd.crosstab(drawn.week, drawn.state.astype(str), normalize="index").reindex(columns=data.STATES,
                                                                                          fill_value=0)
    assert list(shares.week) == [0, 1, 2]
    for state in data.STATES:
        assert np.allclose(shares[state], expected[state].to_numpy())
    assert shares.equals(data.null_state_shares(model))  # the null's own stream of the seed: the same draw
    assert "null model:" in data.share_text(data.state_shares(model), shares)


def test_badge_wall_counts_current_members_and_those_who_ever_posted(model, tables):
    wall = data.badge_wall(model)
    current = tables["memberships"][tables["memberships"].left_tick.isna()]
    posted = current[current.posts > 0].groupby("group_id").size().reindex(wall.group_id, fill_value=0)
    assert list(wall.members) == list(tables["groups"].final_members)
    assert list(wall.posted) == list(posted)
    assert (wall.posted <= wall.members).all()
    assert list(wall.state) == list(tables["groups"].final_state.astype(str))


def test_activity_by_hour_accounts_for_every_visit(model, tables):
    act = data.activity_by_hour(model)
    assert len(act) == 168 and (act.hours == 3).all()
    visits = act["mean"] * act.hours * model.state.pop.size / 1000
    assert visits.sum() == pytest.approx(tables["hourly_activity"].visits.sum())
    night = act[act.hour_of_day.isin([2, 3, 4])]["mean"].mean()
    evening = act[(act.weekday < 5) & act.hour_of_day.isin([19, 20, 21])]["mean"].mean()
    assert evening > night


def test_group_detail_shows_members_posters_posts_and_the_network_inside(model, tables):
    g = int(tables["groups"].final_members.idxmax())
    d = data.group_detail(model, g)
    agent = model.group_agents[g]
    assert list(d["member_ids"]) == list(agent.member_ids) and d["members"] == agent.members
    assert list(d["weekly"].posts) == list(tables["group_weeks"].query("group_id == @g").posts)
    sub = model.network.subgraph(d["member_ids"].tolist())
    assert d["edges_inside"] == sub.number_of_edges()
    assert len(d["nodes"]) == min(data.NETWORK_NODES, d["members"])
    drawn = nx.Graph(d["edges"].tolist())
    assert set(drawn.nodes) <= set(d["nodes"].tolist())
    with pytest.raises(ParamError, match="allowed 0..11"):
        data.group_detail(model, 12)


def test_the_command_names_a_bad_port_and_what_is_missing(capsys, monkeypatch):
    assert cli.main(["--port", "70000"]) == 2
    assert "allowed 0..65535" in capsys.readouterr().err
    assert cli.missing_dependency() is None
    monkeypatch.setattr(cli, "NEEDED", ("solara", "no-such-package"))
    assert 'pip install -e ".[dashboard]"' in cli.missing_dependency()
