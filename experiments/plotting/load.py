"""Reading a run directory or a multirun (sweep) directory from disk.

The layout is :mod:`experiments.results`: a run directory holds ``.hydra/``, the model's
tables as Parquet, ``summary.json`` and ``manifest.json`` (written last: the run is complete
only if its manifest verifies; a failed job has ``error.json`` instead). A multirun directory
holds numbered job directories; a job whose manifest does not verify is skipped with the reason.

:class:`Results` gives every figure the same view of either: one or more complete jobs,
their parameters, and each table pooled over jobs with ``job`` and ``seed`` columns.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from experiments import results as fmt
from experiments.analysis.design import SET_COLUMN
from experiments.sweep import JobRecord, read_jobs
from sim.params import ClassificationParams, ClockParams, DurationParams

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
        """The job's seed: from its overrides, else its summary, else its config."""
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


def _read_yaml(file: Path) -> Any:
    try:
        return fmt.read_yaml(file)
    except fmt.ResultsError as exc:
        raise PlotInputError(str(exc)) from exc


def _read_summary(run_dir: Path) -> dict[str, Any]:
    file = run_dir / fmt.SUMMARY
    data = fmt.read_json(file)
    if data is None:
        raise PlotInputError(f"cannot read {file}: not a JSON object")
    return data


def _read_job(name: str, run_dir: Path) -> Job:
    try:
        overrides = fmt.job_overrides(run_dir)
    except fmt.ResultsError as exc:
        raise PlotInputError(str(exc)) from exc
    return Job(name=name, path=run_dir, overrides=overrides, summary=_read_summary(run_dir))


def _why_incomplete(job: JobRecord) -> str:
    return f"failed: {job.message}" if job.status == "failed" else job.reason


def is_run_dir(path: Path) -> bool:
    """A directory with a run's files (complete or not)."""
    names = (fmt.MANIFEST, fmt.SUMMARY, fmt.ERROR, fmt.RUN_INFO, "groups.parquet")
    return any((path / name).is_file() for name in names)


def is_multirun_dir(path: Path) -> bool:
    """A sweep root: Hydra's ``multirun.yaml``, or numbered job directories."""
    if (path / "multirun.yaml").is_file() or (path / fmt.SWEEP_INFO).is_file():
        return True
    return any(is_run_dir(d) or (d / ".hydra").is_dir() for d in fmt.job_dirs(path))


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
        rows = [
            {"job": j.name, "seed": j.seed, **{k: v for k, v in j.overrides.items() if k != "seed"}} for j in self.jobs
        ]
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

    def groups(self) -> pd.DataFrame:
        """The groups table with each job's horizon (``horizon_weeks``) and swept parameters.

        Tables written before the groups table had ``at_start`` get it from ``founded_week``
        and the job's spin-up (a group present at the start was founded before it).
        """
        groups = self.table("groups").copy()
        groups["horizon_weeks"] = groups["job"].map(self.horizon_weeks())
        if "at_start" not in groups.columns and "founded_week" in groups.columns:
            groups["at_start"] = groups["founded_week"] < -groups["job"].map(self.spinup_weeks())
        params = self.params()
        extra = [c for c in params.columns if c not in groups.columns or c == "job"]
        return groups.merge(params[extra], on="job", how="left")

    def horizon_weeks(self) -> dict[str, float]:
        """Simulated weeks per job.

        The summary's ``weeks``, else the config's ``duration.weeks``, else the number of weeks
        in ``group_weeks``.
        """
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

    def spinup_weeks(self) -> dict[str, float]:
        """Spin-up weeks per job: its overrides, else its config, else the default."""
        default = DurationParams().spinup_weeks
        return {job.name: float(job.overrides.get("duration.spinup_weeks",
                                                  job.setting("duration.spinup_weeks", default)))
                for job in self.jobs}

    def population_sizes(self) -> dict[str, float]:
        """Professionals per job (rows of ``professionals.parquet``)."""
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
        job = self.jobs[0]
        out: dict[str, Any] = asdict(ClassificationParams())
        for key in out:
            out[key] = job.setting(f"classification.{key}", out[key])
        out.update(job.summary.get("thresholds") or {})
        return out

    def clock(self) -> dict[str, Any]:
        """Work hours of the clock (``work_start``, ``work_end``): config, else defaults."""
        job = self.jobs[0]
        return {k: job.setting(f"clock.{k}", v) for k, v in asdict(ClockParams()).items()}


def swept_parameters(params: pd.DataFrame) -> list[str]:
    """Columns of a per-job parameter table that vary (missing counts as a value).

    A sweep over calibrated parameter sets (``param_set``) is pooled, not swept: the set's
    label and the parameters that vary only with it are left out (figure 2 draws their band).
    """
    out = []
    pooled = set_parameters(params)
    for column in params.columns:
        if column in ("job",) or column in NOT_PARAMETERS or column in pooled or column.startswith("hydra"):
            continue
        if params[column].astype(str).nunique(dropna=False) > 1:
            out.append(column)
    return out


def set_parameters(params: pd.DataFrame) -> set[str]:
    """``param_set`` and the columns constant within each set (the sets' values), when sets vary."""
    if SET_COLUMN not in params.columns or params[SET_COLUMN].nunique() < 2:
        return set()
    within = params.astype(str).groupby(params[SET_COLUMN].astype(str)).nunique(dropna=False).max()
    return {SET_COLUMN} | {c for c, n in within.items() if n <= 1 and c != "job"}


def load(path: str | Path) -> Results:
    """Read a run or multirun directory; :class:`PlotInputError` if it is neither."""
    root = Path(path).expanduser()
    if not root.exists():
        raise PlotInputError(f"{root} does not exist")
    if not root.is_dir():
        raise PlotInputError(f"{root} is not a directory (give a run or multirun directory)")
    try:
        if is_run_dir(root):
            verdict = fmt.verify(root)
            if not verdict:
                error = fmt.read_json(root / fmt.ERROR)
                why = f"failed: {error.get('message') or error}" if error is not None else verdict.reason
                raise PlotInputError(f"{root} holds no complete run: {why}")
            return Results("run", root, [_read_job(root.name, root)])
        if is_multirun_dir(root):
            jobs, failed = [], []
            for job in read_jobs(root):
                name = str(job.path.relative_to(root))
                if job.status == "ok":
                    jobs.append(Job(name=name, path=job.path, overrides=job.overrides,
                                    summary=job.summary if job.summary is not None else _read_summary(job.path)))
                else:
                    failed.append((name, _why_incomplete(job)))
            if not jobs:
                raise PlotInputError(f"{root} is a multirun directory without a complete job")
            return Results("multirun", root, jobs, failed)
    except PermissionError as exc:
        raise PlotInputError(f"cannot read {root}: permission denied") from exc
    raise PlotInputError(f"{root} is neither a run directory (manifest.json) nor a multirun directory")
