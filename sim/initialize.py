"""ODD section 5, Initialization: population, network, groups and initial memberships."""

from __future__ import annotations

import warnings

import numpy as np

from sim import network as netmod
from sim.clock import HOURS_PER_WEEK
from sim.csr import Csr
from sim.params import ModelParams
from sim.population import Population, sample_population
from sim.state import Groups, Memberships, Records, State


def build_state(params: ModelParams, rng: np.random.Generator) -> State:
    """ODD section 5: the population, network, groups, initial memberships and empty records."""
    pop = sample_population(params.population, rng)
    edges = netmod.build_edges(pop, params.network, rng)
    groups = init_groups(params, pop, rng)
    memberships = init_memberships(params, groups, rng)
    spinup = params.duration.spinup_weeks
    weeks = spinup + params.duration.weeks  # records hold every simulated week
    state = State(
        params=params,
        pop=pop,
        groups=groups,
        memberships=memberships,
        neighbours=netmod.neighbour_index(pop.size, edges),
        edges=edges,
        records=Records(weeks, groups.count, weeks * HOURS_PER_WEEK, spinup),
    )
    state.capacity = attention_capacity(params, pop.size, rng)
    state.rebuild_index()
    return state


def attention_capacity(params: ModelParams, n: int, rng: np.random.Generator) -> np.ndarray:
    """Groups each professional follows at most: ``1 + Poisson(attention_capacity - 1)``; 0 (no limit) when off.

    Drawn from a child stream spawned after everything else, so switching it on or off leaves
    the population, network, groups and dynamics draws unchanged.
    """
    mean = params.behaviour.attention_capacity
    if mean <= 0:
        return np.zeros(n, dtype=np.int64)
    child = rng.spawn(1)[0]
    return 1 + child.poisson(max(mean - 1.0, 0.0), n)


def _pool_for(eligibility: list, pop: Population, value: int) -> np.ndarray:
    parts = []
    if "current_employer" in eligibility:
        parts.append(pop.current_staff.row(value))
    if "past_employer" in eligibility:
        parts.append(pop.past_staff.row(value))
    if "university" in eligibility:
        parts.append(pop.alumni.row(value))
    if "industry" in eligibility:
        parts.append(pop.industry_members.row(value))
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


def _anchor_choices(anchor: str, eligibility: list, pop: Population, defunct: bool):
    """Candidate anchor values and their pool sizes."""
    if anchor == "employer":
        n_emp = len(pop.employer_defunct)
        values = np.flatnonzero(pop.employer_defunct == defunct)
        sizes = np.zeros(n_emp, dtype=np.int64)
        if "current_employer" in eligibility:
            sizes += pop.current_staff.sizes()
        if "past_employer" in eligibility:
            sizes += pop.past_staff.sizes()
        return values, sizes[values]
    pool = pop.alumni if anchor == "university" else pop.industry_members
    sizes = pool.sizes()
    return np.arange(len(sizes)), sizes


