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
class RunConfig(ModelParams):
    """Every model parameter, plus the run-level keys below (not passed to the model)."""

    resume: bool = False
    """Skip a job whose directory already holds complete results of the same model config."""
    plots: bool = True
    """Draw figures at the end (of a single run, or of a whole sweep at its root)."""
    objective: Optional[str] = None
    """A summary key (dotted, e.g. ``stylized_facts_passed``) whose value a job returns to
    Hydra's sweeper: what ``hydra/sweeper=optuna`` optimises."""


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
