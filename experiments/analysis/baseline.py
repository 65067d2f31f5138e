"""The CI validation check: a committed baseline of which calibration measures are in range.

The reduced validation (:data:`REDUCED`: the default population, 8 weeks, no spin-up, 3
seeds) runs in CI. Its calibration measures (S1 never posted; S2 top-1% share; S3 posts
and replies) are judged as in the full validation: the mean over seeds against the frozen
range. The check fails when a measure that is in range in the baseline is out of range (or
no longer judged) now: a target has drifted. A measure out of range in the baseline (a
target the model misses, documented in docs/VALIDATION.md) is still reported FAIL in
``validation.md``; it never counts as passed, it only does not stop CI.

The baseline is JSON, written by one command (after a change of the defaults that is meant)::

    python -m experiments.analysis.baseline            # experiments/analysis/validation_baseline.json

It runs the reduced validation, and records its overrides, the digest of the model
configuration it ran on, and ``in_range`` (true / false / null = not judged) per measure.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

import pandas as pd
from omegaconf import OmegaConf

from experiments import results
from experiments.config import model_params
from experiments.digest import config_hash

DEFAULT = Path(__file__).with_name("validation_baseline.json")
REDUCED = ("validate.seeds=3", "duration.weeks=8", "duration.spinup_weeks=0", "plots=false")
"""The reduced validation: S1 and S3 need groups of 2,000+ members, so the population is the
default one (at 1,500 professionals S1 is not judged and S3 is measured on small groups)."""
MEASURES_CSV = "validation_measures.csv"


def verdicts(measures: pd.DataFrame) -> Dict[str, Optional[bool]]:
    """``fact.measure`` -> in range (None: not judged) for the calibration measures of a report."""
    calibration = measures[measures["role"] == "calibration"]
    return {f"{r.fact}.{r.measure}": (None if pd.isna(r.in_range) else bool(r.in_range))
            for r in calibration.itertuples()}


def regressions(measures: pd.DataFrame, baseline: Dict) -> List[str]:
    """The measures in range in ``baseline`` and not now, each with its value and range (one phrase each)."""
    now = verdicts(measures)
    rows = measures.set_index(measures["fact"] + "." + measures["measure"])
    out = []
    for name, was in baseline["measures"].items():
        if was and not now.get(name):
            r = rows.loc[name] if name in rows.index else None
            out.append(f"{name} = {r['value']:.3g} (range {r['low']:g}-{r['high']:g})" if r is not None
                       and pd.notna(r["value"]) else f"{name} not judged")
    return out


def load(path: str | Path) -> Dict:
    """A baseline file (ValueError with one line when it is not one)."""
    try:
        data = json.loads(Path(path).read_text())
        if not isinstance(data.get("measures"), dict):
            raise ValueError("no 'measures' mapping")
    except (OSError, ValueError, AttributeError) as exc:
        raise ValueError(f"validate.baseline = {str(path)!r} is not a baseline ({exc}): allowed a file written by"
                         " python -m experiments.analysis.baseline") from None
    return data


def make(sweep: Path, overrides: List[str]) -> Dict:
    """The baseline of a finished reduced validation sweep (its ``validation_measures.csv``)."""
    measures = pd.read_csv(sweep / MEASURES_CSV)
    config = OmegaConf.load(sweep / "multirun.yaml")
    return {"overrides": list(overrides), "config_hash": config_hash(model_params(config)),
            "measures": verdicts(measures)}


def main(argv: List[str] | None = None) -> None:
    """Regenerate the baseline: run the reduced validation, write the JSON, say what changed."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DEFAULT
    with tempfile.TemporaryDirectory() as tmp:
        sweep = Path(tmp) / "validate"
        proc = subprocess.run([sys.executable, "-m", "experiments.run", "-m", "experiment=validate", *REDUCED,
                               f"hydra.sweep.dir={sweep}"], capture_output=True, text=True)
        if not (sweep / MEASURES_CSV).is_file():
            print(f"error: the reduced validation failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}",
                  file=sys.stderr)
            raise SystemExit(1)
        new = make(sweep, list(REDUCED))
    old = load(target)["measures"] if target.is_file() else {}
    results.atomic_write(target, lambda tmp: tmp.write_text(json.dumps(new, indent=2, sort_keys=True) + "\n"))
    for name, now in new["measures"].items():
        change = "" if old.get(name, now) == now else f" (was {_word(old.get(name))})"
        print(f"{name}: {_word(now)}{change}")
    print(f"baseline -> {target}")


def _word(verdict: Optional[bool]) -> str:
    return "not judged" if verdict is None else ("in range" if verdict else "out of range")


if __name__ == "__main__":
    main()
