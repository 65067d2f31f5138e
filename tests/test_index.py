"""The membership index kept up to date incrementally equals one rebuilt from scratch."""

import copy

import numpy as np
import pytest

from sim import GroupCultureModel
from sim.csr import search_segments, stable_order
from sim.state import entry_positions, merge_index


def test_incremental_index_equals_a_rebuilt_one_after_joins_and_leaves():
    model = GroupCultureModel(**{"population.size": 3000, "groups.count": 30, "duration.weeks": 3,
            "duration.spinup_weeks": 0, "seed": 5})
    model.run()
    s = model.state
    assert (s.memberships.view("left") >= 0).any() and (~s.memberships.view("initial")).any()  # left and joined
    rebuilt = copy.copy(s)
    rebuilt.rebuild_index()
    for name in ("rows", "groups", "members"):
        np.testing.assert_array_equal(getattr(s.index, name), getattr(rebuilt.index, name))
    np.testing.assert_array_equal(s.index.by_agent.ptr, rebuilt.index.by_agent.ptr)


def test_a_membership_marked_twice_or_never_indexed_is_dropped_once():
    model = GroupCultureModel(**{"population.size": 2000, "groups.count": 20, "duration.weeks": 1,
                                 "duration.spinup_weeks": 0, "seed": 3})
    s = model.state
    rows = s.index.rows[:5].copy()
    s.memberships.left[rows] = 0
    s.mark_left(rows)
    s.mark_left(rows[:2])  # the same rows again, before the update
    s.update_index()
    s.mark_left(rows[2:])  # already dropped: nothing more to drop
    s.update_index()
    rebuilt = copy.copy(s)
    rebuilt.rebuild_index()
    for name in ("rows", "groups", "members"):
        np.testing.assert_array_equal(getattr(s.index, name), getattr(rebuilt.index, name))
    assert not np.isin(rows, s.index.rows).any()


def test_merge_index_equals_a_mask_and_numpy_insert():
    """Drops at found positions, then joins at their (agent, group) place: offsets, entries and counts."""
    rng = np.random.default_rng(0)
    n_pop, n_groups = 40, 12
    for _ in range(100):
        pairs = sorted({(int(a), int(g)) for a, g in zip(rng.integers(0, n_pop, 120), rng.integers(0, n_groups, 120),
                                                          strict=True)})
        agent, group = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs], dtype=np.int32)
        rows = rng.permutation(len(pairs)).astype(np.int32)  # membership rows in any order
        ptr = np.concatenate([[0], np.cumsum(np.bincount(agent, minlength=n_pop))]).astype(np.int64)
        members = np.bincount(group, minlength=n_groups)
        left = rows[rng.random(len(rows)) < 0.2]  # memberships that ended
        free = [(a, g) for a in range(n_pop) for g in range(n_groups) if (a, g) not in set(pairs)]
        joins = sorted(free[i] for i in rng.choice(len(free), int(rng.integers(0, 10)), replace=False))
        new_agents = np.array([a for a, _ in joins], dtype=np.int64)
        new_groups = np.array([g for _, g in joins], dtype=np.int32)
        new_rows = np.arange(len(rows), len(rows) + len(joins), dtype=np.int32)
        # the plain computation: drop by mask, insert at each agent's searchsorted place, recount
        keep = ~np.isin(rows, left)
        k_agent, k_group, k_rows = agent[keep], group[keep], rows[keep]
        key = np.concatenate([k_agent * n_groups + k_group, new_agents * n_groups + new_groups])
        order = np.argsort(key, kind="stable")
        want_rows = np.concatenate([k_rows, new_rows])[order]
        want_groups = np.concatenate([k_group, new_groups])[order]
        want_agents = np.concatenate([k_agent, new_agents])[order]
        # the index's way, in place in buffers with room
        agent_of_row, group_of_row = np.empty(len(rows) + len(joins), np.int64), np.empty(len(rows) + len(joins),
                                                                                           np.int32)
        agent_of_row[rows], group_of_row[rows] = agent, group
        gone = entry_positions(rows, group, ptr, agent_of_row, group_of_row, left)
        np.testing.assert_array_equal(gone, np.flatnonzero(np.isin(rows, left)))
        row_buf, group_buf = np.zeros(len(rows) + len(joins) + 2, np.int32), np.zeros(len(rows) + len(joins) + 2,
                                                                                        np.int32)
        row_buf[: len(rows)], group_buf[: len(rows)] = rows, group
        counts = members.copy()
        out, n = merge_index(row_buf, group_buf, len(rows), ptr, gone, new_rows, new_agents, new_groups, counts)
        assert n == len(want_rows)
        np.testing.assert_array_equal(row_buf[:n], want_rows)
        np.testing.assert_array_equal(group_buf[:n], want_groups)
        np.testing.assert_array_equal(out, np.concatenate([[0], np.cumsum(np.bincount(want_agents, minlength=n_pop))]))
        np.testing.assert_array_equal(counts, np.bincount(want_groups, minlength=n_groups))


@pytest.mark.parametrize("keys", [
    np.random.default_rng(1).integers(0, 50, 1000),  # many ties: equal keys keep their order
    np.arange(300),  # already in order
    np.random.default_rng(2).integers(-5, 5, 200),  # negative: numpy's argsort
    np.array([2**62, 0, 2**62, 1]),  # key x n would overflow: numpy's argsort
    np.random.default_rng(3).integers(0, 10**6, 5000).astype(np.int32),
    np.empty(0, dtype=np.int64),
])
def test_stable_order_is_numpys_stable_argsort(keys):
    np.testing.assert_array_equal(stable_order(keys), np.argsort(keys, kind="stable"))


def test_search_segments_is_searchsorted_within_each_segment():
    rng = np.random.default_rng(4)
    sizes = rng.integers(0, 40, 300)  # empty segments too
    a = np.concatenate([np.sort(rng.choice(100, k, replace=False)) for k in sizes]).astype(np.int32)
    ptr = np.concatenate([[0], np.cumsum(sizes)])
    seg = rng.integers(0, len(sizes), 2000)
    v = rng.integers(-5, 105, 2000)  # below, inside and beyond the values
    expected = [ptr[i] + np.searchsorted(a[ptr[i] : ptr[i + 1]], x) for i, x in zip(seg, v, strict=True)]
    np.testing.assert_array_equal(search_segments(a, ptr[seg], ptr[seg + 1], v), expected)
