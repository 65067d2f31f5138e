"""ODD section 5, Initialization: population, network, groups and initial memberships.

Each part draws from its own child stream of the model's generator (paired random
streams): changing a parameter of one part never shifts the draws of another, so the same
seed with one trait ablated gives the same affiliations, network and groups. The model's
generator itself is left untouched for the dynamics (spawning does not consume draws).
"""

from __future__ import annotations

import warnings

import numpy as np

from sim import network as netmod
from sim.clock import HOURS_PER_WEEK
from sim.csr import Csr, Slices, sorted_unique
from sim.params import ModelParams
from sim.population import Population, sample_population
from sim.state import Groups, Memberships, Records, State

STREAMS = ("population", "network", "groups", "memberships")


def build_state(params: ModelParams, rng: np.random.Generator) -> State:
    """The initial state, from the child streams :data:`STREAMS` of ``rng``."""
    streams = dict(zip(STREAMS, rng.spawn(len(STREAMS)), strict=True))
    pop = sample_population(params.population, streams["population"])
    neighbours = netmod.neighbour_index(pop.size, netmod.build_edges(pop, params.network, streams["network"]))
    groups = init_groups(params, pop, streams["groups"])
    memberships = init_memberships(params, groups, streams["memberships"])
    spinup = params.duration.spinup_weeks
    weeks = spinup + params.duration.weeks  # records hold every simulated week
    state = State(
        params=params,
        pop=pop,
        groups=groups,
        memberships=memberships,
        neighbours=neighbours,  # the edge list is read from it (State.edges)
        records=Records(weeks, groups.count, weeks * HOURS_PER_WEEK, spinup),
    )
    state.capacity = attention_capacity(params, pop.size, rng)
    state.renewal = rng.spawn(1)[0]  # spawned after the others: switching renewal off shifts no other draw
    state.closure = rng.spawn(1)[0]  # spawned last: closures shift no other draw
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


