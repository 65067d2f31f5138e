"""The professional network: homophilous by employer, university and industry.

Each professional draws ``Poisson(mean_degree / 2)`` ties; each tie goes to a random
current colleague with share ``homophily_employer``, a fellow alumnus
with ``homophily_university``, someone of the same industry with ``homophily_industry``,
and to anyone otherwise. All draws come from the model's generator; the result is a
``networkx.Graph`` plus a CSR neighbour index used by the joining submodel.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from sim.csr import Csr, sorted_unique
from sim.params import NetworkParams
from sim.population import Population


def _random_member(pool: Csr, keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random member of pool row ``keys[i]`` for each i (-1 where the row is empty)."""
    start, size = pool.ptr[keys], pool.sizes()[keys]
    pick = start + (rng.random(len(keys)) * size).astype(np.int64)
    return np.where(size > 0, pool.values[np.minimum(pick, len(pool.values) - 1)], -1)


def build_edges(pop: Population, p: NetworkParams, rng: np.random.Generator) -> np.ndarray:
    """Undirected edges as an (E, 2) int array, source < target, no duplicates."""
    n = pop.size
    stubs = rng.poisson(p.mean_degree / 2.0, size=n)
    src = np.repeat(np.arange(n), stubs)
    shares = np.array([p.homophily_employer, p.homophily_university, p.homophily_industry])
    kind = np.searchsorted(np.cumsum(shares), rng.random(len(src)), side="right")
    dst = rng.integers(0, n, size=len(src))  # kind 3: anyone
    emp = kind == 0
    dst[emp] = _random_member(pop.current_staff, pop.employer[src[emp]], rng)
    uni = kind == 1
    dst[uni] = _random_member(pop.alumni, pop.university[src[uni]], rng)
    ind = kind == 2
    dst[ind] = _random_member(pop.industry_members, pop.industry[src[ind]], rng)
    ok = (dst >= 0) & (dst != src)
    lo, hi = np.minimum(src[ok], dst[ok]), np.maximum(src[ok], dst[ok])
    keys = sorted_unique(lo.astype(np.int64) * n + hi)
    return np.stack([keys // n, keys % n], axis=1)


def to_graph(n: int, edges: np.ndarray) -> nx.Graph:
    """The network as a ``networkx.Graph`` with nodes ``0..n-1``."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges.tolist())
    return graph


def neighbour_index(n: int, edges: np.ndarray) -> Csr:
    """Each professional's neighbours (both directions of every edge) as a CSR array of int32 ids."""
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]]).astype(np.int32)  # ids below 2^31: half the memory
    return Csr.from_pairs(rows, cols, n)
