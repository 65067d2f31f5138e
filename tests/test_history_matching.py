"""History matching (experiments/analysis/history_matching.py) on functions whose answer is known."""

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import design
from experiments.analysis import history_matching as hm
from sim import GroupCultureModel
from tests.conftest import TINY, groupsim, groupsim_in_process

PRIOR = pd.DataFrame({"low": [0.0, 10.0], "high": [1.0, 20.0]}, index=["a", "b"])
RANGES = pd.DataFrame({"low": [0.4], "high": [0.6]}, index=["F.y"])
SEED_SD = 0.01


def model(points: pd.DataFrame, seeds: int, rng) -> tuple[pd.DataFrame, np.ndarray]:
    """y = a, whatever b: one row per (draw, seed), with seed noise."""
    draw = np.repeat(np.arange(len(points)), seeds)
    y = points["a"].to_numpy()[draw] + rng.normal(0, SEED_SD, len(draw))
    return pd.DataFrame({"F.y": y}), draw


def run_waves(waves: int, n: int = 30, seeds: int = 2):
    rng = np.random.default_rng(1)
    settings = hm.Settings(waves=waves, candidates=4000)
    points = hm.from_unit(hm.candidates(PRIOR, n, 0, 0), PRIOR)
    wave_of = np.ones(n, dtype=int)
    values, draw = model(points, seeds, rng)
    shares = []
    while True:
        screen = hm.step(points, values, draw, PRIOR, RANGES, wave_of, settings)
        shares.append(screen.kept.mean())
        if hm.stop_reason(shares, settings):
            return screen, shares
        new = hm.next_points(screen, PRIOR, n)
        more, more_draw = model(new, seeds, rng)
        values = pd.concat([values, more], ignore_index=True)
        draw = np.concatenate([draw, more_draw + len(points)])
        points = pd.concat([points, new], ignore_index=True)
        wave_of = np.concatenate([wave_of, np.full(len(new), wave_of.max() + 1)])


def test_waves_recover_a_known_non_implausible_region():
    screen, shares = run_waves(3)
    region = hm.from_unit(screen.x[screen.kept], PRIOR)
    a = region["a"]
    # the true region is a in [0.4, 0.6] (any b); the emulator's and the seeds' variance widen it a little
    assert a.min() > 0.35 and a.max() < 0.65
    truth = hm.from_unit(screen.x, PRIOR)["a"].between(0.42, 0.58)
    assert screen.kept[truth.to_numpy()].mean() > 0.95  # the core of the true region is never ruled out
    assert shares[0] < 0.35 and shares[-1] <= shares[0]  # nested regions: about 20% of the prior is left


def test_a_parameter_the_outputs_ignore_is_not_identified_and_one_they_pin_is():
    screen, _ = run_waves(2)
    region = hm.from_unit(screen.x[screen.kept], PRIOR)
    table = hm.region_summary(region, PRIOR, {"a": 0.5, "b": 19.0}, True).set_index("parameter")
    assert table.loc["a", "identified"] and not table.loc["b", "identified"]
    assert table.loc["a", "default_in_q05_q95"] and table.loc["b", "width_ratio"] > 0.8


def test_implausibility_grows_with_the_distance_from_the_target_and_falls_with_seed_noise():
    x = np.linspace(0, 1, 11)[:, None]
    em = hm.Emulator(x, x[:, 0], np.full(11, 1e-6))
    goal = hm.targets(pd.DataFrame({"low": [0.4], "high": [0.6]}, index=["y"]))
    points = np.array([[0.5], [0.6], [0.8], [1.0]])
    quiet = hm.implausibility({"y": em}, points, goal, pd.Series({"y": 0.0}))["y"]
    noisy = hm.implausibility({"y": em}, points, goal, pd.Series({"y": 0.01}))["y"]
    assert quiet.iloc[0] < 0.2 and quiet.is_monotonic_increasing
    assert quiet.iloc[1] == pytest.approx(3.0, abs=0.2)  # the range's edge is the cutoff (range = 3 sigma)
    assert (noisy.iloc[1:] < quiet.iloc[1:]).all()


