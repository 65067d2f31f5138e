"""The command line without surprises: sweeps that grow, errors that suggest, interrupts that say where."""

from __future__ import annotations

import fnmatch
import signal
import sys
import time

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf, open_dict

from experiments import callbacks, errors, results, run, sweep
from experiments.errors import OverrideError
from experiments.help import help_text
from experiments.objective import check_objective
from experiments.overrides import check_overrides
from experiments.schema import CONFIG_DIR, register_schema
from sim.summary import NUMERIC_KEYS
from tests.conftest import TINY, groupsim, ok

register_schema()


# ------------------------------------------------------------------ sweeps that grow


def manifests(root):
    return {job.name: (job / results.MANIFEST).read_bytes() for job in results.job_dirs(root)}


@pytest.mark.slow
def test_a_sweep_grown_from_two_to_three_seeds_runs_only_the_third(tmp_path):
    root = tmp_path / "grow"
    ok(groupsim("-m", *TINY, "seed=1,2", f"hydra.sweep.dir={root}", cwd=tmp_path))
    before = manifests(root)
    proc = ok(groupsim("-m", *TINY, "seed=1,2,3", f"hydra.sweep.dir={root}", "resume=true", cwd=tmp_path))
    assert proc.stdout.count("already in") == 2 and "job 2: thriving" in proc.stdout, proc.stdout
    after = manifests(root)
    assert {k: after[k] for k in before} == before, "the finished jobs are kept as they were"
    table = pd.read_csv(root / "sweep_summary.csv")
    assert list(table["seed"]) == [1, 2, 3] and set(table["status"]) == {"ok"}


@pytest.mark.slow
def test_rerunning_a_finished_sweep_without_resume_is_refused_pointing_to_resume(tmp_path):
    root = tmp_path / "again"
    ok(groupsim("-m", *TINY, "seed=1", f"hydra.sweep.dir={root}", cwd=tmp_path))
    before = manifests(root)
    proc = groupsim("-m", *TINY, "seed=1", f"hydra.sweep.dir={root}", cwd=tmp_path)
    err = proc.stderr.strip()
    assert proc.returncode == 2 and err.splitlines() == [err] and "resume=true" in err
    assert manifests(root) == before


def identity(experiment, *task):
    """The sweep identity of ``groupsim -m [experiment=...] TASK...`` (composed in-process)."""
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        fixed = [t for t in task if "," not in t]
        config = compose("config", overrides=[*experiment, *fixed], return_hydra_config=True)
    OmegaConf.set_readonly(config, False)
    with open_dict(config):
        config.hydra.overrides.task = [*experiment, *task]
    return callbacks.sweep_identity(config)


def test_the_sweep_identity_leaves_out_the_values_of_swept_keys_only():
    two = identity([], "seed=1,2", "population.size=300")
    assert identity([], "seed=1,2,3", "population.size=300", "resume=true") == two
    assert identity([], "seed=1,2", "population.size=400") != two
    assert identity([], "seed=1,2", "groups.count=5,6", "population.size=300") != two, "a new swept key"
    validate = identity(["experiment=validate"], "validate.seeds=2")
    assert identity(["experiment=validate"], "validate.seeds=3") == validate, "a design's replicate seeds may grow"
    assert identity(["experiment=validate"], "validate.seeds=3", "population.size=300") != validate


def fake_job(root, num, overrides):
    job = root / str(num)
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    results.write_json(job / results.SUMMARY, {"seed": 1})
    results.write_manifest(job, "x", None)
    return job


def test_growing_a_crossed_sweep_moves_each_finished_job_to_its_new_number(tmp_path):
    old = [["a=1", "seed=1"], ["a=1", "seed=2"], ["a=2", "seed=1"], ["a=2", "seed=2"]]
    for num, overrides in enumerate(old):
        fake_job(tmp_path, num, [*overrides, "resume=false"])
    planned = [{"a": a, "seed": s, "resume": True} for a in (1, 2) for s in (1, 2, 3)]
    counts = sweep.place_jobs(tmp_path, planned, ignore=("resume",))
    assert counts == {"kept": 4, "moved": 2}
    where = {job.name: results.job_overrides(job) for job in results.job_dirs(tmp_path)}
    assert where == {"0": {"a": 1, "seed": 1, "resume": False}, "1": {"a": 1, "seed": 2, "resume": False},
                     "3": {"a": 2, "seed": 1, "resume": False}, "4": {"a": 2, "seed": 2, "resume": False}}


def test_a_job_left_out_of_the_new_sweep_moves_after_it_and_is_kept(tmp_path):
    for num, seed in enumerate((1, 2, 3)):
        fake_job(tmp_path, num, [f"seed={seed}"])
    sweep.place_jobs(tmp_path, [{"seed": 1}, {"seed": 3}])
    where = {job.name: results.job_overrides(job)["seed"] for job in results.job_dirs(tmp_path)}
    assert where == {"0": 1, "1": 3, "2": 2}


