"""Every figure rendered from tiny REAL runs of the model, and the command line.

Fixtures run :class:`sim.GroupCultureModel` (400 professionals, a few weeks) and write
its tables in the on-disk layout of ``experiments/run.py``: one run directory, and a
2 x 2 sweep (intervention x initial size, two seeds) with one failed job.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest
from matplotlib.text import Text

from experiments import plot
from experiments import results as fmt
from experiments.plotting import data, draw
from experiments.plotting.load import load
from sim import GroupCultureModel
from tests.conftest import in_process

ROOT = Path(__file__).resolve().parents[1]
WEEKS = 10  # > the 8-week dormancy window, so some groups can go dormant
RUN_FIGURES = {
    "fig1_activity_over_time",
    "fig2_thriving_by_size",
    "fig3_survival",
    "fig5_participation",
    "fig6_activity_by_hour",
}
SWEEP_FIGURES = RUN_FIGURES | {"fig4_thriving_heatmap", "fig7_intervention", "fig7_intervention_by_charter"}
INTERVENTIONS = {"none": {}, "moderation": {"interventions.moderation": 0.5}}


def write_run(path: Path, seed: int, overrides: dict | None = None, model: dict | None = None) -> Path:
    """Run a tiny model and write it as a run directory: tables, summary, .hydra/overrides."""
    m = GroupCultureModel(
        **{"population.size": 400, "groups.count": 12, "duration.weeks": WEEKS,
                "duration.spinup_weeks": 0, "seed": seed, **(model or {})}
    )
    m.run()
    (path / ".hydra").mkdir(parents=True)
    for name, table in m.tables().items():
        table.to_parquet(path / f"{name}.parquet", index=False)
    lines = [f"seed={seed}", *(f"{k}={v}" for k, v in (overrides or {}).items())]
    (path / ".hydra" / "overrides.yaml").write_text("".join(f"- {line}\n" for line in lines))
    (path / "summary.json").write_text(json.dumps(m.summary()))
    fmt.write_manifest(path, "hash", seed)
    return path


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    return write_run(tmp_path_factory.mktemp("run") / "run", seed=1)


@pytest.fixture(scope="session")
def sweep_dir(tmp_path_factory) -> Path:
    """intervention (none, moderation) x groups.size_median (60, 200), seeds 1 and 2; job 4 failed."""
    root = tmp_path_factory.mktemp("multirun")
    rows = []
    cells = [(i, s) for i in INTERVENTIONS for s in (60, 200)]
    for num, (intervention, size) in enumerate(cells):
        seed = 1 + num % 2
        overrides = {"intervention": intervention, "groups.size_median": size}
        write_run(root / str(num), seed, overrides, {**INTERVENTIONS[intervention], "groups.size_median": size})
        rows.append({"job": num, "dir": str(num), "status": "ok", "error": "", "seed": seed, **overrides})
    failed = root / str(len(cells))
    (failed / ".hydra").mkdir(parents=True)
    (failed / ".hydra" / "overrides.yaml").write_text("- seed=3\n- intervention=none\n- groups.size_median=-1\n")
    (failed / "error.json").write_text(
        json.dumps({"type": "ParamError", "message": "groups.size_median = -1 is out of range"})
    )
    rows.append(
        {
            "job": len(cells),
            "dir": failed.name,
            "status": "failed",
            "error": "ParamError: out of range",
            "seed": 3,
            "intervention": "none",
            "groups.size_median": -1,
        }
    )
    pd.DataFrame(rows).to_parquet(root / "sweep_summary.parquet")
    (root / "multirun.yaml").write_text("hydra: {}\n")
    return root


def built_figures(path):
    """{stem: Figure} of every applicable figure, straight from the builders."""
    results, out = load(path), {}
    for builder in plot.BUILDERS.values():
        try:
            out.update({stem: fig for stem, (fig, _table) in builder(results).items()})
        except plot.Skip:
            pass
    return out


def hidden_tick_labels(fig) -> set[int]:
    """ids of tick labels outside their axis's view (matplotlib keeps but does not draw them)."""
    out = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    out |= {id(tick.label1), id(tick.label2)}
    return out


def check_files(paths, expected_stems, out_dir):
    assert {p.stem for p in paths} == expected_stems
    assert {p.suffix for p in paths} == {".png", ".svg"} and len(paths) == 2 * len(expected_stems)
    for path in paths:
        assert path.parent == out_dir and path.stat().st_size > 0
        if path.suffix == ".png":
            image = matplotlib.image.imread(path)
            assert image.shape[0] > 500 and image.shape[1] > 1000 and image[..., :3].std() > 0.05  # not blank
        else:
            assert ET.parse(path).getroot().tag.endswith("svg")
    for stem in expected_stems:
        assert (out_dir / "data" / f"{stem}.csv").stat().st_size > 0


