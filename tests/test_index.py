"""The membership index kept up to date incrementally equals one rebuilt from scratch."""

import copy

import numpy as np
import pytest

from sim import GroupCultureModel
from sim.csr import insert_sorted, search_segments, stable_order


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


def test_insert_sorted_matches_numpy_insert():
    rng = np.random.default_rng(0)
    for _ in range(100):
        old = np.sort(rng.choice(500, int(rng.integers(0, 40)), replace=False))
        new = np.sort(rng.integers(0, 500, int(rng.integers(0, 15))))
        at = np.searchsorted(old, new)
        buf = np.empty(len(old) + len(new) + 3, dtype=np.int64)
        buf[: len(old)] = old
        insert_sorted(buf, len(old), at, new)
        np.testing.assert_array_equal(buf[: len(old) + len(new)], np.insert(old, at, new))


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
