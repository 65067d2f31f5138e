"""Hydra callbacks that analyse a design sweep at its end (registered by the experiments).

``configs/experiment/{sensitivity,calibrate,calibrate_abc,validate}.yaml`` add these under
``hydra.callbacks``; Hydra calls ``on_multirun_end`` callbacks in reverse order, so these run
before the sweep summary of :class:`experiments.callbacks.AggregateSweep`. Each reads the
job directories from disk (through :func:`experiments.sweep_summary.aggregate`), so it can be
rerun on a finished, resumed or partly failed sweep:
``python -m experiments.analysis.callbacks {sensitivity,calibrate,validate} SWEEP_DIR``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, List, Tuple

import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from experiments import results
from experiments.analysis import baseline, calibration, design, outputs, seed_question, sensitivity, validation, waves
from experiments.analysis.sweeper import design_of, factor_table, raw_design, sweep_seeds
from experiments.config import model_params
from experiments.digest import config_hash
from experiments.sweep_summary import rebuild

log = logging.getLogger(__name__)
SENSITIVITY_ANSWERS = "sensitivity_answers.csv"


def _jobs(root: Path, config: DictConfig) -> Tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(applied design, the ok jobs with their design row ``point``, all jobs)."""
    points = design_of(config)
    jobs = rebuild(root)  # the sweep summary too: a failing analysis ends the sweep before AggregateSweep
    ok = jobs[jobs["status"] == "ok"].copy() if len(jobs) else jobs
    if not len(ok):
        print(f"error: no finished job in {results.shown(root)} to analyse ({len(jobs)} job directories)",
              file=sys.stderr)
        raise SystemExit(1)
    ok["point"] = design.match_points(ok, points).to_numpy()
    return points, ok, jobs


def _say_missing(jobs: pd.DataFrame, ok: pd.DataFrame, points: pd.DataFrame, what: str) -> None:
    not_ok = jobs[jobs["status"] != "ok"] if len(jobs) else jobs
    absent = [i for i, first in enumerate(design.first_rows(points)) if first not in set(ok["point"])]
    if len(not_ok) or absent:
        print(f"{what}: analysed what is there; {len(not_ok)} job(s) failed or unfinished"
              f" ({', '.join(map(str, not_ok['job'].tolist()[:20]))}), {len(absent)} design point(s)"
              f" without any result{': ' + ', '.join(map(str, absent[:20])) if absent else ''}", file=sys.stderr)


def _write_text(path: Path, text: str) -> None:
    results.atomic_write(path, lambda tmp: tmp.write_text(text))


