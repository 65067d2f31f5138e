"""The figures' data: statistics and tidy tables checked on small hand-made inputs.

Expected values are worked out by hand (or taken from the literature, for the intervals),
not recomputed with the code under test.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import results as fmt
from experiments.intervals import over_seeds
from experiments.plotting import data, stats
from experiments.plotting.load import PlotInputError, load, swept_parameters

# --------------------------------------------------------------------- intervals


def test_wilson_matches_published_values():
    # Newcombe (1998), Stat Med 17:857, table I: 81/263 -> 0.2553 to 0.3662.
    low, high = stats.wilson(81, 263)
    assert low == pytest.approx(0.2553, abs=5e-5) and high == pytest.approx(0.3662, abs=5e-5)
    # 0 of 10 and 10 of 10: the interval stays inside [0, 1] and is not empty.
    assert np.allclose(stats.wilson(0, 10), (0.0, 0.2775), atol=5e-5)
    assert np.allclose(stats.wilson(10, 10), (0.7225, 1.0), atol=5e-5)
    assert np.isnan(stats.wilson(0, 0)).all()


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_holds_the_share(case):
    x, n = case
    low, high = stats.wilson(x, n)
    assert 0 <= low <= x / n <= high <= 1  # also at 0 and n, where rounding could break it


def test_newcombe_difference_matches_published_values():
    # Newcombe (1998), table II: 56/70 - 48/80 = 0.2, method 10: 0.0524 to 0.3339;
    # 9/10 - 3/10 = 0.6: 0.1705 to 0.8090.
    d, low, high = stats.newcombe_difference(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert low == pytest.approx(0.0524, abs=5e-5) and high == pytest.approx(0.3339, abs=5e-5)
    assert np.allclose(stats.newcombe_difference(9, 10, 3, 10), (0.6, 0.1705, 0.8090), atol=5e-5)


def test_median_ci_uses_the_textbook_order_statistics():
    # n = 100: the 40th and 61st sorted values (Conover's normal approximation).
    assert stats.median_ci(np.arange(1, 101)) == (40.0, 61.0)
    assert stats.median_ci([5, 1, 3]) == (1.0, 5.0)  # too few: min and max
    assert all(math.isnan(v) for v in stats.median_ci([]))


def test_mean_ci():
    mean, low, high = stats.mean_ci([1, 2, 3])  # sd 1
    half = 1.959964 / math.sqrt(3)
    assert (mean, low, high) == pytest.approx((2, 2 - half, 2 + half), abs=1e-6)
    assert math.isnan(stats.mean_ci([4])[1])


# ---------------------------------------------------------------- Kaplan-Meier


def four_groups() -> pd.DataFrame:
    """Dormant at week 2, dormant at week 3, alive at the end of a 3-week job, alive at 5."""
    return pd.DataFrame(
        {
            "job": ["a", "a", "b", "a"],
            "group_id": [0, 1, 0, 2],
            "charter": "industry_profession",
            "weeks_to_dormancy": [2.0, 3.0, np.nan, np.nan],
            "horizon_weeks": [5.0, 5.0, 3.0, 5.0],
        }
    )


def test_kaplan_meier_on_four_groups():
    km = data.survival_by_charter(four_groups().assign(job="a"))  # one seed: Greenwood's band
    assert set(km["interval"]) == {"greenwood"}
    assert km["time"].tolist() == [0, 2, 3, 5]
    assert km["at_risk"].tolist() == [4, 4, 3, 1]
    assert km["events"].tolist() == [0, 1, 1, 0]
    assert km["censored"].tolist() == [0, 0, 1, 1]
    assert km["survival"].tolist() == pytest.approx([1, 0.75, 0.5, 0.5])
    # Greenwood, log(-log) scale, at week 2: var term 1/(4*3)
    s, z = 0.75, 1.959964
    se = math.sqrt(1 / 12) / abs(math.log(s))
    expected = (
        math.exp(-math.exp(math.log(-math.log(s)) + z * se)),
        math.exp(-math.exp(math.log(-math.log(s)) - z * se)),
    )
    assert (km["ci_low"][1], km["ci_high"][1]) == pytest.approx(expected, abs=1e-6)
    assert km["ci_low"][0] == km["ci_high"][0] == 1.0


def test_kaplan_meier_all_dormant_and_none_dormant():
    km = stats.kaplan_meier([1, 1, 2], [True, True, True])
    assert km["survival"].tolist() == pytest.approx([1, 1 / 3, 0])
    assert km["ci_low"].iloc[-1] == km["ci_high"].iloc[-1] == 0
    flat = stats.kaplan_meier([4, 4], [False, False])
    assert flat["survival"].tolist() == [1, 1] and flat["ci_low"].tolist() == [1, 1]


def test_survival_with_a_fixed_horizon_and_per_charter():
    groups = pd.DataFrame(
        {
            "group_id": range(4),
            "charter": ["university_alumni", "employment_association"] * 2,
            "weeks_to_dormancy": [np.nan, 1.0, np.nan, np.nan],
        }
    )
    km = data.survival_by_charter(groups, horizon_weeks=6)
    assert list(km["charter"].unique()) == ["employment_association", "university_alumni"]  # preset order
    ea = km[km["charter"] == "employment_association"]
    assert ea["time"].tolist() == [0, 1, 6] and ea["survival"].tolist() == [1, 0.5, 0.5]


def test_kaplan_meier_with_delayed_entry_against_a_hand_computed_example():
    # (entry, duration, event): A (0, 2, yes), B (0, 5, no), C (3, 4, yes), D (1, 6, yes), E (4, 6, no)
    km = stats.kaplan_meier([2, 5, 4, 6, 6], [True, False, True, True, False], entry=[0, 0, 3, 1, 4])
    assert km["time"].tolist() == [0, 2, 4, 5, 6]
    assert km["at_risk"].tolist() == [2, 3, 3, 3, 2]  # C enters after 3, E after 4
    assert km["survival"].tolist() == pytest.approx([1, 2 / 3, 4 / 9, 4 / 9, 2 / 9])
    # Greenwood at time 4: 1/(3*2) + 1/(3*2), on the log(-log) scale
    s, z = 4 / 9, 1.959964
    se = math.sqrt(1 / 6 + 1 / 6) / abs(math.log(s))
    expected = (s ** math.exp(z * se), s ** math.exp(-z * se))
    assert (km["ci_low"][2], km["ci_high"][2]) == pytest.approx(expected, abs=1e-6)


def test_kaplan_meier_without_entry_is_scipys_and_rejects_events_before_entry():
    t, e = [3, 5, 5, 8, 10, 12], [True, True, False, True, False, True]
    scipy_km, ours = stats.kaplan_meier(t, e), stats._product_limit(
        *(stats.kaplan_meier(t, e)[c].to_numpy()[1:] for c in ("at_risk", "events")), 0.95)
    np.testing.assert_allclose(np.c_[ours], scipy_km[["survival", "ci_low", "ci_high"]].to_numpy()[1:], atol=1e-9)
    with pytest.raises(ValueError, match="duration > entry"):
        stats.kaplan_meier([2], [True], entry=[3])


def cohort_groups() -> pd.DataFrame:
    """Groups of a 52-week run, each placed by hand in a cohort of figure 3, or in neither."""
    rows = [  # (founded_week, weeks_to_dormancy, cohort)
        (-20, 12.0, None),  # dormant at week -8, before the reported weeks: left-truncated
        (-30, 30.0, None),  # dormant at the end of week -1, the spin-up's last: left-truncated too
        (60, np.nan, None),  # not founded by the horizon
        (2, np.nan, "founded_during"),  # alive at the horizon: censored at age 50
        (5, 8.0, "founded_during"),  # dormant at age 8, in week 12
        (10, 9.0, "founded_during"),  # dormant at age 9
        (-30, 31.0, "present_at_start"),  # dormant at the end of week 0: 1 week after the start
        (-10, 30.0, "present_at_start"),  # dormant at age 30, in week 19: 20 weeks after the start
        (-100, np.nan, "present_at_start"),  # never dormant: censored at the horizon
    ]
    founded, to_dormancy, cohort = zip(*rows, strict=True)
    return pd.DataFrame({"group_id": range(len(rows)), "charter": "industry_profession",
                         "founded_week": founded, "weeks_to_dormancy": to_dormancy, "cohort": cohort})


def test_survival_puts_each_group_in_its_cohort_and_left_truncates_the_dead_before_the_start():
    groups = cohort_groups()
    km = data.survival_by_charter(groups.drop(columns="cohort"), horizon_weeks=52)
    assert list(km["cohort"].unique()) == ["founded_during", "present_at_start"]
    entered = km.groupby("cohort")["entered"].first()
    assert entered.to_dict() == groups["cohort"].value_counts().to_dict()  # the first three are in neither
    young = km[km["cohort"] == "founded_during"]  # from founding: ages
    assert set(young["time_since"]) == {"weeks since founding"}
    assert young["time"].tolist() == [0, 8, 9, 50]
    assert young["events"].tolist() == [0, 1, 1, 0] and young["censored"].tolist() == [0, 0, 0, 1]
    assert young["survival"].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 1 / 3])
    assert young["median_age_at_start"].isna().all()
    old = km[km["cohort"] == "present_at_start"]  # from the start of the reported weeks
    assert set(old["time_since"]) == {"weeks since the reported weeks began"}
    assert old["time"].tolist() == [0, 1, 20, 52]  # ages 31 and 30 less the ages at the start
    assert old["at_risk"].tolist() == [3, 3, 2, 1]  # every one at risk from week 0, none later
    assert old["survival"].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 1 / 3])
    assert old["median_age_at_start"].iloc[0] == 30  # of ages 30, 10 and 100


def test_each_survival_curve_starts_at_one_at_its_start_and_falls_only_at_events():
    groups = pd.concat([cohort_groups().assign(charter=c) for c in ("university_alumni", "employment_association")])
    km = data.survival_by_charter(groups.drop(columns="cohort"), horizon_weeks=52)
    for (cohort, charter), curve in km.groupby(["cohort", "charter"]):
        first = curve.iloc[0]
        assert (first["time"], first["survival"], first["ci_low"], first["ci_high"]) == (0, 1, 1, 1), (cohort, charter)
        falls = np.diff(curve["survival"].to_numpy()) < 0
        assert (falls == (curve["events"].to_numpy()[1:] > 0)).all()
    empty = data.survival_by_charter(cohort_groups().iloc[:3].drop(columns="cohort"), horizon_weeks=52)
    assert empty.empty and "cohort" in empty.columns  # no group in either cohort: no curve


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=1, max_size=40))
def test_kaplan_meier_is_a_non_increasing_share_inside_its_band(rows):
    t, e = zip(*rows, strict=False)
    km = stats.kaplan_meier(t, e)
    s = km["survival"].to_numpy()
    assert ((0 <= s) & (s <= 1)).all() and (np.diff(s) <= 1e-12).all()
    assert (km["ci_low"] <= s + 1e-12).all() and (s <= km["ci_high"] + 1e-12).all()
    assert km["events"].sum() == sum(e) and km["events"].sum() + km["censored"].sum() == len(rows)


# -------------------------------------------------------------------- Lorenz


def test_lorenz_gini_and_top_share_of_one_poster():
    curve = stats.lorenz([0, 0, 0, 10])
    assert curve["share_people"].tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert curve["share_total"].tolist() == [0, 0, 0, 0, 1]
    assert stats.gini([0, 0, 0, 10]) == pytest.approx(0.75)
    assert stats.gini([1, 2, 3, 4]) == pytest.approx(0.25)  # sum|xi-xj| / (2 n^2 mean) = 20/80
    assert stats.gini([3, 3, 3]) == pytest.approx(0)
    assert stats.top_share([0, 0, 0, 10]) == 1.0
    assert stats.top_share(list(range(1, 201)), 0.01) == pytest.approx((200 + 199) / sum(range(1, 201)))
    assert math.isnan(stats.gini([0, 0])) and stats.lorenz([0, 0])["share_total"].isna().all()


def test_lorenz_keeps_its_ends_when_thinned():
    curve = stats.lorenz(np.arange(10_000), max_points=101)
    assert len(curve) == 101
    assert curve.iloc[0].tolist() == [0, 0] and curve.iloc[-1].tolist() == [1, 1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=60).filter(lambda v: sum(v) > 0))
def test_lorenz_rises_below_the_diagonal(values):
    curve = stats.lorenz(values)
    y = curve["share_total"].to_numpy()
    assert (np.diff(y) >= -1e-12).all() and (y <= curve["share_people"] + 1e-12).all()
    assert 0 <= stats.gini(values) <= 1


def test_lorenz_by_charter_pools_and_splits():
    groups = pd.DataFrame({"group_id": [0, 1], "charter": ["industry_profession", "university_alumni"]})
    members = pd.DataFrame({"group_id": [0, 0, 0, 0, 1, 1], "posts": [0, 0, 0, 10, 1, 1]})
    table = data.lorenz_by_charter(members, groups)
    assert list(table["charter"].unique()) == ["all groups", "university_alumni", "industry_profession"]
    ind = table[table["charter"] == "industry_profession"]
    assert ind["share_posts"].tolist() == [0, 0, 0, 0, 1] and ind["gini"].iloc[0] == pytest.approx(0.75)
    assert table[table["charter"] == "university_alumni"]["gini"].iloc[0] == pytest.approx(0)


# ------------------------------------------------------- figures 1, 2, 5 and 6


def test_weekly_posts_by_charter():
    groups = pd.DataFrame({"group_id": [0, 1, 2, 3], "charter": ["industry_profession"] * 3 + ["university_alumni"]})
    weeks = pd.DataFrame({"group_id": [0, 1, 2, 3] * 2, "week": [0] * 4 + [1] * 4, "posts": [1, 3, 8, 5, 0, 0, 4, 7]})
    table = data.weekly_posts_by_charter(weeks, groups)
    assert table[["charter", "week"]].values.tolist() == [
        ["university_alumni", 0], ["university_alumni", 1], ["industry_profession", 0], ["industry_profession", 1]
    ]
    row = table.iloc[2]
    assert (row["n_groups"], row["median"], row["q25"], row["q75"]) == (3, 3, 2, 5.5)
    assert (row["q10"], row["q90"]) == pytest.approx((1.4, 7.0))  # linear between order statistics
    assert (row["median_ci_low"], row["median_ci_high"]) == (1, 8)
    assert table.iloc[3]["median"] == 0


def test_weekly_posts_keep_jobs_apart():
    """Group 0 of job a and group 0 of job b are different groups, of different charters."""
    groups = pd.DataFrame(
        {"job": ["a", "b"], "group_id": [0, 0], "charter": ["industry_profession", "university_alumni"]}
    )
    weeks = pd.DataFrame({"job": ["a", "b"], "group_id": [0, 0], "week": [0, 0], "posts": [2, 9]})
    table = data.weekly_posts_by_charter(weeks, groups).set_index("charter")
    assert table.loc["industry_profession", "median"] == 2 and table.loc["university_alumni", "median"] == 9


def test_thriving_by_size_bins_and_drops_thin_bins():
    groups = pd.DataFrame(
        {
            "job": list("aaaabbb"),
            "group_id": [0, 1, 2, 3, 0, 1, 2],
            "charter": ["industry_profession"] * 7,
            "initial_size": [60, 80, 90, 600, 70, 100, 150],
            "final_state": ["thriving", "dormant", "active", "thriving", "thriving", "thriving", "dormant"],
        }
    )
    table = data.thriving_by_size(groups, edges=[0, 100, 1000, math.inf], min_groups=2)
    assert set(table["source"]) == {"model"}
    assert table[["size_lo", "size_hi", "n_groups", "n_thriving", "n_jobs"]].values.tolist() == [
        [0, 100, 4, 2, 2],
        [100, 1000, 3, 2, 2],
    ]
    # two seeds: the share is the mean of the seeds' shares; two seeds are too few for an interval
    assert table["share"].tolist() == pytest.approx([(1 / 3 + 1) / 2, (1 + 1 / 2) / 2])
    assert table["size_median"].tolist() == [75, 150]
    assert table["interval"].tolist() == ["none (n<3)", "none (n<3)"]
    assert table[["ci_low", "ci_high"]].isna().all().all()
    one_seed = data.thriving_by_size(groups[groups.job == "a"], edges=[0, 100, 1000, math.inf], min_groups=1)
    assert one_seed["ci_low"].tolist() == pytest.approx(stats.wilson([1, 1], [3, 1])[0])


def test_shares_over_three_seeds_get_the_t_interval_clipped_to_0_1():
    groups = _set_groups({(0, 1): 0.0, (0, 2): 0.25, (0, 3): 1.0})
    row = data.thriving_by_size(groups, min_groups=1).iloc[0]
    ci = over_seeds([0.0, 0.25, 1.0])
    assert row["interval"] == "t" and row["share"] == pytest.approx(ci.mean)
    assert ci.low < 0 and row["ci_low"] == 0 and row["ci_high"] == pytest.approx(min(ci.high, 1.0))


def test_participation_split_against_90_9_1():
    members = pd.DataFrame({"posts": [0] * 7 + [1, 2, 5]})
    table = data.participation_split(members, heavy_min=3)
    model = table[table["source"] == "model"].set_index("category")
    assert model["n"].tolist() == [7, 2, 1] and model["share"].tolist() == pytest.approx([0.7, 0.2, 0.1])
    assert model.loc["heavy", "ci_low"] == pytest.approx(stats.wilson(1, 10)[0])
    ref = table[table["source"] == "90-9-1 rule"]
    assert ref["share"].tolist() == [0.90, 0.09, 0.01]
    assert data.heavy_min_posts(52) == 13 and data.heavy_min_posts(3) == 2


def test_badge_ratio_by_charter_and_size_class():
    groups = pd.DataFrame({"group_id": [0, 1], "charter": ["industry_profession"] * 2, "initial_size": [100, 5000]})
    members = pd.DataFrame({"group_id": [0, 0, 1, 1, 1, 1], "posts": [0, 2, 0, 0, 0, 1]})
    table = data.badge_ratio_by_charter(members, groups, large_group=2000)
    assert table[["size_class", "n_badges", "n_no_post"]].values.tolist() == [
        ["all groups", 6, 4],
        ["large groups", 4, 3],
    ]
    assert table["badge_ratio"].tolist() == pytest.approx([4 / 6, 0.75])


def two_weeks_of_hours(posts_at_noon_monday=(3, 5)) -> pd.DataFrame:
    tick = np.arange(2 * 168)
    hourly = pd.DataFrame({"tick": tick, "hour_of_day": tick % 24, "weekday": (tick // 24) % 7, "posts": 0})
    for week, posts in enumerate(posts_at_noon_monday):
        hourly.loc[week * 168 + 12, "posts"] = posts
    hourly.loc[5 * 24 + 20, "posts"] = 2  # Saturday 20h of week 0
    return hourly


def test_activity_by_hour_per_thousand_professionals():
    table = data.activity_by_hour(two_weeks_of_hours(), population=500)
    assert len(table) == 7 * 24 and (table["n_weeks"] == 2).all()
    noon = table[(table["day"] == "Mon") & (table["hour_of_day"] == 12)].iloc[0]
    sd = math.sqrt(2) * 2  # of 6 and 10 (per 1,000 of 500)
    assert noon["mean"] == 8 and noon["ci_high"] == pytest.approx(8 + 1.959964 * sd / math.sqrt(2), abs=1e-5)
    quiet = table[(table["day"] == "Tue") & (table["hour_of_day"] == 3)].iloc[0]
    assert quiet[["mean", "ci_low", "ci_high"]].tolist() == [0, 0, 0]


def test_activity_by_hour_scales_each_job_by_its_own_population():
    a, b = two_weeks_of_hours((3, 3)), two_weeks_of_hours((3, 3))
    hourly = pd.concat([a.assign(job="a"), b.assign(job="b")], ignore_index=True)
    table = data.activity_by_hour(hourly, population={"a": 1000, "b": 3000})
    noon = table[(table["weekday"] == 0) & (table["hour_of_day"] == 12)].iloc[0]
    assert noon["n_weeks"] == 4 and noon["mean"] == pytest.approx((3 + 3 + 1 + 1) / 4)


def test_hourly_profile_workdays_vs_weekend():
    table = data.hourly_profile(two_weeks_of_hours(), population=1000)
    assert table["day_type"].unique().tolist() == ["workdays", "weekend"]
    noon = table[(table["day_type"] == "workdays") & (table["hour_of_day"] == 12)].iloc[0]
    assert noon["n_days"] == 10 and noon["mean"] == pytest.approx(0.8)
    evening = table[(table["day_type"] == "weekend") & (table["hour_of_day"] == 20)].iloc[0]
    assert evening["n_days"] == 4 and evening["mean"] == pytest.approx(0.5)


# ----------------------------------------------------------- figures 4 and 7


def test_value_order():
    assert data.value_order([450, 50, 150, 50]) == [50, 150, 450]
    assert data.value_order(["moderation", "none", "lift_blocking"]) == ["none", "lift_blocking", "moderation"]


def test_swept_parameters_exclude_seed_and_constants():
    params = pd.DataFrame(
        {
            "job": ["0", "1", "2"],
            "seed": [1, 2, 3],
            "experiment": ["x"] * 3,
            "groups.size_median": [50, 50, 450],
            "ablation": ["none", "a", None],
        }
    )
    assert swept_parameters(params) == ["groups.size_median", "ablation"]


def test_heatmap_axes_choice():
    groups = pd.DataFrame({"charter": ["a", "b"]})
    assert data.heatmap_axes(["p", "q"], groups) == (["p", "q"], "")
    assert data.heatmap_axes(["p", "q", "r"], groups) == (["p", "q"], "pooled over r")
    assert data.heatmap_axes(["p"], groups) == (["charter", "p"], "")
    axes, note = data.heatmap_axes([], groups.iloc[:1])
    assert axes == [] and "two swept parameters" in note


def test_thriving_heatmap_pivot():
    state = ["thriving", "dormant"]
    groups = pd.DataFrame(
        {
            "job": ["0", "0", "1", "1", "2", "3", "3", "3"],
            "groups/charter_mix": [
                "university_alumni",
                "university_alumni",
                "employment_association",
                "employment_association",
                "university_alumni",
                "employment_association",
                "employment_association",
                "employment_association",
            ],
            "groups.size_median": [450, 450, 450, 450, 50, 50, 50, 50],
            "final_state": state + state + ["thriving"] + ["dormant"] * 3,
        }
    )
    table = data.thriving_heatmap(groups, "groups/charter_mix", "groups.size_median")
    assert table[["groups/charter_mix", "groups.size_median", "n_groups", "n_thriving"]].values.tolist() == [
        ["employment_association", 50, 3, 0],
        ["employment_association", 450, 2, 1],
        ["university_alumni", 50, 1, 1],
        ["university_alumni", 450, 2, 1],
    ]
    matrix = data.heatmap_matrix(table, "groups/charter_mix", "groups.size_median")
    assert matrix.index.tolist() == ["employment_association", "university_alumni"]
    industry = groups.replace({"employment_association": "industry_profession"})
    rows = data.thriving_heatmap(industry, "groups/charter_mix", "groups.size_median")["groups/charter_mix"]
    assert list(pd.unique(rows)) == ["university_alumni", "industry_profession"]  # the presets' order
    assert matrix.columns.tolist() == [50, 450]  # numeric order, not text order
    assert matrix.to_numpy().tolist() == [[0, 0.5], [1, 0.5]]


def test_variant_effects_against_the_baseline():
    rows = [("none", 48, 80), ("moderation", 56, 70), ("weekly_digest", 10, 80)]
    groups = pd.DataFrame(
        [
            {"intervention": v, "job": v, "final_state": "thriving" if i < k else "active"}
            for v, k, n in rows
            for i in range(n)
        ]
    )
    table = data.variant_effects(groups, "intervention")
    assert table["intervention"].tolist() == ["none", "weekly_digest", "moderation"]  # baseline, then by effect
    mod = table.set_index("intervention").loc["moderation"]
    assert (mod["n_groups"], mod["n_thriving"], mod["share"]) == (70, 56, 0.8)
    assert (mod["diff"], mod["diff_low"], mod["diff_high"]) == pytest.approx((0.2, 0.0524, 0.3339), abs=5e-5)
    assert table.set_index("intervention").loc["none", "diff"] == 0
    no_base = data.variant_effects(groups[groups["intervention"] != "none"], "intervention")
    assert no_base["diff"].isna().all()


# -------------------------------------------------------------------- loading


def test_parse_overrides():
    assert fmt.parse_overrides(["seed=3", "+groups.size_median=4.5e2", "ablation=none", "intervention=off", "~x"]) == {
        "seed": 3, "groups.size_median": 450.0, "ablation": "none", "intervention": "off"
    }


def write_job(path, seed, overrides=(), fail=False):
    """A hand-made job directory: one group table, overrides, summary or error."""
    (path / ".hydra").mkdir(parents=True)
    (path / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in [f"seed={seed}", *overrides]))
    if fail:
        (path / "error.json").write_text(json.dumps({"type": "ParamError", "message": "boom"}))
        return
    pd.DataFrame({"group_id": [0], "charter": ["industry_profession"], "final_state": ["thriving"]}).to_parquet(
        path / "groups.parquet"
    )
    (path / "summary.json").write_text(json.dumps({"seed": seed, "weeks": 4}))
    fmt.write_manifest(path, "hash", seed)


def test_load_a_sweep_without_sweep_summary_skips_failed_jobs(tmp_path):
    write_job(tmp_path / "0", 1, ["ablation=none"])
    write_job(tmp_path / "1", 2, ["ablation=no_blocking"], fail=True)
    write_job(tmp_path / "10", 3, ["ablation=no_blocking"])
    results = load(tmp_path)
    assert results.kind == "multirun" and [j.name for j in results.jobs] == ["0", "10"]
    assert results.failed == [("1", "failed: boom")]
    assert results.swept() == ["ablation"]
    groups = results.groups()
    assert groups[["job", "seed", "ablation", "horizon_weeks"]].values.tolist() == [
        ["0", 1, "none", 4.0],
        ["10", 3, "no_blocking", 4.0],
    ]


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda job: (job / "groups.parquet").unlink(), "groups.parquet is missing"),
        (lambda job: (job / "groups.parquet").write_bytes(b"PAR1"), "groups.parquet has 4 bytes"),
        (lambda job: (job / "manifest.json").unlink(), "no manifest.json"),
        (lambda job: (job / "manifest.json").write_text("{"), "manifest.json is unreadable"),
    ],
    ids=["deleted-table", "truncated-table", "no-manifest", "corrupt-manifest"],
)
def test_load_skips_an_unverifiable_job_and_refuses_an_unverifiable_run(tmp_path, damage, reason):
    write_job(tmp_path / "0", 1)
    write_job(tmp_path / "1", 2)
    damage(tmp_path / "1")
    results = load(tmp_path)
    assert [j.name for j in results.jobs] == ["0"]
    (name, why), = results.failed
    assert name == "1" and why.startswith(reason)
    with pytest.raises(PlotInputError, match=f"no complete run: {reason}"):
        load(tmp_path / "1")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing", "does not exist"),
        (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "is not a directory"),
        (lambda p: p, "neither a run directory"),
        (lambda p: write_job(p / "run", 1, fail=True) or p / "run", "no complete run: failed: boom"),
        (lambda p: write_job(p / "0", 1, fail=True) or p, "without a complete job"),
    ],
)
def test_load_refuses_what_is_not_a_result(tmp_path, make, message):
    with pytest.raises(PlotInputError, match=message):
        load(make(tmp_path))


def test_a_corrupt_summary_is_one_clear_error(tmp_path):
    write_job(tmp_path / "run", 1)
    (tmp_path / "run" / "summary.json").write_text("{not json")
    with pytest.raises(PlotInputError, match="no complete run: summary.json has"):
        load(tmp_path / "run")


# ------------------------------------------------- seeds as units, parameter sets (figure 2)


def _set_groups(shares: dict) -> pd.DataFrame:
    """Groups of one cell: shares[(set, seed)] = share thriving of that job's 4 groups."""
    rows = []
    for job, ((pset, seed), share) in enumerate(shares.items()):
        thriving = round(4 * share)
        for gid in range(4):
            rows.append({"job": str(job), "seed": seed, "param_set": pset, "group_id": gid,
                         "charter": "industry_profession", "initial_size": 300,
                         "final_state": "thriving" if gid < thriving else "dormant"})
    return pd.DataFrame(rows)


