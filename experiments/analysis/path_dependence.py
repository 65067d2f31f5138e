"""S4 (path dependence) over a sweep of replicate runs of the same initial states.

``configs/experiment/path_dependence.yaml`` registers :class:`PathDependenceReport` under
``hydra.callbacks``. At the end of the sweep it reads every finished job from disk, groups
the jobs whose configuration is identical except for ``dynamics_seed`` (one initial state:
same members, network and groups), and evaluates S4 with :func:`sim.facts.path_dependence`
on each initial state's final ``groups`` tables. It writes at the sweep root

* ``path_dependence.csv``: one row per cell and initial state (cell, initial-state
  ``seed``, within-group split, replicates, the control, shares thriving and dormant);
* ``path_dependence.md``: per cell the mean split over initial-state seeds (the
  independent units) with a 95% interval over them (:mod:`experiments.intervals`), S4's
  frozen target and pass/fail, and the control: the same computation on replicates that share one dynamics seed.

A cell is what the jobs' overrides set apart, besides ``seed`` and ``dynamics_seed``, with
the keys the preset sweeps (charter and initial size) even when the command line fixes one.
Rebuild the report on a finished, resumed or partly failed sweep with
``python -m experiments.analysis.path_dependence SWEEP_DIR``.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from experiments import results
from experiments.analysis.power import seeds_needed
from experiments.config import model_dict
from experiments.digest import config_hash
from experiments.intervals import RULE, over_seeds
from experiments.schema import RUN_KEYS
from experiments.sweep import read_jobs
from sim.facts import FACTS, path_dependence
from sim.facts import result as fact_result
from sim.params import ModelParams
from sim.states import outcome_states

REPLICATES_NEEDED = 10
"""Dynamics seeds per initial state that can show S4's 10% at all: a group's split is the
smaller of its shares of replicates ending thriving and dormant, in steps of 1/replicates."""
NOT_A_CELL = ("seed", "dynamics_seed", *RUN_KEYS)
"""Override keys that do not define a cell: the initial state's seed, the replicate, run keys."""
CSV = "path_dependence.csv"
MD = "path_dependence.md"


def job_table(root: Path) -> pd.DataFrame:
    """One row per job directory: job, dir, ok, cell, seed, dynamics_seed, state.

    ``state`` is the digest of the job's model configuration with ``dynamics_seed`` unset
    (:func:`experiments.digest.config_hash`): jobs with the same state share their initial
    state and are replicates of it.
    """
    rows, overrides = [], []
    for job in read_jobs(root):
        overrides.append({k: v for k, v in job.overrides.items() if k not in NOT_A_CELL})
        config = job.path / ".hydra" / "config.yaml"  # absent in a job killed as it started
        model = model_dict(OmegaConf.load(config)) if config.is_file() else {}
        state = config_hash(ModelParams.from_dict(model), dynamics_seed=-1) if job.status == "ok" and model else ""
        rows.append({"job": job.num, "dir": str(job.path.relative_to(root)), "ok": bool(state),
                     "seed": model.get("seed"), "dynamics_seed": model.get("dynamics_seed", -1), "state": state})
    varying = pd.DataFrame(overrides).astype(str).nunique(dropna=False)
    preset = _sweeper_keys(root)  # a preset's cell keys stay in the label when the command line fixes them
    swept = [k for k in varying.index if varying[k] > 1 or k in preset]  # in override order
    for row, given in zip(rows, overrides, strict=True):
        row["cell"] = ", ".join(f"{k}={given.get(k)}" for k in swept) or "all"
    return pd.DataFrame(rows, columns=["job", "dir", "ok", "cell", "seed", "dynamics_seed", "state"])


def _sweeper_keys(root: Path) -> List[str]:
    """The keys of the sweep's ``hydra.sweeper.params`` (its ``multirun.yaml``), [] without one."""
    file = root / "multirun.yaml"
    params = OmegaConf.select(OmegaConf.load(file), "hydra.sweeper.params") if file.is_file() else None
    return list(params or [])


def _between_groups(groups: pd.DataFrame) -> float:
    """The smaller of the shares of one run's groups ending thriving and dormant (what S4 does not count)."""
    state = outcome_states(groups)
    return float(min(state.eq("thriving").mean(), state.eq("dormant").mean()))


