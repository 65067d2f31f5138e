"""groupsim-report: every generated block of the docs matches the committed findings data, and a stale one is caught."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from experiments import intervals, report
from sim import facts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the pages and findings data the report reads (the check never touches the real tree)."""
    for page in report.PAGES:
        if (ROOT / page).exists():
            (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / page, tmp_path / page)
    shutil.copytree(ROOT / "docs" / "findings", tmp_path / "docs" / "findings")
    shutil.copytree(ROOT / "benchmarks" / "results", tmp_path / "benchmarks" / "results")
    shutil.copytree(ROOT / "docs" / "calibration", tmp_path / "docs" / "calibration")
    shutil.copytree(ROOT / "configs", tmp_path / "configs")  # the presets' seed lists (block seed-power)
    return tmp_path


def test_the_committed_tree_passes_the_check():
    assert report.main(["--check"]) == 0, "run `groupsim-report` and commit the pages it rewrites"


@pytest.mark.parametrize("page", ["README.md", "experiments/README.md", "docs/ODD.md", "docs/VALIDATION.md",
                                  "docs/FINDINGS.md"])
def test_each_page_that_quotes_results_has_generated_blocks(page):
    assert report.blocks(ROOT, page), f"{page} has no generated block: the check would pass it vacuously"


def test_a_number_changed_by_hand_in_a_block_fails_the_check_and_the_report_restores_it(tree, capsys):
    readme = tree / "README.md"
    original = readme.read_text(encoding="utf-8")
    probes = next(b for b in report.blocks(tree, "README.md") if b.name == "probes")
    number = re.search(r"\| (\d+\.\d)% \|", probes.body).group(1)  # the first percentage of the table
    edited = probes.body.replace(f"| {number}% |", f"| {float(number) + 1:.1f}% |", 1)
    readme.write_text(original[:probes.start] + edited + original[probes.end:], encoding="utf-8")
    assert report.main(["--check", "--root", str(tree)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["README.md: generated block probes differs from its data (run groupsim-report)"]
    assert report.main(["--root", str(tree)]) == 0
    assert readme.read_text(encoding="utf-8") == original
    assert report.main(["--check", "--root", str(tree)]) == 0


def test_new_data_makes_the_blocks_it_feeds_stale_on_every_page(tree, capsys):
    path = tree / "docs" / "findings" / "probes.json"
    data = json.loads(path.read_text())
    data["seeds"]["1"]["model"]["share_dormant"] = 0.9
    path.write_text(json.dumps(data))
    assert report.main(["--check", "--root", str(tree)]) == 1
    stale = {line.split(":")[0] for line in capsys.readouterr().err.splitlines()}
    assert stale == {"README.md", "docs/VALIDATION.md", "docs/FINDINGS.md"}


def test_missing_findings_give_the_command_never_a_number(tree):
    e = report.entry(tree, "attention_hysteresis")
    (tree / e["file"]).unlink(missing_ok=True)  # as before its experiment has run
    note = report.render(tree, "status:attention_hysteresis", report.MANIFEST)
    assert "Not yet regenerated" in note and e["command"] in note
    # once the file is there the block names its provenance instead, and the check sees it
    pd.DataFrame({"groups.size_median": [75.0], "interventions.membership_cut_share": [0.0], "seed": [1],
                  "behaviour.attention_capacity": [0], "mean_groups_per_person": [1.0], "share_thriving": [0.5],
                  "share_dormant": [0.2]}).to_csv(tree / e["file"], index=False)
    manifest = json.loads((tree / report.MANIFEST).read_text())
    manifest["attention_hysteresis"].update(commit="abc1234", seeds="1-25", date="2026-12-07")
    (tree / report.MANIFEST).write_text(json.dumps(manifest))
    assert "commit `abc1234`" in report.render(tree, "status:attention_hysteresis", report.MANIFEST)
    assert report.stale(tree)


@pytest.mark.parametrize("marker, problem", [
    ("<!-- generated: nosuch from docs/findings/probes.json -->", "unknown block 'nosuch'"),
    ("<!-- generated: probes from docs/findings/other.json -->", "rendered from docs/findings/probes.json"),
    ("<!-- generated: status:nosuch from docs/findings/manifest.json -->", "has no entry 'nosuch'"),
])
def test_a_bad_marker_is_one_line_naming_the_page_and_the_block(tree, capsys, marker, problem):
    page = tree / "docs" / "FINDINGS.md"
    page.write_text(page.read_text() + f"\n{marker}\n<!-- end generated -->\n")
    assert report.main(["--check", "--root", str(tree)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: docs/FINDINGS.md: block ") and problem in err[0]


def test_commands_list_how_to_remake_every_findings_file(capsys):
    assert report.main(["--commands"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    manifest = report.manifest(ROOT)
    assert len(lines) == len(manifest)
    for line, (key, e) in zip(lines, manifest.items(), strict=True):
        assert line == f"{e['file']}: {e['command']}"
        assert e["file"] in e["command"] or f"--collect {key} " in e["command"], f"{key}: its command does not write it"


def test_every_committed_findings_file_says_where_it_came_from():
    for key, e in report.manifest(ROOT).items():
        if (ROOT / e["file"]).exists():
            assert {"command", "commit", "seeds", "date"} <= set(e), key


def test_validation_intervals_follow_the_seed_count_rule():
    """Fewer than 10 seeds: t (none below 3); from 10: bootstrap; facts judged over seeds have their own t-interval."""
    e = report.entry(ROOT, "validation")
    if not (ROOT / e["file"]).exists():
        pytest.skip("no validation data committed yet")
    table = report.validation_table(ROOT / e["file"])
    for r in table.to_dict("records"):
        n = int(r["seeds"])
        fact = facts.FACTS.get(r["name"].split(".")[0])
        if fact is not None and fact.over_seeds:  # judged by its own t-interval over seeds (S6, H4, H5)
            assert r["interval"] in (intervals.T, intervals.NONE), r["name"]
        elif n < intervals.MIN_SEEDS:
            assert r["interval"] == intervals.NONE and math.isnan(r["ci_low"]), r["name"]
        else:
            expected = intervals.T if n < intervals.BOOTSTRAP_FROM else intervals.BOOTSTRAP
            assert r["interval"] == expected, r["name"]


def test_the_validation_table_round_trips_its_verdicts(tmp_path):
    table = pd.DataFrame({"pass": [True, False, None]})
    table.to_csv(tmp_path / "v.csv", index=False)
    assert report.validation_table(tmp_path / "v.csv")["pass"].tolist() == [True, False, None]


def test_a_collected_sweep_is_ranked_by_paired_effects_with_its_provenance(tree):
    """Per-seed differences from the baseline: the spread between seeds cancels, the method follows the seed count."""
    sweep = tree / "sweep"
    sweep.mkdir()
    rows = []
    for seed, level in ((1, 0.2), (2, 0.5), (3, 0.8)):  # seeds differ a lot; the paired effects do not
        rows += [{"job": f"n{seed}", "seed": seed, "intervention": "none", "share_dormant": level,
                  "posts_per_1000_members_week": 10 * level, "share_thriving": 0.1, "other": 1},
                 {"job": f"m{seed}", "seed": seed, "intervention": "manager_seeding", "share_dormant": level - 0.1,
                  "posts_per_1000_members_week": 10 * level + 2 + 0.1 * seed, "share_thriving": 0.1, "other": 1},
                 {"job": f"d{seed}", "seed": seed, "intervention": "weekly_digest", "share_dormant": level + 0.01,
                  "posts_per_1000_members_week": 10 * level, "share_thriving": 0.1 + 0.01 * (seed - 2), "other": 1}]
    pd.DataFrame(rows).to_csv(sweep / "sweep_summary.csv", index=False)
    written = report.collect(tree, "interventions", sweep, "abc1234", "2026-12-07")
    assert list(pd.read_csv(written).columns) == ["seed", "intervention", "share_dormant",
                                                  "posts_per_1000_members_week", "share_thriving"]
    e = report.entry(tree, "interventions")
    assert (e["commit"], e["seeds"], e["date"]) == ("abc1234", "1-3", "2026-12-07")
    text = report.render(tree, "ranking:interventions", e["file"])
    rows = [line for line in text.splitlines() if line.startswith("| ") and "variant" not in line]
    # largest effect on share dormant first; the seeds' levels (0.2-0.8) cancel in the paired differences
    assert rows[0] == ("| manager_seeding | -10.0 [-10.0, -10.0] (t) | +2.20 [+1.95, +2.45] (t)"
                       " | +0.0 [+0.0, +0.0] (t), n.d. |")
    assert rows[1].startswith("| weekly_digest | +1.0 [+1.0, +1.0] (t) | +0.00 [+0.00, +0.00] (t), n.d. | +0.0 [-")
    assert rows[1].endswith("] (t), n.d. |")
    assert "mean over 3 seeds" in text and "commit `abc1234`" in text


def test_collect_records_the_model_commit_given_on_the_command_line(tree, capsys):
    """A sweep run from another checkout of the same model is collected under that model's commit."""
    (tree / "sweep").mkdir()
    pd.DataFrame({"seed": [1, 2, 3], "intervention": ["none"] * 3, "share_dormant": [0.1] * 3,
                  "posts_per_1000_members_week": [1.0] * 3, "share_thriving": [0.5] * 3}).to_csv(
        tree / "sweep" / "sweep_summary.csv", index=False)
    assert report.main(["--root", str(tree), "--collect", "interventions", str(tree / "sweep"),
                        "--commit", "fedcba9"]) == 0
    assert report.entry(tree, "interventions")["commit"] == "fedcba9"
    assert "wrote" in capsys.readouterr().out


def test_collect_names_a_missing_column_in_one_line(tree, capsys):
    (tree / "sweep").mkdir()
    pd.DataFrame({"seed": [1], "intervention": ["none"]}).to_csv(tree / "sweep" / "sweep_summary.csv", index=False)
    with pytest.raises(report.ReportError, match="no column.*share_dormant"):
        report.collect(tree, "interventions", tree / "sweep", "abc1234", "2026-12-07")


def test_ci_runs_the_check_and_the_console_script_is_declared():
    assert "groupsim-report --check" in (ROOT / ".ci" / "run").read_text()
    assert 'groupsim-report = "experiments.report:main"' in (ROOT / "pyproject.toml").read_text()


def test_three_paired_differences_get_a_t_interval_not_their_range():
    """Issue 21's figure 7 example: +8.3, +8.3, +16.7 points gave [+8.3, +16.7] from a bootstrap of 3 seeds."""
    ci = intervals.over_seeds([8.3, 8.3, 16.7])
    assert ci.method == "t" and ci.mean == pytest.approx(11.1)
    assert ci.low == pytest.approx(-0.95, abs=0.05) and ci.high == pytest.approx(23.15, abs=0.05)


def test_the_stationarity_block_shows_each_seed_against_its_targets(tree, capsys):
    path = tree / "docs" / "findings" / "stationarity.json"
    data = json.loads(path.read_text())
    block = report.render(tree, "stationarity", "docs/findings/stationarity.json")
    first = data["seeds"][0]
    assert f"| {first['seed']} | {first['share_dormant_change_points']:+.1f} points" in block
    assert sum(line.startswith("| ") for line in block.splitlines()) == 1 + len(data["seeds"])  # header, a row each
    data["seeds"][0]["share_dormant_change_points"] += 1.0
    path.write_text(json.dumps(data))
    assert report.main(["--check", "--root", str(tree)]) == 1
    assert "docs/ODD.md: generated block stationarity differs" in capsys.readouterr().err


def test_the_seed_question_block_ranks_each_outcome_and_marks_what_is_not_detectable(tree):
    rows = pd.read_csv(tree / "docs" / "findings" / "seed_question.csv")
    block = report.render(tree, "seed-question", "docs/findings/seed_question.csv")
    for outcome in ("share dormant", "posts per 1,000 member-weeks"):
        assert f"cause: effect on {outcome}" in block
    assert sum(line.startswith("| ") for line in block.splitlines()) == 2 + len(rows)  # a header per outcome
    for r in rows[~rows["detectable"]].itertuples():
        assert f"{r.label} (n.d.)" in block
    first = rows[(rows["outcome"] == "share_dormant") & (rows["rank"] == 1)].iloc[0]
    assert f"| 1 | {first.label}" in block and f"{100 * first.effect:+.1f}" in block


def _s4_states(splits):
    """path_dependence.csv rows: one cell, one initial state per split."""
    return pd.DataFrame({"cell": "groups/charter_mix=industry_profession, groups.size_median=300",
                         "seed": range(1, len(splits) + 1), "within_group_split": splits, "replicates": 10,
                         "dynamics_seeds": "0 1 2 3 4 5 6 7 8 9", "control_split": 0.0,
                         "between_groups_split": 0.3, "share_thriving": 0.4, "share_dormant": 0.5, "groups": 12,
                         "best_charter": "industry_profession", "best_size": "256-512", "state": "x"})


def test_a_collected_s4_sweep_renders_its_verdict_per_cell_with_provenance(tree):
    page = tree / "docs" / "VALIDATION.md"
    (tree / "docs" / "findings" / "path_dependence.csv").unlink(missing_ok=True)  # as before S4 has run
    assert "*Not yet regenerated" in report.render(tree, "path-dependence", "docs/findings/path_dependence.csv")
    sweep = tree / "sweep"
    sweep.mkdir()
    _s4_states([0.12, 0.14, 0.16]).to_csv(sweep / "path_dependence.csv", index=False)
    pd.DataFrame({"seed": [1, 2, 3] * 10, "dynamics_seed": range(30)}).to_csv(sweep / "sweep_summary.csv", index=False)
    report.collect(tree, "path_dependence", sweep, "abc1234", "2026-12-07")
    text = report.render(tree, "path-dependence", "docs/findings/path_dependence.csv")
    assert "**S4: pass (largest split 0.14 in cell groups/charter_mix=industry_profession" in text
    assert "| 3 | 10 | 0.14 | 0.09" in text and "| pass |" in text and "commit `abc1234` (seeds 1-3" in text
    assert report.main(["--check", "--root", str(tree)]) == 1  # the page still shows the committed table
    assert report.main(["--root", str(tree)]) == 0 and "**S4: pass" in page.read_text()


def test_collect_of_a_report_file_the_sweep_lacks_says_so_in_one_line(tree):
    (tree / "sweep").mkdir()
    pd.DataFrame({"seed": [1]}).to_csv(tree / "sweep" / "sweep_summary.csv", index=False)
    with pytest.raises(report.ReportError, match=r"no sensitivity_answers.csv there .*run the sweep's report first"):
        report.collect(tree, "sobol_answers", tree / "sweep", "abc1234", "2026-12-07")


def test_the_sensitivity_blocks_say_which_answers_hold_and_which_factors_drive_them(tree):
    sweep = tree / "sweep"
    sweep.mkdir()
    pd.DataFrame({"seed": [1] * 4}).to_csv(sweep / "sweep_summary.csv", index=False)
    pd.DataFrame([{"answer": "dormant_excess_university_alumni_minus_industry", "claim": "sign", "points": 2560,
                   "missing": 0, "q05": 0.02, "median": 0.1, "q95": 0.3, "agreement": 0.97, "holds": True,
                   "charter_factor_share": 0.6},
                  {"answer": "share_dormant", "claim": "level", "points": 2560, "missing": 0, "q05": 0.5,
                   "median": 0.6, "q95": 0.7, "agreement": float("nan"), "holds": None,
                   "charter_factor_share": 0.1}]).to_csv(sweep / "sensitivity_answers.csv", index=False)
    pd.DataFrame({"parameter": ["a", "b", "c", "d"], "output": "S2", "index": "ST", "value": [0.1, 0.5, 0.3, 0.05],
                  "conf": 0.02}).to_csv(sweep / "sensitivity.csv", index=False)
    for key in ("sobol", "sobol_answers"):
        report.collect(tree, key, sweep, "abc1234", "2026-12-07")
    answers = report.render(tree, "answers:sobol_answers", "docs/findings/sobol_answers.csv")
    assert ("| dormant_excess_university_alumni_minus_industry | 0.02 / 0.1 / 0.3 (2560 points, 0 undefined) | sign"
            " | 97.0% | yes | 60.0% |") in answers
    assert "| share_dormant | 0.5 / 0.6 / 0.7 (2560 points, 0 undefined) | level | n/a | reported | 10.0% |" in answers
    indices = report.render(tree, "indices:sobol", "docs/findings/sobol.csv")
    assert "| S2 | b 0.50 [0.48, 0.52]; c 0.30 [0.28, 0.32]; a 0.10 [0.08, 0.12] |" in indices


def test_the_throughput_block_judges_each_benchmark_against_its_target_and_goes_stale_with_it(tree, capsys):
    path = tree / "benchmarks" / "results" / "throughput_cli.json"
    data = json.loads(path.read_text())
    row = data["rows"][0]
    block = report.render(tree, "throughput", report.THROUGHPUT)
    assert f"peak {row['peak_rss_mib']:,.0f} MiB" in block
    row["peak_rss_mib"] = 2 * 1024 + 1  # one MiB over 2 GiB: the memory target is not met
    path.write_text(json.dumps(data))
    assert "memory **not met**" in report.render(tree, "throughput", report.THROUGHPUT).split("default 104-week")[1]
    assert report.main(["--check", "--root", str(tree)]) == 1
    stale = {line.split(":")[0] for line in capsys.readouterr().err.splitlines()}
    assert stale == {"README.md", "docs/SCALING.md"}


def test_the_calibration_block_shows_the_waves_the_region_and_the_defaults_now(tree):
    folder = tree / "docs" / "calibration"
    manifest = tree / "docs" / "findings" / "manifest.json"
    entries = json.loads(manifest.read_text())
    entries["calibration"].update(commit="abc1234", seeds="1-2", date="2026-12-07")
    manifest.write_text(json.dumps(entries))
    pd.DataFrame({"wave": [1, 2], "draws": 100, "runs": 200, "kept_share": [0.0067, 0.0074],
                  "default_worst_I": [3.47, 3.59], "stop": [None, "5 waves run"]}).to_csv(
        folder / "calibration_waves.csv", index=False)
    pd.DataFrame([{"parameter": "behaviour.post_base", "prior_low": -9.0, "prior_high": -6.0, "region_q05": -8.1,
                   "region_q50": -7.8, "region_q95": -7.5, "identified": True, "default": -7.9}]).to_csv(
        folder / "calibration_parameters.csv", index=False)
    pd.DataFrame({"behaviour.post_base": [-7.8, -7.7], "I.worst": [2.4, 2.9]}).to_csv(
        folder / "calibration_region.csv", index=False)
    text = report.render(tree, "calibration", "docs/calibration/calibration_region.csv")
    from sim.params import ModelParams
    now = ModelParams().behaviour.post_base
    assert text.startswith("400 runs in 2 waves") and "2 candidates" in text and "implausibility 2.40" in text
    assert f"| `behaviour.post_base` | -9 to -6 | -8.1 / -7.8 / -7.5 | yes | -7.9 | {now:.4g} |" in text
    assert "| 2 | 100 | 200 | 0.740% | 3.59 | 5 waves run |" in text
    # draw 0: every seed in every range; draw 1: its means are, one seed's S1 is not; draw 2: S3 posts above
    pd.DataFrame({"draw": [0, 0, 1, 1, 2, 2], "seed": [1, 2, 3, 4, 5, 6],
                  "S1.never_posted": [0.9, 0.91, 0.96, 0.9, 0.9, 0.9], "S2.top1_share": 0.6,
                  "S3.posts": [2.0, 2.0, 2.0, 2.0, 3.5, 3.2], "S3.replies": 0.5}).to_csv(
        folder / "calibration_runs.csv", index=False)
    text = report.render(tree, "calibration", "docs/calibration/calibration_region.csv")
    assert ("Of its 3 draws, 2 have every measure's mean over their seeds inside its frozen range and 1 have"
            " every measure inside it at each of their seeds.") in text


def test_a_facts_sweep_block_shows_each_value_with_seeds_in_range_and_goes_stale_with_its_data(tree, capsys):
    path = tree / "docs" / "findings" / "momentum_probe.json"
    data = json.loads(path.read_text())
    block = report.render(tree, "facts-sweep:momentum_probe", "docs/findings/momentum_probe.json")
    rows = [line for line in block.splitlines() if line.startswith("| ") and not line.startswith("| `")]
    assert len(rows) == len(data["arms"])
    first_value, first = next(iter(data["arms"].items()))
    s1 = first["S1.never_posted"]
    assert rows[0].startswith(f"| {first_value} | {s1['mean']:.3g} [")
    assert f"{s1['seeds_in_range']} of {s1['seeds']} in range" in rows[0]
    s1["mean"] += 0.01
    path.write_text(json.dumps(data))
    assert report.main(["--check", "--root", str(tree)]) == 1
    assert "generated block facts-sweep:momentum_probe differs" in capsys.readouterr().err


def test_the_s3_groups_block_splits_seeds_by_the_fallback(tree):
    path = tree / "docs" / "findings" / "s3_groups.json"
    data = json.loads(path.read_text())
    block = report.render(tree, "s3-groups", "docs/findings/s3_groups.json")
    for name, part in data["parts"].items():
        assert f"| {name} | {part['seeds']} | {part['in_range']} |" in block
    path.unlink()
    assert "Not yet regenerated" in report.render(tree, "s3-groups", "docs/findings/s3_groups.json")


def test_the_stopping_block_shows_each_count_and_says_whether_it_falls(tree, capsys):
    path = tree / "docs" / "findings" / "stopping.json"
    data = json.loads(path.read_text())
    block = report.render(tree, "stopping", "docs/findings/stopping.json")
    assert ("It falls with n" if data["falls_with_n"] else "does not fall detectably") in block
    assert f"{data['stop_after']['1']['mean']:.3f} [" in block
    data["stop_after"]["1"]["mean"] += 0.01
    path.write_text(json.dumps(data))
    assert report.main(["--check", "--root", str(tree)]) == 1
    assert "generated block stopping differs" in capsys.readouterr().err


def test_the_h1_ceiling_block_shows_every_arm_and_the_reply_effect_at_each_ceiling(tree):
    data = json.loads((tree / "docs" / "findings" / "h1_ceiling.json").read_text())
    block = report.render(tree, "h1-ceiling", "docs/findings/h1_ceiling.json")
    for arm, a in data["arms"].items():
        assert f"| {arm} | {a['H1']['mean']:.3f} [" in block
    effects = [name for name in data["paired"] if "no reply effect" in name]
    after = block.split("the reply's effect")[1].splitlines()
    assert len(effects) == sum(line.startswith("| ceiling") for line in after)


def test_the_h1_ceiling_block_shows_s3_posts_when_the_probe_measured_them(tree):
    path = tree / "docs" / "findings" / "h1_ceiling.json"
    data = json.loads(path.read_text())
    for i, a in enumerate(data["arms"].values()):
        a["S3_posts"] = {"mean": 1.5 + i, "low": 1.0 + i, "high": 2.0 + i, "method": "t", "seeds": 3}
    path.write_text(json.dumps(data))
    block = report.render(tree, "h1-ceiling", "docs/findings/h1_ceiling.json")
    assert "| S3 posts (large industry groups) |" in block and "S3's frozen range for posts: 0.8-3." in block
    for i, arm in enumerate(data["arms"]):
        row = next(line for line in block.splitlines() if line.startswith(f"| {arm} |"))
        assert f"| {1.5 + i:.1f} [{1.0 + i:.1f}, {2.0 + i:.1f}] (t) |" in row


def _sweep(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).assign(share_thriving=lambda d: 1 - d.share_dormant)


def test_the_attention_tipping_point_block_pairs_the_two_rules_by_seed_at_each_group_count(tree):
    # threshold minus split: +10 points at 6 groups in every seed, -5 (+-1) at 96 groups
    rows = [{"groups.count": n, "behaviour.attention_capacity": cap, "seed": seed, "mean_groups_per_person": n / 10,
             "share_dormant": 0.3 + (0.1 if n == 6 else -0.05 + 0.01 * (seed - 2)) * (cap == 3)}
            for n in (6, 96) for cap in (0, 3) for seed in (1, 2, 3)]
    e = report.entry(tree, "attention_tipping_point")
    _sweep(rows).to_csv(tree / e["file"], index=False)
    block = report.render(tree, "attention-tipping-point", e["file"])
    assert "| 6 | +10.0 [+10.0, +10.0] (t) |" in block
    assert "| 96 | -5.0 [" in block and "(t) |" in block
    assert "| 96 | 9.60 | threshold (1 + Poisson(2) groups) | 75.0% [" in block
    # each rule's change in share thriving between neighbouring group counts, paired by seed
    assert "| 6 -> 96 | +0.0 [+0.0, +0.0] (t) | +15.0 [" in block
    assert "Mean over 3 seeds" in block and "on the model of commit" in block


def test_the_attention_hysteresis_block_compares_overloaded_cells_with_never_overloaded_ones_by_seed(tree):
    dormant = {(300, 0.0): 0.2, (300, 0.5): 0.40, (300, 0.75): 0.45,
               (75, 0.0): 0.30, (75, 0.5): 0.5, (75, 0.75): 0.6}
    rows = [{"groups.size_median": size, "interventions.membership_cut_share": cut, "behaviour.attention_capacity": cap,
             "seed": seed, "mean_groups_per_person": size * (1 - cut) / 50,
             "share_dormant": d + 0.01 * seed * (cap == 3), "final_state_counts.dormant": size // 25,
             "final_state_counts.thriving": 10}
            for (size, cut), d in dormant.items() for cap in (0, 3) for seed in (1, 2)]
    e = report.entry(tree, "attention_hysteresis")
    _sweep(rows).to_csv(tree / e["file"], index=False)
    block = report.render(tree, "attention-hysteresis", e["file"])
    # each pair: the overloaded cell minus the never overloaded one, paired by seed, with both ends in groups per person
    assert ("| 1/k split | high, then halved minus low | 3.00 / 1.50 | -10.0 (no interval: 2 seeds)"
            " | +10.0 (no interval: 2 seeds) |") in block
    assert ("| 1/k split | high, then quartered minus low, then halved | 1.50 / 0.75 | +5.0 (no interval: 2 seeds)"
            in block)
    assert "| 1/k split | high, then halved | 3.00 | 22.0 | 60.0% (no interval: 2 seeds) |" in block
    assert block.count("| threshold (1 + Poisson(2) groups) |") == 8  # six cells and the two pairs
    _sweep([r for r in rows if r["interventions.membership_cut_share"] != 0.5]).to_csv(tree / e["file"], index=False)
    assert "| high, then quartered minus low, then halved | n/a | n/a (a cell missing) |" in report.render(
        tree, "attention-hysteresis", e["file"])
