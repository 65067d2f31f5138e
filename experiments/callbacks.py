"""Hydra callbacks (registered in ``configs/config.yaml`` under ``hydra.callbacks``).

* :class:`ValidateConfig` checks the model config and the ``objective`` before anything runs:
  a bad value stops the run with one line, before any result directory is made.
* :class:`GuardOutput` then takes the output directory's lock (a single run's directory, or a
  sweep's root) before Hydra writes into it, removes temporary files a killed run left there,
  and refuses a sweep into a directory holding another configuration's jobs (unless
  ``overwrite=true``, which deletes them first).
* :class:`AggregateSweep` gathers every job of a multirun from disk into
  ``sweep_summary.parquet`` and ``.csv`` at the sweep root, then draws the sweep's figures.
  Jobs write their own files and Hydra passes no job results to ``on_multirun_end``, so
  the table is built from the job directories alone (and can be rebuilt with
  :func:`aggregate`).

Hydra turns an ``Exception`` raised by a callback into a warning; these callbacks end the
program with ``SystemExit`` instead, which Hydra lets through.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List

import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from experiments import results
from experiments.config import (
    RUN_KEYS,
    OverrideError,
    check_objective,
    check_run_sections,
    model_dict,
    model_params,
)
from sim.params import ParamError

SWEEP_SUMMARY = "sweep_summary"
FIRST_COLUMNS = ["job", "dir", "status", "error"]


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
        from experiments.analysis.sweeper import design_of, is_design_sweep

        if is_design_sweep(config):
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
        """Lock the sweep root and refuse (or, with overwrite=true, delete) another configuration's jobs."""
        root = Path(config.hydra.sweep.dir)
        self._lock = _acquire(root, "sweep directory")
        try:
            self._check_root(config, root)
        except OSError as exc:  # Hydra would turn any exception here into a warning and go on
            _stop(f"cannot use {exc.filename or root}: {exc.strerror or exc}")

    def _check_root(self, config: DictConfig, root: Path) -> None:
        identity = results.sweep_identity(
            model_dict(config),
            [o for o in config.hydra.overrides.task if o.split("=")[0].lstrip("+~") not in RUN_KEYS],
            _plain(OmegaConf.select(config, "hydra.sweeper.params")),
        )
        try:
            verdict, old = results.check_sweep_root(root, identity, bool(config.resume), bool(config.overwrite))
        except results.ResultsError as exc:
            _stop(str(exc))
        if verdict == "overwrite":
            for job in old:
                shutil.rmtree(job)
            for name in (f"{SWEEP_SUMMARY}.parquet", f"{SWEEP_SUMMARY}.csv"):
                (root / name).unlink(missing_ok=True)
            shutil.rmtree(root / "figures", ignore_errors=True)
            print(f"overwrite=true: deleted {len(old)} job(s) of another configuration in {results.shown(root)}")
        results.remove_stale_temporaries(root)
        results.write_json(root / results.SWEEP_INFO, {"identity": identity})

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Release the sweep root."""
        results.release(self._lock)


class AggregateSweep(Callback):
    """Write ``sweep_summary.parquet``/``.csv`` at the sweep root and draw its figures."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Aggregate the jobs from disk, draw the figures, list the jobs that are not ok."""
        root = Path(config.hydra.sweep.dir).resolve()
        table = rebuild(root)
        counts = table["status"].value_counts().to_dict() if len(table) else {}
        print(
            f"sweep: {len(table)} jobs, {counts.get('ok', 0)} ok, {counts.get('failed', 0)} failed,"
            f" {counts.get('missing', 0)} missing -> {results.shown(root / (SWEEP_SUMMARY + '.csv'))}"
        )
        if config.get("plots", True):
            from experiments.plot import draw_figures  # matplotlib: only when figures are wanted

            draw_figures(root)
        failed = table[table["status"] != "ok"] if len(table) else table
        for row in failed.itertuples():
            print(f"  job {row.job} {row.status}: {row.error}", file=sys.stderr)
        if len(failed):
            raise SystemExit(1)


