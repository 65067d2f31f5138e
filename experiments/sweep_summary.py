"""The sweep summary: one row per job of a sweep, written as ``sweep_summary.parquet`` and ``.csv``.

Built from the job directories alone (:func:`experiments.sweep.read_jobs`), so it can be
rebuilt at any time: ``python -m experiments.callbacks SWEEP_DIR``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pandas as pd

from experiments import results
from experiments.sweep import JobRecord, read_jobs

SWEEP_SUMMARY = "sweep_summary"
FIRST_COLUMNS = ["job", "dir", "status", "error"]


def aggregate(root: Path) -> pd.DataFrame:
    """One row per job directory below ``root``.

    Columns: ``job`` (Hydra's job number), ``dir`` (relative to ``root``), ``status``
    (``ok``: its manifest verifies; ``failed``: ``error.json``; ``missing``: neither, e.g. a
    job still running, killed or damaged), ``error`` (for ``missing``: why), ``wall_seconds``, then one column per
    override of the job (named by its key, from ``.hydra/overrides.yaml``), then the job's
    summary flattened with ``pandas.json_normalize(sep=".")`` (a summary key that equals
    an override key is prefixed ``summary.``).
    """
    root = Path(root)
    table = pd.DataFrame([_row(root, job) for job in read_jobs(root)])
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
    write(root, table)
    return table


def write(root: Path, table: pd.DataFrame) -> None:
    """Write ``table`` as ``sweep_summary.parquet`` and ``.csv`` at ``root``."""
    results.write_parquet(Path(root) / f"{SWEEP_SUMMARY}.parquet", table)
    results.write_csv(Path(root) / f"{SWEEP_SUMMARY}.csv", table)


def _row(root: Path, job: JobRecord) -> Dict[str, Any]:
    row: Dict[str, Any] = {
        "job": job.num, "dir": str(job.path.relative_to(root)), "status": job.status, "error": job.reason,
        "wall_seconds": job.info.get("wall_seconds") if job.status == "ok" else None,
    }
    row.update(job.overrides)
    if job.summary is not None:
        flat = pd.json_normalize(job.summary, sep=".").iloc[0].to_dict()
        for key, value in flat.items():
            row[f"summary.{key}" if key in row else key] = value
    return row


def _uniform(column: pd.Series) -> pd.Series:
    """A column Parquet can store: numbers stay numbers, anything else becomes text."""
    present = column.dropna()
    if present.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).all():
        return pd.to_numeric(column)
    if present.map(lambda v: isinstance(v, bool)).all():
        return column
    return column.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
