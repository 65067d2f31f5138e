"""The data behind each dashboard view: pure functions of a running model.

This is the dashboard's only contact with the engine. It reads the model's arrays
(``model.state``: ``records``, ``groups``, ``memberships``, ``index``, ``edges``) and its
public API (``GroupCultureModel(**overrides)``, ``step()``, ``ParamError``); when the
engine's layout changes, this file is the one to adapt. Views (``app.py``) only draw what
these functions return.

Weeks are numbered from the first reported week, as in the tables: the spin-up weeks
(``Records.spinup``), simulated when the model is built, are not shown. A group counts in a week's shares only
if it has a state that week (:func:`sim.states.state_shares`: shares of founded groups).
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np
import pandas as pd

from experiments.plotting.data import WEEKDAYS, charter_order
from sim import null, states
from sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from sim.model import GroupCultureModel
from sim.params import CharterParams, ModelParams, ParamError
from sim.rules import NOT_FOUNDED, STATE_NAMES

STEP_HOURS = {"day": HOURS_PER_DAY, "week": HOURS_PER_WEEK}
STATES = ("thriving", "active", "dormant")
CHARTER_FIELDS = tuple(k for k in CharterParams.__dataclass_fields__ if k != "eligibility")
NETWORK_NODES = 150  # members drawn in the inspector's network (the most active ones)

# Dashboard control -> model parameter (dotted key). Controls are keyword arguments of
# DashboardModel, so they must be identifiers.
CONTROL_KEYS = {
    "population_size": "population.size",
    "groups_count": "groups.count",
    "weeks": "duration.weeks",
    "spinup_weeks": "duration.spinup_weeks",
    "blocked_at_work": "population.blocked_at_work",
    "office_hours_mindset": "population.office_hours_mindset",
    "job_search_fear": "population.job_search_fear",
    "job_hunting_only": "population.job_hunting_only",
    "content_role": "population.content_role",
    "profile_tidiness": "population.profile_tidiness",
    "attention_budget": "population.attention_budget",
    "moderation": "interventions.moderation",
    "manager_posts_per_week": "interventions.manager_posts_per_week",
    "weekly_digest": "interventions.weekly_digest",
}
DASHBOARD_SIZE = {"population_size": 5000, "groups_count": 60, "weeks": 104}
"""A size that steps a week in about a tenth of a second (python -m benchmarks dashboard).
Every other control, the spin-up included, starts at the command line's default."""


def default_controls() -> dict[str, Any]:
    """Initial value of every control: the model's defaults at the dashboard's size."""
    p = ModelParams()
    out: dict[str, Any] = {}
    for name, key in CONTROL_KEYS.items():
        section, field = key.split(".")
        out[name] = getattr(getattr(p, section), field)
    out.update(DASHBOARD_SIZE)
    out.update({f"mix_{c}": share for c, share in p.groups.charter_mix.items()})
    out.update({"charter": charter_order(p.charters)[-1], "charter_field": "relevance", "charter_value": ""})
    out.update({"seed": str(p.seed), "step_unit": "week"})
    return out


def _number(text: Any) -> Any:
    """A control's text as an int or float if it reads as one, else unchanged.

    Unreadable text goes to the model as it is, so the model's ParamError names it.
    """
    if not isinstance(text, str):
        return text
    for kind in (int, float):
        try:
            return kind(text.strip())
        except ValueError:
            pass
    return text


def overrides_from_controls(controls: dict[str, Any]) -> dict[str, Any]:
    """Dotted model overrides from dashboard controls (unknown controls are an error).

    ``mix_<charter>`` sets that charter's share; ``charter``/``charter_field``/
    ``charter_value`` set one parameter of one charter (empty value: keep the preset);
    ``seed`` may be text.
    """
    out: dict[str, Any] = {}
    c = dict(controls)
    c.pop("step_unit", None)
    charter, field, value = c.pop("charter", None), c.pop("charter_field", None), c.pop("charter_value", "")
    if charter is not None and str(value).strip() != "":
        out[f"charters.{charter}.{field}"] = _number(value)
    if "seed" in c:
        out["seed"] = _number(c.pop("seed"))
    mix = {k.removeprefix("mix_"): c.pop(k) for k in list(c) if k.startswith("mix_")}
    if mix:
        out["groups.charter_mix"] = mix
    for name, value in c.items():
        if name not in CONTROL_KEYS:
            raise ParamError(f"unknown dashboard control {name!r}: allowed {sorted(CONTROL_KEYS)}")
        out[CONTROL_KEYS[name]] = value
    return out