def _mean_by_point(ok: pd.DataFrame, table: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Mean over replicate seeds of each column of ``table`` (rows of ``ok``), one row per design row."""
    means = table.groupby(ok["point"].to_numpy()).mean()
    return means.reindex(design.first_rows(points)).set_axis(range(len(points)))


def sensitivity_report(root: Path, config: DictConfig) -> pd.DataFrame:
    """Write ``sensitivity.csv``, ``sensitivity_answers.csv``, ``sensitivity_top.txt``, ``.png``; return the table."""
    sw = config.hydra.sweeper
    factors, raw = factor_table(config), raw_design(config)
    points, ok, jobs = _jobs(root, config)
    _say_missing(jobs, ok, points, "sensitivity")
    y = _mean_by_point(ok, outputs.output_table(ok), points)
    table, used = sensitivity.analyse(str(sw.method), factors, raw, y)
    results.write_csv(root / "sensitivity.csv", table)
    results.write_csv(root / SENSITIVITY_ANSWERS, sensitivity.across_region(y, table))
    if len(table):
        _write_text(root / "sensitivity_top.txt", sensitivity.top_text(sensitivity.top_factors(table)))
    unit = "trajectories" if sw.method == "morris" else "blocks"
    full = int(sw.n)
    print(f"sensitivity ({sw.method}): {len(table)} indices -> {results.shown(root / 'sensitivity.csv')};"
          f" complete {unit} used of {full}: " + ", ".join(f"{k} {v}" for k, v in used.items()))
    if len(table):
        sensitivity.figure(table, root / "sensitivity.png",
                           f"{sw.method}: {max(used.values())} of {full} {unit}, {len(sweep_seeds(config))}"
                           f" seed(s) per point; bars: 95% intervals")
    return table


def calibration_report(root: Path, config: DictConfig, epsilon: float, quantile: float,
                       exclude: Tuple[str, ...] = ()) -> pd.DataFrame:
    """Write ``calibration_accepted.csv``, ``calibration_posterior.csv`` and ``.md`` at ``root``."""
    points, ok, jobs = _jobs(root, config)
    _say_missing(jobs, ok, points, "calibration")
    wide, ranges = calibration.measure_table(ok)
    judged = [f for f in wide.columns if wide[f].notna().any()]
    dropped = sorted(set(wide.columns) - set(judged))
    if dropped:
        print(f"calibration: measure(s) {', '.join(dropped)} not judged in any run (NaN): left out", file=sys.stderr)
    values = _mean_by_point(ok, wide[judged], points)
    prior = pd.DataFrame(factor_table(config), index=["low", "high"]).T
    try:
        used = calibration.select(judged, exclude)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    accepted, met = calibration.abc_reject(points, values, ranges, epsilon, quantile, exclude)
    summary = calibration.posterior_summary(accepted, prior)
    reached = calibration.reach(values, ranges.loc[judged])
    results.write_csv(root / "calibration_accepted.csv", accepted)
    results.write_csv(root / "calibration_posterior.csv", summary)
    run = int(values.notna().any(axis=1).sum())
    verdict = (f"{len(accepted)} of the {run} prior draws run ({len(points)} designed) met every target used"
               f" (distance <= {epsilon})"
               if met else f"no draw met every target used; the {len(accepted)} nearest ({quantile:.0%}) are listed"
               " (a region to search around, not a posterior)")
    left_out = sorted(set(judged) - set(used))
    md = "\n".join([
        "# Calibration (ABC rejection)", "",
        f"Sweep: {results.shown(root)}. Measures used: {', '.join(used) or 'none judged'} (calibration facts only)"
        + (f"; left out of the distance: {', '.join(left_out)}" if left_out else "")
        + f". Seeds per draw: {len(sweep_seeds(config))}. {verdict}.", "",
        "## Posterior (accepted draws)", "", _markdown(summary), "",
        "## What the prior reaches (mean over seeds per draw, all draws)", "", _markdown(reached), "",
    ])
    _write_text(root / "calibration.md", md)
    print(f"calibration: {verdict} -> {results.shown(root / 'calibration_posterior.csv')}")
    return summary


def _markdown(table: pd.DataFrame) -> str:
    if _has_tabulate():
        return table.to_markdown(index=False, floatfmt=".4g")
    return "```\n" + table.to_string(index=False) + "\n```"


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401  (pandas.to_markdown needs it)
    except ImportError:
        return False
    return True


def validation_report(root: Path, config: DictConfig) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """Write ``validation.csv``, ``validation.md`` and ``validation_measures.csv`` at ``root``.

    Returns the report (facts and held-out patterns) and the measures of each fact over seeds.
    """
    points, ok, jobs = _jobs(root, config)
    _say_missing(jobs, ok, points, "validation")
    table = validation.report(outputs.fact_table(ok), ok)
    measures = validation.measure_report(outputs.measure_table(ok))
    seeds = len(ok)
    keys = ("population.size", "groups.count", "duration.weeks")
    size = ", ".join(f"{k} = {OmegaConf.select(config, k)}" for k in keys)
    header = validation.header(results.shown(root), seeds, size)
    results.write_csv(root / "validation.csv", table)
    results.write_csv(root / baseline.MEASURES_CSV, measures)
    _write_text(root / "validation.md", validation.markdown(table, header))
    shown = results.shown(root / "validation.md")
    print(f"validation: {len(table)} facts and patterns over {seeds} seed(s) -> {shown}")
    return table, measures


def drifted(table: pd.DataFrame) -> List[str]:
    """Calibration facts judged and out of their range."""
    rows = table[(table["role"] == "calibration") & (table["pass"] == False)]  # noqa: E712  (None = not judged)
    return rows["name"].tolist()


def gate(table: pd.DataFrame, measures: pd.DataFrame, config: DictConfig) -> List[str]:
    """What fails the validation (a list of names; empty: it passes).

    Without ``validate.baseline``: every calibration fact out of range. With it: the
    calibration measures in range in the baseline and not now (facts out of range are listed).
    """
    path = OmegaConf.select(config, "validate.baseline")
    if not path:
        return drifted(table)
    base = baseline.load(path)
    known = drifted(table)
    if known:
        print(f"validation: calibration fact(s) out of their range: {', '.join(known)}"
              " (FAIL in validation.md; only measures in range in the baseline stop the check)", file=sys.stderr)
    digest = config_hash(model_params(config))
    if base.get("config_hash") != digest:
        print(f"validation: the baseline was made on another model configuration ({base.get('config_hash')}, now"
              f" {digest}): if that change is meant, regenerate it with python -m experiments.analysis.baseline",
              file=sys.stderr)
    return baseline.regressions(measures, base)


class SensitivityReport(Callback):
    """``sensitivity.csv`` and its figure at the sweep root."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Analyse the sweep's jobs from disk."""
        sensitivity_report(Path(config.hydra.sweep.dir).resolve(), config)


class CalibrationReport(Callback):
    """Accepted parameter sets and the posterior summary at the sweep root."""

    def __init__(self, epsilon: float = 0.0, quantile: float = 0.1, exclude: Any = ()) -> None:
        self.epsilon, self.quantile = float(epsilon), float(quantile)
        self.exclude = tuple(exclude or ())

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Analyse the sweep's jobs from disk."""
        calibration_report(Path(config.hydra.sweep.dir).resolve(), config, self.epsilon, self.quantile, self.exclude)


class HistoryMatchingReport(Callback):
    """History matching's runs, waves, region and parameter report at the sweep root (:mod:`waves`)."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Report the waves screened, from disk."""
        waves.report(Path(config.hydra.sweep.dir).resolve(), config)


class SeedQuestionReport(Callback):
    """The seven candidate causes ranked (``seed_question.csv``/``.json``/``.md``) at the sweep root."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Rank the causes from the jobs on disk."""
        seed_question_report(Path(config.hydra.sweep.dir).resolve(), config)


def seed_question_report(root: Path, config: DictConfig) -> pd.DataFrame:
    """Write the seed question's ranking at ``root`` from its ok jobs."""
    jobs = rebuild(root)
    ok = jobs[jobs["status"] == "ok"] if len(jobs) else jobs
    if not len(ok) or "ablation" not in ok.columns:
        print(f"error: no finished job with an ablation arm in {results.shown(root)}", file=sys.stderr)
        raise SystemExit(1)
    command = " ".join(["groupsim -m", *config.hydra.overrides.task])
    table = seed_question.write(root, ok, command)
    print(f"seed question: {len(table)} effects over {ok['seed'].nunique()} seed(s)"
          f" -> {results.shown(root / seed_question.CSV)}")
    return table


class ValidationReport(Callback):
    """``validation.md``/``.csv``; exits 1 when a calibration target drifted (see :func:`gate`)."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Analyse the sweep's jobs from disk; fail when a calibration target drifted."""
        table, measures = validation_report(Path(config.hydra.sweep.dir).resolve(), config)
        bad = gate(table, measures, config)
        if bad and OmegaConf.select(config, "validate.baseline"):
            print(f"validation failed: calibration measure(s) in range in the baseline"
                  f" {OmegaConf.select(config, 'validate.baseline')} are out of range now: {'; '.join(bad)}",
                  file=sys.stderr)
            raise SystemExit(1)
        if bad:
            print(f"validation failed: calibration fact(s) out of their range: {', '.join(bad)}", file=sys.stderr)
            raise SystemExit(1)


def main(argv: List[str] | None = None) -> None:
    """Rerun an analysis on a sweep directory from disk (its ``multirun.yaml``)."""
    args = sys.argv[1:] if argv is None else argv
    kinds = ("sensitivity", "calibrate", "validate", "seed_question")
    if len(args) != 2 or args[0] not in kinds or not (Path(args[1]) / "multirun.yaml").is_file():
        print(f"usage: python -m experiments.analysis.callbacks {{{','.join(kinds)}}} SWEEP_DIR"
              " (a directory with multirun.yaml)", file=sys.stderr)
        raise SystemExit(2)
    root = Path(args[1]).resolve()
    config = OmegaConf.load(root / "multirun.yaml")
    config.hydra.sweep.dir = str(root)
    if args[0] == "sensitivity":
        sensitivity_report(root, config)
    elif args[0] == "calibrate" and str(config.hydra.sweeper.method) == "waves":
        waves.report(root, config)
    elif args[0] == "calibrate":
        cb = config.hydra.callbacks.get("calibration", {})
        calibration_report(root, config, float(cb.get("epsilon", 0.0)), float(cb.get("quantile", 0.1)),
                           tuple(cb.get("exclude") or ()))
    elif args[0] == "seed_question":
        seed_question_report(root, config)
    else:
        ValidationReport().on_multirun_end(config)


if __name__ == "__main__":
    main()
