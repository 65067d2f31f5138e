"""The model's state as arrays: groups, memberships and the activity records.

Professionals live in :class:`sim.population.Population`. Memberships are edge arrays
(one row per membership ever held; rows are never removed, a left membership has
``left >= 0``), with an index of the *current* memberships sorted by agent (CSR) that is
brought up to date (incrementally) only when joins or leaves happened. Per-group totals are ``np.bincount`` over
membership rows. Weekly and hourly records are preallocated arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numba
import numpy as np

from sim.csr import Csr, Slices, search_segment, search_segments, stable_order, upper_pairs
from sim.lowlevel import move
from sim.params import InterventionParams, ModelParams
from sim.population import Population

NO_TICK = -(2**31)  # before any tick; the int32 minimum (Memberships.last_post)


@dataclass
class Groups:
    """Groups as arrays (one row per group): charter data, pools, activity and open posts."""
    charter: np.ndarray  # index into charter_names
    charter_names: list
    anchor_value: np.ndarray  # employer / university / industry id, -1 for "anyone"
    defunct: np.ndarray
    initial_size: np.ndarray
    relevance: np.ndarray
    visibility: np.ndarray
    job_posts: np.ndarray
    identity: np.ndarray
    conversation: np.ndarray  # share of discussions and collaboration in the content mix
    inflow: np.ndarray  # join candidates per week per eligible non-member
    pool: Slices  # eligible agents per group, rows share their anchor's pool (empty row + open flag for "anyone")
    open_to_all: np.ndarray
    activity: np.ndarray  # perceived recent activity: decayed count of posts (members and manager)
    recent_posters: np.ndarray  # distinct posters over the last week
    ring_author: np.ndarray  # (G, behaviour.open_posts_remembered) membership row of an open post, -1 empty
    ring_tick: np.ndarray
    ring_replied: np.ndarray
    ring_first: np.ndarray  # the post was its author's first in the group
    ring_pos: np.ndarray
    founded_week: np.ndarray  # simulated week of founding (>= 0: founded during the run; < 0: before it, an age)
    founders: Csr  # founding members of groups founded during the run, the founder first (empty rows for the others)
    founder_commitment: np.ndarray  # their initial commitment, aligned with founders.values
    closed_week: np.ndarray = None  # simulated week a group closed (close_groups); -1 while open (set by __post_init__)

    def __post_init__(self):
        if self.closed_week is None:
            self.closed_week = np.full(len(self.charter), -1, dtype=np.int64)

    @property
    def count(self) -> int:
        """Number of groups."""
        return len(self.charter)


class Memberships:
    """Growable edge arrays; ``n`` rows in use.

    Agent and group ids, ticks and counters are int32 (ids below 2^31; a run of 5,000
    weeks has under a million ticks), which halves their memory; ``last_post`` is
    :data:`NO_TICK` before the first post. Keys combining an agent and a group are int64
    (:meth:`State.key`).
    """

    FIELDS = {
        "agent": np.int32, "group": np.int32, "joined": np.int32, "left": np.int32,
        "posts": np.int32, "replies": np.int32, "visits": np.int32, "commitment": np.float64,
        "last_visit": np.int32, "last_post": np.int32, "initial": bool,
        "replies_received": np.int32, "first_post_replied": np.int8,
    }

    def __init__(self, capacity: int):
        self.n = 0
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.zeros(max(capacity, 16), dtype=dtype))

    def add(self, agent, group, tick, commitment, initial: bool) -> np.ndarray:
        """Append memberships (fresh counters); returns their rows."""
        k = len(agent)
        if self.n + k > len(self.agent):
            self._grow(self.n + k)
        rows = slice(self.n, self.n + k)  # a slice writes in place, without an index array
        self.agent[rows], self.group[rows] = agent, group
        self.joined[rows], self.left[rows] = tick, -1
        for name in ("posts", "replies", "visits", "replies_received"):
            getattr(self, name)[rows] = 0
        self.commitment[rows] = commitment
        self.last_visit[rows] = tick
        self.last_post[rows] = NO_TICK
        self.initial[rows] = initial
        self.first_post_replied[rows] = -1
        self.n += k
        return np.arange(rows.start, rows.stop)

    def _grow(self, need: int) -> None:
        cap = max(need, int(len(self.agent) * 1.5))
        for name in self.FIELDS:
            old = getattr(self, name)
            new = np.zeros(cap, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def view(self, name: str) -> np.ndarray:
        """The ``n`` rows in use of field ``name``."""
        return getattr(self, name)[: self.n]

    REPORTED = ("posts", "replies", "visits")  # counters the tables give over the reported weeks only

    def mark_report_start(self) -> None:
        """Remember the :data:`REPORTED` counters at the end of the spin-up (see :meth:`reported`).

        Each in the narrowest of uint8, uint16 and int32 that holds its largest value (the
        same numbers: most counts after a spin-up are below 65,536, and these copies of a
        million professionals' memberships are hundreds of MB in int32).
        """
        self.at_report_start = {name: _narrowest(self.view(name)) for name in self.REPORTED}

    def reported(self, name: str, rows: slice = slice(None)) -> np.ndarray:
        """Counter ``name`` (one of :data:`REPORTED`) of ``rows`` over the reported weeks (not the spin-up's).

        The dynamics use the whole-membership counters (a member who never posted leaves
        sooner); the outputs (S1, S2, the badge ratio) count the reported weeks.
        """
        counts = self.view(name)[rows]
        base = getattr(self, "at_report_start", {}).get(name)
        lo, hi, _ = rows.indices(self.n)
        k = 0 if base is None else max(0, min(hi, len(base)) - lo)
        if k == 0:
            return counts
        counts = counts.copy()
        counts[:k] -= base[lo : lo + k]
        return counts


def _narrowest(counts: np.ndarray) -> np.ndarray:
    """A copy of non-negative ``counts`` in uint8, uint16 or int32, the first that holds them all."""
    top = int(counts.max()) if len(counts) else 0
    dtype = next(t for t in (np.uint8, np.uint16, np.int32) if top <= np.iinfo(t).max)
    return counts.astype(dtype)


@dataclass
class Index:
    """Current memberships sorted by (agent, group): CSR by agent, with each entry's membership row and group."""

    by_agent: Csr  # values: the int32 membership rows, by agent, groups ascending within an agent
    groups: np.ndarray  # the group of each entry (aligned with by_agent.values)
    members: np.ndarray  # current members per group
    indexed_rows: int = 0  # membership rows that existed when the index was last brought up to date
    row_buf: np.ndarray = None  # by_agent.values and groups are the leading part of these buffers
    group_buf: np.ndarray = None  # (spare room for joins)

    @property
    def rows(self) -> np.ndarray:
        """The membership rows of current memberships, by (agent, group)."""
        return self.by_agent.values


def _grown(values: np.ndarray, n: int, need: int) -> np.ndarray:
    """A buffer with room for ``need`` values (and a quarter more) holding ``values[:n]``."""
    buf = np.empty(int(need * 1.25) + 1024, dtype=values.dtype)
    buf[:n] = values[:n]
    return buf


@dataclass
class Records:
    """Weekly (week x group) and hourly records of every simulated week, spin-up included.

    ``spinup`` is the number of leading weeks that are simulated but not reported.
    """

    weeks: int
    n_groups: int
    ticks: int
    spinup: int = 0
    week_posts: np.ndarray = field(init=False)
    week_replies: np.ndarray = field(init=False)
    week_manager_posts: np.ndarray = field(init=False)
    week_posters: np.ndarray = field(init=False)
    week_joins: np.ndarray = field(init=False)
    week_leaves: np.ndarray = field(init=False)
    week_exits: np.ndarray = field(init=False)  # memberships ended because the member left the platform
    week_closures: np.ndarray = field(init=False)  # memberships ended because the group closed (close_groups)
    week_members: np.ndarray = field(init=False)
    week_state: np.ndarray = field(init=False)
    hour_visits: np.ndarray = field(init=False)
    hour_posts: np.ndarray = field(init=False)
    hour_replies: np.ndarray = field(init=False)

    def __post_init__(self):
        shape = (self.weeks, self.n_groups)
        for name in ("posts", "replies", "manager_posts", "posters", "joins", "leaves", "exits", "closures", "members"):
            # int32: a group's weekly count stays far below 2**31 (half the memory of int64 for the run's
            # largest records; the peak of a 1M run comes later, when the tables are written)
            setattr(self, f"week_{name}", np.zeros(shape, dtype=np.int32))
        self.week_state = np.full(shape, -1, dtype=np.int8)
        for name in ("visits", "posts", "replies"):
            setattr(self, f"hour_{name}", np.zeros(self.ticks, dtype=np.int64))


@numba.njit(cache=True)
def merge_index(rows, groups, n, ptr, gone, new_rows, new_agents, new_groups, members):
    """The index brought up to date in place; returns the new per-agent offsets and entry count.

    ``rows[:n]`` and ``groups[:n]`` are the entries by (agent, group) with offsets ``ptr``.
    The entries at positions ``gone`` (sorted, distinct: memberships that ended) are removed
    and ``new_*`` (sorted by (agent, group), distinct from every current membership) inserted
    at their place (the buffers must have room for them). The old entries fall into
    stretches between those positions, each shifted by the insertions before it less the
    removals before it; each stretch is moved once, those moving left from the first and
    those moving right from the last, so none overwrites one not yet moved (their places
    in the result are disjoint and in order), then the new entries are written into the
    gaps. ``members`` (per group) is adjusted by both. Same result as dropping with a
    boolean mask and ``np.insert`` at ``np.searchsorted`` positions within each agent's
    entries (``tests/test_index.py``).
    """
    d, k = len(gone), len(new_rows)
    for i in range(d):
        members[groups[gone[i]]] -= 1
    at = np.empty(k, dtype=np.int64)  # where each new entry goes, before the old entry at that position
    for j in range(k):
        at[j] = search_segment(groups, ptr[new_agents[j]], ptr[new_agents[j] + 1], new_groups[j])
        members[new_groups[j]] += 1
    start, stop, shift = _stretches(n, gone, at)
    for s in range(len(start)):  # left first, from the first
        if shift[s] < 0:
            _move(rows, groups, start[s], stop[s], shift[s])
    for s in range(len(start) - 1, -1, -1):  # right, from the last
        if shift[s] > 0:
            _move(rows, groups, start[s], stop[s], shift[s])
    removed = 0
    for j in range(k):
        while removed < d and gone[removed] < at[j]:
            removed += 1
        rows[at[j] - removed + j], groups[at[j] - removed + j] = new_rows[j], new_groups[j]
    out = ptr.copy()
    removed = added = 0
    for a in range(len(ptr) - 1):  # an agent's end moves by the entries inserted up to it less those removed before it
        while removed < d and gone[removed] < ptr[a + 1]:
            removed += 1
        while added < k and new_agents[added] <= a:
            added += 1
        out[a + 1] += added - removed
    return out, n - d + k


@numba.njit(inline="always")
def _stretches(n, gone, at):
    """The stretches of old entries between removals (``gone``) and insertion points (``at``), with their shifts.

    Returns ``(start, stop, shift)``: old entries ``start[s]..stop[s]-1`` move by ``shift[s]``
    (the insertions at or before them less the removals before them). Empty stretches are left out.
    """
    d, k = len(gone), len(at)
    start = np.empty(d + k + 1, dtype=np.int64)
    stop = np.empty(d + k + 1, dtype=np.int64)
    shift = np.empty(d + k + 1, dtype=np.int64)
    count = i = j = 0
    begin, moved = 0, 0
    while True:  # the next event: an insertion before position at[j], or the removal of gone[i]
        insert = j < k and (i >= d or at[j] <= gone[i])
        end = at[j] if insert else (gone[i] if i < d else n)
        if end > begin:
            start[count], stop[count], shift[count] = begin, end, moved
            count += 1
        if insert:
            moved += 1
            j += 1
            begin = end
        elif i < d:
            moved -= 1
            i += 1
            begin = end + 1
        else:
            break
    return start[:count], stop[:count], shift[:count]


@numba.njit(inline="always")
def _move(rows, groups, lo, hi, shift):
    """Entries ``lo..hi-1`` moved by ``shift``, in place.

    By :func:`sim.lowlevel.move` (``memmove``): a slice assignment between overlapping
    slices would copy the source to a fresh temporary first.
    """
    move(rows, lo + shift, lo, hi - lo)
    move(groups, lo + shift, lo, hi - lo)


@numba.njit(cache=True)
def entry_positions(rows, groups, ptr, agent, group, left_rows):
    """Sorted distinct index positions of the membership rows ``left_rows``.

    A binary search of each row's group within its agent's entries (:func:`sim.csr.search_segment`);
    a row that is not a current entry (marked twice, or never indexed) has no position.
    """
    at = np.empty(len(left_rows), dtype=np.int64)
    found = 0
    for i in range(len(left_rows)):
        r = left_rows[i]
        pos, end = search_segment(groups, ptr[agent[r]], ptr[agent[r] + 1], group[r]), ptr[agent[r] + 1]
        if pos < end and rows[pos] == r:
            at[found] = pos
            found += 1
    return np.unique(at[:found])


@dataclass
class State:
    """Everything the fast engine simulates, as arrays."""
    params: ModelParams
    pop: Population
    groups: Groups
    memberships: Memberships
    neighbours: Csr
    records: Records
    index: Index = None
    session_classes: tuple = None  # (agents, cumulative weekly rates, class offsets, guide): refresh_session_rates
    by_class: tuple = None  # professionals by availability class, and class offsets (fixed traits, set on first use)
    capacity: np.ndarray = None  # groups each professional follows at most (0: no limit)
    availability: np.ndarray = None  # availability class of each professional (sim.clock; set on first use)
    log_odds: np.ndarray = None  # rules.activity_log_odds of each professional (sim.kernel.parts; renew updates it)
    dirty: bool = True  # memberships changed since the index was built
    left_rows: list = field(default_factory=list)  # rows of memberships that ended since the index was built
    interventions: InterventionParams = field(default_factory=InterventionParams)  # acting now (Driver.interventions)
    renewal: np.random.Generator = None  # the stream of platform exits and newcomers' traits (sim.submodels.renew)
    closure: np.random.Generator = None  # the stream of group closures (sim.submodels.close_groups)

    @property
    def edges(self) -> np.ndarray:
        """The network's undirected edges as an (E, 2) array, source < target, sorted.

        Read from the neighbour index (each tie is there in both directions), so the
        edge list is not kept beside it: the same array as
        :func:`sim.network.build_edges` returned.
        """
        return np.stack(self.edge_columns(), axis=1)

    def edge_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """:attr:`edges` as its two columns (source as int32), without the stacked copy."""
        return upper_pairs(self.neighbours.ptr, self.neighbours.values)

    def key(self, agents: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Membership keys ``agent x groups.count + group``, in int64 whatever the ids' dtype."""
        return np.asarray(agents, dtype=np.int64) * self.groups.count + groups

    def rebuild_index(self) -> None:
        """Build the current-membership index from scratch (at initialization).

        Membership rows start sorted by (agent, group), so sorting them costs one pass.
        """
        m, n_groups = self.memberships, self.groups.count
        current = np.flatnonzero(m.view("left") < 0).astype(np.int32)  # rows below 2^31, as ids
        current = current[stable_order(self.key(m.agent[current], m.group[current]))]
        ptr = np.zeros(self.pop.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(m.agent[current], minlength=self.pop.size), out=ptr[1:])
        groups, n = m.group[current], len(current)
        row_buf, group_buf = _grown(current, n, n), _grown(groups, n, n)
        members = np.bincount(groups, minlength=n_groups)
        self.index = Index(Csr(ptr, row_buf[:n]), group_buf[:n], members, m.n, row_buf, group_buf)
        self.dirty, self.left_rows = False, []

    def update_index(self) -> None:
        """Bring the index up to date after joins and leaves (daily at most).

        Incremental, with the same result as :meth:`rebuild_index`: rows that left are
        dropped, rows appended since the last update are merged in at their (agent, group)
        place (current memberships are distinct pairs), and the per-agent offsets and
        per-group counts follow, all in one compiled call (:func:`merge_index`). The index
        lives in buffers with spare room, so a day's joins shift it in place, without a sort
        or a fresh allocation of the whole index.
        """
        m, idx = self.memberships, self.index
        row_buf, group_buf, n = idx.row_buf, idx.group_buf, len(idx.groups)
        new = np.arange(idx.indexed_rows, m.n)
        new = new[m.left[new] < 0]
        agent, group = m.agent[new], m.group[new]
        order = stable_order(self.key(agent, group))
        if n + len(new) > len(row_buf):  # room for every new entry, before any is dropped
            row_buf, group_buf = _grown(row_buf, n, n + len(new)), _grown(group_buf, n, n + len(new))
        gone = np.empty(0, dtype=np.int64)
        if self.left_rows:
            gone = entry_positions(idx.rows, idx.groups, idx.by_agent.ptr, m.agent, m.group,
                                   np.concatenate(self.left_rows))
        members = idx.members.copy()
        ptr, n = merge_index(row_buf, group_buf, n, idx.by_agent.ptr, gone, new[order].astype(row_buf.dtype),
                             agent[order], group[order].astype(group_buf.dtype), members)
        self.index = Index(Csr(ptr, row_buf[:n]), group_buf[:n], members, m.n, row_buf, group_buf)
        self.dirty, self.left_rows = False, []

    def mark_left(self, rows: np.ndarray) -> None:
        """Memberships ``rows`` (current entries of the index) ended: the next :meth:`update_index` drops them."""
        if len(rows):
            self.left_rows.append(np.asarray(rows))
            self.dirty = True

    def lookup(self, agents: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Membership row of each (agent, group) pair, -1 where not a current member.

        A binary search within each agent's entries (:func:`sim.csr.search_segments`).
        """
        idx = self.index
        agents = np.asarray(agents)
        if len(idx.groups) == 0:
            return np.full(len(agents), -1)
        lo, hi = idx.by_agent.ptr.take(agents), idx.by_agent.ptr.take(agents + 1)
        at = search_segments(idx.groups, lo, hi, groups)
        safe = np.minimum(at, len(idx.groups) - 1)
        found = (at < hi) & (idx.groups.take(safe) == groups)
        return np.where(found, idx.rows.take(safe), -1)
