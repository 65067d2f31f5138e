"""A Hydra sweeper that runs a design: one job per (design point, replicate seed).

Configured under ``hydra.sweeper`` (``configs/hydra/sweeper/design.yaml``): ``method``,
``n``, ``seeds``, ``design_seed``, ``factors``, ``select``, ``sets``. Each job receives the factor values of its
point and its seed as ordinary overrides, so it is a plain ``groupsim`` run: any launcher
(basic, joblib, SLURM) runs it, ``resume=true`` skips finished jobs, and the analysis
callbacks find each job's point again from its overrides. Other command-line sweeps
(``a=1,2``) are crossed with the design as the basic sweeper would.
"""

from __future__ import annotations

import itertools
import sys
from typing import Any, Dict, List, Optional, Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.types import Override
from omegaconf import DictConfig, OmegaConf

from experiments.analysis import design


def factor_table(config: DictConfig) -> Dict[str, List[float]]:
    """The factors of a sweep: ``hydra.sweeper.factors``, restricted to ``select`` if given."""
    sw = config.hydra.sweeper
    factors = OmegaConf.to_container(sw.factors, resolve=True) if sw.get("factors") else {}
    select = sw.get("select")
    if select:
        unknown = [k for k in select if k not in factors]
        if unknown:
            raise ValueError(f"hydra.sweeper.select names {', '.join(unknown)}: allowed keys of hydra.sweeper.factors")
        factors = {k: factors[k] for k in select}
    return factors


def raw_design(config: DictConfig) -> "design.pd.DataFrame":
    """The unrounded design of a sweep config (what SALib analyses; method ``sets``: the sets' table)."""
    sw = config.hydra.sweeper
    if str(sw.method) == "sets":
        if not sw.get("sets"):
            raise ValueError("param_sets.path is not set: allowed the path of calibration_accepted.csv")
        return design.parameter_sets(str(sw.sets), int(sw.n))
    return design.design(str(sw.method), int(sw.n), factor_table(config), int(sw.design_seed))


def design_of(config: DictConfig) -> "design.pd.DataFrame":
    """The applied design of a sweep config (its ``hydra.sweeper`` node and model defaults)."""
    points = raw_design(config)
    integer_keys = [k for k in points.columns if isinstance(OmegaConf.select(config, k), int)] + [design.SET_COLUMN]
    unknown = [k for k in points.columns if OmegaConf.select(config, k, default="__missing__") == "__missing__"]
    if unknown:
        raise ValueError(f"design factor(s) {', '.join(unknown)} not in the config: allowed model keys")
    return design.applied(points, integer_keys)


def seed_list(seeds: Any) -> List[int]:
    """Replicate seeds: an int k means seeds 1..k; a list is taken as given; null: none (seeds swept otherwise)."""
    if seeds is None:
        return []
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"hydra.sweeper.seeds = {seeds}: allowed a positive count or a list of seeds")
        return list(range(1, seeds + 1))
    return [int(s) for s in seeds]


def sweep_seeds(config: DictConfig) -> List[int]:
    """The replicate seeds of a design sweep (``hydra.sweeper.seeds``, resolved)."""
    return seed_list(OmegaConf.select(config, "hydra.sweeper.seeds"))


def is_design_sweep(config: DictConfig) -> bool:
    """Whether ``config`` runs on this sweeper (``hydra/sweeper=design``)."""
    return str(OmegaConf.select(config, "hydra.sweeper._target_", default="")).endswith(".DesignSweeper")


class DesignSweeper(BasicSweeper):
    """The basic sweeper, with the design points x replicate seeds as the sweep."""

    def __init__(self, method: str = "none", n: int = 1, seeds: Any = 1, design_seed: int = 0,
                 factors: Optional[Dict[str, Sequence[float]]] = None, select: Optional[List[str]] = None,
                 sets: Optional[str] = None, max_batch_size: Optional[int] = None,
                 params: Optional[Dict[str, str]] = None) -> None:
        super().__init__(max_batch_size=max_batch_size, params=params)
        # the design is read from the composed config (self.config), the one the callbacks see

    def split_arguments(self, overrides: List[Override], max_batch_size: Optional[int]) -> List[List[List[str]]]:
        """Cross the command line's sweeps with the design points and the seeds."""
        assert self.config is not None
        base = BasicSweeper.split_arguments(overrides, None)[0]
        if str(self.config.hydra.sweeper.method) == "sets":
            far = design.not_accepted(str(self.config.hydra.sweeper.sets))
            if far:
                print(f"note: {far} parameter set(s) of {self.config.hydra.sweeper.sets} missed a calibration target"
                      " (distance > 0): the band shows the nearest draws, not a posterior", file=sys.stderr)
        points = design.overrides(design_of(self.config))
        seeds = [[f"seed={s}"] for s in sweep_seeds(self.config)] or [[]]  # null: the seeds are a swept param
        jobs = [p + b + s for p, b, s in itertools.product(points, base, seeds)]
        size = len(jobs) if not max_batch_size or max_batch_size < 0 else max_batch_size
        return [jobs[i:i + size] for i in range(0, len(jobs), size)]
