"""The held-out patterns H4 (Butler 2001) and H5 (liability of newness): statistics on tables whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import validation
from sim import facts


def turnover_weeks(joins_per_member: float, leaves_per_member: float, sizes=(100, 200, 400, 800)) -> pd.DataFrame:
    """Two reported weeks of groups of ``sizes``; joins and leaves are the given rates x size (rounded)."""
    return pd.DataFrame([{"group_id": g, "week": w, "members": size,
                          "joins": round(joins_per_member * size), "leaves": round(leaves_per_member * size)}
                         for g, size in enumerate(sizes) for w in (0, 1)])


def test_h4_larger_groups_gaining_and_losing_more_pass():
    got = facts.turnover_with_size(turnover_weeks(0.05, 0.02))
    assert got == {"joins_with_size": pytest.approx(1.0), "leaves_with_size": pytest.approx(1.0), "groups": 4}
    entry = facts.result("H4", got)
    assert entry["role"] == "held-out" and entry["pass"] is None  # judged over seeds, not in one run
    assert "close to an input" in entry["note"]


def test_h4_larger_groups_losing_fewer_fails_the_direction():
    weeks = turnover_weeks(0.05, 0.02)
    weeks["leaves"] = weeks.groupby("week").leaves.transform(lambda x: x.iloc[::-1].to_numpy())  # largest lose least
    got = facts.turnover_with_size(weeks)
    assert got["joins_with_size"] == pytest.approx(1.0) and got["leaves_with_size"] == pytest.approx(-1.0)


def test_h4_leaves_out_weeks_without_members_and_constant_turnover_is_nan():
    weeks = turnover_weeks(0.0, 0.02)  # nobody joins anywhere: no correlation to speak of
    unfounded = pd.DataFrame({"group_id": [4], "week": [0], "members": [0], "joins": [0], "leaves": [0]})
    got = facts.turnover_with_size(pd.concat([weeks, unfounded]))
    assert math.isnan(got["joins_with_size"]) and got["leaves_with_size"] == pytest.approx(1.0)
    assert got["groups"] == 4


def h4_jobs(joins, leaves):
    return pd.DataFrame({"stylized_facts.H4.measures.joins_with_size.value": joins,
                         "stylized_facts.H4.measures.leaves_with_size.value": leaves})


def test_h4_is_judged_by_t_intervals_over_seeds_above_zero():
    noise = np.random.default_rng(0).normal(0, 0.05, 5)
    rows = validation.judge_over_seeds(facts.FACTS["H4"], h4_jobs(0.6 + noise, 0.9 + noise))
    assert [r["name"] for r in rows] == ["H4", "H4.leaves_with_size"]
    assert rows[0]["pass"] is True and {r["kind"] for r in rows} == {"held-out"}
    assert validation.judge_over_seeds(facts.FACTS["H4"], h4_jobs(0.6 + noise, noise))[0]["pass"] is False
    assert validation.judge_over_seeds(facts.FACTS["H4"], h4_jobs([0.6, 0.7], [0.9, 0.8]))[0]["pass"] is None


def life_tables(young_deaths: int, old_deaths: int, weeks: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten groups founded in reported week 0 (young all along) and ten founded 100 weeks before (old).

    ``young_deaths`` of the young groups go dormant in week 20 and stay dormant; ``old_deaths``
    of the old ones likewise. Group 20 was founded before the reported weeks and is dormant
    from the first one (left-truncated); group 21 is founded in week 70, after the horizon.
    """
    founded = [0] * 10 + [-100] * 10 + [-30, 70]
    rows = []
    for g in range(len(founded)):
        dies = (g < young_deaths) or (10 <= g < 10 + old_deaths)
        for w in range(weeks):
            state = "dormant" if (dies and w >= 20) or g == 20 else "active"
            rows.append({"group_id": g, "week": w, "state": state})
    groups = pd.DataFrame({"group_id": range(len(founded)), "founded_week": founded})
    return groups, pd.DataFrame(rows).astype({"state": "category"})


