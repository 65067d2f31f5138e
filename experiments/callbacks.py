"""Hydra callbacks (registered in ``configs/config.yaml`` under ``hydra.callbacks``).

* :class:`ValidateConfig` checks the model config and the ``objective`` before anything runs:
  a bad value stops the run with one line, before any result directory is made.
* :class:`GuardOutput` then takes the output directory's lock (a single run's directory, or a
  sweep's root) before Hydra writes into it, removes temporary files a killed run left there,
  and decides what a sweep does with jobs already in its root (:mod:`experiments.sweep`):
  another configuration's are refused (``overwrite=true`` deletes them first); this sweep's
  finished jobs are refused without ``resume=true``, and kept with it, each moved to the job
  number the sweep now gives it, so a sweep grown by more values runs only the new jobs.
* :class:`AggregateSweep` gathers every job of a multirun from disk into
  ``sweep_summary.parquet`` and ``.csv`` at the sweep root (:mod:`experiments.sweep_summary`),
  then draws the sweep's figures.

Hydra turns an ``Exception`` raised by a callback into a warning; these callbacks end the
program with ``SystemExit`` instead, which Hydra lets through.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List

from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from experiments import results, sweep
from experiments.analysis.sections import check_run_sections
from experiments.config import model_dict, model_params
from experiments.errors import OverrideError
from experiments.objective import check_objective
from experiments.schema import RUN_KEYS
from sim.params import ParamError


class ValidateConfig(Callback):
    """Reject an invalid model config (range, unknown charter, ...) before the run starts.

    In a multirun this checks the config shared by all jobs; a value given only in the
    sweep is checked by its job, which fails alone and is listed in the sweep summary.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Validate a single run's config."""
        _validate(config)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Validate the config shared by a sweep's jobs, and a design sweep's design."""
        _validate(config)
        if _sweeper_name(config) == "DesignSweeper":
            # the design sweeper loads pandas and SALib: only for a design sweep (start-up speed)
            from experiments.analysis.sweeper import design_of

            try:
                design_of(config)
            except ValueError as exc:
                _stop(str(exc))


class GuardOutput(Callback):
    """Hold the output directory's lock for the whole run or sweep (one writer at a time)."""

    def __init__(self) -> None:
        self._lock: Any = None

    def __getstate__(self) -> Dict[str, Any]:  # launchers pickle callbacks: the lock stays here
        return {"_lock": None}

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Lock the run directory before Hydra writes into it; remove a killed run's temporaries."""
        run_dir = Path(config.hydra.run.dir)
        self._lock = _acquire(run_dir, "run directory")
        results.remove_stale_temporaries(run_dir)

    def on_run_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Release the run directory."""
        results.release(self._lock)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Lock the sweep root; refuse, keep (``resume``), grow or delete (``overwrite``) the jobs already there."""
        HydraConfig.instance().set_config(config)  # an interrupt names this sweep's directory
        root = Path(config.hydra.sweep.dir)
        self._lock = _acquire(root, "sweep directory")
        try:
            self._check_root(config, root)
        except OSError as exc:  # Hydra would turn any exception here into a warning and go on
            _stop(f"cannot use {exc.filename or root}: {exc.strerror or exc}")

    def _check_root(self, config: DictConfig, root: Path) -> None:
        identity = sweep_identity(config)
        resume, overwrite = bool(config.resume), bool(config.overwrite)
        try:
            verdict, old = sweep.check_root(root, identity, resume, overwrite)
        except results.ResultsError as exc:
            _stop(str(exc))
        if verdict == "same" and overwrite:
            verdict = "overwrite"
        if verdict == "overwrite":
            for job in old:
                shutil.rmtree(job)
            for name in ("sweep_summary.parquet", "sweep_summary.csv"):
                (root / name).unlink(missing_ok=True)
            shutil.rmtree(root / "figures", ignore_errors=True)
            print(f"overwrite=true: deleted {len(old)} job(s) in {results.shown(root)}")
        elif verdict == "same":
            self._keep(config, root, old, resume)
        results.remove_stale_temporaries(root)
        results.write_json(root / results.SWEEP_INFO, {"identity": identity})

    @staticmethod
    def _keep(config: DictConfig, root: Path, old: List[Path], resume: bool) -> None:
        """Jobs of this sweep are there: refuse without ``resume``, else put each where the sweep expects it."""
        finished = [job for job in old if (job / results.MANIFEST).is_file()]  # each job verifies itself on resume
        if not resume:
            if finished:
                _stop(f"{results.shown(root)} already holds {len(finished)} finished job(s) of this sweep: allowed"
                      " resume=true to keep them and run only the others (new values of the swept keys too),"
                      " overwrite=true to run every job again, or another hydra.sweep.dir")
            return
        planned = _planned(config)
        if planned is None:
            return
        counts = sweep.place_jobs(root, [results.parse_overrides(job) for job in planned], ignore=RUN_KEYS)
        new = len(planned) - counts["kept"]
        print(f"resume=true: {counts['kept']} finished job(s) kept in {results.shown(root)}, {new} to run")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Release the sweep root."""
        results.release(self._lock)


class AggregateSweep(Callback):
    """Write ``sweep_summary.parquet``/``.csv`` at the sweep root and draw its figures."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Aggregate the jobs from disk, draw the figures, list the jobs that are not ok."""
        # pandas and matplotlib load only at the end of a sweep (start-up speed of errors)
        from experiments.sweep_summary import SWEEP_SUMMARY, rebuild

        root = Path(config.hydra.sweep.dir).resolve()
        table = rebuild(root)
        counts = table["status"].value_counts().to_dict() if len(table) else {}
        print(
            f"sweep: {len(table)} jobs, {counts.get('ok', 0)} ok, {counts.get('failed', 0)} failed,"
            f" {counts.get('missing', 0)} missing -> {results.shown(root / (SWEEP_SUMMARY + '.csv'))}"
        )
        if config.get("plots", True):
            from experiments.plot import draw_figures  # matplotlib: only when figures are drawn (start-up speed)

            draw_figures(root)
        failed = table[table["status"] != "ok"] if len(table) else table
        for row in failed.itertuples():
            print(f"  job {row.job} {row.status}: {row.error}", file=sys.stderr)
        if len(failed):
            raise SystemExit(1)


