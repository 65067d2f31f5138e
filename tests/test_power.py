"""The power analysis: seeds each preset needs, from its own per-seed data, beside the seeds it runs."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import report
from experiments.analysis import power
from experiments.analysis.outputs import FACT_RANGES
from experiments.schema import ValidateKeys


def test_seeds_needed_follows_the_rule_and_grows_with_the_spread():
    # ((1.96 + 0.84) x 0.1 / 0.05)^2 = 31.4: 32 seeds; twice the spread, four times the seeds
    assert power.seeds_needed(0.1, 0.05) == 32
    assert power.seeds_needed(0.2, 0.05) == math.ceil((power.Z * 0.2 / 0.05) ** 2) > 4 * 31
    assert power.seeds_needed(0.001, 0.05) == 3  # never fewer than an interval over seeds needs
    assert math.isnan(power.seeds_needed(float("nan"), 0.05))


def _ablation_frame(sd: float, seeds: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    base = rng.uniform(0.3, 0.6, seeds)
    shift = rng.normal(0.0, 1.0, seeds)
    shift = (shift - shift.mean()) / shift.std(ddof=1) * sd  # paired differences with exactly this SD
    return pd.concat([pd.DataFrame({"seed": range(seeds), "ablation": "none", "share_thriving": base}),
                      pd.DataFrame({"seed": range(seeds), "ablation": "no_blocking", "share_thriving": base + shift})])


def test_needs_takes_the_sd_of_the_paired_differences_not_of_each_arm():
    table = power.needs("trait_ablation", _ablation_frame(0.1))
    row = table.set_index("comparison").loc["no_blocking - none"]
    # each arm spreads over 0.3-0.6 between seeds, but pairing by seed leaves the SD of the difference
    assert row["sd"] == pytest.approx(0.1)
    assert row["seeds"] == 40 and row["delta"] == 0.05 and row["seeds_needed"] == 32


def test_validate_asks_for_a_tenth_of_each_frozen_range_one_sample():
    frame = pd.DataFrame({"seed": range(1, 11), "stylized_facts.S1.value": np.linspace(0.93, 0.95, 10)})
    row = power.needs("validation_runs", frame).set_index("comparison").loc["S1"]
    low, high = FACT_RANGES["S1"]
    assert row["delta"] == pytest.approx((high - low) / 10)
    assert row["sd"] == pytest.approx(np.std(np.linspace(0.93, 0.95, 10), ddof=1))


def test_preset_seeds_counts_the_sweep_seed_list_or_validate_seeds(tmp_path: Path):
    (tmp_path / "configs" / "experiment").mkdir(parents=True)
    (tmp_path / "configs" / "experiment" / "demo.yaml").write_text("hydra:\n  sweeper:\n    params:\n"
                                                                  "      seed: 1,2,3,4,5\n")
    (tmp_path / "configs" / "experiment" / "validate.yaml").write_text("plots: false\n")
    assert power.preset_seeds(tmp_path, "demo") == 5
    assert power.preset_seeds(tmp_path, "validate") == ValidateKeys().seeds


def test_the_seed_power_block_flags_a_preset_short_of_seeds(tmp_path: Path):
    tree = tmp_path
    for sub in ("configs", "docs/findings"):
        shutil.copytree(Path(__file__).resolve().parents[1] / sub, tree / sub)
    e = report.entry(tree, "trait_ablation")
    _ablation_frame(0.2).to_csv(tree / e["file"], index=False)  # needs 126 seeds; the preset runs fewer
    block = report.render(tree, "seed-power", report.MANIFEST)
    row = next(line for line in block.splitlines() if line.startswith("| `trait_ablation` |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4] == "20.0 points (20.0)" and cells[5] == "126 (126)"
    n = power.preset_seeds(tree, "trait_ablation")
    assert int(cells[-1]) == n < 126
    assert cells[6].startswith(f"{100 * power.Z * 0.2 / math.sqrt(n):.1f} points")  # what n seeds can detect
    (tree / report.entry(tree, "interventions")["file"]).unlink()
    assert "- `interventions`: *Not yet regenerated" in report.render(tree, "seed-power", report.MANIFEST)
