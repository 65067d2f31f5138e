"""experiments/probes.py reproduces the review's measurements: a smoke test and its bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments import probes

TINY = ["population.size=600", "groups.count=8", "duration.weeks=10", "duration.spinup_weeks=0"]


def test_spinup_deaths_on_a_hand_table():
    # groups 0-2 dormant at the horizon, 0 and 1 already in week 0; group 3 never posted
    gw = pd.DataFrame({"group_id": [0, 1, 2, 3] * 2, "week": [0] * 4 + [1] * 4,
                       "state": ["dormant", "dormant", "active", "active"] + ["dormant"] * 3 + ["active"]})
    groups = pd.DataFrame({"group_id": [0, 1, 2, 3], "final_state": ["dormant"] * 3 + ["active"],
                           "posts": [3, 1, 2, 0], "weeks_to_dormancy": [1.0, 1.0, 2.0, float("nan")]})
    got = probes.spinup_deaths(groups, gw)
    assert got == {"dormant_at_horizon_dormant_in_week_0": pytest.approx(2 / 3), "silent_all_reported_weeks": 0.25,
                   "median_weeks_to_dormancy": 1.0}


@pytest.mark.slow
def test_probes_write_every_measure_per_seed_and_their_mean(tmp_path):
    out = tmp_path / "probes.json"
    assert probes.main(["--seeds", "1", "2", "--set", *TINY, "--out", str(out)]) == 0
    got = json.loads(out.read_text())
    assert set(got["seeds"]) == {"1", "2"}
    for entry in got["seeds"].values():
        assert set(entry["null_ladder"]) == {"one_rate", "per_charter", "per_charter_size", "own_rate"}
        assert set(entry["spinup"]) == {"dormant_at_horizon_dormant_in_week_0", "silent_all_reported_weeks",
                                        "median_weeks_to_dormancy"}
        assert {"S2", "S2_posters", "S1", "S3_posts", "S3_replies", "posters_posting_once"} <= set(entry)
    dormant = [e["model"]["share_dormant"] for e in got["seeds"].values()]
    assert got["mean"]["model"]["share_dormant"] == pytest.approx(sum(dormant) / 2)


@pytest.mark.parametrize("args, message", [
    (["--set", "population.size=abc"], "error: population.size = 'abc' is not a number"),
    (["--set", "population.size"], "error: --set 'population.size': allowed key=value"),
    (["--set", "interventions.start_week=99"], "error: interventions.start_week = 99 is not a reported week"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "probes.json"
    assert probes.main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not out.exists()


def test_compare_puts_each_json_in_a_column_with_its_mean_and_seeds(tmp_path, capsys):
    def report(s2):
        seeds = {str(i): {key: 0.5 for _, key, _ in probes.ROWS} for i in (1, 2)}
        for i, value in zip(("1", "2"), s2, strict=True):
            seeds[i]["S2"] = value
        return {"seeds": seeds}

    (tmp_path / "before.json").write_text(json.dumps(report([0.5, 0.6])))
    (tmp_path / "after.json").write_text(json.dumps(report([0.7, 0.8])))
    assert probes.main(["--compare", str(tmp_path / "before.json"), str(tmp_path / "after.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| measure | before | after |"
    assert "| S2 (Revision 3: top 1% of a large group's members, median over groups) | 55.0 (50.0, 60.0) | "\
           "75.0 (70.0, 80.0) |" in lines
    assert probes.main(["--compare", str(tmp_path / "missing.json")]) == 2