def aggregate(root: Path) -> pd.DataFrame:
    """One row per job directory below ``root`` (a directory holding ``.hydra/``).

    Columns: ``job`` (Hydra's job number), ``dir`` (relative to ``root``), ``status``
    (``ok``: its manifest verifies; ``failed``: ``error.json``; ``missing``: neither, e.g. a
    job still running, killed or damaged), ``error`` (for ``missing``: why), ``wall_seconds``, then one column per
    override of the job (named by its key, from ``.hydra/overrides.yaml``), then the job's
    summary flattened with ``pandas.json_normalize(sep=".")`` (a summary key that equals
    an override key is prefixed ``summary.``).
    """
    rows: List[Dict[str, Any]] = []
    for hydra_dir in sorted(root.rglob(".hydra")):
        job_dir = hydra_dir.parent
        if job_dir == root:
            continue
        rows.append(_job_row(root, job_dir))
    table = pd.DataFrame(rows)
    if table.empty:
        return pd.DataFrame(columns=FIRST_COLUMNS)
    table = table.sort_values("job", kind="stable").reset_index(drop=True)
    for column in table.columns:
        if column not in FIRST_COLUMNS and table[column].dtype == object:
            table[column] = _uniform(table[column])
    return table


def rebuild(root: Path) -> pd.DataFrame:
    """Aggregate the jobs below ``root`` and write the sweep summary there."""
    table = aggregate(root)
    write_sweep_summary(root, table)
    return table


def write_sweep_summary(root: Path, table: pd.DataFrame) -> None:
    """Write ``sweep_summary.parquet`` and ``.csv`` at ``root``."""
    results.write_parquet(root / f"{SWEEP_SUMMARY}.parquet", table)
    results.write_csv(root / f"{SWEEP_SUMMARY}.csv", table)


def _plain(node: Any) -> Any:
    return OmegaConf.to_container(node, resolve=False) if OmegaConf.is_config(node) else node


def _validate(config: DictConfig) -> None:
    try:
        check_run_sections(config)
        check_objective(config.objective, model_params(config))
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


def _job_row(root: Path, job_dir: Path) -> Dict[str, Any]:
    verdict = results.verify(job_dir)
    error = results.read_json(job_dir / results.ERROR)
    info = results.read_json(job_dir / results.RUN_INFO) or {}
    try:
        overrides = results.job_overrides(job_dir)
        hydra_cfg = results.read_yaml(job_dir / ".hydra" / "hydra.yaml") or {}
    except results.ResultsError:
        overrides, hydra_cfg = {}, {}
    num = ((hydra_cfg.get("hydra") or {}).get("job") or {}).get("num")
    status = "ok" if verdict else "failed" if error is not None else "missing"
    row: Dict[str, Any] = {
        "job": int(num) if num is not None else _number_of(job_dir.name),
        "dir": str(job_dir.relative_to(root)),
        "status": status,
        "error": {"ok": "", "failed": f"{(error or {}).get('type', 'Error')}: {(error or {}).get('message', '')}",
                  "missing": verdict.reason}[status],
        "wall_seconds": info.get("wall_seconds") if verdict else None,
    }
    row.update(overrides)
    summary = results.read_json(job_dir / results.SUMMARY) if verdict else None
    if summary is not None:
        flat = pd.json_normalize(summary, sep=".").iloc[0].to_dict()
        for key, value in flat.items():
            row[f"summary.{key}" if key in row else key] = value
    return row


def _number_of(name: str) -> int:
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else -1


def _uniform(column: pd.Series) -> pd.Series:
    """A column Parquet can store: numbers stay numbers, anything else becomes text."""
    present = column.dropna()
    if present.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        return pd.to_numeric(column)
    if present.map(lambda v: isinstance(v, bool)).all():
        return column
    return column.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))


def main(argv: List[str] | None = None) -> None:
    """``python -m experiments.callbacks SWEEP_DIR``: (re)build the sweep summary from disk."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m experiments.callbacks SWEEP_DIR", file=sys.stderr)
        raise SystemExit(2)
    root = Path(args[0]).resolve()
    table = rebuild(root)
    print(f"{len(table)} jobs -> {results.shown(root / (SWEEP_SUMMARY + '.csv'))}")


if __name__ == "__main__":
    main()