class DashboardModel(GroupCultureModel):
    """The model as the dashboard drives it: one ``step()`` is a simulated day or week.

    Invalid controls do not raise: the model keeps the one-line :class:`ParamError` in
    ``error``, has no state and does not run, so the page can show the message.
    """

    def __init__(self, step_unit: str = "week", **kwargs: Any):
        # Mesa 3.3's SolaraViz accepts a catch-all only under the name ``kwargs``.
        self.error: str | None = None
        try:
            if step_unit not in STEP_HOURS:
                raise ParamError(f"step_unit = {step_unit!r}: allowed {sorted(STEP_HOURS)}")
            super().__init__(**overrides_from_controls(kwargs))
        except ParamError as e:
            mesa.Model.__init__(self)
            self.error, self.state, self.running = str(e), None, False
            return
        self.step_hours = STEP_HOURS[step_unit]
        self.spin_up()  # here, not at the first Step: the page shows the wait while it builds the model

    def step(self) -> None:
        """Advance one simulated day or week (less at the end of ``duration.weeks``)."""
        if self.error is not None:
            return
        for _ in range(min(self.step_hours, self.end_tick - self.tick)):
            GroupCultureModel.step(self)
        self.running = self.tick < self.end_tick


# ------------------------------------------------------------------ time


def _spinup(model) -> int:
    return int(getattr(model.state.records, "spinup", 0))