def init_groups(params: ModelParams, pop: Population, rng: np.random.Generator) -> Groups:
    """Charters by ``groups.charter_mix``.

    An anchor (employer, university, industry) per group, chosen with probability proportional to its eligible pool;
    a lognormal initial size capped by the pool (Vranic et al. 2022).
    """
    gp = params.groups
    names = list(params.charters)
    mix = np.array([gp.charter_mix.get(n, 0.0) for n in names], dtype=float)
    charter = np.sort(rng.choice(len(names), size=gp.count, p=mix / mix.sum()))
    anchor_value = np.full(gp.count, -1, dtype=np.int64)
    defunct = np.zeros(gp.count, dtype=bool)
    pools, open_to_all = [], np.zeros(gp.count, dtype=bool)
    fallbacks = 0
    for g in range(gp.count):
        c = params.charters[names[charter[g]]]
        if c.anchor == "anyone":
            open_to_all[g] = True
            pools.append(np.empty(0, dtype=np.int64))
            continue
        defunct[g] = c.anchor == "employer" and rng.random() < c.defunct_share
        values, sizes = _anchor_choices(c.anchor, c.eligibility, pop, defunct[g])
        if sizes.sum() == 0:  # no defunct employer has past staff: fall back to live ones
            fallbacks += 1
            defunct[g] = False
            values, sizes = _anchor_choices(c.anchor, c.eligibility, pop, False)
        anchor_value[g] = rng.choice(values, p=sizes / sizes.sum())
        pools.append(_pool_for(c.eligibility, pop, anchor_value[g]))
    if fallbacks:
        warnings.warn(f"{fallbacks} group(s) drawn as defunct-employer groups use a live employer: "
                      "no defunct employer has eligible staff (raise population.size or defunct_employer_share)",
                      stacklevel=2)
    pool_sizes = np.array([pop.size if o else len(p) for p, o in zip(pools, open_to_all, strict=False)])
    raw = gp.size_median * np.exp(gp.size_sigma * rng.standard_normal(gp.count))
    size = np.clip(np.round(raw), gp.size_min, gp.size_max).astype(np.int64)
    size = np.minimum(size, pool_sizes)
    pool = Csr(np.concatenate([[0], np.cumsum([len(p) for p in pools])]).astype(np.int64),
               np.concatenate(pools).astype(np.int64) if pools else np.empty(0, np.int64))

    def attr(field: str) -> np.ndarray:
        return np.array([getattr(params.charters[names[c]], field) for c in charter], dtype=float)

    relevance = attr("relevance") * np.where(defunct, params.behaviour.defunct_relevance, 1.0)
    mix_total = attr("discussion") + attr("collaboration") + attr("news") + attr("job_posts")
    halflife_weeks = params.behaviour.activity_halflife_hours / HOURS_PER_WEEK
    weekly_posts = gp.initial_posts_per_1000 * size / 1000.0
    ring = params.behaviour.open_posts_remembered
    return Groups(
        charter=charter,
        charter_names=names,
        anchor_value=anchor_value,
        defunct=defunct,
        initial_size=size,
        relevance=relevance,
        visibility=attr("employer_visibility"),
        job_posts=attr("job_posts") / mix_total,
        identity=attr("identity"),
        conversation=(attr("discussion") + attr("collaboration")) / mix_total,
        inflow=np.where(defunct, 0.0, attr("inflow") / 1000.0),
        pool=pool,
        open_to_all=open_to_all,
        activity=weekly_posts * halflife_weeks / np.log(2.0),
        recent_posters=weekly_posts.copy(),
        ring_author=np.full((gp.count, ring), -1, dtype=np.int64),
        ring_tick=np.zeros((gp.count, ring), dtype=np.int64),
        ring_replied=np.zeros((gp.count, ring), dtype=bool),
        ring_first=np.zeros((gp.count, ring), dtype=bool),
        ring_pos=np.zeros(gp.count, dtype=np.int64),
    )


def init_memberships(params: ModelParams, groups: Groups, rng: np.random.Generator) -> Memberships:
    """Each group starts with ``initial_size`` members drawn from its eligible pool.

    Their commitment is exponentially distributed with mean ``behaviour.initial_commitment``.
    """
    n_pop = params.population.size
    agents, gids = [], []
    for g in range(groups.count):
        k = int(groups.initial_size[g])
        pool = np.arange(n_pop) if groups.open_to_all[g] else groups.pool.row(g)
        agents.append(rng.choice(pool, size=k, replace=False))
        gids.append(np.full(k, g, dtype=np.int64))
    agent = np.concatenate(agents) if agents else np.empty(0, np.int64)
    group = np.concatenate(gids) if gids else np.empty(0, np.int64)
    order = np.argsort(agent * groups.count + group)  # rows sorted by (agent, group)
    agent, group = agent[order], group[order]
    memberships = Memberships(capacity=int(len(agent) * 1.3) + 64)
    commitment = rng.exponential(params.behaviour.initial_commitment, size=len(agent))
    commitment = np.minimum(commitment, params.behaviour.max_commitment)
    memberships.add(agent, group, 0, commitment, initial=True)
    return memberships
