"""Shares of groups per state: the one definition behind the reporters, the summary and the dashboard.

Denominator: the groups founded by then. A group has a state (thriving, active or dormant)
from the end of its founding week on; before that its state code is
:data:`sim.rules.NOT_FOUNDED` and it counts in no share, neither above nor below the line.
With every group founded at the start (``groups.late_founded_share = 0``, the default) the
denominator is all groups. With no group founded yet the shares are NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.rules import NOT_FOUNDED, STATE_NAMES

CODES = {name: code for code, name in STATE_NAMES.items()}
"""State name -> code of :mod:`sim.rules`."""


def state_codes(states) -> np.ndarray:
    """State codes of a column of state names (e.g. ``groups.final_state``); no state -> NOT_FOUNDED.

    A categorical column (as the tables and the null's draws give) is translated through
    its categories, one look-up per category instead of one per group.
    """
    values = states.array if isinstance(states, pd.Series) else states
    if isinstance(values, pd.Categorical):
        lookup = np.array([CODES.get(c, NOT_FOUNDED) for c in values.categories] + [NOT_FOUNDED], dtype=np.int64)
        return lookup[values.codes]  # code -1 (no state) takes the last entry
    return pd.Series(np.asarray(states, dtype=object)).map(CODES).fillna(NOT_FOUNDED).to_numpy(dtype=np.int64)


def founded(codes, axis: int = -1) -> np.ndarray:
    """Groups with a state (the denominator of :func:`state_shares`) along ``axis``."""
    return (np.asarray(codes) >= 0).sum(axis=axis)  # NOT_FOUNDED and CLOSED codes are negative


def state_shares(codes, axis: int = -1) -> dict:
    """Share of founded groups in each state, ``{"thriving", "active", "dormant"}``.

    ``codes`` holds state codes of :mod:`sim.rules` (``NOT_FOUNDED`` for a group without a
    state); shares are taken along ``axis`` (one number for a 1-d array, e.g. one week of
    ``Records.week_state``; one per week for weeks x groups). NaN where no group is founded.
    """
    codes = np.asarray(codes)
    n = founded(codes, axis)
    out = {}
    for name in ("thriving", "active", "dormant"):
        hits = (codes == CODES[name]).sum(axis=axis)
        share = np.where(n > 0, hits / np.maximum(n, 1), np.nan)
        out[name] = float(share) if share.ndim == 0 else share
    return out


def state_shares_by(codes, labels) -> dict:
    """:func:`state_shares` of the groups of each label (e.g. charter), labels sorted."""
    codes, labels = np.asarray(codes), np.asarray(labels)
    return {label: state_shares(codes[labels == label]) for label in np.unique(labels)}


def outcome_states(groups: pd.DataFrame) -> pd.Series:
    """Each group's outcome at the horizon as a state name: its final state, ``"dormant"`` if it closed.

    Only a dormant group closes (:func:`sim.submodels.close_groups`), so a closed group
    went dormant and stayed so: the outcome facts (S4's splits, S6's risk of dormancy)
    count it as dormant, while the shares of the horizon's stock (:func:`state_shares`)
    leave it out. A group never founded has no outcome (``"nan"``).
    """
    state = groups.final_state.astype(str)
    if "closed_week" not in groups:
        return state
    return state.mask(groups.closed_week.notna().to_numpy(), "dormant")


def live(groups: pd.DataFrame) -> pd.Series:
    """Groups active or thriving at the horizon (neither dormant nor closed)."""
    return groups.final_state.astype(str).isin(["active", "thriving"])
