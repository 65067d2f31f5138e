"""Fault injection: killed sweeps, damaged files, concurrent writers, and the cases of a failing job.

The kill points are deterministic: ``GROUPSIM_TEST_KILL_AT_WRITE=N`` makes the process tear
its N-th file write (the temporary file cut to half) and SIGKILL itself
(:data:`experiments.results.KILL_HOOK`). Runs are tiny (300 professionals, 6 groups, 4 weeks).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments import results, sweep_summary
from experiments.digest import config_hash
from sim.params import ModelParams, ParamError
from tests.conftest import TABLES, TINY, groupsim, ok

SEEDS = "seed=1,2"

# Writes of a 2-job sweep, counted per process: 1 sweep.json; then per job 6 tables, run.json,
# summary.json, manifest.json; then sweep_summary.parquet and .csv. A resumed process skips
# the complete jobs, so its count restarts at the first incomplete one.
KILL_POINTS = [
    *range(1, 11),  # sweep.json, then every write of job 0 (each process redoes job 0)
    11,  # job 0 complete; killed at job 1's first table
    *range(4, 11),  # job 0 skipped: job 1's 3rd table ... its manifest
    11,  # job 1 redone; killed at sweep_summary.parquet
    3,  # both jobs skipped (sweep.json, sweep_summary.parquet): killed at sweep_summary.csv
]


def sweep(tmp_path, name, *args, env=None):
    root = tmp_path / name
    return groupsim("-m", f"hydra.sweep.dir={root}", *TINY, SEEDS, *args, cwd=tmp_path, env=env), root


def tables_of(job_dir):
    return {name: pd.read_parquet(job_dir / f"{name}.parquet") for name in TABLES}


def assert_same_results(job_dir, reference):
    for name, table in tables_of(reference).items():
        pd.testing.assert_frame_equal(pd.read_parquet(job_dir / f"{name}.parquet"), table, obj=f"{job_dir}/{name}")
    assert json.loads((job_dir / "summary.json").read_text()) == json.loads((reference / "summary.json").read_text())


def temporaries(root):
    return sorted(root.rglob("*.tmp"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted 2-job sweep."""
    tmp = tmp_path_factory.mktemp("reference")
    proc, root = sweep(tmp, "ref")
    ok(proc)
    return root


# ------------------------------------------------------------------ SIGKILL, then resume


@pytest.mark.slow
def test_sigkill_at_20_write_points_then_resume_gives_the_uninterrupted_tables(tmp_path, reference):
    assert len(KILL_POINTS) >= 20
    root = tmp_path / "killed"
    for n in KILL_POINTS:
        proc, _ = sweep(tmp_path, "killed", "resume=true", env={results.KILL_HOOK: str(n)})
        assert proc.returncode == -9, f"kill point {n} not reached: {proc.stderr[-2000:]}"
        assert temporaries(root), f"kill point {n} left its torn temporary file"
        for job in results.job_dirs(root):  # never a complete-looking job with other results
            if results.verify(job):
                assert_same_results(job, reference / job.name)
    proc, _ = sweep(tmp_path, "killed", "resume=true")
    ok(proc)
    for job in ("0", "1"):
        assert results.verify(root / job)
        assert_same_results(root / job, reference / job)
    assert temporaries(root) == [], "stale temporary files removed on resume"
    table = pd.read_parquet(root / "sweep_summary.parquet")
    assert list(table["status"]) == ["ok", "ok"]
    same = pd.read_parquet(reference / "sweep_summary.parquet")
    varying = ["wall_seconds", "resume"]  # resume=true is an override of the resumed sweep only
    pd.testing.assert_frame_equal(table.drop(columns=varying), same.drop(columns=varying, errors="ignore"))


