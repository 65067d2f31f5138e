"""The command line: one configured run, or a Hydra multirun sweep.

    groupsim                                   # one run with configs/config.yaml
    groupsim population.size=5000 seed=3       # override any key
    groupsim -m experiment=charter_vs_size     # a whole experiment's sweep
    python -m experiments.run ...              # the same, from the source tree

Every override is checked before Hydra composes the config (:mod:`experiments.overrides`);
the composed config is checked by the callbacks of :mod:`experiments.callbacks` before any
directory is made; a job runs in :mod:`experiments.job`. A failing job of a sweep writes
``error.json`` and lets the sweep go on. Errors, ``--help`` and ``--cfg`` never load the
model, pandas or matplotlib.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import List, Optional

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from experiments import errors, results
from experiments.help import help_text
from experiments.objective import objective_value
from experiments.overrides import check_overrides
from experiments.schema import CONFIG_DIR, register_schema

log = logging.getLogger(__name__)

register_schema()


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def hydra_main(cfg: DictConfig) -> Optional[float]:
    """Hydra's task: one job, in its own output directory.

    Returns the summary value named by ``objective`` (for an optimising sweeper), if set.
    A single run's directory is locked by :class:`experiments.callbacks.GuardOutput`
    before Hydra writes into it; a sweep's job locks its own directory here.
    """
    # the model, pandas and pyarrow load only when a job runs (start-up speed of errors and --help)
    from experiments.job import run_job

    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    multirun = hc.mode == RunMode.MULTIRUN
    label = f"job {hc.job.num}" if multirun else "run"
    try:
        with results.locked(out, "job directory") if multirun else nullcontext():
            summary = run_job(cfg, out, label=label)
        if cfg.plots and not multirun:
            # matplotlib loads only when figures are drawn (start-up speed)
            from experiments.plot import draw_figures

            draw_figures(out)
        return objective_value(summary, cfg.objective)
    except Exception as exc:  # a failed job records itself; a sweep goes on
        message = errors.describe(exc)
        if not isinstance(exc, results.Busy):  # never write into a directory another process holds
            try:
                results.write_json(out / results.ERROR, {"type": type(exc).__name__, "message": message})
            except OSError:  # the directory itself is the problem: the message says so
                pass
        if multirun:
            log.error("%s failed: %s (%s)", label, message, results.shown(out / results.ERROR))
            return float("nan") if cfg.objective else None
        print(f"error: {message} (details in {results.shown(out / results.ERROR)})", file=sys.stderr)
        raise SystemExit(1) from None


def main() -> None:
    """Entry point of ``groupsim`` and ``python -m experiments.run``: one line per error.

    Hydra's own error printing is turned off (``HYDRA_FULL_ERROR=1`` makes it raise) and
    every error of composition or validation is caught here, printed as ``error: ...``
    and ends the program with status 2. Set ``HYDRA_FULL_ERROR=1`` yourself to see
    Hydra's full traceback instead.
    """
    sys.argv[1:] = flags_first(sys.argv[1:])
    multirun = any(a in ("-m", "--multirun") for a in sys.argv[1:])
    try:
        check_overrides(overrides_of(sys.argv[1:]), multirun=multirun)
    except Exception as exc:  # a bad override: nothing has run, nothing is written
        print(f"error: {errors.describe(exc)}", file=sys.stderr)
        raise SystemExit(2) from None
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        try:
            print(help_text(overrides_of(sys.argv[1:]), resolve="--resolve" in sys.argv[1:]))
        except Exception as exc:  # a bad override or config: one line, as for a run
            print(f"error: {errors.describe(exc)}", file=sys.stderr)
            raise SystemExit(2) from None
        return
    if os.environ.get("HYDRA_FULL_ERROR") == "1":
        hydra_main()
        return
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        hydra_main()
    except Exception as exc:
        print(f"error: {errors.describe(exc)}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print(interrupted(multirun), file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        os.environ.pop("HYDRA_FULL_ERROR", None)


def interrupted(multirun: bool) -> str:
    """The line printed on Ctrl-C: how to finish, naming the directory of this sweep or run."""
    hydra_cfg = HydraConfig.instance().cfg  # set once Hydra has composed the config
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    where = OmegaConf.select(hydra_cfg, key) if hydra_cfg is not None else None
    if where is None:
        return "interrupted before any directory was made: nothing to finish"
    where = results.shown(Path(str(where)))
    if multirun:
        return f"interrupted: finish the sweep later with the same command and {key}={where} resume=true"
    return f"interrupted: {where} holds no complete run; run it again with {key}={where} resume=true"


# Hydra's command-line switches that take no value: they may follow the overrides
# (``groupsim seed=1 -m``), which Hydra's argument parser would reject with its usage text.
_SWITCHES = ("-m", "--multirun", "-r", "--run", "--resolve", "--hydra-help", "-h", "--help", "--version")


def flags_first(args: List[str]) -> List[str]:
    """``args`` with the value-less switches moved before the first override."""
    switches = [a for a in args if a in _SWITCHES]
    return switches + [a for a in args if a not in _SWITCHES]


# Hydra's options that take a value as the next argument (``--cfg job``, ``-cn config``).
_WITH_VALUE = ("--cfg", "-c", "--package", "-p", "--info", "-i", "--config-path", "-cp", "--config-name", "-cn",
               "--config-dir", "-cd", "--experimental-rerun")


def overrides_of(args: List[str]) -> List[str]:
    """The overrides among command-line ``args`` (Hydra's options and their values left out)."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in _WITH_VALUE
        else:
            out.append(arg)
    return out


if __name__ == "__main__":
    main()
