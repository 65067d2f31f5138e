"""The design sweep: one job per (design point, replicate seed).

The sweeper itself is :class:`hydra_plugins.groupsim_design_sweeper.DesignSweeper` (Hydra
finds sweepers only there); its jobs are made here. Configured under ``hydra.sweeper``
(``configs/hydra/sweeper/design.yaml``): ``method``, ``n``, ``seeds``, ``design_seed``,
``factors``, ``select``, ``sets``, ``fresh_seeds``. Each job receives the factor values of its point and its
seed as ordinary overrides, so it is a plain ``groupsim`` run: any launcher (basic, joblib,
SLURM) runs it, ``resume=true`` skips finished jobs, and the analysis
callbacks find each job's point again from its overrides. Other command-line sweeps
(``a=1,2``) are crossed with the design as the basic sweeper would.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pandas as pd
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from omegaconf import DictConfig, OmegaConf

from experiments.analysis import design, waves


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
        sample = sw.get("sample")
        return design.parameter_sets(str(sw.sets), int(sw.n), None if sample is None else int(sample))
    return design.design(str(sw.method), int(sw.n), factor_table(config), int(sw.design_seed))


def design_of(config: DictConfig) -> "design.pd.DataFrame":
    """The applied design of a sweep config (its ``hydra.sweeper`` node and model defaults; ``waves``: wave 1)."""
    points = raw_design(config)
    if str(config.hydra.sweeper.method) == "waves":
        waves.seeds_ok(sweep_seeds(config))
    unknown = [k for k in points.columns if OmegaConf.select(config, k, default="__missing__") == "__missing__"]
    if unknown:
        raise ValueError(f"design factor(s) {', '.join(unknown)} not in the config: allowed model keys")
    check_ranges(factor_table(config), config)
    return applied(config, points)


def applied(config: DictConfig, points: "design.pd.DataFrame") -> "design.pd.DataFrame":
    """Design points as the jobs receive them (the config's integer parameters rounded)."""
    integer_keys = [k for k in points.columns if isinstance(OmegaConf.select(config, k), int)] + [design.SET_COLUMN]
    return design.applied(points, integer_keys)


def check_ranges(factors: Dict[str, Sequence[float]], config: DictConfig) -> None:
    """Refuse (``ValueError``, one line) a factor whose range excludes its value in ``config``.

    A design around the configuration it varies: a range that leaves out the default studies
    a regime the defaults (calibrated, or stated in the experiment) do not describe.
    """
    for key, bounds in factors.items():
        default = OmegaConf.select(config, key)
        if isinstance(default, (int, float)) and not float(bounds[0]) <= default <= float(bounds[1]):
            raise ValueError(f"design factor {key} has range [{bounds[0]}, {bounds[1]}] without its default {default}:"
                             " allowed a range that contains the default")


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


def split_design(config: DictConfig, overrides: List[Override], max_batch_size: Optional[int]) -> List[List[List[str]]]:
    """The batches of a design sweep: the command line's sweeps crossed with the design points and the seeds."""
    if str(config.hydra.sweeper.method) == "sets":
        far = design.not_accepted(str(config.hydra.sweeper.sets))
        if far:
            print(f"note: {far} parameter set(s) of {config.hydra.sweeper.sets} missed a calibration target"
                  " (distance > 0): the band shows the nearest draws, not a posterior", file=sys.stderr)
    if str(config.hydra.sweeper.method) == "waves":
        waves.write_wave(Path(config.hydra.sweep.dir), 1, design_of(config))
    jobs = design_jobs(config, overrides)
    size = len(jobs) if not max_batch_size or max_batch_size < 0 else max_batch_size
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


def design_jobs(config: DictConfig, overrides: List[Override]) -> List[List[str]]:
    """Every job of a design sweep, in order: design points x the command line's sweeps x seeds."""
    return cross(config, design_of(config), overrides)


def cross(config: DictConfig, points: "design.pd.DataFrame", overrides: List[Override],
          first: int = 0) -> List[List[str]]:
    """The jobs of design ``points``: each point x the command line's sweeps x the replicate seeds.

    ``first`` is the design's number for the first of ``points`` (``waves``: the draws of
    earlier waves), which :func:`point_seeds` needs for fresh seeds.
    """
    base = BasicSweeper.split_arguments(overrides, None)[0]
    jobs = []
    for i, p in enumerate(design.overrides(points)):
        seeds = [[f"seed={s}"] for s in point_seeds(config, first + i)] or [[]]  # null: the seeds are swept
        jobs += [p + b + s for b, s in itertools.product(base, seeds)]
    return jobs


def point_seeds(config: DictConfig, point: int) -> List[int]:
    """The replicate seeds of design point number ``point`` (0 for the design's first).

    The same seeds for every point (``hydra.sweeper.seeds``), unless
    ``hydra.sweeper.fresh_seeds``: then point ``i`` with ``k`` seeds runs seeds
    ``i*k + 1 .. i*k + k``, so no two points share a world (its network, its traits) and
    the seed-to-seed variance an emulator models is the variance between worlds, not
    within the few worlds every point shares.
    """
    seeds = sweep_seeds(config)
    if not OmegaConf.select(config, "hydra.sweeper.fresh_seeds", default=False):
        return seeds
    return [point * len(seeds) + j + 1 for j in range(len(seeds))]


def next_wave(config: DictConfig, overrides: List[Override], wave: int, cache: dict) -> List[List[str]]:
    """Method ``waves``, after ``wave`` has run: the jobs of the next wave, or none when the waves stop.

    ``cache``: the sweeper's store of earlier waves' emulators (:func:`waves.advance`).
    """
    root = Path(config.hydra.sweep.dir)
    points = waves.advance(root, config, wave, cache)
    if points is None or not len(points):
        return []
    made = waves.wave_path(root, wave + 1)
    if made.is_file():  # a wave once drawn is kept (resume): the same draws, whatever reruns of failed jobs gave
        points = pd.read_csv(made)
    else:
        points = applied(config, points)
        waves.write_wave(root, wave + 1, points)
    return cross(config, points, overrides, first=len(waves.read_waves(root, wave)))


def planned_jobs(config: DictConfig, task_overrides: List[str]) -> List[List[str]]:
    """The overrides of every job a multirun of ``config`` will launch, in Hydra's job order.

    For Hydra's basic sweeper and this one (the sweeper's ``params`` first, then the command
    line's overrides, as the basic sweeper combines them).
    """
    params = OmegaConf.select(config, "hydra.sweeper.params") or {}
    lines = [f"{k}={v}" for k, v in params.items()] + list(task_overrides)
    parsed = OverridesParser.create().parse_overrides(lines)
    if is_design_sweep(config):
        return design_jobs(config, parsed)
    return BasicSweeper.split_arguments(parsed, None)[0]
