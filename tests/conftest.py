"""Shared helpers for the model tests: small, fast runs."""

from __future__ import annotations

import pytest

from sim import GroupCultureModel

# No spin-up: the tests check mechanisms over a few weeks (the default, 104 weeks, is for answers)
SMALL = {"population.size": 1500, "groups.count": 16, "duration.weeks": 8, "seed": 3, "duration.spinup_weeks": 0}


def run_model(**overrides) -> GroupCultureModel:
    """Run a small model to its end; ``overrides`` use dotted keys (``population__size``
    or ``**{"population.size": ...}``)."""
    model = GroupCultureModel(**{**SMALL, **overrides})
    return model.run()


@pytest.fixture(scope="session")
def small_run() -> GroupCultureModel:
    return run_model()
