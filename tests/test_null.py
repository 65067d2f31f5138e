"""The null model: hand-computed Poisson cases, reproducible and apart from the model's stream."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import poisson

from sim import null, rules
from sim.params import ClassificationParams
from sim.summary import Rung, charter_contrast, null_ladder, null_rungs, outcomes, rate_size_elasticity, size50

C = ClassificationParams()  # thriving: >= 8 posts and >= 3 posters in 4 weeks; dormant: 0 posts in 8


def identical_groups(n_groups: int, members: int, weeks: int, charter="industry_profession"):
    gw = pd.DataFrame({
        "group_id": np.repeat(np.arange(n_groups), weeks),
        "week": np.tile(np.arange(weeks), n_groups),
        "members": members,
        "posts": 0,
    })
    groups = pd.DataFrame({"group_id": np.arange(n_groups), "charter": charter, "initial_size": members,
                           "final_state": "active", "weeks_to_dormancy": np.nan})
    return gw, groups


def final_shares(gw, groups, rate, seed=1):
    weeks = null.simulate(gw, pd.Series(rate, index=groups.group_id), C, null.null_rng(seed))
    last = weeks[weeks.week == weeks.week.max()].state.astype(str)
    return last.eq("thriving").mean(), last.eq("dormant").mean(), len(last)


def within(observed, expected, n, sigmas=4):
    return abs(observed - expected) <= sigmas * math.sqrt(expected * (1 - expected) / n) + 1e-9


def test_share_thriving_is_the_poisson_tail():
    # 500 members at 4 posts per 1,000 member-weeks: 2 posts a week, 8 expected in the 4-week window
    gw, groups = identical_groups(4000, 500, 10)
    thriving, _, n = final_shares(gw, groups, 0.004)
    expected = poisson.sf(7, 8.0)  # P(posts >= 8); 3 distinct posters among 500 is (almost) sure then
    assert within(thriving, expected, n)


def test_share_dormant_is_no_post_in_eight_weeks():
    gw, groups = identical_groups(4000, 250, 10)  # 0.25 posts a week: P(0 posts in 8 weeks) = e^-2
    _, dormant, n = final_shares(gw, groups, 0.001)
    assert within(dormant, math.exp(-2.0), n)


def test_distinct_posters_follow_from_the_members_hit():
    # 3 members, 3 posts a week: every member's window count is Poisson(4) independently
    # (Poisson thinning); thriving needs all three to post and 8 posts in all.
    gw, groups = identical_groups(4000, 3, 6)
    thriving, _, n = final_shares(gw, groups, 1.0)
    pmf = poisson.pmf(np.arange(60), 4.0)
    expected = sum(pmf[a] * pmf[b] * pmf[c] for a, b, c in itertools.product(range(1, 60), repeat=3) if a + b + c >= 8)
    assert expected < poisson.sf(7, 12.0) - 0.03  # the posters rule binds here
    assert within(thriving, expected, n)


def test_rates_overall_and_per_charter():
    gw = pd.DataFrame({"group_id": [0, 0, 1, 1], "week": [0, 1, 0, 1], "members": [100, 100, 300, 300],
                       "posts": [1, 3, 0, 2]})
    groups = pd.DataFrame({"group_id": [0, 1], "charter": ["a", "b"]})
    assert null.per_capita_rates(gw, groups, "one_rate").tolist() == pytest.approx([6 / 800] * 2)
    assert null.per_capita_rates(gw, groups, "per_charter").tolist() == pytest.approx([4 / 200, 2 / 600])


def test_rates_of_each_rung_of_the_ladder():
    # group 3 has no members in week 0: its size class is that of week 1 (300, class 8, like group 2)
    gw = pd.DataFrame({"group_id": np.repeat([0, 1, 2, 3], 2), "week": [0, 1] * 4,
                       "members": [100, 100, 120, 120, 300, 300, 0, 300], "posts": [1, 3, 0, 0, 2, 2, 0, 6]})
    groups = pd.DataFrame({"group_id": [0, 1, 2, 3], "charter": pd.Categorical(["a", "a", "a", "b"])})
    rates = {rung: null.per_capita_rates(gw, groups, rung).tolist() for rung in null.RUNGS}
    assert rates["one_rate"] == pytest.approx([14 / 1340] * 4)
    assert rates["per_charter"] == pytest.approx([8 / 1040] * 3 + [6 / 300])
    assert rates["per_charter_size"] == pytest.approx([4 / 440, 4 / 440, 4 / 600, 6 / 300])  # classes 6, 6, 8, 8
    assert rates["own_rate"] == pytest.approx([4 / 200, 0, 4 / 600, 6 / 300])
    with pytest.raises(ValueError, match="allowed one_rate, per_charter, per_charter_size, own_rate"):
        null.per_capita_rates(gw, groups, "per_size")


def test_ladder_judges_each_rung_by_the_models_classifier():
    # 20 groups of 100 members over 20 weeks: groups 0-9 post 20 a week, groups 10-19 never post
    weeks, ids = np.arange(20), np.arange(20)
    gw = pd.DataFrame({"group_id": np.tile(ids, 20), "week": np.repeat(weeks, 20), "members": 100,
                       "posts": np.tile(np.where(ids < 10, 20, 0), 20)})
    groups = pd.DataFrame({"group_id": ids, "charter": pd.Categorical(["c"] * 20)})
    ladder = null_ladder(null_rungs({"group_weeks": gw, "groups": groups}, C, seed=2))
    assert list(ladder) == ["one_rate", "per_charter", "per_charter_size", "own_rate"]
    # one rate (10 posts a week each): no group goes 8 weeks without a post, all thrive
    assert ladder["one_rate"] == {"share_thriving": 1.0, "share_dormant": 0.0}
    assert ladder["per_charter"] == ladder["one_rate"]  # one charter, one size class
    assert ladder["own_rate"] == {"share_thriving": 0.5, "share_dormant": 0.5}


def test_null_is_reproducible_and_leaves_the_model_stream_alone(small_run):
    tables = small_run.tables()
    before = small_run.rng.bit_generator.state
    a = null.null_tables(tables, C, seed=5, replicates=2)
    b = null.null_tables(tables, C, seed=5, replicates=2)
    assert small_run.rng.bit_generator.state == before
    pd.testing.assert_frame_equal(a[0]["group_weeks"], b[0]["group_weeks"])
    assert not a[0]["group_weeks"].posts.equals(a[1]["group_weeks"].posts)  # replicates differ
    assert (a[0]["group_weeks"].members.to_numpy() == tables["group_weeks"].sort_values(["week", "group_id"])
            .members.to_numpy()).all()


def test_null_groups_table_feeds_the_same_outcomes(small_run):
    tables = small_run.tables()
    draw = null.null_tables(tables, C, seed=1)[0]
    got = outcomes(draw["groups"])
    assert got["share_thriving"] + got["share_active"] + got["share_dormant"] == pytest.approx(1.0)
    last = draw["group_weeks"][draw["group_weeks"].week == draw["group_weeks"].week.max()]
    assert got["share_dormant"] == pytest.approx(last.state.astype(str).eq("dormant").mean())


def test_augment_adds_per_capita_activity_and_breadth():
    gw = pd.DataFrame({"members": [200, 0], "posts": [3, 0], "distinct_posters": [2, 0]})
    out = null.augment(gw)
    assert out.posts_per_1000_member_weeks[0] == pytest.approx(15.0) and out.breadth[0] == pytest.approx(0.01)
    assert out.iloc[1][["posts_per_1000_member_weeks", "breadth"]].isna().all()


def test_size50_recovers_a_known_logistic_midpoint():
    rng = np.random.default_rng(0)
    sizes = np.exp(rng.uniform(np.log(20), np.log(5000), 20000))
    thriving = rng.random(sizes.size) < 1 / (1 + np.exp(-2 * (np.log(sizes) - np.log(300))))
    assert size50(sizes, thriving) == pytest.approx(300, rel=0.05)
    assert math.isnan(size50(sizes, np.ones(sizes.size)))
    assert math.isnan(size50(sizes, sizes < 300))  # thriving falling with size: no 50% size


def test_null_groups_table_follows_its_weeks(small_run):
    draw = null.null_tables(small_run.tables(), C, seed=3)[0]
    weeks, groups = draw["group_weeks"], draw["groups"].set_index("group_id")
    last = weeks[weeks.week == weeks.week.max()].set_index("group_id")
    assert (groups.final_members == last.members.reindex(groups.index)).all()
    assert (groups.final_state.astype(str) == last.state.astype(str).reindex(groups.index)).all()
    assert (groups.posts == weeks.groupby("group_id").posts.sum().reindex(groups.index)).all()
    onset = weeks[weeks.state.astype(str) == "dormant"].groupby("group_id").week.min() + 1.0
    onset = onset.reindex(groups.index).astype(float) - groups.founded_week  # counted from founding
    pd.testing.assert_series_equal(groups.weeks_to_dormancy, onset, check_names=False)


def test_summary_reports_the_ladder_beside_the_null(small_run):
    summary = small_run.summary()
    ladder = summary["null_ladder"]
    assert set(ladder) == set(null.RUNGS)
    assert ladder["one_rate"]["share_dormant"] == summary["null"]["share_dormant"]
    assert ladder["per_charter"]["share_thriving"] == summary["null"]["per_charter_rate"]["share_thriving"]
    assert all(0 <= v <= 1 for rung in ladder.values() for v in rung.values())


def test_rate_size_elasticity_has_the_sign_of_the_size_gradient():
    # charter "up": posts per member-week 0.01 x members^0.5; "down": members^-0.5; group 6 never posts
    sizes = [100, 400, 1600]
    posts = [0.01 * m ** 1.5 for m in sizes] + [m ** 0.5 for m in sizes] + [0]
    gw = pd.DataFrame({"group_id": np.tile(np.arange(7), 2), "week": np.repeat([0, 1], 7),
                       "members": (sizes * 2 + [50]) * 2, "posts": posts * 2})
    groups = pd.DataFrame({"group_id": np.arange(7), "charter": pd.Categorical(["up"] * 3 + ["down"] * 3 + ["up"])})
    got = rate_size_elasticity(gw, groups)
    assert got["by_charter"]["up"] == {"slope": pytest.approx(0.5), "groups": 3}
    assert got["by_charter"]["down"] == {"slope": pytest.approx(-0.5), "groups": 3}
    assert got["overall"] == {"slope": pytest.approx(0.0, abs=1e-12), "groups": 6}  # opposite gradients cancel


def test_size50_is_nan_when_thriving_barely_rises_with_size():
    sizes = np.array([431, 334] * 10)
    thriving = np.zeros(20)
    thriving[[0, 14, 3, 5]] = 1  # 2 of 10 thrive at either size: the fitted slope is about 1e-12
    assert math.isnan(size50(sizes, thriving))  # the 50% size is beyond any float (it overflowed before)


def test_weeks_without_a_state_in_the_model_have_none_in_the_null():
    """A group founded in week 3 and closed after week 6: the null judges it only in weeks 3-6,
    with its weeks counted from its founding (it cannot be dormant before the dormant window)."""
    gw, groups = identical_groups(1, 50, 12)
    state = pd.Series(["active"] * 12, dtype=object)
    state[:3], state[7:] = np.nan, np.nan
    gw = gw.assign(state=pd.Categorical(state, categories=["dormant", "active", "thriving"]))
    gw.loc[gw.week >= 7, "members"] = 0
    weeks = null.simulate(gw, pd.Series(0.0, index=groups.group_id), C, null.null_rng(1))
    assert weeks.state.isna().tolist() == state.isna().tolist()
    assert (weeks.state.astype(str)[3:7] == "active").all()  # no post, but fewer than 8 weeks since founding


def _rung(ids, dormant):
    """A rung of one null draw whose groups end dormant (True) or thriving (False)."""
    state = np.where(np.asarray(dormant), rules.DORMANT, rules.THRIVING)[None, :]
    one = np.ones((1, len(ids)))
    draw = null.Draw(np.array([0]), np.asarray(ids), one, one, one, state)
    return Rung(pd.Series(dtype=float), draw.ids, [draw.final_states()], {})


def test_charter_contrast_is_matched_by_size_and_net_of_the_null():
    # two size classes; at each size alumni groups go dormant more often than industry groups
    ids = np.arange(8)
    groups = pd.DataFrame({"group_id": ids, "charter": ["university_alumni"] * 4 + ["industry_profession"] * 4,
                           "final_state": ["dormant", "dormant", "dormant", "thriving",
                                           "dormant", "thriving", "thriving", "thriving"]})
    members = [40, 40, 300, 300, 40, 40, 300, 300]  # size classes 5 and 8, two groups of each charter in each
    gw = pd.DataFrame({"group_id": ids, "week": 0, "members": members})
    same = _rung(ids, [True, False] * 4)  # the null: no charter difference
    out = charter_contrast(groups, gw, same)["university_alumni_minus_industry"]
    # small: 1.0 - 0.5; large: 0.5 - 0.0; equal weights
    assert out["model"] == pytest.approx(0.5) and out["null"] == pytest.approx(0.0)
    assert out["excess"] == pytest.approx(0.5)
    alike = _rung(ids, groups.final_state.eq("dormant"))
    assert charter_contrast(groups, gw, alike)["university_alumni_minus_industry"]["excess"] == pytest.approx(0.0)