@pytest.fixture(scope="session")
def run_figures(run_dir) -> list[Path]:
    return plot.make_figures(run_dir)


@pytest.fixture(scope="session")
def sweep_report(sweep_dir) -> plot.Report:
    return plot.render(sweep_dir)


def test_every_run_figure_renders_from_a_real_run(run_dir, run_figures):
    check_files(run_figures, RUN_FIGURES, run_dir / "figures")


@pytest.mark.slow
def test_every_sweep_figure_renders_and_skips_the_failed_job(sweep_dir, sweep_report):
    report = sweep_report
    assert report.failed == []
    check_files(report.paths, SWEEP_FIGURES, sweep_dir / "figures")
    assert any("job 4" in line and "failed" in line for line in report.skipped)
    heat = pd.read_csv(sweep_dir / "figures" / "data" / "fig4_thriving_heatmap.csv")
    assert list(heat.columns[:2]) == ["intervention", "groups.size_median"]  # from the sweep's own parameters
    groups = [pd.read_parquet(sweep_dir / str(job) / "groups.parquet") for job in range(4)]
    assert sum(len(g) for g in groups) > 4 * 12  # some founded during the run ...
    assert len(heat) == 4 and heat["n_groups"].sum() == sum(g.at_start.sum() for g in groups) == 4 * 12  # ... not shown
    effects = pd.read_csv(sweep_dir / "figures" / "data" / "fig7_intervention.csv")
    assert effects["intervention"].iloc[0] == "none" and effects["n_jobs"].tolist() == [2, 2]