def anchor_pools(eligibility: list, pop: Population) -> Csr:
    """Eligible professionals per anchor value (employer, university or industry).

    The union of the eligibility entries, built once for all anchors.
    """
    parts = {
        "current_employer": pop.current_staff,
        "past_employer": pop.past_staff,
        "university": pop.alumni,
        "industry": pop.industry_members,
    }
    chosen = [parts[e] for e in eligibility if e in parts]
    if len(chosen) == 1:
        return chosen[0]
    n_anchor = len(chosen[0].ptr) - 1
    rows = np.concatenate([np.repeat(np.arange(n_anchor), c.sizes()) for c in chosen])
    keys = sorted_unique(rows * pop.size + np.concatenate([c.values for c in chosen]))
    return Csr.from_pairs(keys // pop.size, keys % pop.size, n_anchor)


def _pick_anchors(values: np.ndarray, sizes: np.ndarray, want: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each wanted group size, an anchor among ``values`` whose pool holds that many.

    Drawn in proportion to pool size; the largest pool if none is big enough.
    """
    order = np.argsort(sizes, kind="stable")
    values, sizes = values[order], sizes[order].astype(float)
    cum = np.cumsum(sizes)
    lo = np.minimum(np.searchsorted(sizes, want, side="left"), len(sizes) - 1)
    before = np.where(lo > 0, cum[lo - 1], 0.0)
    pick = np.searchsorted(cum, before + u * (cum[-1] - before), side="right")
    return values[np.clip(pick, lo, len(sizes) - 1)]


def _foundings(params: ModelParams, c: int, pool, pop: Population, rng: np.random.Generator) -> dict:
    """Groups of charter ``c`` founded during the run: a Poisson process per charter.

    ``charters.<name>.founding_rate`` groups per year per 1,000 eligible professionals, over
    every simulated week (spin-up included), in weeks drawn uniformly. A founder is a random
    eligible (professional, affiliation) pair of the charter's pool whose anchor still exists
    (an employment association of a defunct employer is not founded); the group is anchored
    on that affiliation and starts with ``1 + Poisson(groups.founding_size - 1)`` founding
    members (the founder and co-founders from the anchor's pool, drawn in :func:`init_memberships`).
    """
    spec, gp, n = params.charters[list(params.charters)[c]], params.groups, pop.size
    weeks = params.duration.spinup_weeks + params.duration.weeks
    if pool is None:  # open to all
        eligible, rows = n, None
    else:
        eligible = int(np.count_nonzero(np.bincount(pool.values, minlength=n)))
        rows = np.repeat(np.arange(len(pool.ptr) - 1), pool.sizes())
        if spec.anchor == "employer":
            rows = np.flatnonzero(~pop.employer_defunct[rows])  # positions in the pool of live employers
        else:
            rows = np.arange(len(pool.values))
    k = rng.poisson(spec.founding_rate * eligible / 1000.0 * weeks / 52.0)
    week, u = rng.integers(0, weeks, k), rng.random(k)
    size = 1 + rng.poisson(max(gp.founding_size - 1.0, 0.0), k)
    if pool is None:
        founder, anchor = (u * n).astype(np.int64), np.full(k, -1, dtype=np.int64)
        size = np.minimum(size, n)
    else:
        at = rows[(u * len(rows)).astype(np.int64)] if len(rows) else np.empty(0, np.int64)
        founder = pool.values[at]
        anchor = np.searchsorted(pool.ptr, at, side="right") - 1
        size = np.minimum(size, pool.sizes()[anchor])
    return dict(charter=np.full(k, c), founded_week=week, founder=founder, anchor_value=anchor, size=size)


def init_groups(params: ModelParams, pop: Population, rng: np.random.Generator) -> Groups:
    """Charters, initial sizes, anchors and founding weeks of the groups.

    The ``groups.count`` groups present at the start: charters by ``groups.charter_mix``; a
    lognormal initial size (Vranic et al. 2022); an anchor (employer, university, industry)
    per group, drawn in proportion to pool size among the anchors whose eligible pool holds
    the group; an age, uniform over ``groups.platform_age_weeks`` (``founded_week`` < 0).
    Then the groups founded during the run (:func:`_foundings`), after them in order of
    founding, for each charter of the mix; their founders are kept in ``groups.founders``.
    """
    gp = params.groups
    names = list(params.charters)
    mix = np.array([gp.charter_mix.get(n, 0.0) for n in names], dtype=float)
    charter = np.sort(rng.choice(len(names), size=gp.count, p=mix / mix.sum()))
    raw = gp.size_median * np.exp(gp.size_sigma * rng.standard_normal(gp.count))
    size = np.clip(np.round(raw), gp.size_min, gp.size_max).astype(np.int64)
    u_defunct, u_anchor = rng.random(gp.count), rng.random(gp.count)
    age = rng.integers(1, gp.platform_age_weeks + 1, gp.count)  # drawn last of the groups present: paired

    anchor_value = np.full(gp.count, -1, dtype=np.int64)
    defunct = np.zeros(gp.count, dtype=bool)
    start, end = np.zeros(gp.count, dtype=np.int64), np.zeros(gp.count, dtype=np.int64)
    shared, offset, fallbacks, later = [], 0, 0, []  # the anchor pools used, one after the other
    for c, name in enumerate(names):  # groups are sorted by charter: one block per charter
        if mix[c] <= 0:
            continue
        block = np.flatnonzero(charter == c)
        spec = params.charters[name]
        if spec.anchor == "anyone":
            size[block] = np.minimum(size[block], pop.size)
            later.append(_foundings(params, c, None, pop, rng) | {"start": 0, "end": 0})
            continue
        pool = anchor_pools(spec.eligibility, pop)
        pool_size = pool.sizes()
        live = ~pop.employer_defunct if spec.anchor == "employer" else np.ones(len(pool_size), bool)
        is_defunct = (u_defunct[block] < spec.defunct_share) & (spec.anchor == "employer")
        if is_defunct.any() and pool_size[~live].sum() == 0:  # no defunct employer has past staff
            fallbacks += int(is_defunct.sum())
            is_defunct[:] = False
        for flag in (False, True):
            rows = block[is_defunct == flag]
            if len(rows) == 0:
                continue
            values = np.flatnonzero(live != flag)
            anchor_value[rows] = _pick_anchors(values, pool_size[values], size[rows], u_anchor[rows])
        defunct[block] = is_defunct
        size[block] = np.minimum(size[block], pool_size[anchor_value[block]])
        start[block] = offset + pool.ptr[anchor_value[block]]
        end[block] = offset + pool.ptr[anchor_value[block] + 1]
        new = _foundings(params, c, pool, pop, rng)
        later.append(new | {"start": offset + pool.ptr[new["anchor_value"]],
                            "end": offset + pool.ptr[new["anchor_value"] + 1]})
        shared.append(pool.values)
        offset += len(pool.values)
    if fallbacks:
        warnings.warn(f"{fallbacks} group(s) drawn as defunct-employer groups use a live employer: "
                      "no defunct employer has eligible staff (raise population.size or defunct_employer_share)",
                      stacklevel=2)
    new = {key: np.concatenate([np.broadcast_to(part[key], len(part["charter"])) for part in later])
           for key in later[0]}
    order = np.argsort(new["founded_week"], kind="stable")  # group ids in order of founding
    new = {key: values[order].astype(np.int64) for key, values in new.items()}
    k = len(order)
    charter = np.concatenate([charter, new["charter"]])
    open_to_all = np.array([params.charters[names[c]].anchor == "anyone" for c in charter], dtype=bool)
    founders = Csr(np.concatenate([np.zeros(gp.count + 1, np.int64), np.arange(1, k + 1)]), new["founder"])
    return _groups(params, names, charter, dict(
        anchor_value=np.concatenate([anchor_value, new["anchor_value"]]),
        defunct=np.concatenate([defunct, np.zeros(k, bool)]),
        initial_size=np.concatenate([size, new["size"]]),
        pool=Slices(np.concatenate([start, new["start"]]), np.concatenate([end, new["end"]]),
                    np.concatenate(shared) if shared else np.empty(0, np.int64)),
        open_to_all=open_to_all,
        founded_week=np.concatenate([-age, new["founded_week"]]),
        founders=founders,  # the founder alone until init_memberships adds the co-founders
        founder_commitment=np.empty(0),
    ))


def _groups(params: ModelParams, names: list, charter: np.ndarray, fields: dict) -> Groups:
    """The :class:`Groups` arrays: charter data, fresh activity (quiet for groups founded later) and open posts."""
    def attr(field: str) -> np.ndarray:
        return np.array([getattr(params.charters[names[c]], field) for c in charter], dtype=float)

    count, defunct = len(charter), fields["defunct"]
    relevance = attr("relevance") * np.where(defunct, params.behaviour.defunct_relevance, 1.0)
    mix_total = attr("discussion") + attr("collaboration") + attr("news") + attr("job_posts")
    halflife_weeks = params.behaviour.activity_halflife_hours / HOURS_PER_WEEK
    later = fields["founded_week"] >= 0
    weekly_posts = np.where(later, 0.0, params.groups.initial_posts_per_1000 * fields["initial_size"] / 1000.0)
    ring = params.behaviour.open_posts_remembered
    return Groups(
        charter=charter,
        charter_names=names,
        relevance=relevance,
        visibility=attr("employer_visibility"),
        job_posts=attr("job_posts") / mix_total,
        identity=attr("identity"),
        conversation=(attr("discussion") + attr("collaboration")) / mix_total,
        inflow=np.where(defunct, 0.0, attr("inflow") / 1000.0),
        activity=weekly_posts * halflife_weeks / np.log(2.0),
        recent_posters=weekly_posts.copy(),
        ring_author=np.full((count, ring), -1, dtype=np.int64),
        ring_tick=np.zeros((count, ring), dtype=np.int64),
        ring_replied=np.zeros((count, ring), dtype=bool),
        ring_first=np.zeros((count, ring), dtype=bool),
        ring_pos=np.zeros(count, dtype=np.int64),
        **fields,
    )


def draw_members(groups: Groups, n_pop: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``initial_size`` distinct members per group, uniformly from its pool: (agent, group).

    A group founded later keeps its founder (``groups.founders``): the draw holds them, or
    its first member is replaced by them.
    """
    agents = []
    founder = np.full(groups.count, -1, dtype=np.int64)
    founder[np.flatnonzero(groups.founders.sizes())] = groups.founders.values
    for g in range(groups.count):
        k = int(groups.initial_size[g])
        pool = n_pop if groups.open_to_all[g] else groups.pool.row(g)
        drawn = rng.choice(pool, size=k, replace=False)
        if founder[g] >= 0 and not (drawn == founder[g]).any():
            drawn[0] = founder[g]
        agents.append(drawn)
    agent = np.concatenate(agents) if agents else np.empty(0, np.int64)
    return agent.astype(np.int64, copy=False), np.repeat(np.arange(groups.count), groups.initial_size)


def init_memberships(params: ModelParams, groups: Groups, rng: np.random.Generator) -> Memberships:
    """Each group's founding members, their commitment and last visit.

    ``initial_size`` members are drawn from the group's eligible pool, with exponentially
    distributed commitment of mean ``behaviour.initial_commitment``.

    Groups that exist at the start get them now, with a last visit spread uniformly over
    the past ``tidy_idle_weeks`` (so idle members do not all become idle at once); groups
    founded later (``founded_week >= 0``) keep them in ``groups.founders`` until
    :func:`sim.submodels.found_groups`.
    """
    b = params.behaviour
    agent, group = draw_members(groups, params.population.size, rng)
    keys = agent * groups.count + group
    del agent, group  # a million professionals have ten million memberships: free as we go
    keys.sort()  # rows sorted by (agent, group), as the index wants
    agent, group = (ids.astype(np.int32) for ids in np.divmod(keys, groups.count))  # the dtype of Memberships
    del keys
    commitment = rng.exponential(b.initial_commitment, size=len(agent))
    np.minimum(commitment, b.max_commitment, out=commitment)
    last_visit = rng.random(len(agent))
    last_visit *= b.tidy_idle_weeks * HOURS_PER_WEEK
    last_visit = -np.floor(last_visit, out=last_visit).astype(np.int32)
    later = groups.founded_week[group] >= 0
    groups.founders = Csr.from_pairs(group[later], agent[later].astype(np.int64), groups.count)
    groups.founder_commitment = Csr.from_pairs(group[later], commitment[later], groups.count).values
    memberships = Memberships(capacity=int(len(agent) * 1.3) + 64)
    now = ~later
    agent, group, commitment, last_visit = agent[now], group[now], commitment[now], last_visit[now]
    rows = memberships.add(agent, group, 0, commitment, initial=True)
    memberships.last_visit[rows] = last_visit
    return memberships
