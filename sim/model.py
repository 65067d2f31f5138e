"""GroupCultureModel: the Mesa model; ``step()`` is the schedule of one hour."""

from __future__ import annotations

from typing import Any, Callable, Optional

import mesa
import networkx as nx
import pandas as pd

from sim import metrics, summary
from sim.agents import Group, Professional
from sim.clock import HOURS_PER_WEEK, availability_profiles
from sim.initialize import build_state
from sim.network import to_graph
from sim.params import ModelParams, ParamError
from sim.submodels import (
    choose_group, classify_groups, digest_visits, end_hour, expire_posts, go_online,
    is_digest_hour, is_end_of_day, is_end_of_week, join, leave, post, read, refresh_session_rates, reply,
    seed_manager_posts, update_commitment, update_job_hunting,
)


class GroupCultureModel(mesa.Model):
    """Professionals read, post and reply in groups; groups thrive or go dormant.

    Args:
        params: a :class:`ModelParams`; or give keyword overrides instead / as well, as
            nested dicts (``population={"size": 500}``) or dotted strings
            (``**{"population.size": 500}``). Invalid values raise :class:`ParamError`
            before any simulation work.

    One tick is one hour (tick 0 is Monday 00:00). See docs/ODD.md.
    """

    def __init__(self, params: Optional[ModelParams] = None, **overrides: Any):
        if params is None or overrides:
            base = params.to_dict() if params is not None else None
            params = ModelParams.from_dict(base, **overrides)
        else:
            params.validate()
        super().__init__(rng=params.seed)
        self.params = params
        self.state = build_state(params, self.rng)
        self.profiles = availability_profiles(params.clock)
        refresh_session_rates(self.state)
        self.professionals = [Professional(self, i) for i in range(self.state.pop.size)]
        self.group_agents = [Group(self, g) for g in range(self.state.groups.count)]
        self.datacollector = mesa.DataCollector(model_reporters=metrics.MODEL_REPORTERS)
        self._graph: Optional[nx.Graph] = None

    # --------------------------------------------------------------- the schedule
    def step(self) -> None:
        """One hour: who goes online, where they go, what they do; daily and weekly events."""
        s, t, rng = self.state, self.state.tick, self.rng
        if t >= s.records.ticks:
            raise ParamError(f"the model has run its duration.weeks = {self.params.duration.weeks}")
        sessions = go_online(s, self.profiles, t, rng)
        self.visit(choose_group(s, sessions, rng))
        update_commitment(s, unanswered=seed_manager_posts(s, t, rng))
        if is_digest_hour(s, t):
            self.visit(digest_visits(s, self.profiles, t, rng))
        end_hour(s)
        if is_end_of_day(t):
            update_commitment(s, unanswered=expire_posts(s, t))
            join(s, t, rng)
        if is_end_of_week(t):
            leave(s, t, rng)
            update_job_hunting(s, rng)
            self._refresh_index(rates_changed=True)
            classify_groups(s, t)
        elif is_end_of_day(t):
            self._refresh_index()
        s.tick += 1
        if is_end_of_week(t):
            self.datacollector.collect(self)

    def visit(self, visits) -> None:
        """What a visit does: read, perhaps post, perhaps reply; commitment follows."""
        s, t, rng = self.state, self.state.tick, self.rng
        benefit, relevance = read(s, visits, t)
        unanswered = post(s, visits, relevance, t, rng)
        credited = reply(s, visits, t, rng)
        update_commitment(s, visits, benefit, credited, unanswered)

    def _refresh_index(self, rates_changed: bool = False) -> None:
        """Rebuild the membership index if members joined or left, and the session rates
        if memberships or job-hunting spells changed."""
        dirty = self.state.dirty
        if dirty:
            self.state.rebuild_index()
        if dirty or rates_changed:
            refresh_session_rates(self.state)

    # ------------------------------------------------------------------- driving
    @property
    def weeks_done(self) -> int:
        return self.state.tick // HOURS_PER_WEEK

    def run(self, weeks: Optional[int] = None, on_week: Optional[Callable[[int], None]] = None):
        """Run ``weeks`` more weeks of hours (default: to the end of ``duration.weeks``).

        ``on_week(week)`` is called after each completed week (e.g. a progress bar).
        """
        s = self.state
        left = s.records.ticks - s.tick
        ticks = left if weeks is None else weeks * HOURS_PER_WEEK
        if not 0 <= ticks <= left:
            raise ParamError(
                f"run(weeks={weeks}): allowed 0..{left // HOURS_PER_WEEK} (whole weeks left of duration.weeks)"
            )
        for _ in range(ticks):
            self.step()
            if on_week is not None and s.tick % HOURS_PER_WEEK == 0:
                on_week(self.weeks_done - 1)
        self.running = s.tick < s.records.ticks
        return self

    # ------------------------------------------------------------------- outputs
    @property
    def network(self) -> nx.Graph:
        """The professional network as a networkx Graph (nodes are agent ids)."""
        if self._graph is None:
            self._graph = to_graph(self.state.pop.size, self.state.edges)
        return self._graph

    def tables(self) -> dict[str, pd.DataFrame]:
        """All output tables (columns documented in :mod:`sim.metrics`)."""
        return metrics.tables(self.state, self.weeks_done)

    def summary(self, tables: Optional[dict] = None) -> dict:
        """Run-level outcomes and the stylized facts S1-S6 with pass/fail.

        Pass ``tables`` (from :meth:`tables`) to avoid building them twice."""
        return summary.summary(self.params, self.tables() if tables is None else tables)
