"""The ``objective``: a numeric summary key whose value a job returns to Hydra's sweeper.

The allowed keys are the summary's documented numeric keys (:data:`sim.summary.NUMERIC_KEYS`),
checked before any run; :func:`objective_value` reads the value from a run's summary.
"""

from __future__ import annotations

import fnmatch
from typing import Any, Dict, Optional

from experiments.errors import OverrideError, did_you_mean


def check_objective(objective: Optional[str]) -> None:
    """Raise :class:`OverrideError` (one line) when ``objective`` names no numeric summary key."""
    if not objective:
        return
    # sim.summary imports scipy and pandas: only when an objective is given (start-up speed)
    from sim.summary import NUMERIC_KEYS

    if any(fnmatch.fnmatchcase(objective, pattern) for pattern in NUMERIC_KEYS):
        return
    hint = did_you_mean(objective, NUMERIC_KEYS)
    raise OverrideError(f"objective = {objective!r} is not a numeric summary key{hint}:"
                        f" allowed one of {', '.join(NUMERIC_KEYS)} (* is a charter, state or fact name)")


def objective_value(summary: Dict[str, Any], key: Optional[str]) -> Optional[float]:
    """The summary's value at dotted ``key`` as a float (None when no key is given; NaN when undefined)."""
    if not key:
        return None
    value: Any = summary
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise ValueError(f"objective = {key!r} is not in the summary: allowed a numeric summary key")
        value = value[part]
    if value is None:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"objective = {key!r} is {value!r}: allowed a numeric summary key")
    return float(value)
