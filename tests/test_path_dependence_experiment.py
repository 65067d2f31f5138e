"""experiment=path_dependence: S4 over replicate dynamics seeds of the same initial states, judged per cell."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import path_dependence as pdx
from sim.facts import path_dependence
from tests.conftest import groupsim

TINY = ["population.size=1500", "groups.count=4", "duration.weeks=4", "duration.spinup_weeks=0",
        "groups/charter_mix=industry_profession", "groups.size_median=100,300", "seed=1,2", "dynamics_seed=0,1,2"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """2 cells (initial size 100, 300) x 2 initial-state seeds x 3 dynamics seeds, 4 groups, 4 weeks."""
    cwd = tmp_path_factory.mktemp("pd")
    root = cwd / "sweep"
    proc = groupsim("-m", "experiment=path_dependence", *TINY, f"hydra.sweep.dir={root}", cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root


def _jobs_of(root, size, seed):
    """Job directories of one initial state, read from each job's own overrides (not from the report)."""
    from experiments import results

    out = []
    for job in sorted(p for p in root.iterdir() if (p / ".hydra").is_dir()):
        o = results.job_overrides(job)
        if o["groups.size_median"] == size and o["seed"] == seed:
            out.append(job)
    return out


@pytest.mark.slow
def test_the_sweep_writes_one_row_per_cell_and_initial_state_with_s4_over_its_replicates(sweep):
    table = pd.read_csv(sweep / "path_dependence.csv")
    assert {"cell", "seed", "within_group_split", "replicates", "control_split"} <= set(table.columns)
    cell = "groups/charter_mix=industry_profession, groups.size_median="
    assert sorted(zip(table["cell"], table["seed"], strict=True)) == [
        (cell + "100", 1), (cell + "100", 2), (cell + "300", 1), (cell + "300", 2)]
    assert (table["replicates"] == 3).all() and (table["dynamics_seeds"] == "0 1 2").all()
    assert table["within_group_split"].between(0, 0.5).all()
    assert (table["control_split"] == 0).all()  # one dynamics seed repeated: no split, whatever the groups do
    for row in table.itertuples():  # the value is S4 on exactly the three replicates of that seed and size
        size = int(row.cell.split("=")[-1])
        tables = [pd.read_parquet(d / "groups.parquet") for d in _jobs_of(sweep, size, row.seed)]
        assert len(tables) == 3
        assert row.within_group_split == pytest.approx(path_dependence(tables)["within_group_split"])
    md = (sweep / "path_dependence.md").read_text()
    assert "# Path dependence (S4)" in md and "at least one charter x size cell with both end states >= 10%" in md
    assert md.count(f"| {cell}") == 2 + 4  # a row per cell, then per initial state
    assert "fewer than 10 replicates" in md  # 3 dynamics seeds cannot show a 10% split: said, not hidden
    assert any(v in md for v in ("**S4: pass", "**S4: FAIL"))


@pytest.mark.slow
def test_jobs_that_differ_in_seed_are_never_pooled(sweep):
    jobs = pdx.job_table(sweep)
    assert len(jobs) == 12 and jobs["ok"].all()
    # an initial state is one seed (and one cell): the same dynamics seed under two seeds is two states
    assert (jobs.groupby("state")["seed"].nunique() == 1).all()
    assert (jobs.groupby("state")["cell"].nunique() == 1).all()
    assert jobs["state"].nunique() == 4 and (jobs.groupby("state").size() == 3).all()
    # the seeds' groups really differ (same group ids, other people): pooling them would mix two worlds
    a, b = (pd.read_parquet(_jobs_of(sweep, 300, s)[0] / "groups.parquet") for s in (1, 2))
    assert a.group_id.tolist() == b.group_id.tolist() and not a.equals(b)


