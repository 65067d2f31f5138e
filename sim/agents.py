"""Professionals and groups as Mesa agents: thin views over the model's arrays.

They are the public face of the model (``model.agents``, ``model.agents_by_type``,
DataCollector agent reporters, a dashboard); no per-tick work goes through them. Their
attributes read the arrays, so they are always current.

Views are made on demand: :class:`ViewSet` is a Mesa ``AgentSet`` over array rows that
creates the view of row ``i`` the first time it is reached (by index, iteration or any
AgentSet method) and keeps it, so a million professionals cost no Python object until
used. Views are not registered with the model one by one (``Agent.__init__`` is not
called); ``unique_id`` is fixed by the row: professionals ``1..N``, groups ``N+1..N+G``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim.clock import HOURS_PER_WEEK
from sim.rules import ACTIVE, STATE_NAMES


class Professional(mesa.Agent):
    """One professional; ``index`` is its row in the population arrays (= agent_id)."""

    TRAITS = (
        "blocked_at_work", "office_hours_mindset", "job_search_fear", "job_hunting_only",
        "attention_budget", "content_role", "profile_tidiness", "activity",
    )

    def __init__(self, model, index: int):
        _init_view(self, model, index, unique_id=index + 1)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self.TRAITS or name in ("hunting", "employer", "university", "industry"):
            return getattr(self.model.state.pop, name)[self.index].item()
        raise AttributeError(name)

    @property
    def past_employers(self) -> list:
        """Ids of the past employers of this professional."""
        return self.model.state.pop.past_employers.row(self.index).tolist()

    @property
    def groups(self) -> list:
        """Ids of the groups this professional is currently a member of."""
        s = self.model.state
        return sorted(s.memberships.group[s.index.by_agent.row(self.index)].tolist())


class Group(mesa.Agent):
    """One group; ``index`` is its row in the group arrays (= group_id)."""

    def __init__(self, model, index: int):
        _init_view(self, model, index, unique_id=model.state.pop.size + index + 1)

    @property
    def charter(self) -> str:
        """Name of the group's charter."""
        g = self.model.state.groups
        return g.charter_names[g.charter[self.index]]

    @property
    def members(self) -> int:
        """Current number of members."""
        return int(self.model.state.index.members[self.index])

    @property
    def employer_defunct(self) -> bool:
        """True if the group's employer no longer exists."""
        return bool(self.model.state.groups.defunct[self.index])

    @property
    def recent_activity(self) -> float:
        """Decayed count of recent posts and replies: the culture members perceive."""
        return float(self.model.state.groups.activity[self.index])

    @property
    def state(self) -> str | None:
        """Thriving, active or dormant at the last completed simulated week, spin-up weeks included.

        "active" before the first week ends; None for a group not founded yet or closed.
        """
        week = self.model.tick // HOURS_PER_WEEK - 1
        code = self.model.state.records.week_state[week, self.index] if week >= 0 else ACTIVE
        return STATE_NAMES.get(int(code))

    @property
    def member_ids(self) -> np.ndarray:
        """Agent ids of the current members, sorted."""
        s = self.model.state
        rows = s.index.rows
        return np.sort(s.memberships.agent[rows[s.memberships.group[rows] == self.index]])


def _init_view(agent: mesa.Agent, model, index: int, unique_id: int) -> None:
    """What ``mesa.Agent.__init__`` sets, without registering the view with the model."""
    agent.model, agent.unique_id, agent.pos, agent.index = model, unique_id, None, index


class _RowViews(Mapping):
    """The views of ``count`` array rows, made by ``make(i)`` when first reached; a read-only mapping view -> None.

    This is the one place that relies on Mesa's internals: it stands in for the private
    ``AgentSet._agents`` (a ``WeakKeyDictionary`` agent -> None), offering what Mesa 3's
    AgentSet methods call on it: ``keys()`` (an iterator), ``keyrefs()``, ``len``,
    iteration, ``in`` and ``[agent]``. tests/test_mesa_views.py checks every AgentSet
    method on a :class:`ViewSet` against an ordinary AgentSet of the same views, so a
    Mesa version that stores its agents otherwise fails there.
    """

    def __init__(self, count: int, make: Callable[[int], mesa.Agent], kind: tuple):
        self.count, self.make, self.kind = count, make, kind
        self.made: dict[int, mesa.Agent] = {}

    def view(self, i: int) -> mesa.Agent:
        """The view of row ``i``, made now if it was never reached."""
        agent = self.made.get(i)
        if agent is None:
            agent = self.made[i] = self.make(i)
        return agent

    def __iter__(self) -> Iterator[mesa.Agent]:
        return (self.view(i) for i in range(self.count))

    def __len__(self) -> int:
        return self.count

    def __contains__(self, agent) -> bool:
        row = getattr(agent, "unique_id", 0) - 1
        return isinstance(agent, self.kind) and 0 <= row < self.count and self.view(row) is agent

    def __getitem__(self, agent):
        if agent not in self:
            raise KeyError(agent)
        return None

    def keys(self) -> Iterator[mesa.Agent]:
        """Every view in row order, as an iterator (``WeakKeyDictionary.keys`` is one)."""
        return iter(self)

    def keyrefs(self) -> list:
        """Weak references to every view, as ``WeakKeyDictionary.keyrefs``."""
        return [weakref.ref(agent) for agent in self]


