"""Every design range contains its parameter's default; a design file that leaves one out is refused."""

from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf, open_dict

from experiments.analysis.sweeper import check_ranges, design_of, factor_table
from experiments.callbacks import ValidateConfig
from experiments.schema import CONFIG_DIR, register_schema
from sim.params import ModelParams

register_schema()

DESIGNS = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml") if "factors:" in p.read_text())


def composed(experiment: str):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        return compose("config", overrides=[f"experiment={experiment}"], return_hydra_config=True)


def test_the_design_files_are_found():
    assert {"sensitivity", "calibrate"} <= set(DESIGNS)


@pytest.mark.parametrize("experiment", DESIGNS)
def test_every_range_of_a_shipped_design_contains_the_default(experiment):
    config = composed(experiment)
    for key, (low, high) in factor_table(config).items():
        assert low <= OmegaConf.select(config, key) <= high, key
    check_ranges(factor_table(config), config)


def with_range(config, key, bounds):
    OmegaConf.set_readonly(config, False)
    with open_dict(config):
        config.hydra.sweeper.factors[key] = bounds
    return config


def test_a_range_without_the_default_is_refused_naming_factor_range_and_default():
    config = with_range(composed("sensitivity"), "behaviour.reply_base", [0.03, 0.12])
    with pytest.raises(ValueError) as info:
        design_of(config)
    default = ModelParams().behaviour.reply_base
    assert str(info.value) == ("design factor behaviour.reply_base has range [0.03, 0.12] without its default"
                               f" {default}: allowed a range that contains the default")


def test_the_sweep_stops_with_one_line_before_any_job(capsys):
    config = with_range(composed("calibrate"), "population.activity_exponent", [3.5, 4.0])
    with pytest.raises(SystemExit) as info:
        ValidateConfig().on_multirun_start(config)
    err = capsys.readouterr().err.strip()
    assert info.value.code == 2 and err.splitlines() == [err]
    default = ModelParams().population.activity_exponent
    assert err.startswith("error: design factor population.activity_exponent has range [3.5, 4.0] without its "
                          f"default {default}")


def test_sensitivity_screens_every_calibrated_parameter_over_its_calibration_prior():
    # a default the calibration sets later lies in the calibration's prior, so it stays inside the screening range
    screened, calibrated = factor_table(composed("sensitivity")), factor_table(composed("calibrate"))
    assert {key: screened.get(key) for key in calibrated} == calibrated
