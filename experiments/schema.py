"""The Hydra schema of a run: every model parameter plus the run-level keys.

The schema is :class:`RunConfig`: every field of :class:`sim.params.ModelParams` (one key per
model parameter, same names and nesting) plus a few run-level keys that steer the command
line and are never passed to the model. It is registered with Hydra's ConfigStore as
``groupsim_schema`` and sits first in ``configs/config.yaml``'s defaults list, so a wrong key
or a wrong type fails while Hydra composes the config. The charter presets of
:mod:`sim.charters` are the config group ``charter`` (registered here: one home for their
values); a YAML file in ``configs/charter/`` adds another charter.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional

from hydra.core.config_store import ConfigStore

from sim.charters import PRESETS
from sim.params import CharterParams, ModelParams

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
"""The top-level ``configs/`` of the source tree (found by an editable install too)."""

SCHEMA_NAME = "groupsim_schema"


@dataclass
class SensitivityKeys:
    """``experiment=sensitivity``: the design (read by ``hydra.sweeper`` in that preset)."""

    method: str = "morris"
    """``morris`` (elementary effects, screening) or ``sobol`` (first and total order indices)."""
    n: int = 10
    """Base sample size: Morris trajectories (10 or more to rank factors), Sobol N (a power of 2, e.g. 256)."""
    seeds: int = 2
    """Replicate seeds per design point (seeds 1..k): outputs are their mean."""


@dataclass
class CalibrateKeys:
    """``experiment=calibrate``: history matching in waves (``experiment=calibrate_abc``: ABC rejection)."""

    n: int = 200
    """Draws per wave (wave 1: a Latin hypercube over the priors; later waves: inside the non-implausible region)."""
    seeds: int = 2
    """Replicate seeds per draw (history matching needs 2 or more: the seed-to-seed variance)."""
    fresh_seeds: bool = True
    """Each draw its own seeds (draw i: seeds i*k+1..i*k+k): no two draws share a world; false: seeds 1..k for all."""
    waves: int = 5
    """Most waves run (fewer when the region stops shrinking or is empty)."""
    cutoff: float = 3.0
    """A point is ruled out when its implausibility (of rank ``rank`` over the measures) reaches this."""
    rank: int = 1
    """1: the largest implausibility over the measures decides; 2: the second largest (one measure may miss)."""
    candidates: int = 20000
    """Latin-hypercube points screened after each wave (the region's sample; the next wave's draws come from it)."""
    min_shrink: float = 0.1
    """Stop when the non-implausible share of the prior shrank by less than this share in the last wave (0: never)."""
    exclude: List[str] = dataclasses.field(default_factory=list)
    """Calibration facts or measures left out of the implausibility (e.g. [S2]); stated in the report."""


@dataclass
class ValidateKeys:
    """``experiment=validate``: the defaults over replicate seeds."""

    seeds: int = 100
    """Replicate seeds (seeds 1..k): the most that stay below the selection seeds (101-116) of the defaults;
    the power analysis in experiments/README.md says what they detect (S3's posts would need more)."""
    baseline: Optional[str] = None
    """A baseline of calibration measures (``experiments/analysis/baseline.py``): fail only when a measure in
    range there is out of range now. ``null``: fail when any calibration fact is out of range."""


@dataclass
class ParamSetsKeys:
    """``experiment=charter_vs_size_uncertainty``: the calibrated parameter sets to run."""

    path: Optional[str] = None
    """``calibration_accepted.csv`` of a calibration sweep (columns named by model keys are the parameters)."""
    k: int = 20
    """Parameter sets taken from the file (its first k rows; all when it has fewer)."""
    sample: Optional[int] = None
    """A seed: draw the k sets at random from the file's rows instead of taking the first k."""


RUN_SECTIONS = ("sensitivity", "calibrate", "validate", "param_sets")
"""Run-level sections: settings of the design experiments, never passed to the model."""


@dataclass
class RunConfig(ModelParams):
    """Every model parameter, plus the run-level keys below (not passed to the model)."""

    resume: bool = False
    """Skip a job whose directory already holds complete results of the same model config."""
    plots: bool = True
    """Draw figures at the end (of a single run, or of a whole sweep at its root)."""
    objective: Optional[str] = None
    """A summary key (dotted, e.g. ``stylized_facts_passed``) whose value a job returns to
    Hydra's sweeper: what ``hydra/sweeper=optuna`` optimises."""
    overwrite: bool = False
    """Let a sweep delete the jobs of another configuration in its ``hydra.sweep.dir`` first."""
    param_set: Optional[int] = None
    """The row of ``param_sets.path`` a job runs (set by the design sweeper; labels figure 2's band)."""
    sensitivity: SensitivityKeys = dataclasses.field(default_factory=SensitivityKeys)
    calibrate: CalibrateKeys = dataclasses.field(default_factory=CalibrateKeys)
    validate: ValidateKeys = dataclasses.field(default_factory=ValidateKeys)
    param_sets: ParamSetsKeys = dataclasses.field(default_factory=ParamSetsKeys)


MODEL_KEYS = tuple(f.name for f in dataclasses.fields(ModelParams))
RUN_KEYS = tuple(f.name for f in dataclasses.fields(RunConfig) if f.name not in MODEL_KEYS)


BOOLEAN_RUN_KEYS = tuple(
    f.name for f in dataclasses.fields(RunConfig) if f.name in RUN_KEYS and f.type in ("bool", bool)
)


def register_schema() -> None:
    """Make ``groupsim_schema`` and the charter presets (config group ``charter``) available to Hydra (idempotent)."""
    store = ConfigStore.instance()
    store.store(name=SCHEMA_NAME, node=RunConfig)
    for name, charter in PRESETS.items():
        store.store(group="charter", name=name, node=dataclasses.asdict(charter))



def allowed_keys(section: str) -> Optional[List[str]]:
    """The keys allowed under a dotted ``section`` of the schema ("" is the top level).

    ``None`` when the section takes any key (``groups.charter_mix``, ``charters``) or is
    not a section of the schema.
    """
    node: Any = RunConfig()
    for part in (p for p in section.split(".") if p):
        if isinstance(node, dict) and node and all(isinstance(v, CharterParams) for v in node.values()):
            node = CharterParams()  # any charter name: its keys are a charter's
        elif dataclasses.is_dataclass(node) and part in {f.name for f in dataclasses.fields(node)}:
            node = getattr(node, part)
        else:
            return None
    if not dataclasses.is_dataclass(node):
        return None
    return sorted(f.name for f in dataclasses.fields(node))


def dotted_keys(section: str = "") -> List[str]:
    """Every dotted key of the schema below ``section`` (leaves and sections; charters by preset name)."""
    out = []
    for name in allowed_keys(section) or []:
        key = f"{section}.{name}" if section else name
        out.append(key)
        if key == "charters":
            out += [f"charters.{c}.{f}" for c in PRESETS for f in allowed_keys("charters.x") or []]
        else:
            out += dotted_keys(key)
    return out
