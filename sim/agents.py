"""Professionals and groups as Mesa agents: thin views over the model's arrays.

They are the public face of the model (``model.agents``, ``model.agents_by_type``,
DataCollector agent reporters, a dashboard); no per-tick work goes through them. Their
attributes read the arrays, so they are always current.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.clock import HOURS_PER_WEEK
from sim.rules import ACTIVE, STATE_NAMES


class Professional(mesa.Agent):
    """One professional; ``index`` is its row in the population arrays (= agent_id)."""

    TRAITS = (
        "blocked_at_work", "office_hours_mindset", "job_search_fear", "job_hunting_only",
        "attention_budget", "content_role", "profile_tidiness",
    )

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    def __getattr__(self, name):
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
        super().__init__(model)
        self.index = index

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
    def state(self) -> str:
        """Thriving / active / dormant at the last completed simulated week (spin-up included.

        "active" before the first week ends).
        """
        week = self.model.tick // HOURS_PER_WEEK - 1
        code = self.model.state.records.week_state[week, self.index] if week >= 0 else ACTIVE
        return STATE_NAMES[int(code)]

    @property
    def member_ids(self) -> np.ndarray:
        """Agent ids of the current members, sorted."""
        s = self.model.state
        rows = s.index.rows_of_keys
        return np.sort(s.memberships.agent[rows[s.memberships.group[rows] == self.index]])
