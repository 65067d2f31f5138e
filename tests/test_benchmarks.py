"""Smoke tests of the benchmark harness: every subcommand is listed and documented, the cheap ones run at a
tiny size and print or write well-formed results (no timing is checked)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from benchmarks import harness
from tests.conftest import TABLES, TINY, groupsim, groupsim_in_process, ok

COMMANDS = {"scaling", "reference", "profile", "setup", "submodels", "parts", "dashboard", "split-coupling",
            "null-vs-model", "power", "steady-state", "stationarity", "scale-invariance", "calibration-probe",
            "throughput", "cli-startup", "emulator", "h1-ceiling", "facts-sweep", "s3-groups", "stopping",
            "digest-worlds"}


def test_every_subcommand_is_listed_with_its_help_and_examples(capsys):
    with pytest.raises(SystemExit) as info:
        harness.main(["no-such-benchmark"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "invalid choice: 'no-such-benchmark'" in err
    assert set(re.findall(r"'([a-z0-9-]+)'", err.split("choose from")[1])) == COMMANDS
    listing = harness.parser().format_help()
    for name in COMMANDS:
        assert re.search(rf"^ +{name}\s+\S", listing, re.M), f"{name}: a one-line help in the listing"
        with pytest.raises(SystemExit):
            harness.main([name, "--help"])
        assert f"python -m benchmarks {name}" in capsys.readouterr().out, f"{name}: its help shows how to call it"


def test_parts_sort_and_take_check_both_ways_agree_and_print_their_times(capsys):
    harness.main(["parts", "sort", "--n", "5000"])
    harness.main(["parts", "take", "--rows", "20000", "--gathered", "1100"])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "stable_order" in out[0] and "a.take(i)" in out[1]


def test_parts_summary_reads_a_run_directory(tmp_path, capsys):
    run_dir = tmp_path / "run"
    ok(groupsim_in_process(*TINY, f"hydra.run.dir={run_dir}", cwd=tmp_path))
    harness.main(["parts", "summary", str(run_dir)])
    out = capsys.readouterr().out
    assert out.startswith(f"{run_dir}: summary") and "S5" in out


def test_setup_times_every_phase(capsys):
    harness.main(["setup", "--size", "2000", "--groups", "20", "--model"])
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["size"] == 2000 and list(report["phases"]) == [
        "population", "network", "groups", "memberships", "whole model (Mesa agents included)"]
    assert all(row["cpu_s"] >= 0 for row in report["phases"].values()) and report["peak_rss_mb"] > 0


def test_digest_worlds_gives_one_sha256_per_table_and_summary(tmp_path, capsys):
    out = tmp_path / "digests.txt"
    harness.main(["digest-worlds", "--tiny", "--world", "default_seed1", "--out", str(out)])
    lines = [line.split() for line in out.read_text().splitlines()]
    assert capsys.readouterr().out.splitlines() == [" ".join(line) for line in lines]
    assert [name for _, name, _ in lines] == [*TABLES, "summary"]
    assert all(world == "default_seed1" and re.fullmatch("[0-9a-f]{64}", digest) for world, _, digest in lines)


def test_a_table_digest_tells_apart_floats_that_differ_in_their_last_bit():
    from benchmarks.digest_worlds import table_digest

    table = pd.DataFrame({"x": [0.1, 0.2], "state": pd.Categorical(["active", "dormant"])})
    nudged = table.assign(x=[0.1, np.nextafter(0.2, 1.0)])
    assert table_digest(table) == table_digest(table.copy()) != table_digest(nudged)
    assert table_digest(table) != table_digest(table.assign(state=pd.Categorical(["active", "active"])))


def test_scale_invariance_prints_one_line_per_size(capsys):
    harness.main(["scale-invariance", "2000", "4000"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["2,000", "4,000"]
    assert all("initial memberships per person" in line for line in lines)


@pytest.mark.slow
def test_scaling_writes_one_row_per_size_and_horizon(tmp_path):
    out = tmp_path / "bench.json"
    harness.main(["scaling", "--sizes", "200", "300", "--weeks", "1", "--json", str(out)])
    report = json.loads(out.read_text())
    assert report["case"] == "scaling" and report["machine"]["cores"] >= 1
    assert [(r["professionals"], r["groups"], r["weeks"]) for r in report["rows"]] == [(200, 2, 1), (300, 3, 1)]
    for row in report["rows"]:
        assert row["wall_s"] >= row["setup_s"] + row["run_s"] - 1e-3 and row["peak_rss_mib"] > 0
        assert row["events"] > 0 and row["agent_hours_per_s"] > 0 and row["events_per_s"] > 0 and row["cpu_s"] > 0


@pytest.mark.slow
def test_reference_reports_both_engines_and_their_ratio(tmp_path):
    out = tmp_path / "bench.json"
    harness.main(["reference", "--size", "200", "--weeks", "1", "--json", str(out)])
    report = json.loads(out.read_text())
    assert [r["engine"] for r in report["rows"]] == ["fast", "reference"]
    assert report["ratio_whole_run"] > 0 and report["rows"][0]["ratio_to_reference"] == report["ratio_whole_run"]


@pytest.mark.slow
def test_submodels_reports_every_wrapped_submodel(tmp_path):
    out = tmp_path / "submodels.json"
    # a subprocess: the subcommand wraps the schedule's functions for the rest of its process
    ok(groupsim("submodels", "--size", "300", "--weeks", "1", "--json", str(out), cwd=tmp_path, module="benchmarks"))
    report = json.loads(out.read_text())
    assert report["args"]["size"] == 300 and report["run"]["user_s"] > 0
    assert all(row["calls"] > 0 for row in report["submodels"].values())


@pytest.mark.slow
def test_dashboard_steps_and_times_the_views(capsys):
    harness.main(["dashboard", "--weeks", "1", "--seeds", "0"])
    out = capsys.readouterr().out
    assert out.startswith("seed 0: build") and "week median" in out and "view data" in out


@pytest.mark.slow
def test_steady_state_reports_each_seed_and_the_mean_trend(capsys):
    harness.main(["steady-state", "0", "population.size=300", "groups.count=4"])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[1].split(":")[0].strip() for line in lines[:5]] == [f"seed {s}" for s in range(1, 6)]
    trend = lines[5]
    assert trend.startswith("mean trend over the last 26 weeks")
    low, high = (float(v) for v in trend.split("[")[1].split("]")[0].split(","))
    assert np.isfinite(low) and low <= high and "(t, 5 seeds)" in trend  # 5 seeds: a t-interval


def test_stationarity_measures_the_drift_between_the_first_and_last_13_weeks():
    from benchmarks import stationarity

    weeks = np.arange(26)
    rows = []
    for g, founded in enumerate([-5, -3, 0, 20]):  # group 3 is founded in week 20: no state before it
        for w in weeks:
            state = None if w < founded else ("dormant" if (g == 0 and w >= 13) else "active")
            rows.append({"group_id": g, "week": w, "members": 10 if w < 13 else 11, "state": state,
                         "exits": 1, "joins": 2, "leaves": 0})
    gw = pd.DataFrame(rows)
    groups = pd.DataFrame({"group_id": range(4), "founded_week": [-5, -3, 0, 20], "charter": list("aabb")})
    got = stationarity.measure({"group_weeks": gw, "groups": groups}, professionals=20, at_start=2)
    last = (7 / 3 + 6 / 4) / 13  # weeks 13-19: 1 of 3 founded groups dormant; weeks 20-25: 1 of 4
    assert got["share_dormant_first_13"] == 0 and got["share_dormant_last_13"] == pytest.approx(last, abs=1e-4)
    assert got["memberships_per_person_change_percent"] == pytest.approx(10.0)
    assert got["memberships_change_percent_by_charter"] == {"a": 10.0, "b": 10.0}
    b_doubles = gw.assign(members=gw.members * np.where(gw.group_id.isin([2, 3]) & (gw.week >= 13), 2, 1))
    got = stationarity.measure({"group_weeks": b_doubles, "groups": groups}, professionals=20, at_start=2)
    assert got["memberships_change_percent_by_charter"] == {"a": 10.0, "b": 120.0}  # 10 to 22 per group
    assert got["memberships_per_person_change_percent"] == pytest.approx(65.0)  # 40 to 66: the total hides which
    assert got["share_dormant_change_points_groups_present_at_start"] == 50.0  # groups 0 and 1: 0 to 1 of 2
    assert got["share_founded_in_reported_weeks"] == 0.5 and got["groups_at_horizon"] == 4
    assert got["median_group_age_weeks_first_last"] == [3.0, 26.5]
    assert not stationarity.passes(got)
    closed = groups.assign(closed_week=pd.array([25, None, None, None], dtype="Int32"))  # group 0 closes at the end
    got = stationarity.measure({"group_weeks": gw, "groups": closed}, professionals=20, at_start=2)
    assert got["groups_at_horizon"] == 3 and got["groups_closed_in_reported_weeks"] == 1


@pytest.mark.slow
def test_stationarity_writes_its_result(tmp_path, capsys):
    out = tmp_path / "s.json"
    harness.main(["stationarity", "--seeds", "1", "--out", str(out), "population.size=600", "groups.count=6",
                  "duration.spinup_weeks=0", "duration.weeks=26", "behaviour.social_signal=per_member"])
    result = json.loads(out.read_text())
    assert [row["seed"] for row in result["seeds"]] == [1] and result["overrides"]["groups.count"] == "6"
    assert "share_dormant_change_points" in result["seeds"][0] and "cpu_seconds" in result["seeds"][0]


def test_h1_within_groups_compares_first_posts_within_each_group_only():
    from benchmarks.h1_ceiling import h1_within_groups

    # group 0: replied 1 of 2 post again, unanswered 0 of 2 (difference 0.5, weight 2 x 2 / 4 = 1); group 1: all
    # post again (difference 0, weight 1 x 3 / 4); group 2 has no replied first post; NA: no first post resolved
    m = pd.DataFrame({"group_id": [0] * 4 + [1] * 4 + [2, 2, 2],
                      "first_post_replied": pd.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, None], dtype="Int8"),
                      "posts": [2, 1, 1, 1, 3, 2, 2, 2, 5, 5, 9]})
    assert h1_within_groups(m) == pytest.approx(0.5 / 1.75)
    assert np.isnan(h1_within_groups(m[m.group_id == 2]))


def test_h1_ceiling_writes_each_arm_per_seed_and_the_paired_differences(tmp_path, monkeypatch, capsys):
    from benchmarks import stationarity

    monkeypatch.setattr(stationarity, "head_commit", lambda root: "abc1234")  # git would start a process
    out = tmp_path / "h1.json"
    harness.main(["h1-ceiling", "--seeds", "1", "2", "3", "--ceilings", "3", "100", "--out", str(out),
                  "population.size=600", "groups.count=6", "duration.spinup_weeks=0", "duration.weeks=8"])
    got = json.loads(out.read_text())
    assert got["commit"] == "abc1234" and got["seeds"] == [1, 2, 3] and f"--out {out}" in got["command"]
    arms = ["ceiling 3", "ceiling 3, no reply effect", "ceiling 100", "ceiling 100, no reply effect"]
    assert list(got["arms"]) == arms and len(got["per_seed"]) == 12
    assert set(got["paired"]) == {"ceiling 100 minus ceiling 3", "ceiling 3 minus ceiling 3, no reply effect",
                                  "ceiling 100 minus ceiling 100, no reply effect"}
    rows = pd.DataFrame(got["per_seed"]).pivot(index="seed", columns="arm", values="share_of_posters_at_ceiling")
    paired = got["paired"]["ceiling 100 minus ceiling 3"]["share_of_posters_at_ceiling"]
    assert paired["mean"] == pytest.approx((rows["ceiling 100"] - rows["ceiling 3"]).mean())
    assert paired["method"] == "t" and paired["seeds"] == 3
    # S3 as the calibration reads it (the summary's facts), beside the posting rate over all groups
    assert all("S3_posts" in r and "S3_replies" in r for r in got["per_seed"])
    s3 = pd.DataFrame(got["per_seed"]).query("arm == 'ceiling 3'").S3_posts
    assert got["arms"]["ceiling 3"]["S3_posts"]["mean"] == pytest.approx(s3.mean(), nan_ok=True)
    assert "wrote" in capsys.readouterr().out


def test_facts_sweep_writes_each_value_per_seed_and_the_paired_differences(tmp_path, monkeypatch, capsys):
    from benchmarks import stationarity

    monkeypatch.setattr(stationarity, "head_commit", lambda root: "abc1234")  # git would start a process
    out = tmp_path / "sweep.json"
    harness.main(["facts-sweep", "behaviour.post_momentum", "0", "2", "--seeds", "1", "2", "3", "--out", str(out),
                  "--set", "population.size=4000", "groups.count=20", "duration.spinup_weeks=0", "duration.weeks=26"])
    got = json.loads(out.read_text())
    assert got["commit"] == "abc1234" and got["key"] == "behaviour.post_momentum" and len(got["per_seed"]) == 6
    assert list(got["arms"]) == ["0", "2"] and list(got["paired"]) == ["2 minus 0"]
    assert got["ranges"]["S2.top1_share"] == {"low": 0.5, "high": 0.8}
    assert all(isinstance(r["S3.fallback"], bool) for r in got["per_seed"])
    assert got["arms"]["0"]["S3.posts"]["fallback_seeds"] == sum(r["S3.fallback"] for r in got["per_seed"]
                                                                  if r["value"] == 0)
    rows = pd.DataFrame(got["per_seed"]).pivot(index="seed", columns="value", values="S2.top1_share")
    paired = got["paired"]["2 minus 0"]["S2.top1_share"]
    assert paired["mean"] == pytest.approx((rows[2.0] - rows[0.0]).mean()) and paired["method"] == "t"
    assert paired["low"] > 0  # momentum concentrates posting on those who posted: the top 1% write more ...
    assert got["paired"]["2 minus 0"]["S1.never_posted"]["low"] > 0  # ... and fewer ever post
    assert 0 <= got["arms"]["0"]["S2.top1_share"]["seeds_in_range"] <= 3
    assert "wrote" in capsys.readouterr().out


def test_the_emulator_benchmark_writes_cpu_seconds_per_number_of_draws(tmp_path, monkeypatch):
    from benchmarks import emulator

    monkeypatch.setattr(emulator, "RESULTS", tmp_path)
    monkeypatch.setattr(emulator, "machine", dict)  # lscpu would start a process
    harness.main(["emulator", "--draws", "20", "--candidates", "100"])
    rows = json.loads((tmp_path / "emulator.json").read_text())["rows"]
    assert rows[0]["draws"] == 20 and rows[0]["fit"]["cpu_s"] >= 0 and rows[0]["predict"]["cpu_s"] >= 0


@pytest.mark.slow  # starts groupsim
def test_a_failed_benchmark_command_stops_with_one_line_instead_of_recording_zeros():
    from benchmarks import throughput

    with pytest.raises(SystemExit, match=r"benchmark command failed \(exit 2\): .*population.size=-1"):
        throughput.timed_command([throughput.groupsim(), "population.size=-1"])


def test_s3_groups_splits_seeds_by_the_fallback_to_the_30_largest_groups(tmp_path, monkeypatch, capsys):
    from benchmarks import stationarity
    from sim import facts

    monkeypatch.setattr(stationarity, "head_commit", lambda root: "abc1234")
    for seed, (large, posts) in enumerate([(6, 2.0), (5, 3.5), (4, 5.0), (0, 2.5)], start=1):
        job = tmp_path / "sweep" / str(seed)
        job.mkdir(parents=True)
        # S3 counts live industry groups only: large dormant or non-industry groups must not count
        groups = pd.DataFrame({"group_id": range(large + 33), "anchor": ["industry"] * (large + 31) + ["employer"] * 2,
                               "final_members": [2500] * large + [1500] * 30 + [5000, 5000, 5000],
                               "final_state": ["active"] * (large + 30) + ["dormant", "thriving", "thriving"]})
        groups.to_parquet(job / "groups.parquet")
        gw = pd.DataFrame({"group_id": groups.group_id, "week": 0, "members": groups.final_members, "posts": 1,
                           "replies": 0})
        assert facts.industry_rates(groups, gw)["groups"] == (large if large >= 5 else 30)
        s3 = {"measures": {"posts": {"value": posts}}, "groups_used": large if large >= 5 else 30}
        (job / "summary.json").write_text(json.dumps({"seed": seed, "stylized_facts": {"S3": s3}}))
    out = tmp_path / "s3.json"
    harness.main(["s3-groups", str(tmp_path / "sweep"), "--out", str(out)])
    got = json.loads(out.read_text())
    rows = pd.DataFrame(got["per_seed"])
    assert rows.fallback.tolist() == [False, False, True, True] and rows.groups_used.tolist() == [6, 5, 30, 30]
    assert rows.smallest_members.tolist() == [2500, 2500, 1500, 1500]
    parts = list(got["parts"].values())
    assert [p["seeds"] for p in parts] == [4, 2, 2] and [p["in_range"] for p in parts] == [2, 1, 1]
    assert parts[2]["posts"]["mean"] == pytest.approx(3.75)
    assert got["range"] == [0.8, 3.0] and got["commit"] == "abc1234"
    with pytest.raises(SystemExit, match="no \\*/summary.json"):
        harness.main(["s3-groups", str(tmp_path / "empty"), "--out", str(out)])


def test_stopping_reads_the_chance_of_stopping_after_n_posts_per_person(tmp_path, monkeypatch):
    from benchmarks import stationarity, stopping

    assert stopping.stop_shares(np.array([1, 1, 2, 3, 0]))["1"] == pytest.approx(2 / 4)  # 4 reached 1, 2 stopped
    assert stopping.stop_shares(np.array([1, 1, 2, 3, 0]))["2"] == pytest.approx(1 / 2)
    monkeypatch.setattr(stationarity, "head_commit", lambda root: "abc1234")
    for seed in (1, 2, 3):
        job = tmp_path / "sweep" / str(seed)
        job.mkdir(parents=True)
        # people with many posts keep posting (few stop late), as selection of the most active would give
        posts = [1] * 60 + [2] * 20 + [3] * 10 + [5] * 5 + [10] * 2 + [20] * 1 + [40] * (9 + seed)
        pd.DataFrame({"agent_id": range(len(posts)), "posts": posts}).to_parquet(job / "memberships.parquet")
        (job / "summary.json").write_text(json.dumps({"seed": seed}))
    out = tmp_path / "stop.json"
    harness.main(["stopping", str(tmp_path / "sweep"), "--out", str(out)])
    got = json.loads(out.read_text())
    assert got["falls_with_n"] and got["stop_after"]["1"]["mean"] > got["stop_after"]["20"]["mean"]
    assert got["stop_after"]["1"]["seeds"] == 3 and got["stop_after"]["1"]["method"] == "t"
    # as many people stop at each count from 1 to 20: stopping grows likelier with n, no fall
    for seed in (1, 2, 3):
        even = np.repeat(np.arange(1, 21), 10 + seed)
        pd.DataFrame({"agent_id": range(len(even)), "posts": even}).to_parquet(
            tmp_path / "sweep" / str(seed) / "memberships.parquet")
    harness.main(["stopping", str(tmp_path / "sweep"), "--out", str(out)])
    assert not json.loads(out.read_text())["falls_with_n"]