# ------------------------------------------------------------------ errors that suggest


@pytest.mark.slow
def test_a_key_typo_exits_2_suggesting_the_key(tmp_path):
    proc = groupsim("population.sise=5000", cwd=tmp_path)
    err = proc.stderr.strip()
    assert proc.returncode == 2 and err.splitlines() == [err]
    assert "did you mean population.size?" in err
    assert not (tmp_path / "results").exists()


def test_unknown_keys_and_options_suggest_the_nearest_name():
    assert "(did you mean population.size?)" in errors.unknown_key("population.sise")
    assert "(did you mean charters.university_alumni.identity?)" in errors.unknown_key(
        "charters.university_alumni.identiy")
    for override, hint in [("experiment=charter_vs_sise", "did you mean charter_vs_size?"),
                           ("population=smal", "did you mean small?")]:
        with pytest.raises(Exception) as info:
            with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
                compose("config", overrides=[override])
        assert hint in errors.describe(info.value)
    assert "did you mean" not in errors.unknown_key("zzzz")


@pytest.mark.parametrize("argv", [["seed=1,2,3"], ["population.size=range(100,300,100)"]])
def test_a_sweep_without_m_is_explained_in_one_line_of_ours(monkeypatch, capsys, argv):
    monkeypatch.setattr(sys, "argv", ["groupsim", *argv])
    with pytest.raises(SystemExit) as info:
        run.main()
    err = capsys.readouterr().err.strip()
    assert info.value.code == 2 and err.splitlines() == [err]
    assert err.startswith(f"error: {argv[0]} sweeps over several values: allowed with -m") and "Ambiguous" not in err
    check_overrides(argv, multirun=True)  # with -m it is a sweep


def test_the_objective_allows_numeric_summary_keys_only():
    for good in ("share_thriving", "size50_by_charter.industry_profession", "stylized_facts.S2.value",
                 "excess.share_dormant"):
        check_objective(good)
    for bad in ("null", "excess", "thresholds", "stylized_facts", "stylized_facts.S2.pass", "stylized_facts_version"):
        with pytest.raises(OverrideError) as info:
            check_objective(bad)
        allowed = str(info.value).split("allowed one of ")[1]
        assert f" {bad}," not in f" {allowed}" and not allowed.startswith(f"{bad},"), bad


def leaves(tree, prefix=""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def test_the_documented_numeric_summary_keys_are_the_summary_s(small_run):
    found = dict(leaves(small_run.summary()))
    for pattern in NUMERIC_KEYS:
        matched = [k for k in found if fnmatch.fnmatchcase(k, pattern)]
        assert matched, f"{pattern} names no key of the summary"
        wrong = [k for k in matched if isinstance(found[k], (bool, str, list))]
        assert not wrong, f"{pattern} names non-numeric keys {wrong}"
    top = [k for k, v in found.items() if "." not in k and isinstance(v, (int, float)) and not isinstance(v, bool)]
    assert [k for k in top if not any(fnmatch.fnmatchcase(k, p) for p in NUMERIC_KEYS)] == []


# ------------------------------------------------------------------ interrupts


@pytest.mark.slow
def test_ctrl_c_during_a_sweep_prints_the_sweeps_real_directory(tmp_path):
    args = ["-m", "population.size=3000", "groups.count=20", "duration.weeks=4000", "duration.spinup_weeks=0",
            "plots=false", "seed=1,2"]
    proc = groupsim(*args, cwd=tmp_path, start=True)  # the default directory, results/multirun/<date>/<time>
    deadline = time.time() + 120
    while not list(tmp_path.glob("results/multirun/*/*/0/.hydra")) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    root = next(tmp_path.glob("results/multirun/*/*"))
    # 130 as a shell reports it: exit(130), or death by SIGINT, which CPython chooses after our
    # SystemExit(130) when the interrupt landed inside code run by exec() of a string (numba's and
    # dataclasses' generated code; CPython then flags the KeyboardInterrupt as unhandled)
    assert proc.returncode in (130, -signal.SIGINT), err
    line = err.strip().splitlines()[-1]
    assert line == (f"interrupted: finish the sweep later with the same command and"
                    f" hydra.sweep.dir={root.relative_to(tmp_path)} resume=true")


# ------------------------------------------------------------------ fast answers


def test_help_is_hydras_page(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["groupsim", "--help", "population=small"])
    with pytest.raises(SystemExit):
        run.hydra_main()  # Hydra's own --help
    hydras = capsys.readouterr().out
    assert help_text(["population=small"]) + "\n" == hydras
    assert "\nexperiment: attention_hysteresis, " in hydras and "\npopulation:\n" in hydras