@pytest.mark.slow
def test_a_sweep_without_its_summary_gives_the_same_figures(sweep_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(sweep_dir, copy, ignore=shutil.ignore_patterns("figures", "sweep_summary.*"))
    with_summary, without = load(sweep_dir), load(copy)
    assert [j.name for j in without.jobs] == [j.name for j in with_summary.jobs] == ["0", "1", "2", "3"]
    assert [name for name, _ in without.failed] == ["4"]
    for builder in (plot.fig4, plot.fig7):
        before, after = builder(with_summary), builder(without)
        assert list(before) == list(after)
        for stem in before:
            pd.testing.assert_frame_equal(before[stem][1], after[stem][1], obj=stem)


@pytest.mark.slow
def test_a_sweep_of_seeds_only_has_no_heatmap_and_no_variants(tmp_path):
    for num in range(2):
        write_run(tmp_path / str(num), seed=num + 1)
    results = load(tmp_path)
    assert results.kind == "multirun" and results.swept() == []
    with pytest.raises(plot.Skip, match="needs two swept parameters"):
        plot.fig4(results)
    with pytest.raises(plot.Skip, match="needs a sweep over ablation or intervention"):
        plot.fig7(results)
    (_, (_, table)), = plot.fig2(results).items()
    assert table["n_jobs"].max() == 2  # the seeds are pooled


@pytest.mark.slow
def test_figures_are_print_friendly(sweep_dir):
    figures = built_figures(sweep_dir)
    assert set(figures) == SWEEP_FIGURES
    for stem, fig in figures.items():
        assert "?" in fig._suptitle.get_text(), f"{stem}: the title states the question"
        renderer = fig.canvas.get_renderer()
        fig.draw(renderer)
        hidden = hidden_tick_labels(fig)
        for text in fig.findobj(Text):
            if text.get_text().strip() and text.get_visible() and id(text) not in hidden:
                assert text.get_fontsize() >= 9, f"{stem}: {text.get_text()!r} at {text.get_fontsize()} pt"
                box = text.get_window_extent(renderer)
                inside = box.x0 >= -1 and box.x1 <= fig.bbox.x1 + 1 and box.y0 >= -1 and box.y1 <= fig.bbox.y1 + 1
                assert inside, f"{stem}: {text.get_text()!r} runs off the figure"
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                continue
            assert ax.has_data() or ax.images, f"{stem}: an empty panel"
            assert ax.get_xlabel() or ax.get_xticklabels(), f"{stem}: an unlabelled axis"
    # charters differ in line style (grayscale), not only in colour, and keep it across panels
    styles = {(line.get_linestyle(), line.get_label().split("\n")[0])
              for ax in figures["fig3_survival"].axes for line in ax.get_lines() if "(n=" in line.get_label()}
    assert len({s for s, _ in styles}) == len(styles) == 3


def test_figures_show_intervals(run_dir):
    """Bands or error bars: every data panel has filled regions or error bars."""
    figures = built_figures(run_dir)
    for stem in ("fig1_activity_over_time", "fig2_thriving_by_size", "fig3_survival"):
        for ax in figures[stem].axes:
            assert ax.collections or not ax.lines, f"{stem}: no band or error bar"


def test_written_data_match_the_model_tables(run_dir, run_figures):
    groups = pd.read_parquet(run_dir / "groups.parquet")
    km = pd.read_csv(run_dir / "figures" / "data" / "fig3_survival.csv")
    assert cohort_counts(km) == expected_cohorts(groups, WEEKS)
    by_size = pd.read_csv(run_dir / "figures" / "data" / "fig2_thriving_by_size.csv")
    assert set(by_size["source"]) <= {"model", "null_model"}
    assert by_size.loc[by_size["source"] == "model", "n_groups"].sum() <= len(groups)
    hours = pd.read_csv(run_dir / "figures" / "data" / "fig6_activity_by_hour.csv")
    cells = hours[hours["panel"] == "a_heatmap"]
    hourly = pd.read_parquet(run_dir / "hourly_activity.parquet")
    assert cells["mean"].sum() * WEEKS == pytest.approx(hourly["posts"].sum() / 400 * 1000)


def test_heatmap_puts_the_longer_parameter_on_the_rows():
    variants = ["none", *(f"no_trait_{k}" for k in range(7))]
    groups = pd.DataFrame(
        [{"charter": c, "ablation": v, "job": v, "final_state": "thriving" if (i + k) % 3 else "dormant"}
         for k, v in enumerate(variants) for i, c in enumerate(data.PRESET_ORDER) for _ in range(4)]
    )
    table = data.thriving_heatmap(groups, "charter", "ablation")
    fig = draw.figure_heatmap(table, "charter", "ablation", n_seeds=1)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "trait switched off" and ax.get_xlabel() == "charter"
    assert [t.get_text() for t in ax.get_yticklabels()] == [v.replace("_", " ") for v in variants]
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 24 and all(text.count("\n") == 2 for text in cells)  # share, interval, n


# ------------------------------------------------------------------ command line


def cli(*args, cwd=ROOT):
    """``groupsim-plot ARGS`` in this process (its entry point, ``experiments.plot.main``)."""
    return in_process(plot.main, *args, cwd=cwd, prog="groupsim-plot")


def test_cli_draws_a_run(run_dir, tmp_path):
    done = cli(run_dir, "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert "wrote 5 figures" in done.stdout and "skipped fig4" in done.stdout
    assert len(list((tmp_path / "out").glob("*.png"))) == 5


@pytest.mark.parametrize(
    "make", [lambda p: p / "nowhere", lambda p: p, lambda p: (p / "f.txt").write_text("x") and p / "f.txt"]
)
def test_cli_one_line_error_for_what_is_not_a_result(tmp_path, make):
    done = cli(make(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("groupsim-plot: error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.slow
def test_console_script_is_installed(run_dir, tmp_path):
    script = Path(sys.executable).with_name("groupsim-plot")
    if not script.exists():
        pytest.skip("groupsim-plot is not installed in this environment")
    done = subprocess.run([script, tmp_path / "missing"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "does not exist" in done.stderr


# ------------------------------------------------------------- figures that read right


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for leg in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
            for t in leg.get_texts()]


def _render_without_warnings(fig) -> None:
    import io
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "constrained_layout not applied"
        fig.savefig(io.BytesIO(), format="png")


def test_fig1_splits_groups_by_size_and_labels_its_axis():
    groups = pd.DataFrame({"group_id": range(6), "charter": "industry_profession",
                           "initial_size": [50, 60, 70, 3000, 4000, 5000]})
    weeks = pd.DataFrame({"group_id": list(range(6)) * 2, "week": [0] * 6 + [1] * 6,
                          "posts": [0, 0, 1, 9, 12, 15] * 2})
    table = data.weekly_posts_by_charter(weeks, groups)
    medians = table[table.week == 0].set_index(table[table.week == 0].size_class.astype(str))["median"]
    assert medians.to_dict() == {"<200": 0.0, "≥1,000": 12.0}  # pooled, the median would be 5
    fig = draw.figure_activity(table, {"thriving_posts_per_week": 2, "window_weeks": 4, "thriving_min_posters": 3,
                                       "dormant_max_posts": 0, "dormant_window_weeks": 8})
    assert "own scale" in fig.axes[0].get_ylabel()
    assert any("initial size ≥1,000" in t for t in _legend_texts(fig))
    _render_without_warnings(fig)


def test_fig2_draws_points_at_their_stated_size_and_says_how_it_bins():
    table = pd.DataFrame({"charter": ["industry_profession", "university_alumni"], "size_lo": [200, 200],
                          "size_hi": [500, 500], "size_median": [300.0, 350.0], "n_groups": [4, 5],
                          "n_thriving": [2, 1], "n_jobs": [1, 1], "share": [0.5, 0.2], "ci_low": [0.1, 0.03],
                          "ci_high": [0.9, 0.6], "interval": ["wilson", "wilson"]})
    fig = draw.figure_thriving_by_size(table, horizon=10, n_seeds=1)
    assert "Wilson interval over the groups or members of one run" in fig.get_supxlabel().replace("\n", " ")
    ax = fig.axes[0]
    xs = sorted(float(x) for c in ax.containers for x in c.lines[0].get_xdata())  # the data line of each errorbar
    assert xs == [300.0, 350.0]
    assert "own initial size" in ax.get_xlabel()
    assert "swept" in draw.parameter("groups.size_median")[1]  # figure 4's axis says what it is
    _render_without_warnings(fig)


def _badges(large: bool) -> pd.DataFrame:
    rows = [{"charter": "industry_profession", "size_class": "all groups", "n_badges": 10, "n_no_post": 8}]
    if large:
        rows.append({"charter": "industry_profession", "size_class": "large groups", "n_badges": 5, "n_no_post": 4})
    out = pd.DataFrame(rows)
    out["badge_ratio"] = out.n_no_post / out.n_badges
    out["ci_low"], out["ci_high"] = out.badge_ratio - 0.1, out.badge_ratio + 0.1
    return out


@pytest.mark.parametrize("large", [False, True])
def test_fig5_shades_the_s1_band_only_when_some_group_is_large(large):
    lorenz = pd.DataFrame({"charter": "all groups", "share_members": [0, 1], "share_posts": [0, 1],
                           "gini": 0.0, "top1_share": 0.01})
    split = pd.DataFrame({"category": ["never posted"] * 2, "source": ["model", "90-9-1 rule"], "share": [0.9, 0.9],
                          "ci_low": [0.8, None], "ci_high": [0.95, None]})
    fig = draw.figure_participation(lorenz, split, _badges(large), heavy_min=5, large_group=2000)
    assert any(t.startswith("S1 target") for t in _legend_texts(fig)) == large
    _render_without_warnings(fig)


FOUNDING = {f"charters.{c}.founding_rate": 40.0 for c in data.PRESET_ORDER}
"""Founding rates (per 1,000 eligible a year) at which the tiny world founds a few groups in its 10 weeks."""


@pytest.fixture(scope="session")
def open_world_dir(tmp_path_factory) -> Path:
    """A tiny run in which groups are founded during the reported weeks, besides those present at the start."""
    return write_run(tmp_path_factory.mktemp("open") / "run", seed=1, model=FOUNDING)


def expected_cohorts(groups: pd.DataFrame, horizon: float) -> dict:
    """{(cohort, charter): groups} worked out from the groups table, not with the code under test."""
    founded, to_dormancy = groups["founded_week"], groups["weeks_to_dormancy"]
    during = (founded >= 0) & (founded < horizon)
    alive_at_start = (founded < 0) & (to_dormancy.isna() | (to_dormancy > -founded))
    out = {}
    for cohort, members in (("founded_during", during), ("present_at_start", alive_at_start)):
        out |= {(cohort, c): n for c, n in groups[members]["charter"].value_counts().items()}
    return out


def cohort_counts(km: pd.DataFrame) -> dict:
    return {key: int(n) for key, n in km.groupby(["cohort", "charter"])["entered"].first().items()}


def test_fig3_follows_both_cohorts_from_their_start(open_world_dir):
    groups = pd.read_parquet(open_world_dir / "groups.parquet")
    (fig, km), = plot.fig3(load(open_world_dir)).values()
    expected = expected_cohorts(groups, WEEKS)
    assert {c for c, _ in expected} == {"founded_during", "present_at_start"}  # the world has both
    assert cohort_counts(km) == expected
    for (cohort, _charter), curve in km.groupby(["cohort", "charter"]):
        assert (curve["time"].iloc[0], curve["survival"].iloc[0]) == (0, 1)
        assert curve["time"].max() <= WEEKS
        if cohort == "founded_during":  # from founding: no dormancy before the classifier's window
            assert (curve.loc[curve["events"] > 0, "time"] >= 8).all()
    assert km.loc[km["cohort"] == "founded_during", "events"].sum() > 0  # some died young, at 8 weeks or later
    # two panels side by side, one per cohort, with labelled axes and a curve and band per charter
    assert len(fig.axes) == 2
    (left, right) = fig.axes
    assert left.get_xlabel() == "weeks since founding"
    assert right.get_xlabel() == "weeks since the reported weeks began"
    assert "not yet dormant" in left.get_ylabel()
    assert left.get_title(loc="left").startswith("(a) founded during") and right.get_title(loc="left").startswith("(b)")
    for ax, cohort in zip(fig.axes, ("founded_during", "present_at_start"), strict=True):
        curves = [line for line in ax.get_lines() if "(n=" in line.get_label()]
        assert len(curves) == len(km[km["cohort"] == cohort]["charter"].unique()) and ax.collections
        assert all(line.get_xdata()[0] == 0 and line.get_ydata()[0] == 1 for line in curves)
    note = fig._supxlabel.get_text().replace("-\n", "-").replace("\n", " ")  # wrapped, at hyphens too
    assert "left truncation" in note and "Greenwood, log-log" in note  # one seed: the band within the run
    _render_without_warnings(fig)


def test_fig3_on_a_run_shorter_than_the_dormancy_window_lays_out_cleanly():
    table = data.survival_by_charter(
        pd.DataFrame({"group_id": range(3), "charter": "industry_profession", "weeks_to_dormancy": [None] * 3}),
        horizon_weeks=2,
    )
    assert len(table)
    _render_without_warnings(draw.figure_survival(table, horizon=2, earliest=8))


# ------------------------------------------------- readable figures, shared cells, named intervals


def _fig1_table() -> pd.DataFrame:
    """Industry groups post about 3 a week, employment associations nothing."""
    rows = []
    for charter, posts in (("employment_association", 0.0), ("industry_profession", 3.0)):
        for week in range(6):
            rows.append({"charter": charter, "size_class": "<200", "week": week, "n_groups": 5,
                         "median": posts + 0.1 * week * (posts > 0), "median_ci_low": max(posts - 1, 0),
                         "median_ci_high": posts + 1, "q90": 2 * posts, "interval": "order statistics"})
    return pd.DataFrame(rows)


THRESHOLDS = {"thriving_posts_per_week": 2.0, "dormant_max_posts": 0, "dormant_window_weeks": 8, "window_weeks": 4,
              "thriving_min_posters": 3}


def test_fig1_gives_every_charter_a_linear_scale_with_ticks_through_its_data():
    fig = draw.figure_activity(_fig1_table(), THRESHOLDS)
    employment, industry = fig.axes[:2]
    for ax in (employment, industry):
        assert ax.get_yscale() == "linear"
        lo, hi = ax.get_ylim()
        ticks = [t for t in ax.get_yticks() if lo <= t <= hi]
        assert len(ticks) >= 3
    lo, hi = industry.get_ylim()
    assert hi >= 6  # the industry median (3-3.5), its band (to 4) and the 90th percentile group (6) fit
    assert [t for t in industry.get_yticks() if 1 < t <= hi]  # ticks above 1, where the industry line runs
    assert employment.get_ylim()[1] >= THRESHOLDS["thriving_posts_per_week"]  # the zero line reads against the bar
    legend = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "order statistics" in legend
    _render_without_warnings(fig)


def test_fig2_and_fig4_give_the_same_share_for_a_charter_and_size_cell():
    # a sweep of charter x swept size (sigma 0): the employment association job at 700 has two groups capped at 330
    rows = []
    for seed in (1, 2, 3):
        for charter in ("employment_association", "industry_profession"):
            for median in (300, 700):
                job = f"{charter}{median}{seed}"
                for gid in range(6):
                    size = 330 if charter == "employment_association" and median == 700 and gid < 2 else median
                    thriving = (gid + seed) % 3 == 0 or (median == 700 and gid == 5)
                    rows.append({"job": job, "seed": seed, "group_id": gid, "charter": charter,
                                 "groups/charter_mix": charter, "groups.size_median": median, "initial_size": size,
                                 "final_state": "thriving" if thriving else "active"})
    groups = pd.DataFrame(rows)
    fig2 = data.thriving_by_size(groups, min_groups=1)
    cells, axes = data.shared_cells(groups, ["groups/charter_mix", "groups.size_median"])
    assert axes == ["charter", data.SIZE_CELL]
    fig4 = data.thriving_heatmap(cells, *axes)
    assert len(fig4) == len(fig2) == 4
    fig4 = fig4.assign(size_lo=[int(str(c).split("-")[0]) for c in fig4[data.SIZE_CELL]])
    merged = fig2.merge(fig4, on=["charter", "size_lo"], suffixes=("_2", "_4"))
    assert len(merged) == 4
    for column in ("n_groups", "share", "ci_low", "ci_high", "interval"):
        assert merged[f"{column}_2"].tolist() == merged[f"{column}_4"].tolist(), column
    capped = merged[(merged["charter"] == "employment_association") & (merged["size_lo"] == 200)]
    assert capped["n_groups_2"].item() == 3 * (6 + 2)  # the capped groups count at their own size in both
    fig = draw.figure_heatmap(fig4, *axes, n_seeds=3)
    assert "as in figure 2" in fig.get_supxlabel().replace("\n", " ")


def test_every_interval_method_is_named_in_the_notes():
    table = pd.DataFrame({"charter": ["industry_profession"] * 2, "size_lo": [0, 200], "size_hi": [200, 500],
                          "size_median": [100.0, 300.0], "n_groups": [9, 9], "n_thriving": [3, 3], "n_jobs": [3, 2],
                          "share": [0.3, 0.3], "ci_low": [0.1, None], "ci_high": [0.5, None],
                          "interval": ["t", "none (n<3)"]})
    note = draw.figure_thriving_by_size(table, horizon=10, n_seeds=3).get_supxlabel().replace("\n", " ")
    assert "Student t-interval over seeds" in note and "no interval with fewer than 3 seeds" in note
    assert "Wilson" not in note


def test_fig5_names_both_denominators_of_the_top_share():
    members = pd.DataFrame({"group_id": 0, "posts": [0] * 90 + [1] * 9 + [91]})
    groups = pd.DataFrame({"group_id": [0], "charter": ["industry_profession"], "initial_size": [100]})
    lorenz = data.lorenz_by_charter(members, groups)
    first = lorenz.iloc[0]
    assert first["top1_share"] == pytest.approx(0.91)  # the top 1 of 100 members
    assert first["top1_share_posting"] == pytest.approx(0.91)  # the top 1 (at least one) of the 10 who posted
    split = data.participation_split(members, heavy_min=2)
    badges = data.badge_ratio_by_charter(members, groups, large_group=2000)
    fig = draw.figure_participation(lorenz, split, badges, heavy_min=2, large_group=2000)
    labels = " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())
    assert "of all" in labels and "of posting" in labels
    assert "S2's denominator" in fig.get_supxlabel().replace("\n", " ")


def test_fig7_per_charter_pairs_each_charter_with_its_baseline_arm():
    rows = []
    for seed in (1, 2, 3):
        for variant, lift in (("none", 0), ("moderation", 1)):
            for charter, base in (("employment_association", 0), ("industry_profession", seed)):
                for gid in range(5):
                    thriving = gid < base + lift * (charter == "industry_profession")
                    rows.append({"job": f"{variant}{seed}", "seed": seed, "intervention": variant, "charter": charter,
                                 "group_id": gid, "final_state": "thriving" if thriving else "dormant"})
    table = data.variant_effects(pd.DataFrame(rows), "intervention", by=["charter"])
    assert table["charter"].tolist() == ["employment_association"] * 2 + ["industry_profession"] * 2
    assert table["intervention"].tolist() == ["none", "moderation", "none", "moderation"]
    effect = table.set_index(["charter", "intervention"])
    industry = effect.loc[("industry_profession", "moderation")]
    assert industry["diff_interval"] == "t" and industry["diff"] == pytest.approx(0.2)  # one more of 5, every seed
    floor = effect.loc[("employment_association", "moderation")]
    assert floor["share"] == 0 and floor["diff"] == 0
    fig = draw.figure_variants_by_charter(table, "intervention", "none", n_seeds=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert "(baseline: 0% thriving)" in titles[0] and "Student t-interval" in fig.get_supxlabel().replace("\n", " ")
    _render_without_warnings(fig)