def test_jobs_of_one_seed_are_one_unit_of_the_interval():
    # two jobs of seed 1 (e.g. two settings pooled in a cell) are not two independent seeds
    groups = _set_groups({(0, 1): 0.25, (1, 1): 0.75})
    table = data.thriving_by_size(groups, min_groups=1)
    assert table["n_jobs"].tolist() == [2] and table["n_seeds"].tolist() == [1]
    assert table["interval"].tolist() == ["wilson"]


def test_figure_2_band_spans_the_parameter_sets_and_the_interval_the_seeds():
    # set 0 thrives 25%/75% at seeds 1/2 (mean 0.5), set 1 0%/50% (0.25), set 2 100%/100% (1.0)
    shares = {(0, 1): 0.25, (0, 2): 0.75, (1, 1): 0.0, (1, 2): 0.5, (2, 1): 1.0, (2, 2): 1.0}
    table = data.thriving_by_size(_set_groups(shares), min_groups=1)
    row = table.iloc[0]
    assert row["n_sets"] == 3 and row["n_seeds"] == 2 and row["interval"] == "none (n<3)"
    assert row["band_low"] == pytest.approx(np.quantile([0.5, 0.25, 1.0], 0.05))
    assert row["band_high"] == pytest.approx(np.quantile([0.5, 0.25, 1.0], 0.95))
    # the point: the mean over sets per seed (seed 1: 5/12, seed 2: 3/4), then over seeds
    assert row["share"] == pytest.approx((5 / 12 + 3 / 4) / 2)
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert "band_low" not in data.thriving_by_size(_set_groups({(0, 1): 0.5, (0, 2): 0.25}), min_groups=1)


