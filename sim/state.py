"""The model's state as arrays: groups, memberships and the activity records.

Professionals live in :class:`sim.population.Population`. Memberships are edge arrays
(one row per membership ever held; rows are never removed, a left membership has
``left >= 0``), with an index of the *current* memberships sorted by agent (CSR) that is
brought up to date (incrementally) only when joins or leaves happened. Per-group totals are ``np.bincount`` over
membership rows. Weekly and hourly records are preallocated arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.csr import Csr, Slices, coarse, insert_sorted, search_in_order, stable_order
from sim.params import ModelParams
from sim.population import Population

NO_TICK = -(2**31)  # before any tick; the int32 minimum (Memberships.last_post)
COMPACT_CHUNK = 1 << 20  # index rows handled at a time when dropped memberships are removed


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
    founded_week: np.ndarray  # simulated week the group got its founding members (0: exists at the start)
    founders: Csr  # founding members of groups founded later (empty rows for week-0 groups)
    founder_commitment: np.ndarray  # their initial commitment, aligned with founders.values

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
        """Remember the :data:`REPORTED` counters at the end of the spin-up (see :meth:`reported`)."""
        self.at_report_start = {name: self.view(name).copy() for name in self.REPORTED}

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


@dataclass
class Index:
    """Current memberships: CSR by agent, and sorted (agent, group) keys for lookups."""

    by_agent: Csr
    keys: np.ndarray  # sorted agent * n_groups + group of current memberships
    rows_of_keys: np.ndarray  # int32 membership rows
    members: np.ndarray  # current members per group
    indexed_rows: int = 0  # membership rows that existed when the index was last brought up to date
    key_buf: np.ndarray = None  # keys and rows_of_keys are the leading part of these buffers (spare room for joins)
    row_buf: np.ndarray = None
    blocks: np.ndarray = None  # sim.csr.coarse(keys), for lookups

    def __post_init__(self):
        self.blocks = coarse(self.keys)


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
    week_members: np.ndarray = field(init=False)
    week_state: np.ndarray = field(init=False)
    hour_visits: np.ndarray = field(init=False)
    hour_posts: np.ndarray = field(init=False)
    hour_replies: np.ndarray = field(init=False)

    def __post_init__(self):
        shape = (self.weeks, self.n_groups)
        for name in ("posts", "replies", "manager_posts", "posters", "joins", "leaves", "members"):
            setattr(self, f"week_{name}", np.zeros(shape, dtype=np.int64))
        self.week_state = np.full(shape, -1, dtype=np.int8)
        for name in ("visits", "posts", "replies"):
            setattr(self, f"hour_{name}", np.zeros(self.ticks, dtype=np.int64))


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
    session_classes: list = None  # per availability class: (agents, cumulative weights, their sim.csr.coarse)
    by_class: list = None  # per availability class: its professionals (fixed traits, set on first use)
    capacity: np.ndarray = None  # groups each professional follows at most (0: no limit)
    dirty: bool = True  # memberships changed since the index was built
    left_pending: bool = False  # members left since the index was built

    @property
    def edges(self) -> np.ndarray:
        """The network's undirected edges as an (E, 2) array, source < target, sorted.

        Read from the neighbour index (each tie is there in both directions), so the
        edge list is not kept beside it: the same array as
        :func:`sim.network.build_edges` returned.
        """
        nb = self.neighbours
        source = np.repeat(np.arange(self.pop.size, dtype=np.int32), nb.sizes())  # int32: half the memory
        keep = nb.values > source
        return np.stack([source[keep], nb.values[keep]], axis=1)

    def key(self, agents: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Membership keys ``agent x groups.count + group``, in int64 whatever the ids' dtype."""
        return np.asarray(agents, dtype=np.int64) * self.groups.count + groups

    def rebuild_index(self) -> None:
        """Build the current-membership index from scratch (at initialization).

        Membership rows start sorted by (agent, group), so the stable sort (timsort) of
        the nearly sorted keys costs about one pass.
        """
        m, n_groups = self.memberships, self.groups.count
        current = np.flatnonzero(m.view("left") < 0).astype(np.int32)  # rows below 2^31, as ids
        keys = self.key(m.agent[current], m.group[current])
        order = stable_order(keys)
        current, keys = current[order], keys[order]
        ptr = np.zeros(self.pop.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // n_groups, minlength=self.pop.size), out=ptr[1:])
        members = np.bincount(keys % n_groups, minlength=n_groups)
        key_buf, row_buf = _grown(keys, len(keys), len(keys)), _grown(current, len(current), len(current))
        keys, current = key_buf[: len(keys)], row_buf[: len(current)]
        self.index = Index(Csr(ptr, current), keys, current, members, m.n, key_buf, row_buf)
        self.dirty = False

    def update_index(self) -> None:
        """Bring the index up to date after joins and leaves (daily at most).

        Incremental, with the same result as :meth:`rebuild_index`: rows that left are
        dropped, rows appended since the last update are merged in by key (keys of current
        memberships are distinct), and the per-agent offsets and per-group counts are
        adjusted by the few rows that changed. The index lives in buffers with spare room,
        so a day's joins shift it in place (:func:`sim.csr.insert_sorted`), without a sort
        or a fresh allocation of the whole index.
        """
        m, idx, n_groups, n_pop = self.memberships, self.index, self.groups.count, self.pop.size
        key_buf, row_buf, n = idx.key_buf, idx.row_buf, len(idx.keys)
        agents_delta = np.zeros(n_pop, dtype=np.int64)
        members = idx.members.copy()
        if self.left_pending:
            n, gone = self._drop_left()
            agents_delta -= np.bincount(gone // n_groups, minlength=n_pop)
            members -= np.bincount(gone % n_groups, minlength=n_groups)
        new = np.arange(idx.indexed_rows, m.n)
        new = new[m.left[new] < 0]
        if len(new):
            new_keys = self.key(m.agent[new], m.group[new])
            order = stable_order(new_keys)
            new, new_keys = new[order], new_keys[order]
            if n + len(new) > len(key_buf):
                key_buf, row_buf = _grown(key_buf, n, n + len(new)), _grown(row_buf, n, n + len(new))
            at = np.searchsorted(key_buf[:n], new_keys)
            insert_sorted(key_buf, n, at, new_keys)
            insert_sorted(row_buf, n, at, new)
            n += len(new)
            agents_delta += np.bincount(m.agent[new], minlength=n_pop)
            members += np.bincount(m.group[new], minlength=n_groups)
        ptr = idx.by_agent.ptr.copy()
        ptr[1:] += np.cumsum(agents_delta)
        keys, rows = key_buf[:n], row_buf[:n]
        self.index = Index(Csr(ptr, rows), keys, rows, members, m.n, key_buf, row_buf)
        self.dirty = self.left_pending = False

    def _drop_left(self) -> tuple[int, np.ndarray]:
        """Drop the rows of memberships that ended from the index buffers, in place.

        Returns the number of rows kept (at the front of the buffers) and the keys dropped.
        Works through the index in parts of :data:`COMPACT_CHUNK` rows, each written at or
        before where it was read, so no copy of the whole index is made.
        """
        idx, left = self.index, self.memberships.left
        kept, dropped = 0, []
        for start in range(0, len(idx.keys), COMPACT_CHUNK):
            keys, rows = idx.keys[start : start + COMPACT_CHUNK], idx.rows_of_keys[start : start + COMPACT_CHUNK]
            gone = left.take(rows) >= 0
            dropped.append(keys[gone])
            k = len(keys) - len(dropped[-1])
            idx.key_buf[kept : kept + k], idx.row_buf[kept : kept + k] = keys[~gone], rows[~gone]
            kept += k
        return kept, np.concatenate(dropped) if dropped else np.empty(0, dtype=np.int64)

    def lookup(self, agents: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Membership row of each (agent, group) pair, -1 where not a current member.

        The queries are searched in sorted order, through a coarse copy of the keys
        (:func:`sim.csr.search_in_order`), which keeps the index in cache.
        """
        keys = self.key(agents, groups)
        if len(self.index.keys) == 0:
            return np.full(len(keys), -1)
        pos = np.minimum(search_in_order(self.index.keys, keys, blocks=self.index.blocks), len(self.index.keys) - 1)
        found = self.index.keys.take(pos) == keys
        return np.where(found, self.index.rows_of_keys.take(pos), -1)
