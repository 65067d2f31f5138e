"""Each experiment preset runs the number of seeds its power analysis asks for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Seeds to detect a 5-point change in share thriving (two-sided 5%, power 80%),
# experiments/README.md, "How many seeds": 41 with 12 or fewer groups per job, 25 with 24.
NEEDED = {"charter_vs_size": 41, "attention_tipping_point": 41, "trait_ablation": 25, "interventions": 25,
          "defunct_employer": 25}


@pytest.mark.parametrize("experiment", sorted(NEEDED))
def test_preset_has_the_seeds_the_power_analysis_needs(experiment):
    text = (ROOT / "configs" / "experiment" / f"{experiment}.yaml").read_text()
    found = re.search(r"^\s+seed: ([\d,]+)", text, flags=re.M)
    assert found, f"{experiment}: no seed list"
    assert len(set(found.group(1).split(","))) >= NEEDED[experiment]
    assert f"{NEEDED[experiment]} seeds" in (ROOT / "experiments" / "README.md").read_text()