def test_the_parameters_of_a_set_are_pooled_not_swept():
    params = pd.DataFrame({"job": list("abcd"), "seed": [1, 2, 1, 2], "param_set": [0, 0, 1, 1],
                           "behaviour.post_base": [-7.1, -7.1, -7.6, -7.6],
                           "groups.size_median": [30, 300, 30, 300]})
    assert swept_parameters(params) == ["groups.size_median"]


def test_variant_effects_are_paired_by_seed_with_an_interval_over_seeds():
    # 3 seeds x 2 variants x 10 groups; the variant adds exactly 2 thriving groups at every seed
    base_k, rows = {1: 2, 2: 5, 3: 8}, []
    for seed, k in base_k.items():
        for variant, extra in (("none", 0), ("moderation", 2)):
            rows += [{"intervention": variant, "job": f"{variant}{seed}", "seed": seed,
                      "final_state": "thriving" if i < k + extra else "active"} for i in range(10)]
    table = data.variant_effects(pd.DataFrame(rows), "intervention").set_index("intervention")
    mod = table.loc["moderation"]
    assert mod["diff_interval"] == "t" and mod["interval"] == "t"
    # pairing removes the between-seed spread (0.2 to 0.8): the change is 0.2 at every seed
    assert (mod["diff"], mod["diff_low"], mod["diff_high"]) == pytest.approx((0.2, 0.2, 0.2))


