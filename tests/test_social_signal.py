"""behaviour.social_signal: social proof, reading benefit and feed prominence follow absolute or per-member activity."""

from __future__ import annotations

import numpy as np
import pytest

from sim import rules
from sim.model import GroupCultureModel
from sim.params import ModelParams, ParamError

WORLD = {"population.size": 3000, "groups.count": 30, "duration.weeks": 8, "duration.spinup_weeks": 4}
SEEDS = (1, 2, 3)


def test_absolute_leaves_the_signal_unchanged():
    activity = np.array([0.0, 3.5, 40.0])
    assert rules.social_activity(activity, np.array([10, 1000, 20_000]), False) is activity
    assert rules.social_activity(7.25, 50, False) == 7.25


def test_per_member_makes_a_large_group_look_quieter_than_a_small_one():
    small, large = rules.social_activity(np.array([20.0, 20.0]), np.array([100, 10_000]), True)
    assert large < small
    assert rules.social_activity(20.0, 1000, True) == pytest.approx(20.0)  # comparable at ~1,000 members
    assert np.isfinite(rules.social_activity(5.0, 0, True))  # an empty group does not divide by 0


def test_the_default_is_absolute():
    assert ModelParams().behaviour.social_signal == "absolute"


def test_a_bad_value_is_refused_in_one_line_naming_the_allowed_values():
    with pytest.raises(ParamError) as caught:
        ModelParams.from_dict(**{"behaviour.social_signal": "relative"})
    message = str(caught.value)
    assert "\n" not in message
    assert "behaviour.social_signal" in message and "absolute" in message and "per_member" in message


def _elasticity(seed: int, signal: str) -> float:
    model = GroupCultureModel(**{**WORLD, "seed": seed, "behaviour.social_signal": signal}).run()
    return model.summary()["rate_size_elasticity"]["overall"]["slope"]


def test_per_member_lowers_the_rate_size_elasticity():
    """Paired seeds: a per-member signal favours small groups, so posting rates fall faster with size."""
    absolute = [_elasticity(seed, "absolute") for seed in SEEDS]
    per_member = [_elasticity(seed, "per_member") for seed in SEEDS]
    assert np.all(np.isfinite(per_member))
    assert np.mean(per_member) < np.mean(absolute)


def test_the_reference_engine_applies_the_same_switch():
    """The per-agent reference reads behaviour.social_signal too: per_member changes its run at one seed."""
    from sim.reference import ReferenceModel

    config = {"population": {"size": 300}, "groups": {"count": 6}, "duration": {"weeks": 2, "spinup_weeks": 0}}
    runs = [
        ReferenceModel(seed=5, **{**config, "behaviour": {"social_signal": signal}}).run().group_weeks()
        for signal in ("absolute", "per_member")
    ]
    assert not runs[0].equals(runs[1])