def sweep_identity(config: DictConfig) -> str:
    """What a sweep of ``config`` computes, apart from the values of its swept keys (see :mod:`experiments.sweep`)."""
    task = [o for o in config.hydra.overrides.task if o.split("=")[0].lstrip("+~").split(".")[0] not in RUN_KEYS]
    parsed = OverridesParser.create().parse_overrides(task)
    swept = [o.key_or_group for o in parsed if o.is_sweep_override()]
    swept += list(OmegaConf.select(config, "hydra.sweeper.params") or {})
    fixed = [text for text, o in zip(task, parsed, strict=True) if not o.is_sweep_override()]
    model = model_dict(config)
    for key in swept:
        _drop(model, key)
    sweeper = OmegaConf.to_container(config.hydra.sweeper, resolve=True)
    design = {k: v for k, v in sweeper.items() if k not in ("params", "seeds", "max_batch_size")}
    return sweep.sweep_identity({"model": model, "sweeper": design}, fixed, swept)


def _drop(tree: Dict[str, Any], dotted: str) -> None:
    *path, last = dotted.split(".")
    for part in path:
        tree = tree.get(part) if isinstance(tree, dict) else None
        if tree is None:
            return
    if isinstance(tree, dict):
        tree.pop(last, None)


def _sweeper_name(config: DictConfig) -> str:
    return str(OmegaConf.select(config, "hydra.sweeper._target_", default="")).rpartition(".")[2]


def _planned(config: DictConfig) -> List[List[str]] | None:
    """The jobs the sweep will launch (basic and design sweepers; None for another sweeper)."""
    if _sweeper_name(config) not in ("BasicSweeper", "DesignSweeper"):
        return None
    # the design sweeper loads pandas and SALib: only once a sweep starts (start-up speed)
    from experiments.analysis.sweeper import planned_jobs

    task = list(config.hydra.overrides.task)
    return planned_jobs(config, task)


def _validate(config: DictConfig) -> None:
    try:
        check_run_sections(config)
        model_params(config)
        check_objective(config.objective)
    except (ParamError, OverrideError) as exc:
        _stop(str(exc))


def _acquire(directory: Path, what: str) -> Any:
    try:
        return results.acquire(directory, what)
    except results.Busy as exc:
        _stop(str(exc))
    except OSError as exc:
        _stop(f"cannot use {exc.filename or directory}: {exc.strerror or exc}")


def _stop(message: str) -> None:
    """End the program with one line (Hydra turns a callback's exception into a warning)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def main(argv: List[str] | None = None) -> None:
    """``python -m experiments.callbacks SWEEP_DIR``: (re)build the sweep summary from disk."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m experiments.callbacks SWEEP_DIR", file=sys.stderr)
        raise SystemExit(2)
    from experiments.sweep_summary import SWEEP_SUMMARY, rebuild  # pandas (start-up speed)

    root = Path(args[0]).resolve()
    table = rebuild(root)
    print(f"{len(table)} jobs -> {results.shown(root / (SWEEP_SUMMARY + '.csv'))}")


if __name__ == "__main__":
    main()