def test_survival_band_is_over_seeds_not_groups_by_the_seed_count_rule():
    # three seeds with the same curve (one of 4 groups dormant at week 2, one at week 3)
    one = four_groups().assign(job="a")
    same = pd.concat([one.assign(job=j, seed=k) for k, j in enumerate("xyz")], ignore_index=True)
    km = data.survival_by_charter(same, horizon_weeks=5)
    assert set(km["interval"]) == {"t"}  # 3-9 seeds: Student t over each seed's curve
    assert km["survival"].tolist() == pytest.approx([1, 0.75, 0.5, 0.5])
    # seeds agree, so the band has no width; Greenwood over the 12 pooled groups would claim one
    assert km["ci_low"].tolist() == pytest.approx(km["ci_high"].tolist())
    # seeds that disagree widen it: one seed loses every group at week 2
    other = one.assign(job="w", seed=9, weeks_to_dormancy=2.0)
    wide = data.survival_by_charter(pd.concat([same, other], ignore_index=True), horizon_weeks=5)
    at2 = wide[wide["time"] == 2].iloc[0]
    assert at2["ci_low"] < at2["survival"] < at2["ci_high"]
    assert (at2["ci_low"], at2["ci_high"]) == (0, 1)  # t reaches past both ends of a share: cut there
    # two seeds: no band; ten: the seeds are resampled (a bootstrap over seeds)
    two = data.survival_by_charter(pd.concat([same[same.seed < 1], other], ignore_index=True), horizon_weeks=5)
    assert set(two["interval"]) == {"none (n<3)"} and two["ci_low"].isna().all()
    ten = pd.concat([one.assign(job=f"j{k}", seed=k, weeks_to_dormancy=2.0 if k % 2 else one.weeks_to_dormancy)
                     for k in range(10)], ignore_index=True)
    assert set(data.survival_by_charter(ten, horizon_weeks=5)["interval"]) == {"seeds"}


