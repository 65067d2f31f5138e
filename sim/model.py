"""GroupCultureModel: the Mesa model; :meth:`GroupCultureModel.simulate_hours` is the schedule."""

from __future__ import annotations

from typing import Optional

import mesa
import networkx as nx
import pandas as pd

from sim import reporters, summary
from sim.agents import Group, Professional, ViewSet, agent_sets
from sim.clock import availability_profiles, is_end_of_day, is_end_of_week
from sim.driver import Driver
from sim.initialize import build_state
from sim.kernel import simulate_hours
from sim.network import to_graph
from sim.state import State
from sim.submodels import (
    classify_groups,
    close_groups,
    expire_posts,
    found_groups,
    join,
    leave,
    lift_blocking,
    refresh_session_rates,
    renew,
    update_job_hunting,
)
from sim.tables import Table, lazy_tables
from sim.tables import tables as build_tables


class GroupCultureModel(Driver):
    """Professionals read, post and reply in groups; groups thrive or go dormant.

    The fast engine: compiled hours (:mod:`sim.kernel`), vectorised days and weeks
    (:mod:`sim.submodels`). Args and driving (``step``, ``run``, ``running``,
    ``weeks_done``) come from :class:`sim.driver.Driver`: ``params`` is a
    :class:`ModelParams` or a mapping, or give keyword overrides instead / as well, as
    nested dicts (``population={"size": 500}``) or dotted strings
    (``**{"population.size": 500}``). Invalid values raise :class:`ParamError` before any
    simulation work.

    One tick is one hour (tick 0 is Monday 00:00). See docs/ODD.md.
    """

    def setup(self) -> None:
        """Initialization (ODD section 5) and the Mesa agents, views of the arrays made on demand.

        ``professionals`` and ``group_agents`` are :class:`sim.agents.ViewSet` s (Mesa
        AgentSets; ``model.professionals[7]`` is the view of row 7).
        """
        self.state = self.initial_state()
        self.profiles = availability_profiles(self.params.clock)
        refresh_session_rates(self.state)
        self.professionals, self.group_agents, self._views = agent_sets(self)
        self.datacollector = mesa.DataCollector(model_reporters=reporters.MODEL_REPORTERS)
        self._graph: Optional[nx.Graph] = None

    def initial_state(self) -> State:
        """The state to simulate: ODD section 5 from ``params`` and child streams of the model's generator.

        A subclass may give another initialized state (the shard study's ``benchmarks.shard.ShardModel``).
        """
        return build_state(self.params, self.rng)

    # ------------------------------------------------------------ the Mesa agents
    @property
    def agents(self) -> ViewSet:
        """All agents, professionals (rows ``0..N-1``) then groups: views made on demand."""
        return self.__dict__.get("_views") or super().agents  # Mesa's (empty) set before setup

    @property
    def agents_by_type(self) -> dict:
        """``{Professional: ..., Group: ...}``: AgentSets of views made on demand."""
        if "_views" not in self.__dict__:
            return super().agents_by_type
        return {Professional: self.professionals, Group: self.group_agents}

    @property
    def agent_types(self) -> list:
        """The agent classes: Professional and Group."""
        return [Professional, Group]

    # --------------------------------------------------------------- the schedule
    def simulate_hours(self, start: int, end: int) -> None:
        """Hours ``start..end-1`` of one day, then the daily and weekly events if the day ends.

        Each hour (compiled, :func:`sim.kernel.simulate_hours`): go_online, choose_group,
        read, post, reply, update_commitment per session; seed_manager_posts, the weekly
        digest, end_hour.
        """
        s, rng, t = self.state, self.rng, end - 1
        simulate_hours(s, self.profiles, start, end, rng)
        if is_end_of_day(t):
            expire_posts(s, t)
            if found_groups(s, t, rng):
                self._refresh_index()  # today's founders are members before today's joins (join reads the index)
            join(s, t, rng)
        if is_end_of_week(t):
            leave(s, t, rng)
            renew(s, t)
            update_job_hunting(s, rng)
            self._refresh_index(rates_changed=True)
            classify_groups(s, t)
            if close_groups(s, t):
                self._refresh_index()
        elif is_end_of_day(t):
            self._refresh_index()

    def observe(self, hours: int = 1) -> None:
        """Mesa's DataCollector: one row per reported hour (Mesa step).

        What the reporters read changes only at the end of a day (:mod:`sim.reporters`), so
        ``hours`` rows are one evaluation of the reporters and copies of its row.
        """
        self.datacollector.collect(self)
        for values in self.datacollector.model_vars.values():
            values.extend([values[-1]] * (hours - 1))

    def begin_report(self) -> None:
        """After a spin-up, per-membership posts, replies and visits count from here (the tables' window)."""
        if self.spinup_ticks:
            self.state.memberships.mark_report_start()

    def start_interventions(self) -> None:
        """From this hour the interventions act (the kernel and submodels read ``state.interventions``)."""
        self.state.interventions = self.params.interventions
        if self.params.interventions.lift_blocking > 0:
            lift_blocking(self.state, self.params.interventions.lift_blocking, self.rng)

    def _refresh_index(self, rates_changed: bool = False) -> None:
        """Rebuild the index if members joined or left, the session rates if memberships or spells changed."""
        dirty = self.state.dirty
        if dirty:
            self.state.update_index()
        if dirty or rates_changed:
            refresh_session_rates(self.state)

    # ------------------------------------------------------------------- outputs
    @property
    def network(self) -> nx.Graph:
        """The professional network as a networkx Graph (nodes are agent ids)."""
        if self._graph is None:
            self._graph = to_graph(self.state.pop.size, self.state.edges)
        return self._graph

    def tables(self) -> dict[str, pd.DataFrame]:
        """All output tables (columns documented in :mod:`sim.tables`)."""
        return build_tables(self.state, self.weeks_done)

    def lazy_tables(self) -> dict[str, Table]:
        """The output tables with columns made on demand (:class:`sim.tables.Table`).

        For tables too large to hold whole: ``table.chunks(rows)`` gives them in parts
        (``experiments.results.write_parquet`` writes those as row groups).
        """
        return lazy_tables(self.state, self.weeks_done)

    def summary(self, tables: Optional[dict] = None) -> dict:
        """Run-level outcomes and the stylized facts S1-S6 with pass/fail.

        Without ``tables`` only the columns the summary reads are made, as views of the
        state rather than copies (:meth:`summary_tables`); or pass ``tables`` (from
        :meth:`tables`).
        """
        if tables is None:
            tables = self.summary_tables(copy=False)
        return summary.summary(self.params, tables)

    def summary_tables(self, copy: bool = True) -> dict[str, pd.DataFrame]:
        """The tables with only the columns :func:`sim.summary.summary` reads (:data:`sim.summary.READS`).

        Copies by default, so the model can be let go before ``sim.summary.summary(params,
        tables)`` runs (the command line does: a million professionals' state is 1.3 GB);
        ``copy=False`` gives views, valid until the model steps again.
        """
        return build_tables(self.state, self.weeks_done, columns=summary.READS, copy=copy)
