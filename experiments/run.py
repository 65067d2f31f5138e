"""The command line: one configured run, or a Hydra multirun sweep.

    groupsim                                   # one run with configs/config.yaml
    groupsim population.size=5000 seed=3       # override any key
    groupsim -m experiment=charter_vs_size     # a whole experiment's sweep
    python -m experiments.run ...              # the same, from the source tree

A run writes, in its directory (``hydra.runtime.output_dir``), the model's tables as
``<name>.parquet``, ``run.json``, ``summary.json`` and, last, ``manifest.json``: the format
and its rules (lock, completeness, resume) are :mod:`experiments.results`. A failing job of a
sweep writes ``error.json`` and lets the sweep go on; see :mod:`experiments.callbacks` for
validation and the sweep's aggregation. Every override is checked before any work
(:func:`experiments.config.check_overrides`).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Dict, List, Optional

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig
from tqdm import tqdm

from experiments import errors, results
from experiments.config import CONFIG_DIR, check_overrides, config_hash, model_params, register_schema
from sim import GroupCultureModel
from sim import summary as sim_summary

log = logging.getLogger(__name__)

register_schema()


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def hydra_main(cfg: DictConfig) -> Optional[float]:
    """Hydra's task: one job, in its own output directory.

    Returns the summary value named by ``objective`` (for an optimising sweeper), if set.
    A single run's directory is locked by :class:`experiments.callbacks.GuardOutput`
    before Hydra writes into it; a sweep's job locks its own directory here.
    """
    hc = HydraConfig.get()
    out = Path(hc.runtime.output_dir)
    multirun = hc.mode == RunMode.MULTIRUN
    label = f"job {hc.job.num}" if multirun else "run"
    try:
        with results.locked(out, "job directory") if multirun else nullcontext():
            summary = run_job(cfg, out, label=label, plots=bool(cfg.plots) and not multirun)
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


def run_job(cfg: DictConfig, out: Path, label: str = "run", plots: bool = False) -> Dict[str, Any]:
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
    if plots:
        from experiments.plot import draw_figures  # matplotlib: only when figures are wanted

        draw_figures(out)
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
    for name, table in tables.items():
        results.write_parquet(out / f"{name}.parquet", table.chunks(results.ROW_GROUP))
    return list(tables)


def objective_value(summary: Dict[str, Any], key: Optional[str]) -> Optional[float]:
    """The summary's value at dotted ``key`` as a float (None when no key is given)."""
    if not key:
        return None
    value: Any = summary
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise ValueError(f"objective = {key!r} is not in the summary: allowed a numeric summary key")
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"objective = {key!r} is {value!r}: allowed a numeric summary key")
    return float(value)


def progress(weeks: int, label: str) -> tqdm:
    """A bar of simulated weeks (spin-up, then reported) with time remaining, shown after 2 s, on a terminal only."""
    return tqdm(total=weeks, desc=label, unit="week", delay=2, disable=not sys.stderr.isatty())


def one_line_summary(summary: Dict[str, Any]) -> str:
    """Share thriving / dormant and stylized facts passed, in one line."""
    facts = {k: f for k, f in (summary.get("stylized_facts") or {}).items() if isinstance(f, dict)}
    judged = [name for name, fact in facts.items() if fact.get("pass") is not None]
    passed = [name for name in judged if facts[name]["pass"]]
    parts = [
        f"thriving {_percent(summary.get('share_thriving'))}",
        f"dormant {_percent(summary.get('share_dormant'))}",
    ]
    if facts:
        parts.append(
            f"stylized facts passed {len(passed)}/{len(judged)} judged" + (f" ({' '.join(passed)})" if passed else "")
        )
    return ", ".join(parts)


def main() -> None:
    """Entry point of ``groupsim`` and ``python -m experiments.run``: one line per error.

    Hydra's own error printing is turned off (``HYDRA_FULL_ERROR=1`` makes it raise) and
    every error of composition or validation is caught here, printed as ``error: ...``
    and ends the program with status 2. Set ``HYDRA_FULL_ERROR=1`` yourself to see
    Hydra's full traceback instead.
    """
    sys.argv[1:] = flags_first(sys.argv[1:])
    try:
        check_overrides(overrides_of(sys.argv[1:]))
    except Exception as exc:  # a bad override: nothing has run, nothing is written
        print(f"error: {errors.describe(exc)}", file=sys.stderr)
        raise SystemExit(2) from None
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
        print("interrupted: finish a sweep later with the same command, hydra.sweep.dir=<its dir> resume=true",
              file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        os.environ.pop("HYDRA_FULL_ERROR", None)


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


def _percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * float(value):.0f}%"



if __name__ == "__main__":
    main()