class ViewSet(AgentSet):
    """An ``AgentSet`` of array views made on demand (see the module docstring).

    Reads like any AgentSet (``len``, iteration, ``[i]``, ``in``, ``get``, ``map``,
    ``agg``, ``do``, ``shuffle_do``). The methods that build a new set (``select``,
    ``sort``, ``shuffle``, ``groupby``, ``copy.copy``) build it from :meth:`ordinary`, so
    it is an ordinary ``AgentSet`` of the views whatever class Mesa would instantiate. A
    ViewSet cannot be changed in place (``add``, ``discard``, ``remove``,
    ``inplace=True``): the agents are the rows of the model's arrays. Its storage is a
    :class:`_RowViews`.
    """

    def __init__(self, count: int, make: Callable[[int], mesa.Agent], kind: tuple, random):
        super().__init__((), random)
        self._agents = _RowViews(count, make, kind)

    def ordinary(self) -> AgentSet:
        """An ordinary ``AgentSet`` of every view (all made now), with this set's generator."""
        return AgentSet(list(self), self.random)

    def __copy__(self) -> AgentSet:
        """:meth:`ordinary` (``copy.copy``)."""
        return self.ordinary()

    def __getitem__(self, item):
        """The view of row ``item`` (or a list of views for a slice), made only for the rows asked for."""
        if isinstance(item, slice):
            return [self._agents.view(i) for i in range(*item.indices(len(self)))]
        if not -len(self) <= item < len(self):
            raise IndexError(f"agent index {item} out of range 0..{len(self) - 1}")
        return self._agents.view(item % len(self))

    def select(self, filter_func=None, at_most: int | float = float("inf"), inplace: bool = False,
               agent_type=None) -> AgentSet:
        """``AgentSet.select`` on :meth:`ordinary` (not in place)."""
        if inplace:
            self._update(())
        return self.ordinary().select(filter_func, at_most, agent_type=agent_type)

    def sort(self, key, ascending: bool = False, inplace: bool = False) -> AgentSet:
        """``AgentSet.sort`` on :meth:`ordinary` (not in place)."""
        if inplace:
            self._update(())
        return self.ordinary().sort(key, ascending)

    def shuffle(self, inplace: bool = False) -> AgentSet:
        """``AgentSet.shuffle`` on :meth:`ordinary` (not in place)."""
        if inplace:
            self._update(())
        return self.ordinary().shuffle(inplace=True)

    def groupby(self, by, result_type: str = "agentset"):
        """``AgentSet.groupby`` on :meth:`ordinary`."""
        return self.ordinary().groupby(by, result_type)

    def _update(self, agents):
        """Refuse: AgentSet's in-place changes come here."""
        raise TypeError("a ViewSet of the model's array rows cannot be changed in place")

    def add(self, agent):  # noqa: D102
        self._update([agent])

    def discard(self, agent):  # noqa: D102
        self._update([agent])

    def remove(self, agent):  # noqa: D102
        self._update([agent])


def agent_sets(model) -> tuple[ViewSet, ViewSet, ViewSet]:
    """(professionals, groups, all agents) as view sets over the model's arrays."""
    n, n_groups = model.state.pop.size, model.state.groups.count
    pros = ViewSet(n, lambda i: Professional(model, i), (Professional,), model.random)
    groups = ViewSet(n_groups, lambda i: Group(model, i), (Group,), model.random)

    def either(i: int) -> mesa.Agent:
        return pros[i] if i < n else groups[i - n]

    return pros, groups, ViewSet(n + n_groups, either, (Professional, Group), model.random)

