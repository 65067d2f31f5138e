"""A sweep on disk: reading its jobs back (the one reader), and its identity.

:func:`read_jobs` lists the job directories of a sweep root with their status (``ok``: the
manifest verifies; ``failed``: ``error.json``; ``missing``: neither), overrides and
summary; the sweep summary (:mod:`experiments.sweep_summary`) and the figures
(:func:`experiments.plotting.load.load`) both read a sweep through it.

A sweep root records in ``sweep.json`` the identity of what it computes: its model
configuration and overrides with the *values* of the swept keys left out. A later sweep
with the same identity may add values of the swept keys (more seeds, more levels) with
``resume=true``: :func:`place_jobs` first moves every finished job to the number the new
sweep gives its overrides, so only the new jobs run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from experiments import results
from experiments.digest import digest

# ------------------------------------------------------------------ reading


@dataclass
class JobRecord:
    """One job directory of a sweep, as found on disk."""

    num: int
    path: Path
    status: str  # ok | failed | missing
    reason: str = ""
    """Why it is not ok: the error's ``Type: message`` (failed) or the manifest's verdict (missing)."""
    message: str = ""
    """The error's message alone (failed)."""
    overrides: Dict[str, Any] = field(default_factory=dict)
    summary: Optional[Dict[str, Any]] = None
    info: Dict[str, Any] = field(default_factory=dict)


def job_paths(root: Path) -> List[Path]:
    """The job directories below ``root``: every directory holding ``.hydra/``, and Hydra's numbered ones."""
    root = Path(root)
    found = {h.parent for h in root.rglob(".hydra") if h.parent != root} | set(results.job_dirs(root))
    return sorted(found, key=lambda p: (_number_of(p.name), str(p)))


def read_job(job_dir: Path) -> JobRecord:
    """The status, overrides and (when ok) summary of one job directory (no overrides if `.hydra/` is unreadable)."""
    verdict = results.verify(job_dir)
    error = results.read_json(job_dir / results.ERROR)
    try:
        overrides = results.job_overrides(job_dir)
        hydra_file = job_dir / ".hydra" / "hydra.yaml"
        hydra_cfg = (results.read_yaml(hydra_file) or {}) if hydra_file.is_file() else {}
    except results.ResultsError:
        overrides, hydra_cfg = {}, {}
    num = ((hydra_cfg.get("hydra") or {}).get("job") or {}).get("num")
    status = "ok" if verdict else "failed" if error is not None else "missing"
    message = str((error or {}).get("message") or error or "") if status == "failed" else ""
    reason = {"ok": "", "failed": f"{(error or {}).get('type', 'Error')}: {(error or {}).get('message', '')}",
              "missing": verdict.reason}[status]
    return JobRecord(
        num=int(num) if num is not None else _number_of(job_dir.name), path=job_dir, status=status, reason=reason,
        message=message, overrides=overrides,
        summary=results.read_json(job_dir / results.SUMMARY) if verdict else None,
        info=(results.read_json(job_dir / results.RUN_INFO) or {}) if verdict else {},
    )


def read_jobs(root: Path) -> List[JobRecord]:
    """Every job below ``root``, in job order."""
    return [read_job(job_dir) for job_dir in job_paths(root)]


def _number_of(name: str) -> int:
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else -1


# ------------------------------------------------------------------ identity and growth


def sweep_identity(model_config: Mapping[str, Any], fixed: Sequence[str], swept: Sequence[str]) -> str:
    """A digest of what a sweep computes apart from the values of its swept keys.

    ``model_config``: the composed model configuration without the swept keys; ``fixed``:
    the overrides with one value; ``swept``: the keys swept (by the command line or the
    preset's ``hydra.sweeper.params``).
    """
    return digest({"config": model_config, "overrides": sorted(fixed), "swept": sorted(set(swept))})


def check_root(root: Path, identity: str, resume: bool, overwrite: bool) -> Tuple[str, List[Path]]:
    """Decide what a new sweep may do with ``root``: ``("new"|"same"|"overwrite", old jobs)``.

    ``same``: the jobs there are of this sweep (finished ones are kept with ``resume=true``).
    Raises :class:`experiments.results.ResultsError` when ``root`` holds jobs of another
    configuration (or an unknown one) and ``overwrite`` is not set, and when it holds every
    job of this sweep already and neither ``resume`` nor ``overwrite`` says what to do.
    """
    jobs = [d for d in results.job_dirs(root) if any(d.iterdir())]
    if not jobs:
        return "new", []
    info = results.read_json(Path(root) / results.SWEEP_INFO) or {}
    if info.get("identity") == identity:
        return "same", jobs
    if overwrite:
        return "overwrite", jobs
    known = "another configuration" if info.get("identity") else "jobs of an unknown configuration"
    resume_note = " (resume=true only finishes or grows a sweep of the same configuration)" if resume else ""
    raise results.ResultsError(
        f"{results.shown(root)} holds {len(jobs)} job(s) of {known}{resume_note}: allowed another hydra.sweep.dir, "
        "or overwrite=true to delete those jobs first"
    )


def override_key(overrides: Mapping[str, Any], ignore: Sequence[str] = ()) -> str:
    """A job's overrides as one comparable text (order of keys, and keys in the sections ``ignore``, left out)."""
    return digest({str(k): v for k, v in overrides.items() if str(k).split(".")[0] not in ignore})


def place_jobs(root: Path, planned: Sequence[Mapping[str, Any]], ignore: Sequence[str] = ()) -> Dict[str, int]:
    """Move the jobs of ``root`` to the numbers ``planned`` (job -> overrides) gives them.

    Overrides are compared without the keys ``ignore`` and those below them (run-level keys
    such as ``resume`` and ``sensitivity.seeds``).

    A job whose overrides are planned moves to that job's number; one that is not planned
    (a value left out this time) moves after the last planned job, so that nothing finished
    is overwritten. Returns counts: ``kept`` (jobs with a manifest where the sweep will look;
    each verifies itself when it resumes), ``moved``.
    """
    root = Path(root)
    wanted = {override_key(o, ignore): i for i, o in enumerate(planned)}
    existing = {p: _overrides_or_none(p) for p in results.job_dirs(root) if any(p.iterdir())}
    target: Dict[Path, int] = {}
    left_out = []
    for path, overrides in existing.items():
        number = None if overrides is None else wanted.get(override_key(overrides, ignore))
        if number is None or number in target.values():
            left_out.append(path)
        else:
            target[path] = number
    spare = len(planned)
    for path in sorted(left_out, key=lambda p: int(p.name)):  # after the planned jobs, in their old order
        while spare in target.values():
            spare += 1
        target[path] = spare
    moves = {p: n for p, n in target.items() if int(p.name) != n}
    for path in moves:  # two steps: a move never lands on a directory that is still to move
        os.replace(path, root / f".grow-{path.name}")
    for path, number in moves.items():
        os.replace(root / f".grow-{path.name}", root / str(number))
    kept = sum(1 for n in target.values() if n < len(planned) and (root / str(n) / results.MANIFEST).is_file())
    return {"kept": kept, "moved": len(moves)}


def _overrides_or_none(job_dir: Path) -> Optional[Dict[str, Any]]:
    try:
        return results.job_overrides(job_dir)
    except results.ResultsError:
        return None
