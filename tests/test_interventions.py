"""Interventions start in a running world at interventions.start_week; before it, the baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from experiments.config import model_params
from experiments.schema import CONFIG_DIR, register_schema
from sim import GroupCultureModel

register_schema()
WORLD = ["population.size=1500", "groups.count=16", "duration.weeks=14", "duration.spinup_weeks=3", "seed=5"]
START = 10


def run(*overrides: str) -> dict[str, pd.DataFrame]:
    """The tables of a small world composed as on the command line (``groupsim <overrides>``)."""
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        params = model_params(compose("config", overrides=[*WORLD, *overrides]))
    return GroupCultureModel(params).run().tables()


@pytest.fixture(scope="module")
def arms() -> dict[str, dict[str, pd.DataFrame]]:
    return {"baseline": run(), "lifted": run("intervention=lift_blocking", f"interventions.start_week={START}"),
            "ablation": run("ablation=no_blocking")}


def weeks(tables: dict, before: bool) -> pd.DataFrame:
    gw = tables["group_weeks"]
    return gw[(gw.week < START) == before].reset_index(drop=True)


def hours(tables: dict, before: bool) -> pd.DataFrame:
    h = tables["hourly_activity"]
    start = h.attrs["report_start_tick"] + START * 168
    return h[(h.tick < start) == before].reset_index(drop=True)


def test_lift_blocking_equals_the_baseline_before_the_start_week(arms):
    base, lifted = arms["baseline"], arms["lifted"]
    pd.testing.assert_frame_equal(weeks(lifted, before=True), weeks(base, before=True))
    pd.testing.assert_frame_equal(hours(lifted, before=True), hours(base, before=True))


def test_lift_blocking_changes_the_world_after_the_start_week(arms):
    base, lifted = arms["baseline"], arms["lifted"]
    after_base, after_lifted = hours(base, before=False), hours(lifted, before=False)
    assert not after_lifted.visits.equals(after_base.visits)
    work = (after_base.weekday < 5) & after_base.hour_of_day.between(9, 16)
    # the unblocked can now visit in work hours: more work-hour visits than the baseline
    assert after_lifted.visits[work].sum() > after_base.visits[work].sum()
    assert not lifted["professionals"].blocked_at_work.any() and base["professionals"].blocked_at_work.any()


def test_the_ablation_is_another_world_from_the_start(arms):
    base, lifted, ablation = arms["baseline"], arms["lifted"], arms["ablation"]
    assert not weeks(ablation, before=True).equals(weeks(base, before=True))
    assert not hours(ablation, before=False).visits.equals(hours(lifted, before=False).visits)


@pytest.mark.parametrize("intervention", ["manager_seeding", "moderation", "weekly_digest"])
def test_every_intervention_waits_for_the_start_week(intervention):
    tables = run(f"intervention={intervention}", f"interventions.start_week={START}")
    base = run()
    pd.testing.assert_frame_equal(weeks(tables, before=True), weeks(base, before=True))
    assert not np.array_equal(weeks(tables, before=False).posts, weeks(base, before=False).posts)