def test_a_median_over_seeds_follows_the_seed_count_rule():
    values, seeds = [1, 2, 3, 4, 5, 6], [1, 1, 2, 2, 3, 3]
    low, high, method = stats.median_over_seeds(values, seeds)
    assert method == "t" and low < 3.5 < high
    assert stats.median_over_seeds([1, 2, 3, 4], [1, 1, 2, 2])[2] == "none (n<3)"
    assert stats.median_over_seeds(list(range(20)), [k // 2 for k in range(20)])[2] == "bootstrap of seeds"


def test_participation_badge_ratio_and_hourly_intervals_are_over_seeds():
    # seed 1: 1 of 4 members never posted, seed 2: 3 of 4
    members = pd.DataFrame({"job": list("aaaabbbb"), "seed": [1] * 4 + [2] * 4, "group_id": 0,
                            "posts": [0, 1, 1, 5, 0, 0, 0, 5]})
    split = data.participation_split(members, heavy_min=2).set_index(["source", "category"])
    never = split.loc[("model", "never posted")]
    assert never["interval"] == "none (n<3)" and never["share"] == pytest.approx(0.5)
    assert math.isnan(never["ci_low"]) and math.isnan(never["ci_high"])
    three = pd.concat([members, members[members.job == "a"].assign(job="c", seed=3)], ignore_index=True)
    split3 = data.participation_split(three, heavy_min=2).set_index(["source", "category"])
    never3 = split3.loc[("model", "never posted")]
    ci = over_seeds([0.25, 0.75, 0.25])  # a t-interval of a share, clipped to [0, 1]
    assert never3["interval"] == "t" and (never3["ci_low"], never3["ci_high"]) == (max(ci.low, 0), min(ci.high, 1))
    groups = pd.DataFrame({"job": ["a", "b"], "group_id": [0, 0], "charter": "industry_profession",
                           "initial_size": [10, 10]})
    badges = data.badge_ratio_by_charter(members, groups, large_group=2000).iloc[0]
    assert badges["interval"] == "none (n<3)" and badges["badge_ratio"] == pytest.approx(0.5)
    one = data.participation_split(members[members.job == "a"], heavy_min=2)
    assert one.loc[0, "interval"] == "wilson"
    # hourly: two weeks per seed; seeds differ, weeks within a seed agree
    hourly = pd.DataFrame({"job": list("aabb"), "seed": [1, 1, 2, 2], "weekday": 0, "hour_of_day": 9,
                           "posts": [1.0, 1.0, 3.0, 3.0]})
    cell = data.activity_by_hour(hourly, {"a": 1000, "b": 1000}).iloc[0]
    assert cell["interval"] == "none (n<3)" and cell["mean"] == pytest.approx(2) and math.isnan(cell["ci_high"])


def test_weekly_median_interval_resamples_seeds():
    # three seeds whose groups post alike: resampling seeds cannot move the median
    groups = pd.DataFrame({"job": list("aaabbbccc"), "seed": [1, 1, 1, 2, 2, 2, 3, 3, 3], "group_id": [0, 1, 2] * 3,
                           "charter": "industry_profession", "initial_size": 100})
    weeks = groups[["job", "seed", "group_id"]].assign(week=0, posts=[1, 5, 9] * 3)
    row = data.weekly_posts_by_charter(weeks, groups).iloc[0]
    assert (row["median"], row["median_ci_low"], row["median_ci_high"]) == (5, 5, 5)
    one = data.weekly_posts_by_charter(weeks[weeks.job == "a"], groups[groups.job == "a"]).iloc[0]
    assert (one["median_ci_low"], one["median_ci_high"]) == stats.median_ci([1, 5, 9])


def test_shares_thriving_count_a_closed_group_as_not_thriving():
    """Figures 2, 4 and 7 follow the cohort at the start: closing is an outcome, not an absence."""
    groups = pd.DataFrame({
        "job": ["a"] * 4, "group_id": range(4), "charter": ["industry_profession"] * 4,
        "initial_size": [50, 50, 50, 50], "intervention": ["none"] * 4,
        "final_state": ["thriving", "dormant", None, None],
        "closed_week": pd.array([None, None, 10, -20], dtype="Int32"),  # 2 closed in week 10, 3 in the spin-up
    })
    table = data.thriving_by_size(groups, edges=[0, 100], min_groups=1)
    assert table[["n_groups", "n_thriving"]].values.tolist() == [[4, 1]]
    assert data.variant_effects(groups, "intervention")["share"].tolist() == pytest.approx([1 / 4])


def test_figures_of_shares_count_the_groups_present_at_the_start():
    """A group founded during the run (a few founding members, any charter) is not a cell of a design."""
    groups = pd.DataFrame({
        "job": ["a"] * 4, "group_id": range(4), "charter": ["industry_profession"] * 4,
        "initial_size": [30, 30, 4, 3], "intervention": ["none"] * 4, "at_start": [True, True, False, False],
        "final_state": ["thriving", "dormant", "dormant", "dormant"],
    })
    table = data.thriving_by_size(groups, edges=[0, 100], min_groups=1)
    assert table[["n_groups", "n_thriving", "size_median"]].values.tolist() == [[2, 1, 30]]
    heat = data.thriving_heatmap(groups.assign(cell="x"), "charter", "cell")
    assert heat[["n_groups", "n_thriving"]].values.tolist() == [[2, 1]]
    assert data.variant_effects(groups, "intervention")["n_groups"].tolist() == [2]
