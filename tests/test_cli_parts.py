"""Pieces of the command line, without a subprocess: results on disk, aggregation, messages."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from experiments import callbacks, errors, job, results, run, sweep_summary
from experiments.objective import objective_value


def make_job(root: Path, num: int, overrides: list[str], summary: dict | None = None, error: dict | None = None):
    job = root / str(num)
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
    (job / ".hydra" / "hydra.yaml").write_text(yaml.safe_dump({"hydra": {"job": {"num": num}}}))
    if summary is not None:
        results.write_json(job / results.RUN_INFO, {"config_hash": "x", "wall_seconds": 1.5})
        results.write_json(job / results.SUMMARY, summary)
        results.write_manifest(job, "x", None)
    if error is not None:
        results.write_json(job / results.ERROR, error)
    return job


def test_aggregate_lists_ok_failed_and_missing_jobs(tmp_path):
    summary = {"share_thriving": 0.5, "seed": 7, "stylized_facts": {"S1": {"pass": True, "value": 0.8}}}
    make_job(tmp_path, 0, ["groups/charter_mix=industry_profession", "seed=1", "groups.size_median=50"], summary)
    make_job(tmp_path, 1, ["groups/charter_mix=university_alumni", "seed=1", "groups.size_median=150.5"],
             error={"type": "ParamError", "message": "bad"})
    make_job(tmp_path, 2, ["groups/charter_mix=university_alumni", "seed=2", "groups.size_median=50"])
    (tmp_path / "multirun.yaml").write_text("{}")
    table = sweep_summary.aggregate(tmp_path)
    assert list(table.columns[:4]) == sweep_summary.FIRST_COLUMNS
    assert list(table["job"]) == [0, 1, 2]
    assert list(table["status"]) == ["ok", "failed", "missing"]
    assert table.loc[1, "error"] == "ParamError: bad"
    assert "killed" in table.loc[2, "error"] and table.loc[0, "error"] == ""
    assert list(table["groups/charter_mix"]) == ["industry_profession", "university_alumni", "university_alumni"]
    assert list(table["groups.size_median"]) == [50, 150.5, 50]
    assert table.loc[0, "stylized_facts.S1.value"] == 0.8
    assert table.loc[0, "summary.seed"] == 7, "a summary key equal to an override key is prefixed"
    assert table.loc[0, "wall_seconds"] == 1.5
    sweep_summary.write(tmp_path, table)
    again = pd.read_parquet(tmp_path / "sweep_summary.parquet")
    assert list(again["status"]) == ["ok", "failed", "missing"]
    assert len(pd.read_csv(tmp_path / "sweep_summary.csv")) == 3


def test_aggregate_of_an_empty_sweep(tmp_path):
    table = sweep_summary.aggregate(tmp_path)
    assert table.empty and list(table.columns) == sweep_summary.FIRST_COLUMNS


def test_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "t.json"

    def fail(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        results.atomic_write(target, fail)
    assert list(tmp_path.iterdir()) == []
    results.write_json(target, {"a": 1})
    assert json.loads(target.read_text()) == {"a": 1}


def test_completeness_needs_a_manifest_that_verifies_for_the_same_config(tmp_path):
    assert not results.verify(tmp_path, "abc")
    results.write_json(tmp_path / results.RUN_INFO, {"config_hash": "abc"})
    results.write_json(tmp_path / results.SUMMARY, {})
    assert results.verify(tmp_path, "abc").reason.startswith("no manifest.json"), "summary.json alone is not complete"
    manifest = results.write_manifest(tmp_path, "abc", 3)
    assert set(manifest["files"]) == {results.RUN_INFO, results.SUMMARY}
    assert manifest["seed"] == 3 and manifest["versions"]["pandas"] == pd.__version__
    assert results.verify(tmp_path, "abc") and results.verify(tmp_path)
    assert "another configuration" in results.verify(tmp_path, "other").reason
    results.clear_outcome(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_lock_refuses_a_second_writer_and_is_released(tmp_path):
    with results.locked(tmp_path):
        with pytest.raises(results.Busy, match=f"pid {os.getpid()}"):
            results.acquire(tmp_path)
    results.release(results.acquire(tmp_path))


def test_full_disk_names_the_path(tmp_path, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    with pytest.raises(OSError) as info:
        results.write_parquet(tmp_path / "groups.parquet", pd.DataFrame({"a": [1]}))
    assert errors.describe(info.value) == f"cannot use {tmp_path / 'groups.parquet'}: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_callbacks_do_not_import_the_command_line():
    import ast

    tree = ast.parse(Path(callbacks.__file__).read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "experiments.run" not in imported


def test_one_line_summary_counts_only_facts_whose_verdict_is_evidence():
    cal = {"role": "calibration"}
    line = job.one_line_summary({
        "share_thriving": 0.25, "share_dormant": 0.5,
        "stylized_facts": {"S1": {**cal, "pass": True}, "S2": {**cal, "pass": False}, "S3": {**cal, "pass": None},
                           "S5": {"role": "reported", "pass": True}, "S2_posters": {"role": "diagnostic"}},
    })
    assert line == "thriving 25%, dormant 50%, stylized facts passed 1/2 judged in this run (S1, S2)"
    small = job.one_line_summary({"share_thriving": 0.25, "share_dormant": 0.5,
                                  "stylized_facts": {"S1": {**cal, "pass": None}, "S5": {"role": "reported",
                                                                                          "pass": True}}})
    assert small.endswith("no stylized fact judged in this run (S1-S3 need large groups; S4 and S6 are judged over "
                          "seeds)")


def test_switches_move_before_overrides():
    assert run.flags_first(["seed=1", "-m", "a=1,2", "--cfg", "job"]) == ["-m", "seed=1", "a=1,2", "--cfg", "job"]


class FakeStream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_progress_bar_only_on_a_terminal(monkeypatch, tty):
    monkeypatch.setattr("sys.stderr", FakeStream(tty))
    with job.progress(10, "run") as bar:
        assert bar.disable is (not tty)


def test_progress_bar_counts_the_spinup_weeks_then_the_reported_ones(monkeypatch, tmp_path):
    from sim.params import ModelParams

    bars = []

    class Bar:
        def __init__(self, total, label):
            self.total, self.done, self.phases = total, 0, []
            bars.append(self)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n):
            self.done += n
            self.phases.append(self.phase)

        def set_postfix_str(self, text):
            self.phase = text

    monkeypatch.setattr(job, "progress", Bar)
    params = ModelParams.from_dict({}, **{"population.size": 300, "groups.count": 4, "duration.weeks": 1,
                                          "duration.spinup_weeks": 2})
    job.simulate(params, tmp_path, "run")
    assert bars[0].total == 3 and bars[0].done == 3
    assert bars[0].phases == ["spin-up", "spin-up", "reported"]


def test_describe_reports_os_errors_with_the_path():
    exc = NotADirectoryError(20, "Not a directory", "/x/y")
    assert errors.describe(exc) == "cannot use /x/y: Not a directory"
    assert errors.describe(RuntimeError("one\n  two")) == "one; two"


def test_rebuild_from_the_command_line(tmp_path, capsys):
    make_job(tmp_path, 0, ["seed=1"], {"share_thriving": 1.0})
    callbacks.main([str(tmp_path)])
    assert "1 jobs" in capsys.readouterr().out
    assert list(pd.read_csv(tmp_path / "sweep_summary.csv")["status"]) == ["ok"]
    with pytest.raises(SystemExit):
        callbacks.main([str(tmp_path / "nowhere")])


def test_objective_value_reads_a_dotted_numeric_key():
    summary = {"stylized_facts_passed": 3, "share_thriving_by_charter": {"x": 0.5}, "name": "a"}
    assert objective_value(summary, None) is None
    assert objective_value(summary, "stylized_facts_passed") == 3.0
    assert objective_value(summary, "share_thriving_by_charter.x") == 0.5
    for bad in ("nope", "name", "share_thriving_by_charter.y"):
        with pytest.raises(ValueError, match="objective"):
            objective_value(summary, bad)


def test_parquet_is_written_in_row_groups_and_reads_back_whole(tmp_path):
    table = pd.DataFrame({"a": range(25), "b": [float(i) / 3 for i in range(25)]})
    results.write_parquet(tmp_path / "t.parquet", table, row_group=10)
    assert pq.ParquetFile(tmp_path / "t.parquet").num_row_groups == 3
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), table)
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]  # no temporary left
