"""Hydra configs: every config composes, mirrors the model, and validates (no subprocess).

The ``cfg`` fixture (tests/conftest.py) composes each distinct list of overrides once for
the module; a swept value is applied to its experiment's composed config as Hydra applies
an override of a value (``cfg.changed``).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf
from omegaconf.errors import ValidationError

from experiments.analysis import hysteresis, power
from experiments.analysis.sections import check_run_sections
from experiments.config import model_dict, model_params
from experiments.digest import config_hash
from experiments.errors import OverrideError
from experiments.schema import CONFIG_DIR, RUN_KEYS, ValidateKeys, allowed_keys
from sim.charters import PRESETS
from sim.params import CharterParams, ModelParams, ParamError

TRAITS = [
    "blocked_at_work",
    "office_hours_mindset",
    "job_search_fear",
    "job_hunting_only",
    "attention_budget",
    "content_role",
    "profile_tidiness",
]


def names(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def sweep_params(cfg, experiment: str) -> dict[str, list[str]]:
    params = cfg(f"experiment={experiment}", hydra=True).hydra.sweeper.params
    return {key: str(values).split(",") for key, values in params.items()}


def test_default_config_builds_the_models_defaults(cfg):
    c = cfg()
    assert model_params(c) == ModelParams()


@pytest.mark.parametrize("key", ["seed", "population.size", "groups.count", "duration.weeks"]
                         + [f"population.{t}" for t in TRAITS])
def test_documented_keys_exist(cfg, key):
    assert OmegaConf.select(cfg(), key, throw_on_missing=True) is not None


def test_every_trait_is_documented_in_the_population_config():
    text = (CONFIG_DIR / "population" / "default.yaml").read_text()
    assert all(f"population.{trait}" in text for trait in TRAITS)


def test_run_keys_are_not_passed_to_the_model(cfg):
    c = cfg("resume=true", "plots=false")
    assert set(RUN_KEYS) == {"resume", "plots", "objective", "overwrite", "param_set", "sensitivity", "calibrate",
                             "validate", "param_sets"}
    assert not set(RUN_KEYS) & set(model_dict(c))
    assert set(model_dict(c)) == {f.name for f in dataclasses.fields(ModelParams)}


def test_charter_presets_have_one_home_in_sim_charters(cfg):
    assert not list(CONFIG_DIR.glob("charter/*.yaml")), "no YAML copy of a preset"
    c = cfg()
    for name, preset in PRESETS.items():
        assert CharterParams(**OmegaConf.to_container(c.charters[name])) == preset
        swapped = cfg(f"charter@charters.industry_profession={name}").charters.industry_profession
        assert CharterParams(**OmegaConf.to_container(swapped)) == preset, "the config group is the presets"


@pytest.mark.parametrize("mix", names("groups/charter_mix"))
def test_charter_mix_presets(cfg, mix):
    params = model_params(cfg(f"groups/charter_mix={mix}"))
    shares = params.groups.charter_mix
    assert set(shares) == set(PRESETS)
    if mix != "even":
        assert {name for name, share in shares.items() if share > 0} == {mix}


@pytest.mark.parametrize("experiment", names("experiment"))
def test_experiment_composes_and_validates(cfg, experiment):
    text = (CONFIG_DIR / "experiment" / f"{experiment}.yaml").read_text()
    assert text.startswith("# @package _global_")
    assert isinstance(model_params(cfg(f"experiment={experiment}")), ModelParams)


def basic_sweep_experiments() -> list[str]:
    """Experiments swept by hydra.sweeper.params (the design sweeper's: tests/test_analysis.py)."""
    return [n for n in names("experiment")
            if "override /hydra/sweeper" not in (CONFIG_DIR / "experiment" / f"{n}.yaml").read_text()]


@pytest.mark.parametrize("experiment", basic_sweep_experiments())
def test_every_swept_value_composes_and_validates(cfg, experiment):
    params = sweep_params(cfg, experiment)
    assert params, f"{experiment} sets no hydra.sweeper.params"
    assert "seed" in params and len(params["seed"]) >= 2, "replicate seeds"
    for key, values in params.items():
        for value in values:
            model_params(cfg.changed(f"experiment={experiment}", change=f"{key}={value}"))


def test_headline_sweeps_charter_and_size_with_one_size_per_job(cfg):
    c = cfg("experiment=charter_vs_size")
    assert c.groups.size_sigma == 0
    params = sweep_params(cfg, "charter_vs_size")
    assert set(params["groups/charter_mix"]) == set(PRESETS)
    assert len(params["groups.size_median"]) >= 3


def test_trait_ablation_sweeps_every_ablation(cfg):
    assert set(sweep_params(cfg, "trait_ablation")["ablation"]) == set(names("ablation"))


def test_interventions_sweeps_every_intervention(cfg):
    assert set(sweep_params(cfg, "interventions")["intervention"]) == set(names("intervention"))


def test_attention_tipping_point_raises_groups_per_person(cfg):
    c = cfg("experiment=attention_tipping_point")
    counts = sorted(int(v) for v in sweep_params(cfg, "attention_tipping_point")["groups.count"])
    assert counts[-1] >= 8 * counts[0]
    assert "population.size" not in sweep_params(cfg, "attention_tipping_point")
    assert c.population.size > 0
    assert set(sweep_params(cfg, "attention_tipping_point")["behaviour.attention_capacity"]) == {"0", "3"}


def test_attention_hysteresis_raises_then_lowers_groups_per_person(cfg):
    params = sweep_params(cfg, "attention_hysteresis")
    # the report's pairs: 300 halved against 75 uncut, 300 cut to a quarter against 75 halved
    assert {float(v) for v in params["interventions.membership_cut_share"]} == {0.0, 0.5, 0.75}
    assert {float(v) for v in params["groups.size_median"]} == {75.0, 300.0}
    assert {(300.0, 0.5), (75.0, 0.0), (300.0, 0.75), (75.0, 0.5)} <= set(hysteresis.CELLS)
    c = cfg("experiment=attention_hysteresis")
    assert 0 < c.interventions.membership_cut_week < c.duration.weeks


def _changes(cfg, group: str, name: str) -> dict:
    base = _flatten(model_params(cfg()).to_dict())
    new = _flatten(model_params(cfg(f"{group}={name}")).to_dict())
    return {key: value for key, value in new.items() if value != base[key]}


def _flatten(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


# The one key each variant changes; an ablation switches its trait off (0).
VARIANTS = {
    "ablation": {
        "no_blocking": "population.blocked_at_work",
        "no_office_hours": "population.office_hours_mindset",
        "no_job_search_fear": "population.job_search_fear",
        "no_job_hunting_only": "population.job_hunting_only",
        "no_attention_split": "behaviour.attention_split",
        "no_content_role": "population.content_role",
        "no_profile_tidiness": "population.profile_tidiness",
    },
    "intervention": {
        "moderation": "interventions.moderation",
        "manager_seeding": "interventions.manager_posts_per_week",
        "weekly_digest": "interventions.weekly_digest",
        "lift_blocking": "interventions.lift_blocking",
    },
}


@pytest.mark.parametrize("group, name", [(g, n) for g in VARIANTS for n in names(g)])
def test_each_variant_changes_one_key(cfg, group, name):
    changes = _changes(cfg, group, name)
    if name == "none":
        assert changes == {}
        return
    key = VARIANTS[group][name]
    assert list(changes) == [key]
    if group == "ablation":
        assert changes[key] == 0.0


def test_every_group_file_is_global_for_ablations_and_interventions():
    for group in ("ablation", "intervention", "experiment"):
        for path in (CONFIG_DIR / group).glob("*.yaml"):
            assert path.read_text().startswith("# @package _global_"), path


def test_hydra_settings(cfg):
    h = OmegaConf.to_container(cfg(hydra=True).hydra, resolve=False)
    assert h["job"]["chdir"] is False
    assert h["run"]["dir"].startswith("results/runs/")
    assert h["sweep"]["dir"].startswith("results/multirun/")
    assert "${hydra.job.num}" in h["sweep"]["subdir"]
    assert "%f" in h["run"]["dir"] and "%f" in h["sweep"]["dir"], "same-second runs get their own directory"
    targets = [c["_target_"] for c in h["callbacks"].values()]
    assert targets == ["experiments.callbacks.ValidateConfig", "experiments.callbacks.GuardOutput",
                       "experiments.callbacks.AggregateSweep"], "validate before anything locks or writes"


def test_slurm_example_config_composes(cfg):
    h = cfg("hydra/launcher=slurm_example", hydra=True).hydra.launcher
    assert h._target_.endswith("SlurmLauncher")
    for key in ("partition", "timeout_min", "cpus_per_task", "array_parallelism"):
        assert key in h


# ------------------------------------------------------------------ bad input


def test_unknown_key_fails_composition(cfg):
    with pytest.raises(ConfigCompositionException):
        cfg("population.sizee=3")


def test_wrong_type_fails_composition(cfg):
    with pytest.raises(ConfigCompositionException) as info:
        cfg("population.size=many")
    assert isinstance(info.value.__cause__, ValidationError)


@pytest.mark.parametrize(
    "override, message",
    [
        ("population.blocked_at_work=1.5", "population.blocked_at_work = 1.5 is out of range"),
        ("groups.count=0", "groups.count = 0 is out of range"),
        ("interventions.start_week=52", r"interventions.start_week = 52 is not a reported week: allowed 0\.\.51"),
        ("interventions.start_week=-1", "interventions.start_week = -1 is out of range"),
        ("+groups.charter_mix.moon=1", "unknown charter 'moon'"),
        ("charters.industry_profession.eligibility=[moon]", "unknown entry 'moon'"),
    ],
)
def test_out_of_range_or_unknown_values_raise_param_error(cfg, override, message):
    with pytest.raises(ParamError, match=message):
        model_params(cfg(override))


def test_a_fourth_charter_is_configuration_only(cfg):
    c = cfg("+charter@charters.my_guild=industry_profession", "+groups.charter_mix.my_guild=1")
    params = model_params(c)
    assert params.charters["my_guild"] == PRESETS["industry_profession"]


@pytest.mark.parametrize("experiment, overrides, expected", [
    ("sensitivity", [], {"method": "morris", "n": 10, "seeds": 2}),
    ("sensitivity", ["sensitivity.method=sobol", "sensitivity.n=256", "sensitivity.seeds=3"],
     {"method": "sobol", "n": 256, "seeds": 3}),
    ("calibrate", ["calibrate.n=50", "calibrate.seeds=4"], {"method": "waves", "n": 50, "seeds": 4}),
    ("calibrate_abc", ["calibrate.n=50", "calibrate.seeds=4"], {"method": "prior", "n": 50, "seeds": 4}),
    ("validate", [], {"method": "none", "seeds": 100}),
    ("validate", ["validate.seeds=7"], {"method": "none", "seeds": 7}),
    ("sensitivity", ["hydra.sweeper.n=4", "hydra.sweeper.method=sobol"], {"method": "sobol", "n": 4}),  # old spelling
])
def test_design_keys_reach_the_design_sweeper(cfg, experiment, overrides, expected):
    sweeper = cfg(f"experiment={experiment}", *overrides, hydra=True).hydra.sweeper
    assert {key: sweeper[key] for key in expected} == expected


@pytest.mark.parametrize("override, message", [
    ("sensitivity.method=foo", "sensitivity.method = 'foo': allowed morris or sobol"),
    ("sensitivity.n=0", "sensitivity.n = 0: allowed a positive integer"),
    ("validate.seeds=-2", "validate.seeds = -2: allowed a positive integer"),
    ("calibrate.n=0", "calibrate.n = 0: allowed a positive integer"),
    ("calibrate.waves=0", "calibrate.waves = 0: allowed a positive integer"),
    ("calibrate.cutoff=0", "calibrate.cutoff = 0.0: allowed a positive implausibility"),
    ("calibrate.min_shrink=1", "calibrate.min_shrink = 1.0: allowed a share in [0, 1)"),
    ("param_sets.k=0", "param_sets.k = 0: allowed a positive integer"),
    ("sensitivity.method=sobol", "sensitivity.n = 10 with sensitivity.method=sobol: allowed a power of 2"),
    ("validate.baseline=/no/such/file.json", "validate.baseline = '/no/such/file.json' is not a readable file"),
    ("param_sets.path=/no/such.csv", "param_sets.path = '/no/such.csv' is not a readable file"),
])
def test_design_keys_with_a_wrong_value_are_refused_in_one_line(cfg, override, message):
    with pytest.raises(OverrideError, match=re.escape(message)):
        check_run_sections(cfg(override))
    check_run_sections(cfg())  # the defaults are valid


def test_design_keys_have_a_type(cfg):
    with pytest.raises(ConfigCompositionException) as info:
        cfg("sensitivity.n=many")
    assert isinstance(info.value.__cause__, ValidationError)


# ------------------------------------------------------------------ helpers


def test_config_hash_follows_the_model_config_only(cfg):
    a, b = cfg("resume=true"), cfg("plots=false")
    assert config_hash(model_params(a)) == config_hash(model_params(b))
    assert config_hash(model_params(cfg("seed=1"))) != config_hash(model_params(a))


def test_allowed_keys():
    assert "blocked_at_work" in allowed_keys("population")
    assert "relevance" in allowed_keys("charters.anything")
    assert {"resume", "plots", "seed"} <= set(allowed_keys(""))
    assert allowed_keys("groups.charter_mix") is None
    assert allowed_keys("no_such_section") is None


def test_config_dir_is_absolute_and_top_level():
    assert CONFIG_DIR.is_absolute()
    assert (CONFIG_DIR / "config.yaml").is_file()
    assert CONFIG_DIR.parent == Path(__file__).resolve().parent.parent


def test_validate_runs_the_seeds_its_power_analysis_row_counts(cfg):
    # the power analysis (experiments/README.md, block seed-power) sets the preset's seeds beside its needs
    seeds = cfg("experiment=validate", hydra=True).hydra.sweeper.seeds
    assert seeds == ValidateKeys().seeds == power.preset_seeds(CONFIG_DIR.parent, "validate")
