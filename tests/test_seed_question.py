"""The seed question's ranking (experiments/analysis/seed_question.py) on sweeps whose answer is known."""

import json

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import seed_question as sq
from tests.conftest import TINY, groupsim

ARMS = ["none", *sq.SWITCHES]


def jobs(seeds=10, blocking=0.10, noise=0.02):
    """A sweep's ok jobs: dormancy 0.5 at baseline; without blocking 0.5 - ``blocking``; the rest no effect."""
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(1, seeds + 1):
        world = rng.normal(0, 0.05)  # shared by every arm of a seed: what pairing removes
        for arm in ARMS:
            dormant = 0.5 + world - (blocking if arm == "no_blocking" else 0.0) + rng.normal(0, noise)
            rows.append({"ablation": arm, "seed": seed, "share_dormant": dormant,
                         "posts_per_1000_members_week": 2.0 + world + rng.normal(0, 0.01),
                         "null_ladder.one_rate.share_dormant": 0.10, "null_ladder.per_charter.share_dormant": 0.2,
                         "null_ladder.per_charter_size.share_dormant": 0.5 + rng.normal(0, 0.01),
                         "median_group_posts_per_1000_member_weeks_by_charter.alumni": 1.0,
                         "median_group_posts_per_1000_member_weeks_by_charter.industry": 3.0,
                         "rate_size_elasticity.overall.slope": 0.4})
    return pd.DataFrame(rows)


def test_a_cause_with_an_effect_ranks_first_and_causes_without_one_are_not_detectable():
    table = sq.table(jobs()).set_index(["outcome", "cause"])
    dormant = table.loc["share_dormant"]
    assert dormant.loc["no_blocking", "effect"] == pytest.approx(0.10, abs=0.02)  # blocking raises dormancy
    assert dormant.loc["no_blocking", "detectable"] and dormant.loc["no_blocking", "interval"] == "bootstrap"
    assert not dormant.loc[["no_office_hours", "no_job_search_fear", "no_job_hunting_only"], "detectable"].any()
    # charter and size from the ladder of nulls: 0.2 - 0.1 and about 0.5 - 0.2, ranked with the switches
    assert dormant.loc["charter", "effect"] == pytest.approx(0.1) and dormant.loc["size", "effect"] == pytest.approx(
        0.3, abs=0.01)
    assert dormant.loc["size", "rank"] == 1 and dormant.loc["charter", "rank"] == 2
    assert dormant.loc["no_blocking", "rank"] in (2, 3)
    posting = table.loc["posts_per_1000_members_week"]
    assert posting.loc["charter", "effect"] == pytest.approx(2.0) and np.isnan(posting.loc["size", "rank"])


def test_pairing_by_seed_finds_what_unpaired_noise_between_seeds_would_hide():
    table = sq.table(jobs(seeds=5, blocking=0.05)).set_index(["outcome", "cause"])
    row = table.loc[("share_dormant", "no_blocking")]
    assert row["interval"] == "t" and row["detectable"]  # between-seed SD 0.05 is paired away


def test_the_power_note_is_the_two_sided_5_percent_80_percent_formula():
    assert sq.seeds_needed(0.05, 0.05) == 8  # (1.96 + 0.84)^2 = 7.85
    assert sq.seeds_needed(0.0, 0.05) == 3 and np.isnan(sq.seeds_needed(0.1, float("nan")))


def test_the_report_writes_csv_and_json_with_provenance(tmp_path):
    out = sq.write(tmp_path, jobs(seeds=4), "groupsim -m experiment=seed_question", commit="abc123")
    data = json.loads((tmp_path / sq.JSON).read_text())
    assert data["provenance"]["command"] == "groupsim -m experiment=seed_question"
    assert data["provenance"]["seeds"] == [1, 2, 3, 4] and data["provenance"]["commit"] == "abc123"
    assert len(data["rows"]) == len(out) == len(pd.read_csv(tmp_path / sq.CSV))
    text = (tmp_path / sq.MD).read_text()
    assert "No detectable effect on share dormant:" in text and "workplace blocking" in text


@pytest.mark.slow
def test_tiny_seed_question_sweep_writes_its_ranking(tmp_path):
    root = tmp_path / "sweep"
    proc = groupsim("-m", "experiment=seed_question", "ablation=none,no_blocking", "seed=1,2,3", *TINY,
                    f"hydra.sweep.dir={root}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = pd.read_csv(root / sq.CSV)
    assert {"no_blocking", "charter", "size"} <= set(table["cause"])
    assert (table.loc[table["cause"] == "no_blocking", "seeds"] == 3).all()  # paired over every seed
    assert table["seeds"].between(1, 3).all()  # a seed whose elasticity is undefined (too few groups) is left out
    provenance = json.loads((root / sq.JSON).read_text())["provenance"]
    assert provenance["seeds"] == [1, 2, 3] and "experiment=seed_question" in provenance["command"]


def test_over_a_region_each_set_is_paired_by_seed_and_the_interval_is_over_the_sets():
    # four parameter sets of a region: blocking raises dormancy by 0.10 at three, lowers it by 0.02 at the fourth
    effects = [0.10, 0.10, 0.10, -0.02]
    region = pd.concat([jobs(seeds=5, blocking=b).assign(param_set=i) for i, b in enumerate(effects)])
    row = sq.table(region).set_index(["outcome", "cause"]).loc[("share_dormant", "no_blocking")]
    assert row["effect"] == pytest.approx(np.mean(effects), abs=0.01)
    assert row["interval"] == "t over 4 parameter sets" and row["sets"] == 4 and row["seeds"] == 5
    assert row["sets_same_sign"] == pytest.approx(0.75)
    assert row["low"] < 0 < row["high"] and not row["detectable"]  # the region's spread, not only seed noise


def test_the_region_preset_runs_every_arm_and_seed_at_each_parameter_set(cfg, tmp_path):
    from experiments.analysis.sweeper import planned_jobs

    region = tmp_path / "calibration_region.csv"
    region.write_text("behaviour.post_base,behaviour.reply_base,I.S1\n-7.9,0.0027,1.0\n-7.5,0.002,2.0\n-8.2,0.003,1.5\n")
    config = cfg("experiment=seed_question_region", f"param_sets.path={region}", "param_sets.k=2",
                 "param_sets.sample=null", hydra=True)
    jobs = [dict(o.split("=", 1) for o in job) for job in planned_jobs(config, [])]
    assert len(jobs) == 2 * len(ARMS) * 5
    assert {(j["param_set"], j["behaviour.post_base"]) for j in jobs} == {("0", "-7.9"), ("1", "-7.5")}
    assert {(j["ablation"], j["seed"]) for j in jobs if j["param_set"] == "1"} == {
        (a, str(s)) for a in ARMS for s in range(1, 6)}
    # by default the preset draws its sets at random (param_sets.sample=1), not the file's first rows
    from experiments.analysis import design

    drawn = cfg("experiment=seed_question_region", f"param_sets.path={region}", "param_sets.k=2", hydra=True)
    jobs = [dict(o.split("=", 1) for o in job) for job in planned_jobs(drawn, [])]
    want = design.parameter_sets(str(region), 2, sample=1)["behaviour.post_base"]
    got = {(j["param_set"], float(j["behaviour.post_base"])) for j in jobs}
    assert got == {(str(i), v) for i, v in enumerate(want)}
