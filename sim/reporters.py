"""Mesa DataCollector model reporters: one value per step (hour) of the reported weeks.

Counts and shares describe the last completed reported week (NaN before the first one
ends), so the weekly series is every 168th row; the membership count is current.
Everything they read changes only at the end of a day (the day's joins and index
refresh, the week's records), so the model evaluates them once per simulated span of up
to a day and copies that row for the span's other hours
(:meth:`sim.model.GroupCultureModel.observe`); a reporter added here must keep to that. Shares
are of the groups founded by then (:func:`sim.states.state_shares`).
"""

from __future__ import annotations

import math

from sim.states import state_shares


def _last_week(model) -> int:
    """Row of the records holding the last completed reported week, -1 if none."""
    if model.weeks_done < 1:
        return -1
    return model.state.records.spinup + model.weeks_done - 1


def weekly_posts(model) -> float:
    """Members' posts in the last completed reported week."""
    week = _last_week(model)
    return math.nan if week < 0 else int(model.state.records.week_posts[week].sum())


def weekly_replies(model) -> float:
    """Replies in the last completed reported week."""
    week = _last_week(model)
    return math.nan if week < 0 else int(model.state.records.week_replies[week].sum())


def _share(model, state: str) -> float:
    week = _last_week(model)
    return math.nan if week < 0 else state_shares(model.state.records.week_state[week])[state]


def share_thriving(model) -> float:
    """Share of founded groups thriving at the last completed reported week."""
    return _share(model, "thriving")


def share_dormant(model) -> float:
    """Share of founded groups dormant at the last completed reported week."""
    return _share(model, "dormant")


def memberships(model) -> int:
    """Current memberships."""
    return int(model.state.index.members.sum())


MODEL_REPORTERS = {
    "posts": weekly_posts,
    "replies": weekly_replies,
    "share_thriving": share_thriving,
    "share_dormant": share_dormant,
    "memberships": memberships,
}
