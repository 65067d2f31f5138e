"""The configuration of a run: the Hydra schema, and the bridge to the model's parameters.

The schema is :class:`RunConfig`: every field of :class:`sim.params.ModelParams` (one key per
model parameter, same names and nesting) plus a few run-level keys that steer the command
line and are never passed to the model. It is registered with Hydra's ConfigStore as
``groupsim_schema`` and sits first in ``configs/config.yaml``'s defaults list, so a wrong key
or a wrong type fails while Hydra composes the config; ranges and cross-field rules are
checked by :meth:`ModelParams.validate` (through :func:`model_params`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

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
    """``experiment=calibrate``: ABC rejection (read by ``hydra.sweeper`` in that preset)."""

    n: int = 200
    """Latin-hypercube draws from the priors."""
    seeds: int = 2
    """Replicate seeds per draw (seeds 1..k): a draw is judged on their mean."""


@dataclass
class ValidateKeys:
    """``experiment=validate``: the defaults over replicate seeds."""

    seeds: int = 23
    """Replicate seeds (seeds 1..k): the number the power analysis in experiments/README.md asks for."""
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


def register_schema() -> None:
    """Make ``groupsim_schema`` available to Hydra's defaults list (idempotent)."""
    ConfigStore.instance().store(name=SCHEMA_NAME, node=RunConfig)


def model_dict(cfg: DictConfig) -> Dict[str, Any]:
    """The model part of a composed config, resolved, as plain nested dicts."""
    data: Dict[str, Any] = {}
    for key in MODEL_KEYS:
        if key in cfg:
            node = cfg[key]  # a scalar comes back resolved
            data[key] = OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node
    return data


def model_params(cfg: DictConfig) -> ModelParams:
    """Validated model parameters of a composed config (raises ``ParamError``)."""
    return ModelParams.from_dict(model_dict(cfg))


