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
