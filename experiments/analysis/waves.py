"""The waves of ``experiment=calibrate`` on disk: each wave's design, the screen after it, the report.

The design sweeper (method ``waves``) runs wave 1 (Latin hypercube over the priors), then
calls :func:`advance` after each wave: it reads every finished run of the sweep root,
fits the emulators (:mod:`experiments.analysis.history_matching`), writes the region and
the next wave's draws, or says why the waves stop. Every file is rebuilt from the runs on
disk, and a wave once drawn is kept (``waves/wave_<k>.csv``), so the same command with
``resume=true`` reuses every finished run and reaches the same waves. Files at the sweep root:

* ``waves/wave_<k>.csv``: the draws of wave k (one column per parameter);
* ``calibration_waves.csv``: per wave, draws and runs, share of candidates kept, the
  default point's worst implausibility, why the waves stopped;
* ``calibration_region.csv``: the non-implausible candidates after the last wave, with
  ``I.<measure>`` and ``I.worst`` (usable as ``param_sets.path``);
* ``calibration_runs.csv``, ``calibration_parameters.csv``, ``calibration.md``: the report.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from experiments import results
from experiments.analysis import calibration, design
from experiments.analysis import history_matching as hm
from experiments.sweep_summary import aggregate

WAVES_DIR = "waves"
WAVES_CSV = "calibration_waves.csv"
REGION_CSV = "calibration_region.csv"
RUNS_CSV = "calibration_runs.csv"
PARAMETERS_CSV = "calibration_parameters.csv"
REPORT_MD = "calibration.md"


def settings(config: DictConfig) -> hm.Settings:
    """The method's settings from ``calibrate.*`` and ``hydra.sweeper.design_seed``."""
    c = config.calibrate
    return hm.Settings(waves=int(c.waves), cutoff=float(c.cutoff), rank=int(c.rank), candidates=int(c.candidates),
                       min_shrink=float(c.min_shrink), design_seed=int(config.hydra.sweeper.design_seed))


def prior_of(config: DictConfig) -> pd.DataFrame:
    """The uniform priors: index = parameter, columns ``low``, ``high``."""
    factors = OmegaConf.to_container(config.hydra.sweeper.factors, resolve=True)
    return pd.DataFrame(factors, index=["low", "high"]).T.astype(float)


def wave_path(root: Path, wave: int) -> Path:
    """Where the draws of ``wave`` are written."""
    return Path(root) / WAVES_DIR / f"wave_{wave}.csv"


def write_wave(root: Path, wave: int, points: pd.DataFrame) -> None:
    """Write the draws of ``wave`` (the applied values, as the jobs receive them)."""
    wave_path(root, wave).parent.mkdir(parents=True, exist_ok=True)
    results.write_csv(wave_path(root, wave), points)


def read_waves(root: Path, last: int) -> pd.DataFrame:
    """The draws of waves 1..last, one row per draw, with its ``wave``."""
    frames = [pd.read_csv(wave_path(root, k)).assign(wave=k) for k in range(1, last + 1)
              if wave_path(root, k).is_file()]
    return pd.concat(frames, ignore_index=True)


def runs(root: Path, config: DictConfig, draws: pd.DataFrame) -> pd.DataFrame:
    """Every finished run of the sweep: its draw (row of ``draws``), wave, seed, parameters and measures."""
    jobs = aggregate(root)
    ok = jobs[jobs["status"] == "ok"].copy() if len(jobs) else jobs
    if not len(ok):
        return pd.DataFrame()
    params = [c for c in draws.columns if c != "wave"]
    ok["draw"] = design.match_points(ok, draws[params]).to_numpy()
    ok = ok[ok["draw"] >= 0]
    values, _ = calibration.measure_table(ok)
    out = pd.DataFrame({"draw": ok["draw"].to_numpy(), "wave": draws["wave"].to_numpy()[ok["draw"].to_numpy()],
                        "seed": ok["seed"].to_numpy(), "job": ok["job"].to_numpy()})
    return pd.concat([out, draws.loc[ok["draw"], params].reset_index(drop=True),
                      values.reset_index(drop=True)], axis=1)


def measures(config: DictConfig, table: pd.DataFrame, ranges: pd.DataFrame) -> List[str]:
    """The calibration measures used: those not excluded (``calibrate.exclude``) that some run judged."""
    used = calibration.select(list(ranges.index), tuple(config.calibrate.exclude or ()))
    return [m for m in used if m in table.columns and table[m].notna().any()]


