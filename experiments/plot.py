"""Figures from a run or sweep directory: ``python -m experiments.plot PATH`` / ``groupsim-plot PATH``.

PATH is a run directory (tables, ``summary.json``, ``manifest.json``) or a multirun directory
(numbered job directories). Only results whose manifest verifies are drawn (see
:mod:`experiments.results`): an incomplete or damaged run is refused, and an incomplete or
damaged job of a sweep is skipped, each with one line saying why. Each applicable figure is written as PNG and SVG
to ``PATH/figures/``, and the tidy table behind it as CSV to ``PATH/figures/data/``:

1. ``fig1_activity_over_time``: weekly posts per group by charter, with the thresholds;
2. ``fig2_thriving_by_size``: probability of thriving against initial size, per charter;
3. ``fig3_survival``: share of groups not yet dormant (Kaplan-Meier), per charter, in two panels:
   groups founded during the reported weeks, against weeks since founding, and groups alive
   when the reported weeks began, against weeks since then (groups dormant before them are
   left-truncated: in neither);
4. ``fig4_thriving_heatmap``: share thriving over two swept parameters (sweeps only);
5. ``fig5_participation``: Lorenz curve, 90-9-1 split and badge ratio;
6. ``fig6_activity_by_hour``: posts by hour of day and weekday;
7. ``fig7_<ablation|intervention>``: each variant against the baseline (those sweeps only),
   and ``fig7_<...>_by_charter``: the change per charter, paired by seed with the baseline arm.

A sweep's figures pool all its complete jobs; the others are skipped and listed.
From Python (e.g. at the end of a run or in a multirun callback)::

    from experiments.plot import make_figures
    paths = make_figures(run_dir)   # the PNG and SVG files written
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from experiments import errors
from experiments.plotting import data, draw
from experiments.plotting.load import PlotInputError, Results, load
from experiments.results import shown

log = logging.getLogger(__name__)
VARIANT_COLUMNS = ("ablation", "intervention")
BASELINE = "none"


class Skip(Exception):
    """A figure does not apply to these results; the message says why."""


@dataclass
class Report:
    """What :func:`render` did: files written, figures skipped (why) and failed (error)."""

    paths: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _n_seeds(r: Results) -> int:
    seeds = {job.seed if job.seed is not None else job.name for job in r.jobs}
    return len(seeds)


def _horizon(r: Results) -> float:
    return max(r.horizon_weeks().values())


# ------------------------------------------------------------ one builder per figure
# Each returns {file stem: (figure, tidy table)} or raises Skip.


def fig1(r: Results):
    """Figure 1: weekly posts per group, by charter."""
    weeks = r.table("group_weeks", ["group_id", "week", "posts"])
    table = data.weekly_posts_by_charter(weeks, r.groups())
    return {"fig1_activity_over_time": (draw.figure_activity(table, r.thresholds()), table)}


def fig2(r: Results):
    """Figure 2: probability of thriving against initial size."""
    groups = r.groups()
    weeks = r.table("group_weeks", ["group_id", "week", "members", "posts"])
    nulls = data.null_groups(weeks, groups, r.thresholds(), {job.name: job.seed for job in r.jobs})
    table = data.thriving_by_size(groups, null_groups=nulls)
    if table.empty:
        raise Skip("no size bin holds 3 or more groups")
    return {"fig2_thriving_by_size": (draw.figure_thriving_by_size(table, _horizon(r), _n_seeds(r)), table)}


def fig3(r: Results):
    """Figure 3: share of groups not yet dormant (Kaplan-Meier), per cohort and charter."""
    table = data.survival_by_charter(r.groups())
    return {"fig3_survival": (draw.figure_survival(table, _horizon(r), r.thresholds()["dormant_window_weeks"]), table)}


def fig4(r: Results):
    """Figure 4: share thriving over two swept parameters (sweeps only)."""
    if r.kind != "multirun":
        raise Skip("needs a multirun (sweep) directory")
    groups = r.groups()
    axes, note = data.heatmap_axes(r.swept(), groups)
    if not axes:
        raise Skip(note)
    groups, axes = data.shared_cells(groups, axes)
    table = data.thriving_heatmap(groups, *axes)
    return {"fig4_thriving_heatmap": (draw.figure_heatmap(table, *axes, _n_seeds(r), note), table)}


def fig5(r: Results):
    """Figure 5: Lorenz curve, 90-9-1 split and badge ratio."""
    groups = r.groups()
    members = r.table("memberships", ["group_id", "left_tick", "posts"])
    badges_now = members[members["left_tick"].isna()]
    heavy = data.heavy_min_posts(_horizon(r))
    large = int(r.thresholds()["large_group"])
    lorenz = data.lorenz_by_charter(badges_now, groups)
    split = data.participation_split(badges_now, heavy)
    badges = data.badge_ratio_by_charter(badges_now, groups, large)
    table = pd.concat(
        [lorenz.assign(panel="a_lorenz"), split.assign(panel="b_split"), badges.assign(panel="c_badge_ratio")],
        ignore_index=True,
    )
    return {"fig5_participation": (draw.figure_participation(lorenz, split, badges, heavy, large), table)}


def fig6(r: Results):
    """Figure 6: posts by hour of day and weekday."""
    hourly = r.table("hourly_activity", ["hour_of_day", "weekday", "posts"])
    population = r.population_sizes()
    cells = data.activity_by_hour(hourly, population)
    profile = data.hourly_profile(hourly, population)
    table = pd.concat([cells.assign(panel="a_heatmap"), profile.assign(panel="b_profile")], ignore_index=True)
    return {"fig6_activity_by_hour": (draw.figure_activity_by_hour(cells, profile, r.clock()), table)}


def fig7(r: Results):
    """Figure 7: each ablation or intervention variant against the baseline (those sweeps only)."""
    columns = [c for c in r.swept() if c.split(".")[-1] in VARIANT_COLUMNS]
    if not columns:
        raise Skip(f"needs a sweep over {' or '.join(VARIANT_COLUMNS)}")
    groups, out = r.groups(), {}
    for column in columns:
        table = data.variant_effects(groups, column, BASELINE)
        name = column.split(".")[-1]
        out[f"fig7_{name}"] = (draw.figure_variants(table, column, BASELINE, _n_seeds(r)), table)
        if groups["charter"].nunique() > 1:
            per_charter = data.variant_effects(groups, column, BASELINE, by=["charter"])
            figure = draw.figure_variants_by_charter(per_charter, column, BASELINE, _n_seeds(r))
            out[f"fig7_{name}_by_charter"] = (figure, per_charter)
    return out


BUILDERS: dict[str, Callable[[Results], dict]] = {
    "fig1": fig1, "fig2": fig2, "fig3": fig3, "fig4": fig4, "fig5": fig5, "fig6": fig6, "fig7": fig7,
}


# ------------------------------------------------------------------- rendering


def render(path, out_dir=None) -> Report:
    """Write every applicable figure of the run or sweep at ``path``.

    Raises :class:`PlotInputError` when ``path`` is not a readable run or multirun
    directory; a figure that fails is recorded in the report and the others still run.
    """
    results = load(path)
    out = Path(out_dir) if out_dir else results.root / "figures"
    (out / "data").mkdir(parents=True, exist_ok=True)
    report = Report()
    for name, job_error in results.failed:
        report.skipped.append(f"job {name} ({job_error})")
    for key, builder in BUILDERS.items():
        try:
            for stem, (fig, table) in builder(results).items():
                report.paths += draw.save(fig, out / stem)
                table.to_csv(out / "data" / f"{stem}.csv", index=False)
        except Skip as reason:
            report.skipped.append(f"{key}: {reason}")
        except PlotInputError:
            raise
        except Exception as exc:  # one broken figure must not cost the others
            log.debug("%s failed", key, exc_info=True)
            report.failed.append(f"{key}: {exc.__class__.__name__}: {exc}")
    return report


def make_figures(path) -> list[Path]:
    """Write the figures of a run or multirun directory into ``path/figures``; return the files.

    Skipped and failed figures are logged (logger ``experiments.plot``), not raised, so a
    run or a sweep never fails because of a figure. An unreadable ``path`` raises
    :class:`~experiments.plotting.load.PlotInputError`.
    """
    report = render(path)
    for line in report.skipped:
        log.info("skipped %s", line)
    for line in report.failed:
        log.warning("figure failed: %s", line)
    return report.paths


def draw_figures(path: Path) -> list[Path]:
    """Draw the figures of a run or sweep directory at the end of a run; a failure is reported, not fatal."""
    try:
        figures = make_figures(path)
    except Exception as exc:  # the results are complete; figures can be redrawn with groupsim-plot
        print(f"figures failed: {errors.describe(exc)} (redraw with: groupsim-plot {shown(path)})", file=sys.stderr)
        return []
    if figures:
        stems = sorted({Path(f).stem for f in figures})
        print(f"figures: {len(stems)} in {shown(Path(figures[0]).parent)} ({', '.join(stems)})")
    return figures


def main(argv=None) -> int:
    """``groupsim-plot PATH [--out DIR]``: draw the figures; exit status 2 on unreadable input."""
    parser = argparse.ArgumentParser(
        prog="groupsim-plot",
        description="Draw the outcome figures of a groupsim run or multirun directory into PATH/figures.",
    )
    parser.add_argument("path", metavar="PATH", help="a run directory (manifest.json) or a multirun directory")
    parser.add_argument("--out", metavar="DIR", help="write the figures here instead of PATH/figures")
    args = parser.parse_args(argv)
    try:
        report = render(args.path, args.out)
    except PlotInputError as exc:
        print(f"groupsim-plot: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the figures folder cannot be written
        print(f"groupsim-plot: error: {exc.strerror or exc}: {exc.filename or args.path}", file=sys.stderr)
        return 2
    figures = sorted({p.stem for p in report.paths})
    where = Path(args.out) if args.out else Path(args.path) / "figures"
    print(f"wrote {len(figures)} figures (PNG + SVG) to {where}: {', '.join(figures)}")
    for line in report.skipped:
        print(f"  skipped {line}")
    for line in report.failed:
        print(f"groupsim-plot: error: {line}", file=sys.stderr)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