def test_the_rank_two_rule_lets_one_measure_miss():
    table = pd.DataFrame({"S1": [5.0, 1.0], "S2": [1.0, 4.0], "S3": [0.5, 3.5]})
    assert hm.worst(table, 1).tolist() == [5.0, 4.0]
    assert hm.worst(table, 2).tolist() == [1.0, 3.5]


@pytest.mark.parametrize("shares, expected", [
    ([0.3, 0.0], "empty"), ([0.3, 0.1, 0.05, 0.01], "4 waves"), ([0.3, 0.29], "shrank by less than 10%"),
    ([0.3, 0.1], None),
])
def test_the_waves_stop_when_the_region_stops_shrinking(shares, expected):
    reason = hm.stop_reason(shares, hm.Settings(waves=4))
    assert reason is None if expected is None else expected in reason


def test_min_shrink_zero_runs_every_wave_even_if_the_region_grows():
    assert "shrank" in hm.stop_reason([0.3, 0.31], hm.Settings(waves=4, min_shrink=0.01))
    assert hm.stop_reason([0.3, 0.31], hm.Settings(waves=4, min_shrink=0.0)) is None
    assert "4 waves" in hm.stop_reason([0.3, 0.31, 0.32, 0.33], hm.Settings(waves=4, min_shrink=0.0))


def test_the_seed_variance_is_pooled_over_draws():
    values = pd.DataFrame({"y": [1.0, 3.0, 10.0, 10.0]})
    stats = hm.draw_stats(values, [0, 0, 1, 1])
    assert hm.pooled_seed_variance(stats)["y"] == pytest.approx(1.0)  # (2 + 0) / 2


# ------------------------------------------------------------------ the command (experiment=calibrate)

TINY_HM = ["calibrate.n=4", "calibrate.seeds=2", "calibrate.waves=2", "calibrate.candidates=500",
           "calibrate.min_shrink=0", "calibrate.cutoff=1000", *TINY]  # a tiny world misses S2: keep a region


