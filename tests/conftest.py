"""Shared helpers for the model tests: small, fast runs."""

from __future__ import annotations

import pytest

from sim import GroupCultureModel

SMALL = {"population.size": 1500, "groups.count": 16, "duration.weeks": 8, "seed": 3}


def run_model(**overrides) -> GroupCultureModel:
    """Run a small model to its end; ``overrides`` use dotted keys (``population__size``
    or ``**{"population.size": ...}``)."""
    model = GroupCultureModel(**{**SMALL, **overrides})
    return model.run()


@pytest.fixture(scope="session")
def small_run() -> GroupCultureModel:
    return run_model()
