"""groupsim: why professional networking groups thrive or go dormant (a Mesa model)."""

from sim.agents import Group, Professional
from sim.model import GroupCultureModel
from sim.params import ModelParams, ParamError

__all__ = ["GroupCultureModel", "ModelParams", "ParamError", "Professional", "Group"]
