"""The stylized-fact registry is frozen, and each fact's evaluation follows its definition."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim import facts

FROZEN = "6dd23cf0fabb1f96f9f2aa199a4d900e11fa1a42a133dd404d15b830666316c7"


def test_definitions_and_targets_are_frozen():
    assert facts.digest() == FROZEN, (
        "A stylized fact's definition or target changed. Targets are frozen (MODEL_BRIEF.md, Revision 2): "
        "never change one to make the model pass. A new revision of the brief needs a new VERSION and a "
        "reviewed update of this digest."
    )


def test_registry_follows_the_brief():
    assert list(facts.FACTS) == ["S1", "S2", "S3", "S4", "S5", "S6"]
    assert {f.role for k, f in facts.FACTS.items() if k in ("S1", "S2", "S3")} == {"calibration"}
    assert {f.role for k, f in facts.FACTS.items() if k in ("S4", "S5", "S6")} == {"validation"}
    assert dict((n, (lo, hi)) for n, lo, hi in facts.FACTS["S3"].measures) == {"posts": (0.8, 3.0),
                                                                                 "replies": (0.1, 1.0)}


def test_s1_counts_current_members_of_large_groups():
    groups = pd.DataFrame({"group_id": [0, 1], "final_members": [2000, 1999]})
    members = pd.DataFrame({"group_id": [0, 0, 0, 0, 0, 1], "posts": [0, 0, 0, 4, 0, 0],
                            "left_tick": pd.array([None, None, None, None, 5, None], dtype="Int64")})
    assert facts.never_posted_large(groups, members) == pytest.approx(0.75)


def test_s2_is_over_people_who_posted():
    members = pd.DataFrame({"agent_id": np.arange(300), "posts": [0] * 100 + [1] * 198 + [50, 52]})
    # 200 posting members: the top 1% is two people with 102 of 300 posts
    assert facts.top1_share(members) == pytest.approx(102 / 300)


def s3_tables(n_large: int):
    sizes = [2500] * n_large + [40 * (i + 1) for i in range(40)]
    groups = pd.DataFrame({"group_id": np.arange(len(sizes)), "anchor": "industry", "final_members": sizes,
                           "final_state": ["active"] * len(sizes)})
    groups.loc[0, "final_state"] = "dormant"
    gw = pd.DataFrame({"group_id": groups.group_id, "week": 0, "members": sizes, "posts": 1, "replies": 2})
    return groups, gw


def test_s3_pools_posts_and_replies_of_large_live_industry_groups():
    groups, gw = s3_tables(6)  # group 0 is dormant: 5 large live groups remain
    got = facts.industry_rates(groups, gw)
    assert got["groups"] == 5 and got["posts"] == pytest.approx(1000 * 5 / 12500)
    assert got["replies"] == pytest.approx(2 * got["posts"])


def test_s3_falls_back_to_the_30_largest_industry_groups():
    groups, gw = s3_tables(3)
    got = facts.industry_rates(groups, gw)
    assert got["groups"] == 30
    chosen = sorted(groups[groups.final_state != "dormant"].final_members, reverse=True)[:30]
    assert got["posts"] == pytest.approx(1000 * 30 / sum(chosen))


def replicate(states):
    return pd.DataFrame({"group_id": np.arange(len(states)), "charter": "c", "initial_size": 500,
                         "final_state": states})


def test_s4_heterogeneity_between_groups_does_not_count():
    fixed = [replicate(["thriving"] * 5 + ["dormant"] * 5) for _ in range(6)]
    assert facts.path_dependence(fixed)["within_group_split"] == 0.0


def test_s4_the_same_group_ending_both_ways_counts():
    runs = [replicate(["thriving"] * 10 if r % 3 == 0 else ["dormant"] * 10) for r in range(6)]
    got = facts.path_dependence(runs)
    assert got["within_group_split"] == pytest.approx(1 / 3)  # runs 0 and 3 of 6 thrive, the rest go dormant
    entry = facts.result("S4", got)
    assert entry["pass"] is True
    assert math.isnan(facts.path_dependence(runs[:1])["within_group_split"])


def test_s5_compares_dormant_with_same_size_live_groups():
    gw = pd.DataFrame({"group_id": [0, 0, 0, 1, 1, 1], "week": [0, 1, 2] * 2,
                       "members": [100, 100, 90, 120, 110, 60]})
    groups = pd.DataFrame({"group_id": [0, 1], "final_state": ["dormant", "active"],
                           "weeks_to_dormancy": [2.0, np.nan]})
    got = facts.badges_persist(groups, gw)  # group 0 dormant from week 1 (100 members), keeps 90
    assert got["kept_dormant"] == pytest.approx(0.9)
    assert got["kept_non_dormant_same_size"] == pytest.approx(60 / 110)


def test_s5_counts_each_dormant_groups_peers_once_per_group():
    # groups 0-2 dormant: 0 and 1 from week 1 (sizes 100 and 40: classes 6 and 5), 2 from week 2 (class 6);
    # live peers 3 (class 6 at weeks 1 and 2) and 4 (class 5 at week 1, class 6 at week 2)
    members = {0: [100, 100, 90, 80], 1: [40, 40, 30, 20], 2: [90, 90, 100, 50],
               3: [120, 110, 100, 55], 4: [40, 40, 70, 35]}
    gw = pd.DataFrame([{"group_id": g, "week": w, "members": n} for g, ns in members.items() for w, n in enumerate(ns)])
    groups = pd.DataFrame({"group_id": list(members), "final_state": ["dormant"] * 3 + ["active"] * 2,
                           "weeks_to_dormancy": [2.0, 2.0, 3.0, np.nan, np.nan]})
    got = facts.badges_persist(groups, gw)
    assert got["dormant_groups"] == 3
    assert got["kept_dormant"] == np.median([80 / 100, 20 / 40, 50 / 100])
    # peers of 0: group 3 (week 1); of 1: group 4 (week 1); of 2: groups 3 and 4 (week 2)
    assert got["kept_non_dormant_same_size"] == np.median([55 / 110, 35 / 40, 55 / 100, 35 / 70])


def s6_groups(defunct_dormant, live_dormant, industry_dormant):
    rows = []
    for _kind, dormant, anchor, defunct in (("d", defunct_dormant, "employer", True),
                                           ("l", live_dormant, "employer", False),
                                           ("i", industry_dormant, "industry", False)):
        for k in range(10):
            gone = k < dormant
            rows.append({"anchor": anchor, "employer_defunct": defunct, "initial_size": 300,
                         "final_state": "dormant" if gone else "active",
                         "weeks_to_dormancy": 10.0 + k if gone else np.nan})
    return pd.DataFrame(rows)


def test_s6_order_defunct_highest_industry_lowest():
    good = facts.defunct_order(s6_groups(8, 5, 2), horizon=52)
    assert good["order_holds"] == 1.0
    assert good["share_dormant_size_matched"] == pytest.approx({"defunct": 0.8, "live_employment": 0.5,
                                                                "industry": 0.2})
    assert facts.defunct_order(s6_groups(5, 8, 2), horizon=52)["order_holds"] == 0.0
    assert facts.defunct_order(s6_groups(8, 2, 5), horizon=52)["order_holds"] == 0.0


def test_single_run_summary_reads_the_registry(small_run):
    summary = small_run.summary()
    got = summary["stylized_facts"]
    for key, fact in facts.FACTS.items():
        assert got[key]["definition"] == fact.definition and got[key]["target"] == fact.target
        assert got[key]["role"] == fact.role
    assert got["S4"]["pass"] is None and "not evaluated" in got["S4"]["note"]
    assert summary["stylized_facts_version"] == facts.VERSION