def state_row(root: Path, jobs: pd.DataFrame) -> Dict[str, Any]:
    """S4 on the finished replicates of one initial state (one dynamics seed each)."""
    jobs = jobs.drop_duplicates("dynamics_seed")  # the same dynamics seed is the same run
    tables = [pd.read_parquet(root / d / "groups.parquet") for d in jobs["dir"]]
    s4 = path_dependence(tables)
    states = outcome_states(pd.concat(tables)) if tables else pd.Series(dtype=str)
    best = s4["cell"] or {}
    return {
        "cell": jobs["cell"].iloc[0], "seed": jobs["seed"].iloc[0], "within_group_split": s4["within_group_split"],
        "replicates": len(tables), "dynamics_seeds": " ".join(map(str, sorted(jobs["dynamics_seed"]))),
        "control_split": path_dependence(tables[:1] * len(tables))["within_group_split"],
        "between_groups_split": float(np.mean([_between_groups(t) for t in tables])) if tables else math.nan,
        "share_thriving": float(states.eq("thriving").mean()), "share_dormant": float(states.eq("dormant").mean()),
        "groups": len(tables[0]) if tables else 0,
        "best_charter": best.get("charter"), "best_size": f"{best['size_from']}-{best['size_to']}" if best else None,
        "state": jobs["state"].iloc[0],
    }


def per_state(root: Path, jobs: pd.DataFrame) -> pd.DataFrame:
    """One row per initial state with at least one finished replicate (see :func:`state_row`)."""
    ok = jobs[jobs["ok"]]
    rows = [state_row(root, part) for _, part in ok.groupby("state", sort=False)]
    table = pd.DataFrame(rows)
    return table.sort_values(["cell", "seed"], kind="stable").reset_index(drop=True) if len(table) else table


def target_low() -> float:
    """The lower end of S4's frozen target range (:data:`sim.facts.FACTS`): 10%."""
    return FACTS["S4"].measures[0][1]


def per_cell(states: pd.DataFrame) -> pd.DataFrame:
    """Per cell: mean split over initial-state seeds, its 95% interval (:func:`over_seeds`), and S4's verdict.

    ``seeds_needed``: initial-state seeds for a two-sided 5% test with 80% power to tell the
    cell's mean from the target's 10% at the distance observed, from the SD over seeds
    (:func:`experiments.analysis.power.seeds_needed`; NaN without a spread).
    """
    rows = []
    for cell, part in states.groupby("cell", sort=False):
        mean, low, high, _, method = over_seeds(part["within_group_split"].to_numpy())
        sd = float(part["within_group_split"].std(ddof=1))
        rows.append({
            "cell": cell, "seeds": int(part["within_group_split"].notna().sum()),
            "replicates": int(part["replicates"].min()), "within_group_split": mean, "ci_low": low, "ci_high": high,
            "interval": method, "control_split": float(part["control_split"].max()),
            "between_groups_split": float(part["between_groups_split"].mean()),
            "share_thriving": float(part["share_thriving"].mean()),
            "share_dormant": float(part["share_dormant"].mean()),
            "pass": fact_result("S4", {"within_group_split": mean})["pass"],
            "sd": sd, "seeds_needed": seeds_needed(sd, round(abs(mean - target_low()), 9)),
        })
    return pd.DataFrame(rows)


def verdict(cells: pd.DataFrame) -> str:
    """S4 over the sweep: passes when at least one cell's mean split is in the target range."""
    judged = cells[cells["pass"].notna()] if len(cells) else cells
    if not len(judged):
        return (f"not judged: S4 needs at least 2 replicates (dynamics seeds) of an initial state, and"
                f" {REPLICATES_NEEDED} to show a split of 10%")
    best = judged.loc[judged["within_group_split"].idxmax()]
    where = f"largest split {_fmt(best['within_group_split'])} in cell {best['cell']}"
    return f"pass ({where})" if bool(judged["pass"].any()) else f"FAIL (no cell reaches the target; {where})"


def _fmt(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.3g}"


def markdown(root: Path, jobs: pd.DataFrame, states: pd.DataFrame, cells: pd.DataFrame) -> str:
    """The report: header, verdict, one row per cell, one row per initial state."""
    lines = ["# Path dependence (S4)", "",
             f"Sweep: {results.shown(root)}; {int(jobs['ok'].sum())} finished job(s) of {len(jobs)},"
             f" {len(states)} initial state(s) in {len(cells)} cell(s).", "", *cell_table(states, cells), "",
             "Per initial state:", "", "| cell | seed | replicates | within-group split | class | control |",
             "|---|---|---|---|---|---|"]
    for r in states.to_dict("records"):
        lines.append(f"| {r['cell']} | {r['seed']} | {r['replicates']} | {_fmt(r['within_group_split'])}"
                     f" | {r['best_charter'] or ''} {r['best_size'] or ''} | {_fmt(r['control_split'])} |")
    return "\n".join(lines) + "\n"