def test_h5_young_groups_dying_more_pass():
    got = facts.newness_hazard(*life_tables(young_deaths=5, old_deaths=1))
    # young (ages 0-51): 5 deaths over 5 x 21 + 5 x 52 group-weeks at risk; old: 1 death over the young
    # survivors' last 8 weeks (5 x 8) and the old groups' 21 + 9 x 60
    assert got["hazard_young"] == pytest.approx(5 / 365) and got["hazard_old"] == pytest.approx(1 / 601)
    assert got["young_minus_old"] == pytest.approx(5 / 365 - 1 / 601)
    assert got["left_truncated"] == 1 and got["status"] == "computed"
    assert facts.result("H5", got)["measures"]["young_minus_old"]["value"] > 0


def test_h5_old_groups_dying_more_fails_the_direction():
    got = facts.newness_hazard(*life_tables(young_deaths=1, old_deaths=5))
    assert got["young_minus_old"] < 0
    noise = np.random.default_rng(1).normal(0, 0.001, 5)
    jobs = pd.DataFrame({"stylized_facts.H5.measures.young_minus_old.value": got["young_minus_old"] + noise})
    assert validation.judge_over_seeds(facts.FACTS["H5"], jobs)[0]["pass"] is False


def test_h5_never_counts_a_group_dormant_when_first_seen_as_dying():
    groups, weeks = life_tables(young_deaths=0, old_deaths=0)
    got = facts.newness_hazard(groups, weeks)
    assert got["dormancies_young"] == 0 and got["dormancies_old"] == 0  # group 20 is left out, not a death
    assert got["young_minus_old"] == 0.0


def test_h5_is_not_computed_in_a_closed_world():
    groups, weeks = life_tables(young_deaths=5, old_deaths=1)
    got = facts.newness_hazard(groups.drop(columns="founded_week"), weeks)
    assert math.isnan(got["young_minus_old"]) and got["status"] == facts.NEEDS_FOUNDED_WEEK
    assert facts.result("H5", got)["pass"] is None


def test_registry_held_out_patterns_are_reported_with_h1_to_h3():
    facts_table = pd.DataFrame([
        {"job": 0, "seed": s, "fact": name, "role": facts.FACTS[name].role, "description": "",
         "value": 0.5, "low": 0.0, "high": None, "target": "", "source": "", "pass": None}
        for s in (1, 2, 3) for name in ("S1", "H4", "H5")])
    jobs = pd.DataFrame({"stylized_facts.H4.measures.joins_with_size.value": [0.5, 0.6, 0.7],
                         "stylized_facts.H4.measures.leaves_with_size.value": [0.8, 0.9, 0.85],
                         "stylized_facts.H5.measures.young_minus_old.value": [np.nan] * 3,
                         "stylized_facts.H5.comparison.status": [facts.NEEDS_FOUNDED_WEEK] * 3})
    table = validation.report(facts_table, jobs)
    held = table[table["kind"] == "held-out"]["name"].tolist()
    assert held == ["H1", "H2", "H3", "H4", "H4.leaves_with_size", "H5"]
    h5 = table.set_index("name").loc["H5"]
    assert h5["pass"] is None and h5["description"].endswith(f"({facts.NEEDS_FOUNDED_WEEK})")  # not judged
    text = validation.markdown(table, "# report")
    assert text.index("## Held-out patterns") < text.index("| H4 | held-out |")
    assert validation.report(facts_table, jobs.assign(**{"stylized_facts.H5.measures.young_minus_old.value": 0.1})
                             ).set_index("name").loc["H5", "description"] == facts.FACTS["H5"].definition


def test_single_run_summary_reports_the_held_out_patterns(small_run):
    got = small_run.summary()["stylized_facts"]
    assert {got["H4"]["role"], got["H5"]["role"]} == {"held-out"}
    assert -1 <= got["H4"]["measures"]["joins_with_size"]["value"] <= 1
    assert got["H4"]["measures"]["leaves_with_size"]["value"] > 0
    if "founded_week" not in small_run.tables()["groups"]:
        assert got["H5"]["comparison"]["status"] == facts.NEEDS_FOUNDED_WEEK and got["H5"]["value"] is None
