"""groupsim: why professional networking groups thrive or go dormant (a Mesa model).

The names below are loaded on first use (PEP 562), so that ``sim.params`` alone does not
import Mesa and pandas: the command line answers a bad value before loading the model.
"""

from importlib import import_module
from typing import Any

_HOME = {
    "GroupCultureModel": "sim.model",
    "ModelParams": "sim.params",
    "ParamError": "sim.params",
    "Professional": "sim.agents",
    "Group": "sim.agents",
}

__all__ = ["GroupCultureModel", "ModelParams", "ParamError", "Professional", "Group"]


def __getattr__(name: str) -> Any:
    """The public name ``name`` from its module (imported on first use)."""
    if name not in _HOME:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(import_module(_HOME[name]), name)


def __dir__() -> list:
    return sorted(list(globals()) + __all__)