@pytest.mark.slow
def test_tiny_calibration_runs_its_waves_in_one_command_and_resumes_without_rerunning(tmp_path):
    root = tmp_path / "sweep"
    proc = groupsim("-m", "experiment=calibrate", *TINY_HM, f"hydra.sweep.dir={root}", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = pd.read_csv(root / "calibration_runs.csv")
    assert len(runs) == 2 * 4 * 2 and sorted(runs["wave"].unique()) == [1, 2]  # waves x draws x seeds
    assert set(runs.groupby("draw")["seed"].nunique()) == {2}
    assert runs["seed"].nunique() == len(runs)  # fresh seeds: no two draws share a world, across waves too
    waves = pd.read_csv(root / "calibration_waves.csv")
    assert waves["wave"].tolist() == [1, 2] and waves["stop"].iloc[-1] == "2 waves run"
    params = pd.read_csv(root / "calibration_parameters.csv")
    assert set(params["parameter"]) == set(pd.read_csv(root / "waves" / "wave_1.csv").columns)
    # the region is a table of parameter sets, as experiment=charter_vs_size_uncertainty reads one
    sets = design.parameter_sets(str(root / "calibration_region.csv"), 3)
    assert list(sets.columns) == [*params["parameter"], design.SET_COLUMN]
    report = (root / "calibration.md").read_text()
    assert "history matching" in report and "The default point" in report
    wave2 = pd.read_csv(root / "waves" / "wave_2.csv")
    again = groupsim("-m", "experiment=calibrate", *TINY_HM, f"hydra.sweep.dir={root}", "resume=true", cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("(resume=true): skipped") + again.stderr.count("(resume=true): skipped") == 16
    pd.testing.assert_frame_equal(pd.read_csv(root / "waves" / "wave_2.csv"), wave2)  # the same waves again


def test_an_empty_region_is_a_result_not_an_error():
    screen = hm.Screen(1, np.zeros(3, dtype=bool), np.full(3, 9.0), np.full((3, 2), 0.5), [])
    assert list(hm.next_points(screen, PRIOR, 5).columns) == ["a", "b"] and hm.next_points(screen, PRIOR, 5).empty
    assert "empty" in hm.stop_reason([0.4, float(screen.kept.mean())], hm.Settings())


def test_history_matching_with_one_seed_per_draw_is_refused_in_one_line(tmp_path):
    proc = groupsim_in_process("-m", "experiment=calibrate", "calibrate.seeds=1", *TINY,
                               f"hydra.sweep.dir={tmp_path / 'sweep'}", cwd=tmp_path)
    assert proc.returncode == 2 and "calibrate.seeds = 1: allowed 2 or more" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "sweep").exists()


def test_the_calibrated_defaults_are_the_least_implausible_point_of_the_region(tmp_path, capsys):
    from experiments.analysis import defaults

    region = pd.DataFrame({"behaviour.post_base": [-7.0, -8.0, -7.5], "I.S1": [1.0, 2.5, 0.5],
                           "I.worst": [2.9, 2.5, 2.7]})
    assert defaults.best_point(region)["behaviour.post_base"] == -8.0
    path = tmp_path / "region.csv"
    region.to_csv(path, index=False)
    defaults.main([str(path)])
    assert capsys.readouterr().out.splitlines()[0] == "behaviour.post_base=-8"
    region.iloc[:0].to_csv(path, index=False)  # an empty region: one line, no traceback
    with pytest.raises(SystemExit, match="no non-implausible point"):
        defaults.main([str(path)])


def test_the_committed_defaults_lie_in_the_committed_non_implausible_region():
    """Issue 21: the defaults are a point of docs/calibration/calibration_region.csv (to the
    rounding they are set with: 0.5% of each prior's width), so a calibration rerun that
    leaves the defaults behind, or defaults moved by hand, fail here."""
    from pathlib import Path

    from sim.params import ModelParams

    folder = Path(__file__).resolve().parents[1] / "docs" / "calibration"
    region = pd.read_csv(folder / "calibration_region.csv")
    prior = pd.read_csv(folder / "calibration_parameters.csv").set_index("parameter")
    params = ModelParams()
    defaults = pd.Series({p: getattr(getattr(params, p.split(".")[0]), p.split(".")[1]) for p in prior.index})
    width = prior["prior_high"] - prior["prior_low"]
    off = (region[prior.index] - defaults).abs() / width  # per row and parameter, in prior widths
    assert (off.max(axis=1) <= 0.005).any(), off.max(axis=1).min()
    # ... and the point the selection by runs chose (experiments.analysis.select_defaults)
    chosen = pd.read_csv(folder / "defaults_selection.csv").query("chosen").iloc[0]
    assert ((chosen[prior.index] - defaults).abs() / width).max() <= 0.005


# ------------------------------------------------------------------ choosing the defaults by runs


def _calibration_folder(tmp_path, s1_of_a):
    """A calibration folder whose S1 is ``s1_of_a(a)`` (b does nothing) and whose other measures sit mid-range."""
    rng = np.random.default_rng(0)
    a = np.repeat(np.linspace(0, 1, 25), 2)
    runs = pd.DataFrame({"draw": np.repeat(np.arange(25), 2), "wave": 1, "seed": np.tile([1, 2], 25),
                         "a": a, "b": 0.5, "S1.never_posted": s1_of_a(a) + rng.normal(0, 0.005, a.size),
                         "S2.top1_share": 0.65 + rng.normal(0, 0.01, a.size), "S3.posts": 1.9,
                         "S3.replies": 0.55 + rng.normal(0, 0.01, a.size)})
    runs["S3.posts"] += rng.normal(0, 0.05, a.size)
    runs.to_csv(tmp_path / "calibration_runs.csv", index=False)
    pd.DataFrame({"a": [0.05, 0.5, 0.95], "b": 0.5, "I.worst": [1.0, 2.0, 2.5]}).to_csv(
        tmp_path / "calibration_region.csv", index=False)
    pd.DataFrame({"parameter": ["a", "b"], "prior_low": [0.0, 0.0], "prior_high": [1.0, 1.0]}).to_csv(
        tmp_path / "calibration_parameters.csv", index=False)
    return tmp_path


def test_the_defaults_are_ranked_by_their_expected_margin_inside_the_ranges_not_by_implausibility(tmp_path):
    from experiments.analysis import select_defaults as sd

    # S1 runs from 0.70 (a = 0) to 1.0 (a = 1): a = 0.5 gives 0.85, the middle of S1's range 0.75-0.95
    ranked = sd.expected(_calibration_folder(tmp_path, lambda a: 0.70 + 0.30 * a))
    assert ranked["a"].iloc[0] == 0.5  # the least implausible row (a = 0.05, I.worst 1.0) is not first
    assert ranked["margin"].iloc[0] > 3 > 0 > ranked["margin"].iloc[-1]  # outside a range: a negative margin
    assert abs(ranked["E.S1.never_posted"].iloc[0] - 0.85) < 0.02


def test_ranked_by_the_probability_of_passing_a_point_inside_every_range_comes_first(tmp_path):
    from experiments.analysis import select_defaults as sd

    ranked = sd.expected(_calibration_folder(tmp_path, lambda a: 0.70 + 0.30 * a), rank="p_pass")
    assert ranked["a"].iloc[0] == 0.5  # S1 0.85; a = 0.05 and 0.95 give 0.715 and 0.985, both outside
    assert 0.8 < ranked["p_pass"].iloc[0] <= 1 and ranked["p_pass"].iloc[1:].max() < 0.05
    assert ranked["p_pass"].is_monotonic_decreasing


def test_a_measure_passes_the_selection_only_with_its_mean_and_80_percent_of_seeds_in_range():
    from experiments.analysis import select_defaults as sd

    ranges = pd.DataFrame({"low": [0.75], "high": [0.95]}, index=["S1.never_posted"])
    eight = pd.DataFrame({"S1.never_posted": [0.90] * 6 + [0.96, 0.96]})  # 75% of seeds in range
    assert sd.judge(eight, ranges)["pass.S1.never_posted"] == False  # noqa: E712
    eight.iloc[6, 0] = 0.94  # 7 of 8
    verdict = sd.judge(eight, ranges)
    assert verdict["pass.S1.never_posted"] == True and verdict["in_range.S1.never_posted"] == 0.875  # noqa: E712
    table = pd.DataFrame({"pass.x": [False, True, True], "pass.y": [False, False, True], "order": [0, 1, 2]})
    assert sd.choose(table).query("chosen")["order"].tolist() == [2]
    assert sd.choose(table.iloc[:2]).query("chosen")["order"].tolist() == [1]  # fewest failed, first of equals


def test_a_selection_run_reads_every_calibration_measure_of_its_summary():
    from experiments.analysis import select_defaults as sd

    point = {"population.size": 3000, "groups.count": 25, "duration.weeks": 8, "duration.spinup_weeks": 4}
    measured = sd._run((point, 3))
    model = GroupCultureModel(**{**point, "seed": 3})
    model.run()
    facts = model.summary()["stylized_facts"]
    assert list(measured) == list(sd._ranges().index)
    for name, value in measured.items():
        fact, measure = name.split(".")
        assert value == facts[fact]["measures"][measure]["value"]


def test_each_calibration_draw_runs_worlds_of_its_own_unless_fresh_seeds_is_off(cfg):
    from experiments.analysis.sweeper import planned_jobs

    def seeds_by_draw(*overrides):
        config = cfg("experiment=calibrate", "calibrate.n=4", "calibrate.seeds=3", *overrides, hydra=True)
        jobs = planned_jobs(config, [])
        by_draw: dict = {}
        for job in jobs:
            o = dict(x.split("=", 1) for x in job)
            by_draw.setdefault(o["behaviour.post_base"], []).append(int(o["seed"]))
        return list(by_draw.values())

    fresh = seeds_by_draw()
    assert [len(s) for s in fresh] == [3] * 4
    assert sorted(sum(fresh, [])) == list(range(1, 13))  # draw i: seeds 3i+1..3i+3, none shared
    assert seeds_by_draw("calibrate.fresh_seeds=false") == [[1, 2, 3]] * 4
