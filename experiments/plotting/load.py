"""Reading a run directory or a multirun (sweep) directory from disk.

The layout is the contract of ``experiments/run.py``: a run directory holds ``.hydra/``,
the model's tables as Parquet and ``summary.json`` (written last: its presence means the
run is complete; a failed job has ``error.json`` instead). A multirun directory holds
numbered job directories and, when the sweep callback ran, ``sweep_summary.parquet``.

:class:`Results` gives every figure the same view of either: one or more complete jobs,
their parameters, and each table pooled over jobs with ``job`` and ``seed`` columns.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

TABLES = ("groups", "group_weeks", "memberships", "hourly_activity", "professionals", "network")
NOT_PARAMETERS = {"seed"}
"""Override keys that never count as a swept parameter of a figure (replicates)."""


class PlotInputError(Exception):
    """The path is not a readable run or multirun directory; the message is one line."""


@dataclass
class Job:
    """One complete run: its directory, overrides and summary."""

    name: str
    path: Path
    overrides: dict[str, Any]
    summary: dict[str, Any]
    _config: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def config(self) -> dict[str, Any]:
        """The resolved config (``.hydra/config.yaml``), or {} when there is none."""
        if self._config is None:
            file = self.path / ".hydra" / "config.yaml"
            self._config = _read_yaml(file) if file.is_file() else {}
            if not isinstance(self._config, dict):
                self._config = {}
        return self._config

    @property
    def seed(self) -> Any:
        for source in (self.overrides, self.summary, self.config):
            if source.get("seed") is not None:
                return source["seed"]
        return None

    def setting(self, dotted: str, default: Any = None) -> Any:
        """A config value by dotted key (``classification.window_weeks``), or ``default``."""
        node: Any = self.config
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


def parse_value(text: str) -> Any:
    """An override value as int, float or str (never YAML's yes/no/off booleans)."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_overrides(lines: list[str]) -> dict[str, Any]:
    """``["a.b=1", "+c=x"]`` -> ``{"a.b": 1, "c": "x"}``; deletions (``~key``) are skipped."""
    out: dict[str, Any] = {}
    for line in lines or []:
        key, sep, value = str(line).partition("=")
        if not sep or key.startswith("~"):
            continue
        out[key.lstrip("+")] = parse_value(value)
    return out


def _read_yaml(file: Path) -> Any:
    try:
        return yaml.safe_load(file.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise PlotInputError(f"cannot read {file}: {exc.__class__.__name__}") from exc


def _read_summary(run_dir: Path) -> dict[str, Any]:
    file = run_dir / "summary.json"
    try:
        data = json.loads(file.read_text())
    except (OSError, ValueError) as exc:
        raise PlotInputError(f"cannot read {file}: {exc.__class__.__name__}") from exc
    if not isinstance(data, dict):
        raise PlotInputError(f"{file} is not a JSON object")
    return data


def _read_job(name: str, run_dir: Path) -> Job:
    overrides_file = run_dir / ".hydra" / "overrides.yaml"
    overrides = parse_overrides(_read_yaml(overrides_file)) if overrides_file.is_file() else {}
    return Job(name=name, path=run_dir, overrides=overrides, summary=_read_summary(run_dir))


def _error_of(run_dir: Path) -> str:
    file = run_dir / "error.json"
    if file.is_file():
        try:
            data = json.loads(file.read_text())
            if isinstance(data, dict):
                return str(data.get("error") or data.get("message") or data)
            return str(data)
        except (OSError, ValueError):
            return "error.json unreadable"
    return "incomplete (no summary.json)"


def is_run_dir(path: Path) -> bool:
    return (path / "summary.json").is_file() or (path / "error.json").is_file() or (
        path / "groups.parquet"
    ).is_file()


def _job_dirs(path: Path) -> list[Path]:
    dirs = [p for p in path.iterdir() if p.is_dir() and p.name.isdigit()]
    return sorted(dirs, key=lambda p: int(p.name))


def is_multirun_dir(path: Path) -> bool:
    if (path / "sweep_summary.parquet").is_file() or (path / "sweep_summary.csv").is_file():
        return True
    if (path / "multirun.yaml").is_file():
        return True
    return any(is_run_dir(d) for d in _job_dirs(path))


@dataclass
class Results:
    """Complete jobs of a run (one job) or a sweep (several), and tables pooled over them."""

    kind: str  # "run" or "multirun"
    root: Path
    jobs: list[Job]
    failed: list[tuple[str, str]] = field(default_factory=list)
    _cache: dict[tuple, pd.DataFrame] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ jobs
    def params(self) -> pd.DataFrame:
        """One row per job: ``job``, ``seed`` and one column per override key."""
        rows = [{"job": j.name, "seed": j.seed, **{k: v for k, v in j.overrides.items() if k != "seed"}} for j in self.jobs]
        return pd.DataFrame(rows)

    def swept(self) -> list[str]:
        """Override keys with more than one distinct value over the jobs, seed excluded."""
        return swept_parameters(self.params())

    # ---------------------------------------------------------------- tables
    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Table ``name`` of every job, concatenated, with ``job`` and ``seed`` columns."""
        key = (name, tuple(columns) if columns else None)
        if key not in self._cache:
            parts = []
            for job in self.jobs:
                file = job.path / f"{name}.parquet"
                try:
                    df = pd.read_parquet(file, columns=columns)
                except Exception as exc:  # pyarrow raises several kinds
                    raise PlotInputError(f"cannot read {file}: {exc.__class__.__name__}") from exc
                df.insert(0, "seed", job.seed)
                df.insert(0, "job", job.name)
                parts.append(df)
            self._cache[key] = pd.concat(parts, ignore_index=True)
        return self._cache[key]

    def has_table(self, name: str) -> bool:
        return all((job.path / f"{name}.parquet").is_file() for job in self.jobs)

    def groups(self) -> pd.DataFrame:
        """The groups table with each job's horizon (``horizon_weeks``) and swept parameters."""
        groups = self.table("groups").copy()
        groups["horizon_weeks"] = groups["job"].map(self.horizon_weeks())
        params = self.params()
        extra = [c for c in params.columns if c not in groups.columns or c == "job"]
        return groups.merge(params[extra], on="job", how="left")

    def horizon_weeks(self) -> dict[str, float]:
        """Simulated weeks per job: the summary's ``weeks``, the config's ``duration.weeks``,
        else the number of weeks in ``group_weeks``."""
        out: dict[str, float] = {}
        weekly = None
        for job in self.jobs:
            weeks = job.summary.get("weeks")
            if weeks is None:
                weeks = job.overrides.get("duration.weeks", job.setting("duration.weeks"))
            if weeks is None:
                if weekly is None:
                    weekly = self.table("group_weeks", ["week"]).groupby("job")["week"].max() + 1
                weeks = weekly.get(job.name, math.nan)
            out[job.name] = float(weeks)
        return out

    def population_sizes(self) -> dict[str, float]:
        """Professionals per job (rows of ``professionals.parquet``)."""
        import pyarrow.parquet as pq

        out = {}
        for job in self.jobs:
            file = job.path / "professionals.parquet"
            try:
                out[job.name] = float(pq.ParquetFile(file).metadata.num_rows)
            except Exception as exc:
                raise PlotInputError(f"cannot read {file}: {exc.__class__.__name__}") from exc
        return out

    # ------------------------------------------------------------- settings
    def thresholds(self) -> dict[str, float]:
        """Classification thresholds: summary, else config, else the model's defaults."""
        from dataclasses import asdict

        from sim.params import ClassificationParams

        job = self.jobs[0]
        out: dict[str, Any] = asdict(ClassificationParams())
        for key in out:
            out[key] = job.setting(f"classification.{key}", out[key])
        out.update(job.summary.get("thresholds") or {})
        return out

    def clock(self) -> dict[str, Any]:
        """Work hours of the clock (``work_start``, ``work_end``): config, else defaults."""
        from dataclasses import asdict

        from sim.params import ClockParams

        job = self.jobs[0]
        return {k: job.setting(f"clock.{k}", v) for k, v in asdict(ClockParams()).items()}


def swept_parameters(params: pd.DataFrame) -> list[str]:
    """Columns of a per-job parameter table that vary (missing counts as a value)."""
    out = []
    for column in params.columns:
        if column in ("job",) or column in NOT_PARAMETERS or column.startswith("hydra"):
            continue
        if params[column].astype(str).nunique(dropna=False) > 1:
            out.append(column)
    return out


def _sweep_jobs(root: Path) -> list[tuple[str, Path, str]]:
    """(name, directory, status) of each job: from sweep_summary, else from the job dirs.

    The sweep summary names a job by ``job_num`` or ``job`` and its directory by
    ``job_dir`` or ``dir`` (absolute, or relative to the sweep root)."""
    summary = None
    for name in ("sweep_summary.parquet", "sweep_summary.csv"):
        file = root / name
        if file.is_file():
            try:
                summary = pd.read_parquet(file) if name.endswith("parquet") else pd.read_csv(file)
                break
            except Exception:
                summary = None  # fall back to the next file or the job directories
    jobs = []
    num = next((c for c in ("job_num", "job") if summary is not None and c in summary.columns), None)
    if num is not None:
        directory = "job_dir" if "job_dir" in summary.columns else "dir"
        for row in summary.to_dict("records"):
            name = str(int(row[num]))
            path = _locate_job(root, name, row.get(directory))
            status = str(row.get("status", "ok"))
            if status == "ok" and not (path / "summary.json").is_file():
                status = "missing"
            jobs.append((name, path, status))
        return jobs
    for path in _job_dirs(root):
        if is_run_dir(path) or (path / ".hydra").is_dir():
            jobs.append((path.name, path, "ok" if (path / "summary.json").is_file() else "failed"))
    return jobs


def _locate_job(root: Path, name: str, job_dir: Any) -> Path:
    candidates = [root / name]
    if isinstance(job_dir, str) and job_dir:
        candidates = [Path(job_dir), root / job_dir, root / Path(job_dir).name] + candidates
    for candidate in candidates:
        if (candidate / "summary.json").is_file():
            return candidate
    return root / name


def load(path: str | Path) -> Results:
    """Read a run or multirun directory; :class:`PlotInputError` if it is neither."""
    root = Path(path).expanduser()
    if not root.exists():
        raise PlotInputError(f"{root} does not exist")
    if not root.is_dir():
        raise PlotInputError(f"{root} is not a directory (give a run or multirun directory)")
    try:
        if is_run_dir(root):
            if not (root / "summary.json").is_file():
                raise PlotInputError(f"{root} holds no complete run: {_error_of(root)}")
            return Results("run", root, [_read_job(root.name, root)])
        if is_multirun_dir(root):
            jobs, failed = [], []
            for name, job_dir, status in _sweep_jobs(root):
                if status == "ok":
                    jobs.append(_read_job(name, job_dir))
                else:
                    failed.append((name, _error_of(job_dir)))
            if not jobs:
                raise PlotInputError(f"{root} is a multirun directory without a complete job")
            return Results("multirun", root, jobs, failed)
    except PermissionError as exc:
        raise PlotInputError(f"cannot read {root}: permission denied") from exc
    raise PlotInputError(f"{root} is neither a run directory (summary.json) nor a multirun directory")
