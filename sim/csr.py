"""A generic ragged array (compressed sparse rows), used for pools, indexes and the network."""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numba.extending import register_jitable


@dataclass
class Csr:
    """A ragged array: the values of row ``i`` are ``values[ptr[i]:ptr[i + 1]]``."""

    ptr: np.ndarray
    values: np.ndarray

    @classmethod
    def from_pairs(cls, rows: np.ndarray, values: np.ndarray, n_rows: int) -> "Csr":
        """Group ``values`` by ``rows`` (stable): row ``i`` holds the values paired with ``i``."""
        order = stable_order(rows)
        counts = np.bincount(rows, minlength=n_rows)
        ptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        return cls(ptr, values[order])

    def row(self, i: int) -> np.ndarray:
        """The values of row ``i``."""
        return self.values[self.ptr[i] : self.ptr[i + 1]]

    def sizes(self) -> np.ndarray:
        """Number of values in each row."""
        return np.diff(self.ptr)

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flatten rows ``rows``: (segment id per value, values, segment lengths)."""
        seg, at, lengths = self.positions(rows)
        return seg, self.values.take(at), lengths

    def positions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where rows ``rows`` are in ``values``: (segment id per value, its position, segment lengths)."""
        start = self.ptr.take(rows)  # ndarray.take: the same as ptr[rows], less overhead (see sim.submodels)
        lengths = self.ptr.take(rows + 1) - start
        seg = np.repeat(np.arange(len(rows)), lengths)
        shift = start - (np.cumsum(lengths) - lengths)  # value j of the output is values[j + shift of its row]
        at = np.repeat(shift, lengths)
        at += np.arange(len(at))
        return seg, at, lengths


@dataclass
class Slices:
    """Rows that are slices of one shared array: row ``i`` is ``values[ptr[i]:end[i]]``.

    Rows may overlap (groups with the same anchor share its pool), so memory grows with the
    pools, not with the groups. Reads like a :class:`Csr` (``ptr`` holds the row starts).
    """

    ptr: np.ndarray
    end: np.ndarray
    values: np.ndarray

    def row(self, i: int) -> np.ndarray:
        """The values of row ``i``."""
        return self.values[self.ptr[i] : self.end[i]]

    def sizes(self) -> np.ndarray:
        """The length of every row."""
        return self.end - self.ptr


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for integer keys.

    Sorts ``key x n + position`` (distinct values) with ``np.sort``, several times faster
    than numpy's stable argsort of millions of keys (``python -m benchmarks parts sort``);
    falls back to the argsort for negative keys or where that product would overflow.
    Keys already in order cost one comparison each.
    """
    n = len(keys)
    if n and (keys[1:] >= keys[:-1]).all():
        return np.arange(n)  # already in order (as memberships are when the run starts)
    if n == 0 or keys.min() < 0 or int(keys.max()) >= np.iinfo(np.int64).max // n - 1:
        return np.argsort(keys, kind="stable")
    tagged = keys.astype(np.int64) * n
    tagged += np.arange(n)
    tagged.sort()
    tagged %= n
    return tagged


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of a 1-D integer array.

    Same result as ``np.unique(keys)``, whose hash-based path in numpy 2.4 is about 50x
    slower on millions of distinct int64 keys (16 s against 0.3 s for 6 million).
    """
    keys = np.sort(keys)
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys


@register_jitable
def search_segment(a: np.ndarray, left: int, right: int, v) -> int:
    """``left + np.searchsorted(a[left:right], v)`` (``a[left:right]`` sorted): a binary search."""
    while left < right:
        mid = (left + right) >> 1
        if a[mid] < v:
            left = mid + 1
        else:
            right = mid
    return left


@numba.njit(cache=True)
def search_segments(a: np.ndarray, lo: np.ndarray, hi: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``lo[i] + np.searchsorted(a[lo[i]:hi[i]], v[i])`` for every i (each ``a[lo:hi]`` sorted).

    A binary search per query (:func:`search_segment`), compiled.
    """
    out = np.empty(len(lo), dtype=np.int64)
    for i in range(len(lo)):
        out[i] = search_segment(a, lo[i], hi[i], v[i])
    return out


@numba.njit(cache=True)
def upper_pairs(ptr: np.ndarray, values: np.ndarray) -> tuple:
    """``(i, values[k])`` for every value above its row ``i``, in row order: each pair of a symmetric CSR once.

    Returns the two columns (rows as int32, values in their dtype), counted first and then
    filled, so nothing beyond the result is allocated.
    """
    count = 0
    for i in range(len(ptr) - 1):
        for k in range(ptr[i], ptr[i + 1]):
            count += values[k] > i
    rows, above = np.empty(count, dtype=np.int32), np.empty(count, dtype=values.dtype)
    j = 0
    for i in range(len(ptr) - 1):
        for k in range(ptr[i], ptr[i + 1]):
            if values[k] > i:
                rows[j], above[j] = i, values[k]
                j += 1
    return rows, above
