"""Smoke test of the benchmark script: it runs at a tiny size and writes well-formed JSON (no timing checked)."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_suite.py"


def run(tmp_path, *args):
    out = tmp_path / "bench.json"
    subprocess.run([sys.executable, str(SCRIPT), *args, "--json", str(out)], check=True, capture_output=True)
    return json.loads(out.read_text())


def test_scaling_case_writes_one_row_per_size_and_horizon(tmp_path):
    report = run(tmp_path, "scaling", "--sizes", "200", "300", "--weeks", "1")
    assert report["case"] == "scaling" and report["machine"]["cores"] >= 1
    assert [(r["professionals"], r["groups"], r["weeks"]) for r in report["rows"]] == [(200, 2, 1), (300, 3, 1)]
    for row in report["rows"]:
        assert row["wall_s"] >= row["setup_s"] + row["run_s"] - 1e-3 and row["peak_rss_mib"] > 0
        assert row["events"] > 0 and row["agent_hours_per_s"] > 0 and row["events_per_s"] > 0 and row["cpu_s"] > 0


def test_reference_case_reports_both_engines_and_their_ratio(tmp_path):
    report = run(tmp_path, "reference", "--size", "200", "--weeks", "1")
    assert [r["engine"] for r in report["rows"]] == ["fast", "reference"]
    assert report["ratio_whole_run"] > 0 and report["rows"][0]["ratio_to_reference"] == report["ratio_whole_run"]


def test_parts_cases_check_both_ways_agree_and_print_their_times(tmp_path):
    parts = SCRIPT.with_name("bench_parts.py")
    for args in (["sort", "--n", "5000"], ["take", "--rows", "20000", "--gathered", "1100"]):
        out = subprocess.run([sys.executable, str(parts), *args], check=True, capture_output=True, text=True).stdout
        assert " s" in out or " ms" in out
    run_dir = tmp_path / "run"
    overrides = ["population.size=300", "groups.count=3", "duration.weeks=2", "duration.spinup_weeks=0", "plots=false"]
    subprocess.run([sys.executable, "-m", "experiments.run", *overrides, f"hydra.run.dir={run_dir}"], check=True,
                   capture_output=True)
    out = subprocess.run([sys.executable, str(parts), "summary", str(run_dir)], check=True, capture_output=True,
                         text=True).stdout
    assert "summary" in out and "S5" in out
