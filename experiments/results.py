"""Results on disk: atomic writes, completeness, and reading a job directory back.

A run directory holds ``.hydra/`` (written by Hydra), one ``<table>.parquet`` per table of
the model, ``run.json`` (the model-config digest and timings) and, written last,
``summary.json``: its presence means the run is complete. A failed job holds
``error.json`` instead of ``summary.json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional

import pandas as pd

SUMMARY = "summary.json"
RUN_INFO = "run.json"
ERROR = "error.json"


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary name in ``path``'s directory, then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    text = json.dumps(data, indent=2, sort_keys=True, default=_jsonable) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text))


def write_parquet(path: Path, table: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))


def read_json(path: Path) -> Optional[Dict[str, Any]]:
    """The JSON object in ``path``, or None if it is missing or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_complete(job_dir: Path, digest: str) -> bool:
    """True if ``job_dir`` holds complete results of the model config with this digest."""
    info = read_json(job_dir / RUN_INFO)
    return (job_dir / SUMMARY).is_file() and info is not None and info.get("config_hash") == digest


def clear_outcome(job_dir: Path) -> None:
    """Remove a previous outcome, so that the directory does not look complete meanwhile."""
    for name in (SUMMARY, ERROR, RUN_INFO):
        (job_dir / name).unlink(missing_ok=True)


def shown(path: Path) -> str:
    """``path`` relative to the current directory when it is below it (for messages)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _jsonable(value: Any) -> Any:
    """JSON for numpy scalars and arrays and paths in a summary."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