# ------------------------------------------------------------------ damaged files


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _corrupt(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte flipped
    path.write_bytes(bytes(data))


DAMAGE = {"delete": lambda p: p.unlink(), "truncate": _truncate, "corrupt": _corrupt}
KINDS = ["groups.parquet", "summary.json", "manifest.json", "run.json"]


def complete_job(job_dir):
    (job_dir / ".hydra").mkdir(parents=True)
    results.write_parquet(job_dir / "groups.parquet", pd.DataFrame({"group_id": range(50), "posts": range(50)}))
    results.write_json(job_dir / "run.json", {"config_hash": "abc", "seed": 1})
    results.write_json(job_dir / "summary.json", {"share_thriving": 0.25, "seed": 1})
    results.write_manifest(job_dir, "abc", 1)
    assert results.verify(job_dir, "abc")


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("kind", KINDS)
def test_every_damaged_file_is_detected(tmp_path, kind, damage):
    job = tmp_path / "0"
    complete_job(job)
    DAMAGE[damage](job / kind)
    verdict = results.verify(job, "abc")
    assert not verdict and verdict.reason
    assert kind.split(".")[0] in verdict.reason or "manifest" in verdict.reason
    row = sweep_summary.aggregate(tmp_path).iloc[0]
    assert row["status"] == "missing" and row["error"] == verdict.reason


@pytest.mark.slow
def test_damaged_jobs_are_rerun_on_resume_with_the_reason(tmp_path, reference):
    proc, root = sweep(tmp_path, "damaged")
    ok(proc)
    rounds = [  # (job 0's file, damage), (job 1's file, damage): every kind of file, every damage
        (("groups.parquet", "delete"), ("summary.json", "truncate")),
        (("manifest.json", "corrupt"), ("run.json", "delete")),
    ]  # the unit test above crosses every kind with every damage
    for damaged in rounds:
        for job, (name, damage) in zip(("0", "1"), damaged, strict=True):
            DAMAGE[damage](root / job / name)
        proc, _ = sweep(tmp_path, "damaged", "resume=true")
        ok(proc)
        assert proc.stdout.count("re-running (") == 2 and "skipped" not in proc.stdout, proc.stdout
        for job in ("0", "1"):
            assert results.verify(root / job)
            assert_same_results(root / job, reference / job)


# ------------------------------------------------------------------ two writers


@pytest.mark.slow
def test_a_second_writer_is_refused_at_once_and_the_first_completes(tmp_path):
    out = tmp_path / "run"
    with results.locked(out):  # the first writer, as far as the second can tell
        proc = groupsim(*TINY, f"hydra.run.dir={out}", "seed=2", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: ") and "being written by another groupsim process" in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]
    assert sorted(p.name for p in out.iterdir()) == [results.LOCK], "the refused writer wrote nothing"
    ok(groupsim(*TINY, f"hydra.run.dir={out}", "seed=1", cwd=tmp_path))
    assert results.verify(out) and json.loads((out / "summary.json").read_text())["seed"] == 1


@pytest.mark.slow
def test_concurrent_runs_into_one_directory_never_mix(tmp_path):
    out = tmp_path / "run"
    args = ["population.size=3000", "groups.count=20", "duration.weeks=8", "plots=false", f"hydra.run.dir={out}"]
    procs = [groupsim(*args, f"seed={seed}", cwd=tmp_path, start=True) for seed in (1, 2)]
    codes = [p.wait(timeout=600) for p in procs]
    stderr = [p.stderr.read() for p in procs]
    assert sorted(codes) in ([0, 2], [0, 0]), stderr
    for code, err in zip(codes, stderr, strict=True):
        assert code == 0 or "being written by another groupsim process" in err
    manifest = results.verify(out).manifest
    assert manifest is not None
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == manifest["seed"] == json.loads((out / "run.json").read_text())["seed"]
    hydra_seed = results.read_yaml(out / ".hydra" / "config.yaml")["seed"]
    assert hydra_seed == summary["seed"], ".hydra/ belongs to the run that wrote the results"


@pytest.mark.slow
def test_a_stale_lock_and_temporaries_from_a_killed_run_do_not_block(tmp_path):
    out = tmp_path / "run"
    killed = groupsim(*TINY, f"hydra.run.dir={out}", cwd=tmp_path, env={results.KILL_HOOK: "3"})
    assert killed.returncode == -9
    assert (out / results.LOCK).is_file() and temporaries(out) and not results.verify(out)
    proc = ok(groupsim(*TINY, f"hydra.run.dir={out}", cwd=tmp_path))
    assert results.verify(out) and temporaries(out) == []
    assert proc.stdout.strip() and proc.stdout.strip() in (out / "run.log").read_text(), "run.log holds the run's lines"


@pytest.mark.slow
def test_default_run_directories_differ_for_runs_started_together(tmp_path):
    procs = [groupsim(*TINY, f"seed={seed}", cwd=tmp_path, start=True) for seed in (1, 2)]
    assert [p.wait(timeout=600) for p in procs] == [0, 0]
    runs = sorted((tmp_path / "results" / "runs").glob("*/*"))
    assert len(runs) == 2 and all(results.verify(run) for run in runs)
    assert sorted(json.loads((run / "summary.json").read_text())["seed"] for run in runs) == [1, 2]


# ------------------------------------------------------------------ the rest of "What was found"


def test_integral_floats_for_integers_keep_the_config_hash():
    as_float = ModelParams.from_dict({"population.size": 5000.0})
    assert type(as_float.population.size) is int
    assert config_hash(as_float) == config_hash(ModelParams.from_dict({"population.size": 5000}))
    with pytest.raises(ParamError, match=r"population.size = 5000.5 is not an integer"):
        ModelParams.from_dict({"population.size": 5000.5})


@pytest.mark.parametrize(
    "data, overrides",
    [
        ({"population.size": 500, "population": {"size": 600}}, {}),
        ({"population": {"size": 600}, "population.size": 600}, {}),
        (None, {"population.size": 500, "population__size": 600}),
    ],
    ids=["dotted-then-nested", "same-value-twice", "keyword-spellings"],
)
def test_conflicting_spellings_of_one_key_are_refused(data, overrides):
    with pytest.raises(ParamError, match="population.size is given twice"):
        ModelParams.from_dict(data, **overrides)


def test_a_non_mapping_is_a_param_error():
    with pytest.raises(ParamError, match="allowed a mapping"):
        ModelParams.from_dict("bad")
