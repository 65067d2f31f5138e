"""The defaults a calibration gives: the non-implausible point with the smallest worst implausibility.

    python -m experiments.analysis.defaults docs/calibration/calibration_region.csv

prints it as ``key=value`` overrides, one per line, with its implausibilities
(``I.<measure>``, ``I.worst``); docs/ODD.md section 6 says why this point.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def best_point(region: pd.DataFrame) -> pd.Series:
    """The row of a ``calibration_region.csv`` table with the smallest ``I.worst``."""
    if region.empty or "I.worst" not in region:
        raise ValueError("the region is empty or has no I.worst column: no non-implausible point to take")
    return region.loc[region["I.worst"].idxmin()]


def main(argv: list[str] | None = None) -> None:
    """Print the best point of the region file ``argv[0]`` as ``key=value`` lines."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: python -m experiments.analysis.defaults REGION_CSV (a calibration_region.csv)")
    path = Path(args[0])
    try:
        point = best_point(pd.read_csv(path))
    except (OSError, ValueError, pd.errors.ParserError) as err:
        sys.exit(f"{path}: {err}")
    for key, value in point.items():
        print(f"{key}={value:.6g}" if not key.startswith("I.") else f"# {key} = {value:.3f}")


if __name__ == "__main__":
    main()
