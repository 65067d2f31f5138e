"""One job: run the model of a composed config and write its results directory.

A run writes, in its directory, the model's tables as ``<name>.parquet``, ``run.json``,
``summary.json`` and, last, ``manifest.json``: the format and its rules (lock,
completeness, resume) are :mod:`experiments.results`. :mod:`experiments.run` calls
:func:`run_job` once the configuration has passed every check.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from omegaconf import DictConfig
from tqdm import tqdm

from experiments import results
from experiments.config import model_params
from experiments.digest import config_hash
from experiments.objective import objective_value
from sim import summary as sim_summary
from sim.model import GroupCultureModel

log = logging.getLogger("experiments.run")


def run_job(cfg: DictConfig, out: Path, label: str = "run") -> Dict[str, Any]:
    """Run the model of ``cfg`` and write its results to ``out``; return the summary.

    The caller holds ``out``'s lock. With ``resume=true`` a directory whose manifest verifies
    for this configuration is kept; any other is re-run, and the reason is logged.
    """
    params = model_params(cfg)
    digest = config_hash(params)
    if cfg.resume:
        verdict = results.verify(out, digest)
        if verdict:
            log.info("%s: complete results of this config already in %s (resume=true): skipped", label,
                     results.shown(out))
            return results.read_json(out / results.SUMMARY) or {}
        if any(results.result_files(out)) or (out / results.ERROR).exists():
            log.info("%s: re-running (%s)", label, verdict.reason)
    results.clear_outcome(out)

    started = time.time()
    summary = simulate(params, out, label)
    objective_value(summary, cfg.objective)  # a wrong objective fails before the run looks complete
    results.write_json(
        out / results.RUN_INFO,
        {"config_hash": digest, "seed": params.seed, "started": started,
         "wall_seconds": round(time.time() - started, 3)},
    )
    results.write_json(out / results.SUMMARY, summary)  # other tools read it
    results.write_manifest(out, digest, params.seed)  # last: the directory is complete when it verifies
    log.info("%s: %s -> %s", label, one_line_summary(summary), results.shown(out))
    return summary


def simulate(params, out: Path, label: str) -> Dict[str, Any]:
    """Run the model, write its tables to ``out`` and return its summary, in bounded memory.

    Tables are streamed to Parquet in row groups (never whole in memory). The model is then
    let go, and the summary reads the few columns it needs back from the files just written
    (:data:`sim.summary.READS`): the model's state and the summary's work are never in
    memory together (a million professionals' state is 1.3 GB).
    """
    model = GroupCultureModel(params)
    spinup = params.duration.spinup_weeks
    with progress(spinup + params.duration.weeks, label) as bar:
        bar.set_postfix_str("spin-up" if spinup else "reported")
        model.spin_up(on_week=lambda _week: bar.update(1))
        bar.set_postfix_str("reported")
        model.run(on_week=lambda _week: bar.update(1))
    names = write_tables(model, out)
    params = model.params
    del model
    gc.collect()  # the model's views refer back to it: free its state before the summary's work
    return sim_summary.summary(params, results.read_tables(out, names, sim_summary.READS))


def write_tables(model: GroupCultureModel, out: Path) -> List[str]:
    """Write the model's tables to ``out/<name>.parquet``, streamed in row groups; return their names.

    A function of its own, so that nothing it held (a table's columns refer to the model's
    state) outlives it.
    """
    tables = model.lazy_tables()
    names = list(tables)
    for name in names:  # each table let go once written (with what it cached: the network's edges, per-person totals)
        results.write_parquet(out / f"{name}.parquet", tables.pop(name).chunks(results.ROW_GROUP))
    return names


def progress(weeks: int, label: str) -> tqdm:
    """A bar of simulated weeks (spin-up, then reported) with time remaining, shown after 2 s, on a terminal only."""
    return tqdm(total=weeks, desc=label, unit="week", delay=2, disable=not sys.stderr.isatty())


JUDGED_ROLES = ("calibration", "validation")
"""Facts the run line counts: those whose verdict is evidence (not ``reported`` or ``diagnostic``)."""


def one_line_summary(summary: Dict[str, Any]) -> str:
    """Share thriving / dormant and stylized facts passed, in one line."""
    facts = {k: f for k, f in (summary.get("stylized_facts") or {}).items()
             if isinstance(f, dict) and f.get("role") in JUDGED_ROLES}
    judged = [name for name, fact in facts.items() if fact.get("pass") is not None]
    passed = [name for name in judged if facts[name]["pass"]]
    parts = [
        f"thriving {_percent(summary.get('share_thriving'))}",
        f"dormant {_percent(summary.get('share_dormant'))}",
    ]
    if facts and not judged:
        parts.append("no stylized fact judged in this run (S1-S3 need large groups; S4 and S6 are judged over seeds)")
    elif facts:
        parts.append(f"stylized facts passed {len(passed)}/{len(judged)} judged in this run ({', '.join(judged)})")
    return ", ".join(parts)


def _percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * float(value):.0f}%"