def cell_table(states: pd.DataFrame, cells: pd.DataFrame) -> List[str]:
    """The definition, the verdict and one row per cell (the report's and ``groupsim-report``'s block)."""
    fact = FACTS["S4"]
    low, high = fact.measures[0][1:]
    few = int((states["replicates"] < REPLICATES_NEEDED).sum()) if len(states) else 0
    lines = [
        f"S4 ({fact.role}): {fact.definition}. Target: {fact.target} (within-group split {low:g}-{high:g}).", "",
        "Within-group split (sim.facts.path_dependence): per group, the smaller of the shares of replicates"
        " (dynamics seeds of one initial state) ending thriving and dormant; the mean over the groups of the"
        " charter x size class with the largest mean. Per cell: mean over initial-state seeds (the independent"
        " units), with its " + RULE + "; pass: the mean is in the target range."
        " Control: the same computation on replicates sharing one dynamics seed (must be 0). Between groups:"
        " the smaller of the shares of one run's groups ending thriving and dormant, averaged over replicates"
        " (heterogeneity between groups, which S4 does not count). Seeds needed: initial-state seeds for 80%"
        " power (5% two-sided) to tell the cell's mean from 10% at the distance observed.", "",
        f"**S4: {verdict(cells)}.**", "",
    ]
    if few:
        lines += [f"{few} initial state(s) have fewer than {REPLICATES_NEEDED} replicates: a group's split moves in"
                  " steps of 1/replicates, so a 10% split may not be observable there.", ""]
    lines += ["| cell | seeds | replicates per state | within-group split | 95% interval | control"
              " | between groups | thriving / dormant | pass | seeds needed |", "|---" * 10 + "|"]
    for r in cells.to_dict("records"):
        judged = "not judged" if r["pass"] is None else ("pass" if r["pass"] else "FAIL")
        lines.append(f"| {r['cell']} | {r['seeds']} | {r['replicates']} | {_fmt(r['within_group_split'])}"
                     f" | {_fmt(r['ci_low'])}-{_fmt(r['ci_high'])} ({r['interval']}) | {_fmt(r['control_split'])}"
                     f" | {_fmt(r['between_groups_split'])} | {r['share_thriving']:.0%} / {r['share_dormant']:.0%}"
                     f" | {judged} | {_fmt(r['seeds_needed'])} |")
    return lines


def report(root: Path) -> pd.DataFrame:
    """Write ``path_dependence.csv`` and ``.md`` at the sweep root ``root``; return the per-cell table."""
    jobs = job_table(root)
    if not jobs["ok"].any():
        print(f"error: no finished job in {results.shown(root)} to analyse ({len(jobs)} job directories)",
              file=sys.stderr)
        raise SystemExit(1)
    not_ok = jobs[~jobs["ok"]]
    if len(not_ok):
        print(f"path dependence: analysed what is there; {len(not_ok)} job(s) failed or unfinished"
              f" ({', '.join(map(str, not_ok['job'].tolist()[:20]))})", file=sys.stderr)
    states = per_state(root, jobs)
    cells = per_cell(states)
    results.write_csv(root / CSV, states)
    text = markdown(root, jobs, states, cells)
    results.atomic_write(root / MD, lambda tmp: tmp.write_text(text))
    print(f"path dependence: S4 {verdict(cells)} -> {results.shown(root / MD)}")
    return cells


class PathDependenceReport(Callback):
    """``path_dependence.csv`` and ``.md`` at the sweep root (S4 over replicate dynamics seeds)."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Analyse the sweep's jobs from disk."""
        report(Path(config.hydra.sweep.dir).resolve())


def main(argv: List[str] | None = None) -> None:
    """``python -m experiments.analysis.path_dependence SWEEP_DIR``: rebuild the report from disk."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir() or not results.job_dirs(Path(args[0])):
        print("usage: python -m experiments.analysis.path_dependence SWEEP_DIR (a sweep directory with job"
              " directories)", file=sys.stderr)
        raise SystemExit(2)
    report(Path(args[0]).resolve())


if __name__ == "__main__":
    main()