def config_hash(params: ModelParams) -> str:
    """A digest of the complete model configuration (defaults included)."""
    text = json.dumps(params.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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


# ------------------------------------------------------------ checks before any work


class OverrideError(ValueError):
    """A command-line override that must not run; the message is one line."""


BOOLEAN_RUN_KEYS = tuple(
    f.name for f in dataclasses.fields(RunConfig) if f.name in RUN_KEYS and f.type in ("bool", bool)
)
PATH_KEYS = ("hydra.run.dir", "hydra.sweep.dir", "hydra.sweep.subdir", "hydra.job_logging.handlers.file.filename")


def check_overrides(overrides: List[str]) -> None:
    """Refuse, before Hydra composes anything, overrides that would run the wrong thing.

    Refused: a key given twice, a ``+key`` the schema does not know (``+sede=5``), a run-level
    switch that is not ``true``/``false`` (``resume=2``), an empty output path
    (``hydra.run.dir=``). Syntax errors are left to Hydra (see :mod:`experiments.errors`).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides(overrides)
    seen: Dict[str, str] = {}
    for override, text in zip(parsed, overrides, strict=True):
        key = override.key_or_group
        if key in seen:
            raise OverrideError(f"{key} is given twice ({seen[key]} and {text}): allowed once")
        seen[key] = text
        if override.is_delete():
            continue
        if (override.is_add() or override.is_force_add()) and not key.startswith("hydra") and not _known(key):
            section, _, _ = key.rpartition(".")
            where = f"under {section}" if section else "at the top level"
            raise OverrideError(f"unknown key {key}: allowed keys {where}: {', '.join(allowed_keys(section) or [])}")
        values = _values(override)
        if key in BOOLEAN_RUN_KEYS and not all(isinstance(v, bool) for v in values):
            raise OverrideError(f"{text}: allowed {key}=true or {key}=false")
        if key in PATH_KEYS and any(v is None or str(v).strip() == "" for v in values):
            raise OverrideError(f"{key} is empty: allowed a directory path")


SENSITIVITY_METHODS = ("morris", "sobol")
COUNT_KEYS = ("sensitivity.n", "sensitivity.seeds", "calibrate.n", "calibrate.seeds", "validate.seeds", "param_sets.k")
FILE_KEYS = ("validate.baseline", "param_sets.path")


def check_run_sections(cfg: DictConfig) -> None:
    """Refuse a wrong value of a design experiment's key (:data:`RUN_SECTIONS`), in one line.

    Types are the schema's; here: the method's name, positive counts (a Sobol base sample a
    power of 2) and files that exist.
    """
    method = OmegaConf.select(cfg, "sensitivity.method")
    if method not in SENSITIVITY_METHODS:
        raise OverrideError(f"sensitivity.method = {method!r}: allowed {' or '.join(SENSITIVITY_METHODS)}")
    for key in COUNT_KEYS:
        value = OmegaConf.select(cfg, key)
        if value is not None and value < 1:
            raise OverrideError(f"{key} = {value}: allowed a positive integer")
    n = OmegaConf.select(cfg, "sensitivity.n")
    if method == "sobol" and n & (n - 1):
        raise OverrideError(f"sensitivity.n = {n} with sensitivity.method=sobol: allowed a power of 2 (e.g. 256)")
    for key in FILE_KEYS:
        value = OmegaConf.select(cfg, key)
        if value is not None and not Path(value).is_file():
            raise OverrideError(f"{key} = {value!r} is not a readable file: allowed the path of an existing file")
    if OmegaConf.select(cfg, "validate.baseline"):
        from experiments.analysis import baseline

        try:
            baseline.load(cfg.validate.baseline)
        except ValueError as exc:
            raise OverrideError(str(exc)) from None


def _values(override: Any) -> List[Any]:
    """The value(s) of an override: every choice of a simple sweep, else the one value."""
    if override.is_sweep_override() and not override.is_discrete_sweep():
        return []  # range() and interval() sweeps are numeric: typed by the schema
    return list(override.sweep_iterator()) if override.is_sweep_override() else [override.value()]


def _known(key: str) -> bool:
    section, _, name = key.rpartition(".")
    allowed = allowed_keys(section)
    if allowed is None:  # a free mapping (charter_mix, charters) or not a schema section
        return _is_free_mapping(section)
    return name in allowed


def _is_free_mapping(section: str) -> bool:
    parent, _, _ = section.rpartition(".")
    return section in ("groups.charter_mix", "charters") or parent == "charters"


def summary_keys(params: ModelParams) -> List[str]:
    """The dotted keys of the run summary a user may name as ``objective``.

    The summary module's documented list when it exports one (``SUMMARY_KEYS``; patterns such
    as ``size50_by_charter.*`` allowed), else the keys of the summary of a tiny run of the same
    configuration (so the list follows whatever ``summary()`` returns).
    """
    import importlib

    for module in ("sim.summary", "sim.metrics"):
        try:
            documented = getattr(importlib.import_module(module), "SUMMARY_KEYS", None)
        except ImportError:
            continue
        if documented:
            return list(documented)
    from sim import GroupCultureModel

    tiny = dataclasses.replace(
        params,
        population=dataclasses.replace(params.population, size=min(params.population.size, 300)),
        groups=dataclasses.replace(params.groups, count=min(params.groups.count, 8)),
        duration=dataclasses.replace(params.duration, weeks=min(params.duration.weeks, 2), spinup_weeks=0),
    )
    mesa_log = logging.getLogger("MESA")  # Mesa logs every step at INFO
    level = mesa_log.level
    mesa_log.setLevel(logging.WARNING)
    try:
        model = GroupCultureModel(tiny)
        model.run()
    except Exception:  # noqa: BLE001 - no tiny run possible: the run checks its objective itself
        return ["*"]
    finally:
        mesa_log.setLevel(level)
    return sorted(_dotted(model.summary()))


def _dotted(tree: Dict[str, Any], prefix: str = "") -> List[str]:
    keys = []
    for key, value in tree.items():
        if isinstance(value, dict):
            keys += _dotted(value, f"{prefix}{key}.") or [f"{prefix}{key}.*"]
            keys.append(f"{prefix}{key}.*")  # keys of a mapping depend on the run (charters present)
        else:
            keys.append(f"{prefix}{key}")
    return keys


def check_objective(objective: Optional[str], params: ModelParams) -> None:
    """Refuse an ``objective`` that names no summary key, before the run (one line)."""
    if not objective:
        return
    import fnmatch

    keys = summary_keys(params)
    if any(fnmatch.fnmatchcase(objective, pattern) for pattern in keys):
        return
    top = sorted({k.split(".")[0] for k in keys})
    raise OverrideError(f"objective = {objective!r} is not a summary key: allowed a numeric summary key, one of {top}")
