"""Checks of the design experiments' settings (:data:`experiments.schema.RUN_SECTIONS`), before any work.

Types are the schema's; here: the sensitivity method's name, positive counts (a Sobol base
sample a power of 2), files that exist, and a validation baseline that is one.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from experiments.errors import OverrideError

SENSITIVITY_METHODS = ("morris", "sobol")
COUNT_KEYS = ("sensitivity.n", "sensitivity.seeds", "calibrate.n", "calibrate.seeds", "calibrate.waves",
              "calibrate.rank", "calibrate.candidates", "validate.seeds", "param_sets.k")
FILE_KEYS = ("validate.baseline", "param_sets.path")


def check_run_sections(cfg: DictConfig) -> None:
    """Raise :class:`OverrideError` (one line) for a wrong value of a design experiment's key."""
    method = OmegaConf.select(cfg, "sensitivity.method")
    if method not in SENSITIVITY_METHODS:
        raise OverrideError(f"sensitivity.method = {method!r}: allowed {' or '.join(SENSITIVITY_METHODS)}")
    for key in COUNT_KEYS:
        value = OmegaConf.select(cfg, key)
        if value is not None and value < 1:
            raise OverrideError(f"{key} = {value}: allowed a positive integer")
    cutoff, shrink = OmegaConf.select(cfg, "calibrate.cutoff"), OmegaConf.select(cfg, "calibrate.min_shrink")
    if cutoff is not None and not cutoff > 0:
        raise OverrideError(f"calibrate.cutoff = {cutoff}: allowed a positive implausibility (3 is usual)")
    if shrink is not None and not 0 <= shrink < 1:
        raise OverrideError(f"calibrate.min_shrink = {shrink}: allowed a share in [0, 1)")
    n = OmegaConf.select(cfg, "sensitivity.n")
    if method == "sobol" and n & (n - 1):
        raise OverrideError(f"sensitivity.n = {n} with sensitivity.method=sobol: allowed a power of 2 (e.g. 256)")
    for key in FILE_KEYS:
        value = OmegaConf.select(cfg, key)
        if value is not None and not Path(value).is_file():
            raise OverrideError(f"{key} = {value!r} is not a readable file: allowed the path of an existing file")
    if OmegaConf.select(cfg, "validate.baseline"):
        # the baseline module loads pandas: only when a baseline is given (start-up speed)
        from experiments.analysis import baseline

        try:
            baseline.load(cfg.validate.baseline)
        except ValueError as exc:
            raise OverrideError(str(exc)) from None