def advance(root: Path, config: DictConfig, wave: int, cache: Optional[dict] = None) -> Optional[pd.DataFrame]:
    """After ``wave`` has run: screen the prior, write the region; the next wave's draws, or None to stop.

    ``cache`` (the sweeper's, kept between its waves) holds the emulators of earlier waves:
    their runs do not change, so they are fitted once per command.
    """
    root, s, prior = Path(root), settings(config), prior_of(config)
    draws = read_waves(root, wave)
    table = runs(root, config, draws)
    ranges = calibration.ranges()
    used = measures(config, table, ranges) if len(table) else []
    if not used:
        print(f"calibration: no calibration measure judged by any run of waves 1-{wave}: the waves stop",
              file=sys.stderr)
        return None
    screen = hm.step(draws, table[used], table["draw"], prior, ranges, draws["wave"], s, cache)
    goal = hm.targets(ranges.loc[used])
    seed_var = hm.pooled_seed_variance(hm.draw_stats(table[used], table["draw"]))
    default_kept, default_worst = hm.screen(screen.emulators, hm.unit(_default_point(config, prior), prior), goal,
                                            seed_var, s)
    region = hm.from_unit(screen.x[screen.kept], prior)
    i_table = hm.implausibility(screen.emulators[-1], screen.x[screen.kept], goal, seed_var)
    region = pd.concat([region, i_table.add_prefix("I."), pd.Series(screen.worst[screen.kept], name="I.worst")],
                       axis=1)
    results.write_csv(root / REGION_CSV, region)
    history = _history(root, wave)
    share = float(screen.kept.mean())
    shares = history["kept_share"].tolist() + [share]
    reason = hm.stop_reason(shares, s)
    row = {"wave": wave, "draws": int((draws["wave"] == wave).sum()), "runs": int((table["wave"] == wave).sum()),
           "measures": " ".join(used), "candidates": len(screen.x), "kept": int(screen.kept.sum()),
           "kept_share": share, "default_worst_I": float(default_worst[0]),
           "default_non_implausible": bool(default_kept[0]), "stop": reason or ""}
    rows = pd.DataFrame([row])
    results.write_csv(root / WAVES_CSV, pd.concat([history, rows], ignore_index=True) if len(history) else rows)
    print(f"calibration wave {wave}: {row['runs']} runs; {share:.1%} of the prior non-implausible"
          f" ({row['kept']} of {row['candidates']} candidates); default point worst I = {row['default_worst_I']:.2f}"
          + (f"; stop: {reason}" if reason else ""))
    if reason:
        return None
    return hm.next_points(screen, prior, int(config.hydra.sweeper.n))


def _history(root: Path, wave: int) -> pd.DataFrame:
    path = root / WAVES_CSV
    if not path.is_file():
        return pd.DataFrame(columns=["wave", "kept_share"])
    table = pd.read_csv(path)
    return table[table["wave"] < wave].reset_index(drop=True)


def _default_point(config: DictConfig, prior: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame([{k: float(OmegaConf.select(config, k)) for k in prior.index}])


def report(root: Path, config: DictConfig) -> pd.DataFrame:
    """Write ``calibration_runs.csv``, ``calibration_parameters.csv`` and ``calibration.md``; return the parameters."""
    root = Path(root)
    history = pd.read_csv(root / WAVES_CSV) if (root / WAVES_CSV).is_file() else pd.DataFrame()
    if history.empty:
        print(f"error: no wave of {results.shown(root)} was screened ({WAVES_CSV} missing)", file=sys.stderr)
        raise SystemExit(1)
    last = int(history["wave"].max())
    draws = read_waves(root, last + 1)
    table = runs(root, config, draws)
    results.write_csv(root / RUNS_CSV, table)
    region = pd.read_csv(root / REGION_CSV)
    prior = prior_of(config)
    defaults = _default_point(config, prior).iloc[0].to_dict()
    final = history.iloc[-1]
    summary = hm.region_summary(region, prior, defaults, bool(final["default_non_implausible"]))
    results.write_csv(root / PARAMETERS_CSV, summary)
    identified = summary.loc[summary["identified"] == True, "parameter"].tolist()  # noqa: E712
    s = settings(config)
    stop = final["stop"] if isinstance(final["stop"], str) and final["stop"] else "the sweep ended before its last wave"
    md = "\n".join([
        "# Calibration (history matching in waves)", "",
        f"Sweep: {results.shown(root)}. Measures: {final['measures']} (calibration facts only). "
        f"{len(table)} runs of {table['draw'].nunique() if len(table) else 0} draws over {last} wave(s),"
        f" {int(table.groupby('draw').size().max()) if len(table) else 0} seed(s) per draw. A point is"
        f" non-implausible when the {_ordinal(s.rank)} implausibility over the"
        f" measures is below {s.cutoff:g} under every wave's emulators (experiments/analysis/history_matching.py)."
        f" Stopped: {stop}.", "",
        f"Non-implausible share of the prior after the last wave: {final['kept_share']:.2%}"
        f" ({int(final['kept'])} of {int(final['candidates'])} candidates). The default point:"
        f" worst implausibility {final['default_worst_I']:.2f},"
        f" {'non-implausible' if final['default_non_implausible'] else 'ruled out'}.", "",
        _identified_line(summary, identified, len(region)), "",
        "## Waves", "", history.to_string(index=False), "",
        "## Parameters", "", summary.to_string(index=False), "",
    ])
    results.atomic_write(root / REPORT_MD, lambda tmp: tmp.write_text(md))
    print(f"calibration: {len(table)} runs, {last} wave(s), region {final['kept_share']:.2%} of the prior"
          f" -> {results.shown(root / REPORT_MD)}")
    return summary


def _identified_line(summary: pd.DataFrame, identified: List[str], kept: int) -> str:
    if not kept:
        return "No non-implausible point is left: no parameter is identified, the priors or the model must change."
    rest = [p for p in summary["parameter"] if p not in identified]
    return (f"Identified (region's 5-95% range under {hm.IDENTIFIED:.0%} of the prior's):"
            f" {', '.join(identified) or 'none'}; not identified: {', '.join(rest) or 'none'}.")


def _ordinal(rank: int) -> str:
    return {1: "largest", 2: "second largest", 3: "third largest"}.get(rank, f"{rank}th largest")


def seeds_ok(seeds: List[int]) -> None:
    """History matching needs the seed-to-seed variance of every draw: refuse fewer than 2 seeds (one line)."""
    if len(seeds) < 2:
        raise ValueError(f"calibrate.seeds = {len(seeds)}: allowed 2 or more (history matching models the"
                         " seed-to-seed variance, measured from replicate seeds of each draw)")

