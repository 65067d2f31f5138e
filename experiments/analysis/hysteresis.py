"""The cells of ``experiment=attention_hysteresis`` and the pairs that answer it (its preset says why).

Groups of 300 members overload people, groups of 75 do not; at the end of reported week
20 none, half or three quarters of all memberships are cut. Each pair sets a cell that
was overloaded before the cut beside one that never was, at about the same groups per
person after it; the report (``groupsim-report``, block ``attention-hysteresis``) and the
power analysis (:mod:`experiments.analysis.power`) take their differences seed by seed.
"""

from __future__ import annotations

from typing import List, Optional

import pandas as pd

CELLS = {(300.0, 0.0): "high", (300.0, 0.5): "high, then halved", (300.0, 0.75): "high, then quartered",
         (75.0, 0.0): "low", (75.0, 0.5): "low, then halved", (75.0, 0.75): "low, then quartered"}
"""Each cell's name by (groups.size_median, interventions.membership_cut_share)."""
PAIRS = (("high, then halved", "low"), ("high, then quartered", "low, then halved"))
"""(overloaded first, never overloaded): pairs of cells at about the same groups per person after the cut."""


def cell_names(jobs: pd.DataFrame) -> List[Optional[str]]:
    """The cell of each job (None for a combination the design does not name)."""
    keys = zip(jobs["groups.size_median"].astype(float), jobs["interventions.membership_cut_share"].astype(float),
               strict=True)
    return [CELLS.get(k) for k in keys]