@pytest.mark.slow
def test_one_dynamics_seed_per_state_cannot_judge_s4_and_a_rerun_reads_a_partial_sweep(sweep, tmp_path):
    single = tmp_path / "single"
    single.mkdir()
    shutil.copy(sweep / "multirun.yaml", single)
    from experiments import results

    for job in sweep.iterdir():
        if (job / ".hydra").is_dir() and results.job_overrides(job)["dynamics_seed"] == 0:
            shutil.copytree(job, single / job.name)
    proc = groupsim(str(single), cwd=tmp_path, module="experiments.analysis.path_dependence")
    assert proc.returncode == 0, proc.stderr[-3000:]
    md = (single / "path_dependence.md").read_text()
    assert "**S4: not judged: S4 needs at least 2 replicates" in md
    assert md.split("Per initial state")[0].count("| not judged |") == 2 and "| FAIL |" not in md
    assert pd.read_csv(single / "path_dependence.csv")["within_group_split"].isna().all()
    # a lost job: the report is rebuilt from what is left and names it
    partial = tmp_path / "partial"
    shutil.copytree(sweep, partial)
    (partial / "0" / "manifest.json").unlink()
    proc = groupsim(str(partial), cwd=tmp_path, module="experiments.analysis.path_dependence")
    assert proc.returncode == 0 and "1 job(s) failed or unfinished (0)" in proc.stderr
    assert sorted(pd.read_csv(partial / "path_dependence.csv")["replicates"]) == [2, 3, 3, 3]


def test_a_cell_passes_when_its_mean_split_over_seeds_reaches_the_target():
    states = pd.DataFrame({
        "cell": ["near", "near", "near", "far", "far", "far"], "seed": [1, 2, 3, 1, 2, 3],
        "within_group_split": [0.12, 0.2, 0.1, 0.0, 0.05, 0.0], "replicates": 10, "control_split": 0.0,
        "between_groups_split": 0.3, "share_thriving": 0.4, "share_dormant": 0.4})
    cells = pdx.per_cell(states).set_index("cell")
    assert cells.loc["near", "within_group_split"] == pytest.approx(0.14)
    assert cells.loc["near", "ci_low"] <= 0.14 <= cells.loc["near", "ci_high"] and cells.loc["near", "seeds"] == 3
    assert cells.loc["near", "pass"] and not cells.loc["far", "pass"]
    assert pdx.verdict(cells.reset_index()).startswith("pass (largest split 0.14 in cell near")
    assert pdx.verdict(cells.reset_index().iloc[1:]).startswith("FAIL")
    judged_nowhere = states.assign(within_group_split=np.nan)
    assert pdx.verdict(pdx.per_cell(judged_nowhere)).startswith("not judged")
    assert math.isnan(pdx.per_cell(judged_nowhere)["within_group_split"].iloc[0])


def test_the_command_line_refuses_a_directory_that_is_not_a_sweep(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        pdx.main([str(tmp_path)])
    assert exc.value.code == 2 and "usage: python -m experiments.analysis.path_dependence SWEEP_DIR" in \
        capsys.readouterr().err


def test_a_cells_seeds_needed_grow_as_its_mean_nears_the_target():
    states = pd.DataFrame({
        "cell": ["near"] * 3 + ["far"] * 3, "seed": [1, 2, 3] * 2,
        "within_group_split": [0.08, 0.10, 0.12, 0.28, 0.30, 0.32], "replicates": 10, "control_split": 0.0,
        "between_groups_split": 0.3, "share_thriving": 0.4, "share_dormant": 0.4})
    cells = pdx.per_cell(states).set_index("cell")
    assert cells.loc["far", "seeds_needed"] == 3  # 20 points from 10%, SD 0.02: the fewest that give an interval
    assert np.isnan(cells.loc["near", "seeds_needed"])  # mean on the target: no distance to detect
    nearer = pdx.per_cell(states.assign(within_group_split=[0.11, 0.13, 0.15, 0.28, 0.30, 0.32])).set_index("cell")
    assert nearer.loc["near", "seeds_needed"] > nearer.loc["far", "seeds_needed"]


def test_the_preset_judges_all_twelve_charter_by_size_cells_with_ten_replicates_of_three_states(cfg):
    from experiments.analysis.sweeper import planned_jobs

    jobs = [dict(o.split("=", 1) for o in job) for job in planned_jobs(cfg("experiment=path_dependence", hydra=True),
                                                                        [])]
    cells = {(j["groups/charter_mix"], j["groups.size_median"]) for j in jobs}
    assert len(cells) == 12 and len(jobs) == 12 * 3 * 10
    assert {j["dynamics_seed"] for j in jobs} == {str(s) for s in range(10)}
