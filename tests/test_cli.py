"""The real command line: runs, sweeps, launchers, resume, bad input.

Every run here is tiny (300 professionals, 6 groups, 4 weeks). Runs and sweeps start the
command in a subprocess (marked slow); the refusals of bad input call its entry point,
``experiments.run.main``, in this process, with the same arguments, working directory
and exit status. Results go to pytest's temporary directories.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import TABLES, TINY, groupsim, groupsim_in_process, ok, summary


def sweep(tmp_path: Path, name: str, *args: str) -> tuple[subprocess.CompletedProcess, Path]:
    root = tmp_path / name
    return groupsim("-m", f"hydra.sweep.dir={root}", *TINY, *args, cwd=tmp_path), root


@pytest.mark.slow
def test_one_run_writes_complete_results(tmp_path):
    proc = ok(groupsim(*TINY, cwd=tmp_path))
    runs = list((tmp_path / "results" / "runs").glob("*/*"))
    assert len(runs) == 1, "default output under ./results/runs/"
    run = runs[0]
    for name in TABLES:
        assert not pd.read_parquet(run / f"{name}.parquet").empty or name == "network"
    assert (run / ".hydra" / "config.yaml").is_file()
    last = (run / "manifest.json").stat().st_mtime_ns
    assert all((run / name).stat().st_mtime_ns <= last for name in [f"{t}.parquet" for t in TABLES] + ["summary.json"])
    assert set(json.loads((run / "manifest.json").read_text())["files"]) == {
        *(f"{t}.parquet" for t in TABLES), "summary.json", "run.json"}
    assert not list(run.glob(".*.tmp")), "no temporary files left"
    data = summary(run)
    assert {"share_thriving", "share_dormant", "stylized_facts"} <= set(data)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and "thriving" in lines[0] and "stylized facts" in lines[0]
    assert lines[0].endswith(str(run.relative_to(tmp_path)))


@pytest.mark.slow
def test_run_from_any_directory_with_the_console_script(tmp_path):
    script = Path(sys.executable).parent / "groupsim"
    if not script.exists():
        pytest.skip("groupsim is not installed in this environment (pip install -e .)")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ok(groupsim(*TINY, f"hydra.run.dir={elsewhere / 'out'}", cwd=elsewhere, command=[str(script)]))
    assert (elsewhere / "out" / "summary.json").is_file()


@pytest.mark.slow
def test_sweeps_agree_across_basic_and_joblib_launchers(tmp_path):
    basic, basic_root = sweep(tmp_path, "basic", "seed=1,2")
    joblib, joblib_root = sweep(tmp_path, "joblib", "seed=1,2", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2")
    ok(basic), ok(joblib)
    for root in (basic_root, joblib_root):
        table = pd.read_parquet(root / "sweep_summary.parquet")
        assert list(table["seed"]) == [1, 2] and list(table["status"]) == ["ok", "ok"]
        assert (root / "sweep_summary.csv").is_file()
    for job in ("0", "1"):
        assert summary(basic_root / job) == summary(joblib_root / job)
    assert summary(basic_root / "0") != summary(basic_root / "1"), "seeds differ"


@pytest.mark.slow
def test_submitit_local_sweep(tmp_path):
    proc, root = sweep(tmp_path, "submitit", "seed=1,2", "hydra/launcher=submitit_local")
    ok(proc)
    table = pd.read_parquet(root / "sweep_summary.parquet")
    assert list(table["status"]) == ["ok", "ok"]
    assert summary(root / "1")["seed"] == 2


@pytest.mark.slow
def test_failed_job_is_listed_and_the_rest_aggregated(tmp_path):
    proc, root = sweep(tmp_path, "failing", "population.blocked_at_work=0.5,1.5")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    table = pd.read_csv(root / "sweep_summary.csv")
    ok_row, failed_row = table.iloc[0], table.iloc[1]
    assert ok_row["status"] == "ok" and ok_row["population.blocked_at_work"] == 0.5
    assert failed_row["status"] == "failed"
    assert "population.blocked_at_work = 1.5 is out of range" in failed_row["error"]
    assert (root / "1" / "error.json").is_file() and not (root / "1" / "summary.json").exists()
    assert "job 1 failed" in proc.stderr


@pytest.mark.slow
def test_resume_recomputes_only_missing_jobs(tmp_path):
    first, root = sweep(tmp_path, "resumable", "seed=1,2,3")
    ok(first)
    before = {p: p.stat().st_mtime_ns for p in root.glob("*/*.parquet")}
    kept = summary(root / "1")
    (root / "1" / "summary.json").unlink()
    second, _ = sweep(tmp_path, "resumable", "seed=1,2,3", "resume=true")
    ok(second)
    after = {p: p.stat().st_mtime_ns for p in root.glob("*/*.parquet")}
    changed = {p.parent.name for p in before if before[p] != after[p]}
    assert changed == {"1"}
    assert summary(root / "1") == kept
    assert second.stdout.count("skipped") == 2
    assert list(pd.read_parquet(root / "sweep_summary.parquet")["status"]) == ["ok"] * 3


@pytest.mark.slow
def test_a_sweep_of_another_config_is_refused_unless_overwrite(tmp_path):
    ok(sweep(tmp_path, "changed", "seed=1")[0])
    before = summary(tmp_path / "changed" / "0")
    for extra in ([], ["resume=true"]):
        proc, root = sweep(tmp_path, "changed", "seed=1", *extra, "population.job_search_fear=0.5")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
        assert "holds 1 job(s) of another configuration" in proc.stderr and "overwrite=true" in proc.stderr
        assert summary(root / "0") == before, "nothing touched"
    proc, root = sweep(tmp_path, "changed", "seed=1", "overwrite=true", "population.job_search_fear=0.5")
    ok(proc)
    assert "skipped" not in proc.stdout and summary(root / "0") != before


@pytest.mark.parametrize(
    "args, message",
    [
        (["population.sizee=3"],
         "error: unknown key population.sizee (did you mean population.size?): allowed keys under population:"),
        (["population.attention_budget_sigma=1"],
         "error: population.attention_budget_sigma was removed: the activity potential (population.activity_exponent"),
        (["population.size=many"], "error: population.size = 'many' has the wrong type: allowed an integer"),
        (["population.blocked_at_work=1.5"],
         "error: population.blocked_at_work = 1.5 is out of range: allowed a number in 0.0..1.0"),
        (["+groups.charter_mix.moon=1"], "error: groups.charter_mix names unknown charter 'moon'"),
        (["charter@charters.industry_profession=moon"], "error: no config 'charter/moon': allowed charter="),
        (["experiment=moon"], "error: no config 'experiment/moon': allowed experiment="),
        (["--config-dir=/no/such/dir"], "error: Additional config directory '/no/such/dir' not found"),
        (["population.size==3"], "error: bad override 'population.size==3'"),
        (["-m", "population.blocked_at_work=2", "seed=1,2"], "error: population.blocked_at_work = 2.0 is out of range"),
        (["-m", "population.sizee=1,2"], "error: unknown key population.sizee"),
        (["+sede=5"], "error: unknown key sede (did you mean seed?): allowed keys at the top level:"),
        (["objective=stylized_facts_pased"], "error: objective = 'stylized_facts_pased' is not a numeric summary key"
         " (did you mean stylized_facts_passed?): allowed one of "),
        (["seed=1", "seed=2"], "error: seed is given twice (seed=1 and seed=2): allowed once"),
        (["resume=2"], "error: resume=2: allowed resume=true or resume=false"),
        (["-m", "seed=1,2,"], "error: bad override 'seed=1,2,': it ends where a value is expected (after ','"),
        (["seed=1,2,3"], "error: seed=1,2,3 sweeps over several values: allowed with -m (groupsim -m seed=1,2,3 ...)"),
        (["experiment=charter_vs_sise"],
         "error: no config 'experiment/charter_vs_sise' (did you mean charter_vs_size?)"),
    ],
    ids=["key", "removed-key", "type", "range", "charter-mix", "charter-preset", "experiment", "config-dir", "syntax",
         "sweep-range", "sweep-key", "plus-typo", "objective", "duplicate", "boolean", "sweep-syntax",
         "sweep-without-m", "experiment-typo"],
)
def test_bad_input_gives_one_line(tmp_path, args, message):
    out = tmp_path / "out"
    given = {a.split("=")[0] for a in args}
    base = [a for a in TINY if a.split("=")[0] not in given]  # a key given twice is an error of its own
    proc = groupsim_in_process(*base, f"hydra.run.dir={out}", f"hydra.sweep.dir={out}", *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()], proc.stderr
    assert proc.stderr.startswith(message), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.rglob("summary.json")) and not list(tmp_path.rglob("sweep_summary*"))


@pytest.mark.slow
@pytest.mark.parametrize("args, message", [
    (["population.blocked_at_work=1.5"], "error: population.blocked_at_work = 1.5 is out of range"),
    (["-m", "population.sizee=1,2"], "error: unknown key population.sizee"),
])
def test_bad_input_in_a_real_process_gives_one_line_on_stderr(tmp_path, args, message):
    """The in-process refusals above, once through a real process: nothing else reaches stderr or stdout."""
    proc = groupsim(*TINY, f"hydra.run.dir={tmp_path / 'out'}", f"hydra.sweep.dir={tmp_path / 'out'}", *args,
                    cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()] and proc.stderr.startswith(message), proc.stderr
    assert not list(tmp_path.rglob("summary.json")) and not list(tmp_path.rglob("sweep_summary*"))


@pytest.mark.parametrize("key", ["hydra.run.dir", "hydra.sweep.dir"])
def test_an_empty_output_path_is_refused(tmp_path, key):
    proc = groupsim_in_process(*TINY, f"{key}=", *(["-m"] if "sweep" in key else []), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {key} is empty: allowed a directory path"
    assert list(tmp_path.iterdir()) == [], "nothing written, not even into the current directory"


def test_unwritable_output_path_gives_one_line(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    proc = groupsim_in_process(*TINY, f"hydra.run.dir={blocker / 'run'}", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: cannot use {blocker / 'run'}: Not a directory"


@pytest.mark.slow
def test_switches_may_follow_overrides(tmp_path):
    proc = ok(groupsim(*TINY, f"hydra.sweep.dir={tmp_path / 's'}", "seed=1", "-m", cwd=tmp_path))
    assert (tmp_path / "s" / "sweep_summary.csv").is_file(), proc.stdout


@pytest.mark.slow
def test_optuna_sweeper_optimises_the_objective(tmp_path):
    pytest.importorskip("hydra_plugins.hydra_optuna_sweeper", reason='needs pip install -e ".[optuna]"')
    proc, root = sweep(
        tmp_path, "optuna", "hydra/sweeper=optuna", "hydra.sweeper.n_trials=2", "hydra.sweeper.direction=maximize",
        "objective=share_thriving", "behaviour.post_base=interval(-6.0,-3.0)",
    )
    ok(proc)
    assert "best_value" in (root / "optimization_results.yaml").read_text()
    assert len(pd.read_csv(root / "sweep_summary.csv")) == 2
