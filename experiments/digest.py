"""The one digest of a configuration: sha256 of its canonical JSON (keys sorted), 16 hex digits.

:func:`config_hash` names a run's complete model configuration in its manifest (``resume``
compares it); the sweep identity and the initial states of the path-dependence report use
:func:`digest` on what they compare.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from sim.params import ModelParams


def digest(data: Any) -> str:
    """A digest of JSON-able ``data`` (mappings compared by content, not key order)."""
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def config_hash(params: ModelParams, **without: Any) -> str:
    """A digest of the complete model configuration (defaults included).

    Keyword arguments replace top-level fields first: ``config_hash(params, dynamics_seed=None)``
    is the same for runs that differ only in their dynamics seed.
    """
    return digest(dataclasses.replace(params, **without).to_dict() if without else params.to_dict())
