"""The bridge from a composed Hydra config to the model's parameters.

The model part of a config is its :data:`experiments.schema.MODEL_KEYS`; ranges and
cross-field rules are checked by :meth:`sim.params.ModelParams.validate` (through
:func:`model_params`). Run-level keys never reach the model.
"""

from __future__ import annotations

from typing import Any, Dict

from omegaconf import DictConfig, OmegaConf

from experiments.schema import MODEL_KEYS
from sim.params import ModelParams


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