def _weeks(model) -> tuple[int, int]:
    """Simulated weeks shown, the reported ones: [first, done) in simulated-week numbers."""
    return _spinup(model), max(_spinup(model), model.tick // HOURS_PER_WEEK)


def regime_text(model) -> str:
    """The regime the page shows against the command line's defaults, in one line."""
    cli, p = ModelParams(), model.params
    default = cli.duration.spinup_weeks
    if p.duration.spinup_weeks == default:
        spin = f"after the command line's {default}-week spin-up"
    elif p.duration.spinup_weeks:
        spin = f"after a {p.duration.spinup_weeks}-week spin-up (the command line's: {default} weeks)"
    else:
        spin = f"from the start, the start-up transient included (no spin-up; the command line's: {default} weeks)"
    return (f"Showing {p.population.size:,} professionals in {p.groups.count} groups {spin}; the command line"
            f" runs {cli.population.size:,} professionals in {cli.groups.count} groups.")


def simulated_date(model) -> str:
    """The current simulated time, e.g. ``week 3, Wednesday 00:00 (day 17 of 728)``."""
    tick = model.tick
    week = tick // HOURS_PER_WEEK - _spinup(model)
    day = tick // HOURS_PER_DAY
    total = model.end_tick // HOURS_PER_DAY
    weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[day % 7]
    spin = " (spin-up)" if week < 0 else ""
    return f"week {week}{spin}, {weekday} {tick % HOURS_PER_DAY:02d}:00 (day {day} of {total})"


# ------------------------------------------------------------------ views


def state_shares(model) -> pd.DataFrame:
    """Share of founded groups thriving / active / dormant at the end of each week.

    Returns ``week, groups, thriving, active, dormant`` (shares of ``groups``, the groups
    founded by then: :func:`sim.states.state_shares`).
    """
    first, done = _weeks(model)
    codes = model.state.records.week_state[first:done]
    out = pd.DataFrame({"week": np.arange(first, done) - _spinup(model), "groups": states.founded(codes, axis=1),
                        **states.state_shares(codes, axis=1)})
    return out[["week", "groups", *STATES]]


def _charter_names(model) -> np.ndarray:
    g = model.state.groups
    return np.asarray(g.charter_names)[g.charter]


def _per_charter_mean(model, values: np.ndarray, name: str) -> pd.DataFrame:
    """Mean of ``values`` (weeks x groups) over each charter's founded groups, per week."""
    first, done = _weeks(model)
    founded = model.state.records.week_state[first:done] >= 0
    charters = _charter_names(model)
    rows = []
    for charter in charter_order(set(charters)):
        cols = charters == charter
        n = founded[:, cols].sum(axis=1)
        total = np.where(founded[:, cols], values[:, cols], 0).sum(axis=1)
        rows.append(pd.DataFrame({"week": np.arange(first, done) - _spinup(model), "charter": charter,
                                  name: np.where(n > 0, total / np.maximum(n, 1), np.nan)}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["week", "charter", name])


def _group_weeks(model) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The weeks shown as the null model reads them: ``group_weeks`` (group_id, week, members, posts) and ``groups``."""
    first, done = _weeks(model)
    rec, n = model.state.records, model.state.groups.count
    weeks = np.arange(first, done) - _spinup(model)
    gw = pd.DataFrame({"group_id": np.tile(np.arange(n), len(weeks)), "week": np.repeat(weeks, n),
                       "members": rec.week_members[first:done].ravel(), "posts": rec.week_posts[first:done].ravel()})
    return gw, pd.DataFrame({"group_id": np.arange(n), "charter": _charter_names(model)})


def null_expected_posts(model) -> pd.DataFrame:
    """Weekly posts per group by charter expected under the null model (:mod:`sim.null`).

    The null's one per-capita posting rate (:func:`sim.null.per_capita_rates` over the weeks
    so far) times each group's members that week, averaged over the charter's founded
    groups. Returns ``week, charter, null``.
    """
    first, done = _weeks(model)
    gw, groups = _group_weeks(model)
    rate = float(null.per_capita_rates(gw, groups, "one_rate").iloc[0]) if len(groups) else 0.0
    return _per_charter_mean(model, rate * model.state.records.week_members[first:done].astype(float), "null")


def null_state_shares(model) -> pd.DataFrame:
    """Share of founded groups thriving / active / dormant each week in one draw of the null model.

    :func:`sim.null.draw` on the weeks so far (the groups' members week by week, posts at
    the null's one per-capita rate, the run's classifier), from the null's own stream of
    the run's seed (:func:`sim.null.null_rng`), so a page shows the same draw for the same
    weeks; a group counts from its founding week, as in :func:`state_shares`. Returns
    ``week, thriving, active, dormant``.
    """
    first, done = _weeks(model)
    gw, groups = _group_weeks(model)
    if gw.empty:
        return pd.DataFrame(columns=["week", *STATES])
    members = null.member_weeks(gw)
    rates = null.per_capita_rates(gw, groups, "one_rate")
    drawn = null.draw(members, rates, model.params.classification, null.null_rng(model.params.seed))
    codes = np.where(model.state.records.week_state[first:done] < 0, NOT_FOUNDED, drawn.state)
    return pd.DataFrame({"week": drawn.weeks, **states.state_shares(codes, axis=1)})


def posts_by_charter(model) -> pd.DataFrame:
    """Members' weekly posts per group by charter, beside the null expectation.

    Returns ``week, charter, posts, null``.
    """
    first, done = _weeks(model)
    posts = _per_charter_mean(model, model.state.records.week_posts[first:done], "posts")
    return posts.merge(null_expected_posts(model), on=["week", "charter"], how="left")


def _current_rows(model) -> np.ndarray:
    return model.state.index.rows


def badge_wall(model) -> pd.DataFrame:
    """One row per group: current members against current members who ever posted in it.

    Returns ``group_id, charter, members, posted, state`` (state at the last completed
    week; ``active`` before the first, ``not founded or closed`` for a group without a state).
    """
    s = model.state
    rows = _current_rows(model)
    m = s.memberships
    n = s.groups.count
    posted = np.bincount(m.group[rows], weights=m.posts[rows] > 0, minlength=n).astype(np.int64)
    return pd.DataFrame({
        "group_id": np.arange(n),
        "charter": _charter_names(model),
        "members": s.index.members.astype(np.int64),
        "posted": posted,
        "state": _last_states(model),
    })


def _last_states(model) -> np.ndarray:
    done = model.tick // HOURS_PER_WEEK
    n = model.state.groups.count
    codes = model.state.records.week_state[done - 1] if done > 0 else np.ones(n, dtype=int)
    names = np.array([STATE_NAMES.get(c, "not founded or closed") for c in range(max(STATE_NAMES) + 2)])
    return names[np.where(codes < 0, len(names) - 1, codes)]


def activity_by_hour(model, value: str = "visits") -> pd.DataFrame:
    """Mean ``value`` (visits, posts or replies) per hour per 1,000 professionals.

    By weekday and hour of day, over the simulated hours so far (spin-up excluded).
    Returns ``weekday, day, hour_of_day, hours, mean`` (``hours``: hours observed in the
    cell; ``mean`` NaN where none).
    """
    s = model.state
    start = min(_spinup(model) * HOURS_PER_WEEK, model.tick)
    ticks = np.arange(start, model.tick)
    counts = getattr(s.records, f"hour_{value}")[start:model.tick]
    cell = ticks % HOURS_PER_WEEK
    hours = np.bincount(cell, minlength=HOURS_PER_WEEK)
    total = np.bincount(cell, weights=counts, minlength=HOURS_PER_WEEK)
    mean = np.where(hours > 0, total / np.maximum(hours, 1) / s.pop.size * 1000, np.nan)
    h = np.arange(HOURS_PER_WEEK)
    weekday = h // HOURS_PER_DAY
    return pd.DataFrame({"weekday": weekday, "day": np.asarray(WEEKDAYS)[weekday], "hour_of_day": h % HOURS_PER_DAY,
                         "hours": hours, "mean": mean})


def group_detail(model, group: int) -> dict[str, Any]:
    """Everything the group inspector shows about one group.

    Returns a dict: ``group_id, charter, state, members, posted`` (current members; of
    them, who ever posted here), ``weekly`` (DataFrame ``week, members, posters, posts``:
    members at week end, distinct posters and members' posts that week), ``member_ids``,
    ``nodes``/``edges`` (the professional network among the ``NETWORK_NODES`` members
    who posted most, ties by id) and ``edges_inside`` (ties among all its members).
    """
    s = model.state
    if not 0 <= group < s.groups.count:
        raise ParamError(f"group {group!r}: allowed 0..{s.groups.count - 1}")
    m = s.memberships
    rows = _current_rows(model)
    rows = rows[m.group[rows] == group]
    order = np.lexsort((m.agent[rows], -m.posts[rows]))
    ids = m.agent[rows]
    first, done = _weeks(model)
    rec = s.records
    weekly = pd.DataFrame({
        "week": np.arange(first, done) - _spinup(model),
        "members": rec.week_members[first:done, group],
        "posters": rec.week_posters[first:done, group],
        "posts": rec.week_posts[first:done, group],
    })
    inside = np.isin(s.edges, ids).all(axis=1) if len(s.edges) else np.zeros(0, dtype=bool)
    shown = m.agent[rows[order[:NETWORK_NODES]]]
    drawn = s.edges[inside][np.isin(s.edges[inside], shown).all(axis=1)]
    return {
        "group_id": group,
        "charter": str(_charter_names(model)[group]),
        "state": str(_last_states(model)[group]),
        "members": len(rows),
        "posted": int((m.posts[rows] > 0).sum()),
        "weekly": weekly,
        "member_ids": np.sort(ids),
        "nodes": np.sort(shown),
        "edges": drawn,
        "edges_inside": int(inside.sum()),
    }


def share_text(shares: pd.DataFrame, null_shares: pd.DataFrame | None = None) -> str:
    """One line with the latest week's shares (what the state view states in words), and the null's."""
    if shares.empty:
        return "No completed week yet: each group is classified thriving, active or dormant at the end of a week."
    last = shares.iloc[-1]
    parts = " · ".join(f"{last[s]:.0%} {s}" for s in STATES)
    text = f"Week {int(last.week)}: {parts} (of {int(last.groups)} groups)"
    if null_shares is not None and len(null_shares):
        text += f"; null model: {null_shares.iloc[-1]['thriving']:.0%} thriving"
    return text


def fmt(x: float) -> str:
    """A number for the page: ``-`` for NaN."""
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"
