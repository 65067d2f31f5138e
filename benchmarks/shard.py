"""Splitting one run into shards: a part of an initialized world, simulated on its own.

:func:`restrict` cuts a set of professionals and groups out of an initialized (not yet
run) :class:`~sim.state.State` as a new state; :func:`industry_shards` and
:func:`random_shards` say which shard each professional and group goes to;
:class:`ShardModel` simulates a given state as a :class:`~sim.model.GroupCultureModel`.
``benchmarks/split_coupling.py`` uses them to measure what a split run loses
(docs/SCALING.md, "Splitting one run"). This is a study of the model, not part of it.

Every field of :class:`~sim.population.Population`, :class:`~sim.state.Groups` and
:class:`~sim.state.State` is listed below under how :func:`restrict` handles it;
:func:`unruled_fields` names any field the model has gained since, and :func:`restrict`
refuses to cut a state while one is left without a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from sim.csr import Csr, Slices
from sim.model import GroupCultureModel
from sim.params import ModelParams
from sim.population import TRAITS, Population
from sim.state import Groups, Memberships, Records, State

# Population: how each field is restricted
PER_AGENT = (*TRAITS, "employer", "university", "industry", "arrived")  # rows of the kept professionals
PER_AFFILIATION = ("employer_defunct", "employer_industry")  # per employer id: ids are kept, copied whole
AGENTS_BY_AFFILIATION = ("current_staff", "past_staff", "alumni", "industry_members")  # values renumbered
AFFILIATIONS_BY_AGENT = ("past_employers",)  # rows of the kept professionals, employer ids kept

# Groups: how each field is restricted
PER_GROUP = ("charter", "anchor_value", "defunct", "relevance", "visibility", "job_posts", "identity",
             "conversation", "inflow", "open_to_all", "ring_tick", "ring_replied", "ring_first", "ring_pos",
             "founded_week", "closed_week")  # rows of the kept groups (anchor ids are kept)
GROUP_SCALED = ("activity", "recent_posters")  # rows of the kept groups, times the share of founders kept
GROUP_SPECIAL = ("charter_names", "initial_size", "pool", "ring_author", "founders", "founder_commitment")

# State: how each field is restricted (caches are left None and recomputed on first use)
STATE_REBUILT = ("params", "pop", "groups", "memberships", "neighbours", "records", "capacity", "index",
                 "dirty", "left_rows", "interventions",  # interventions: none before any hour
                 "renewal", "closure")  # renewal, closure: fresh copies of the streams
STATE_CACHES = ("session_classes", "by_class", "availability", "log_odds")

RULES = {
    Population: {*PER_AGENT, *PER_AFFILIATION, *AGENTS_BY_AFFILIATION, *AFFILIATIONS_BY_AGENT},
    Groups: {*PER_GROUP, *GROUP_SCALED, *GROUP_SPECIAL},
    State: {*STATE_REBUILT, *STATE_CACHES},
}


def unruled_fields() -> dict[str, list[str]]:
    """Fields of Population, Groups and State that no rule above lists, by class name (empty: all ruled)."""
    missing = {cls.__name__: sorted({f.name for f in fields(cls)} - ruled) for cls, ruled in RULES.items()}
    return {name: names for name, names in missing.items() if names}


def _renumber(keep: np.ndarray, n: int) -> np.ndarray:
    """New id of each of ``n`` old ids: ``0..k-1`` in order for the kept ones, -1 for the others."""
    new = np.full(n, -1, dtype=np.int64)
    new[keep] = np.arange(len(keep))
    return new


def _sub_csr(csr: Csr, rows: np.ndarray, new_id: np.ndarray | None = None) -> tuple[Csr, np.ndarray]:
    """Rows ``rows`` of ``csr``; with ``new_id``, values renumbered and those mapped to -1 dropped.

    Returns the new Csr and the positions in ``csr.values`` of its values (to take arrays
    aligned with them). Values keep their dtype and their order within a row.
    """
    _, pos, lengths = Csr(csr.ptr, np.arange(len(csr.values))).gather(rows)
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    values = csr.values[pos]
    if new_id is not None:
        inside = new_id[values] >= 0
        ptr = np.concatenate([[0], np.cumsum(inside)])[ptr]  # kept values before each row start
        pos = pos[inside]
        values = new_id[csr.values[pos]].astype(csr.values.dtype)
    return Csr(ptr.astype(np.int64), values), pos


def _restrict_population(pop: Population, keep: np.ndarray, new_id: np.ndarray) -> Population:
    fields = {name: getattr(pop, name)[keep] for name in PER_AGENT}
    fields |= {name: getattr(pop, name).copy() for name in PER_AFFILIATION}
    for name in AGENTS_BY_AFFILIATION:
        csr = getattr(pop, name)
        fields[name] = _sub_csr(csr, np.arange(len(csr.ptr) - 1), new_id)[0]
    for name in AFFILIATIONS_BY_AGENT:
        fields[name] = _sub_csr(getattr(pop, name), keep)[0]
    return Population(**fields)


def _restrict_memberships(m: Memberships, agent_in: np.ndarray, group_in: np.ndarray,
                          new_agent: np.ndarray, new_group: np.ndarray) -> tuple[Memberships, np.ndarray]:
    """Rows whose professional and group are both kept, renumbered; and the new row of each old row (-1: dropped)."""
    rows = np.flatnonzero(agent_in[m.view("agent")] & group_in[m.view("group")])
    out = Memberships(capacity=int(len(rows) * 1.3) + 64)  # the head room initialize gives
    for name in Memberships.FIELDS:
        getattr(out, name)[: len(rows)] = m.view(name)[rows]
    out.agent[: len(rows)] = new_agent[out.agent[: len(rows)]]
    out.group[: len(rows)] = new_group[out.group[: len(rows)]]
    out.n = len(rows)
    return out, _renumber(rows, m.n)


def founding_pairs(state: State) -> tuple[np.ndarray, np.ndarray]:
    """(professional, group) of every founding membership: the initial ones, and the founders of later groups."""
    m, g = state.memberships, state.groups
    initial = m.view("initial")
    agent = np.concatenate([m.view("agent")[initial], g.founders.values])
    group = np.concatenate([m.view("group")[initial], np.repeat(np.arange(g.count), g.founders.sizes())])
    return agent, group


def _restrict_groups(state: State, keep: np.ndarray, new_agent: np.ndarray, row_map: np.ndarray,
                     memberships: Memberships) -> Groups:
    g = state.groups
    fields = {name: getattr(g, name)[keep] for name in PER_GROUP}
    fields["founders"], pos = _sub_csr(g.founders, keep, new_agent)
    fields["founder_commitment"] = g.founder_commitment[pos]
    initial = memberships.view("initial")
    founding = np.bincount(memberships.view("group")[initial], minlength=len(keep)) + fields["founders"].sizes()
    share = founding / np.maximum(g.initial_size[keep], 1)  # 1.0 for a group cut nowhere
    fields |= {name: getattr(g, name)[keep] * share for name in GROUP_SCALED}
    fields["initial_size"] = founding.astype(g.initial_size.dtype)
    authors = g.ring_author[keep]  # membership rows of open posts, -1 empty, -2 a manager's
    fields["ring_author"] = np.where(authors >= 0, row_map[np.maximum(authors, 0)], authors)
    values = g.pool.values  # rows share slices of one array: filter it once, move every slice's bounds
    inside = new_agent[values] >= 0
    before = np.concatenate([[0], np.cumsum(inside)])
    fields["pool"] = Slices(before[g.pool.ptr[keep]], before[g.pool.end[keep]],
                            new_agent[values[inside]].astype(values.dtype))
    fields["charter_names"] = list(g.charter_names)
    return Groups(**fields)


def restrict(state: State, keep_agents: np.ndarray, keep_groups: np.ndarray) -> State:
    """A new state holding only the given professionals and groups of an initialized state, renumbered ``0..n-1``.

    ``keep_agents`` and ``keep_groups`` are boolean masks or id arrays. Memberships and
    founders whose professional or group is outside, network ties with an end outside and
    pool entries outside are dropped; employer, university and industry ids are kept (their
    pools list only the kept professionals). A group open to everyone draws join
    candidates from the kept professionals only (``join`` uses ``pop.size``). A group's
    ``initial_size`` becomes its founding members kept, and its initial perceived activity
    is scaled by the same share (as initialization sets it in proportion to size).
    ``params`` get the new ``population.size`` and ``groups.count``. Caches
    (:data:`STATE_CACHES`) are left None; the membership index is rebuilt. Nothing is
    shared with ``state``.

    Raises:
        ValueError: if ``state`` has already been simulated (restrict before any hour), or
            a field of the state has no rule here (:func:`unruled_fields`).
    """
    if unruled_fields():
        raise ValueError(f"restrict: fields without a rule in benchmarks/shard.py: {unruled_fields()}")
    if state.records.hour_visits.any() or hasattr(state.memberships, "at_report_start"):
        raise ValueError("restrict: the state has been simulated; allowed an initialized state, before any hour")
    agents, groups = _as_ids(keep_agents), _as_ids(keep_groups)
    new_agent, new_group = _renumber(agents, state.pop.size), _renumber(groups, state.groups.count)
    memberships, row_map = _restrict_memberships(state.memberships, new_agent >= 0, new_group >= 0,
                                                 new_agent, new_group)
    rec = state.records
    params = ModelParams.from_dict(state.params.to_dict(),
                                   **{"population.size": len(agents), "groups.count": len(groups)})
    out = State(
        params=params,
        pop=_restrict_population(state.pop, agents, new_agent),
        groups=_restrict_groups(state, groups, new_agent, row_map, memberships),
        memberships=memberships,
        neighbours=_sub_csr(state.neighbours, agents, new_agent)[0],
        records=Records(rec.weeks, len(groups), rec.ticks, rec.spinup),
        capacity=state.capacity[agents],
        renewal=_fresh(state.renewal),
        closure=_fresh(state.closure),
    )
    out.rebuild_index()
    return out


def _fresh(rng: np.random.Generator) -> np.random.Generator:
    """A generator that starts where ``rng`` started (same seed sequence), whatever ``rng`` has drawn since."""
    seq = rng.bit_generator.seed_seq
    return np.random.default_rng(np.random.SeedSequence(seq.entropy, spawn_key=seq.spawn_key))


def _as_ids(keep: np.ndarray) -> np.ndarray:
    """Sorted distinct ids from a boolean mask or an array of ids (sorted: renumbering keeps every order)."""
    keep = np.asarray(keep)
    return np.flatnonzero(keep) if keep.dtype == bool else np.unique(keep)


# ------------------------------------------------------------------------ shards


def founding_majority(state: State, agent_shard: np.ndarray, k: int) -> np.ndarray:
    """Per group, the shard holding most of its founding members (ties and no founders: the lowest shard)."""
    n_groups = state.groups.count
    agent, group = founding_pairs(state)
    counts = np.bincount(group * k + agent_shard[agent], minlength=n_groups * k).reshape(n_groups, k)
    return counts.argmax(axis=1)


def industry_shards(state: State, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Shard of each professional and of each group when industries are split into ``k`` shards.

    Industries are assigned largest first, each to the shard with the fewest professionals
    so far (ties: the lowest shard), which balances professionals. A professional follows
    their industry. A group follows its anchor: an industry group its industry, an
    employment association its employer's industry (``employer_industry``), and alumni
    and open-to-all groups the shard holding most of their founding members
    (:func:`founding_majority`). Returns ``(agent_shard, group_shard)``.
    """
    pop, g = state.pop, state.groups
    people = pop.industry_members.sizes()
    industry_shard, load = np.empty(len(people), dtype=np.int64), np.zeros(k, dtype=np.int64)
    for industry in np.argsort(-people, kind="stable"):
        industry_shard[industry] = shard = int(np.argmin(load))
        load[shard] += people[industry]
    agent_shard = industry_shard[pop.industry]
    group_shard = founding_majority(state, agent_shard, k)
    anchor = np.array([state.params.charters[name].anchor for name in g.charter_names])[g.charter]
    by_industry, by_employer = anchor == "industry", anchor == "employer"
    group_shard[by_industry] = industry_shard[g.anchor_value[by_industry]]
    group_shard[by_employer] = industry_shard[pop.employer_industry[g.anchor_value[by_employer]]]
    return agent_shard, group_shard


def random_shards(state: State, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Professionals cut at random into ``k`` shards of equal size (within one); groups by :func:`founding_majority`.

    The contrast to :func:`industry_shards`: the same rule for groups, professionals cut
    without regard to their affiliations.
    """
    agent_shard = rng.permutation(state.pop.size) % k
    return agent_shard, founding_majority(state, agent_shard, k)


def split(state: State, agent_shard: np.ndarray, group_shard: np.ndarray) -> list[State | None]:
    """One restricted state per shard (:func:`restrict`); None for a shard without groups (nothing to simulate)."""
    shards = range(int(max(agent_shard.max(), group_shard.max())) + 1)
    return [restrict(state, agent_shard == i, group_shard == i) if (group_shard == i).any() else None for i in shards]


@dataclass
class Cut:
    """What a split cuts at the start: shares of founding memberships, ties and pool entries across shards."""

    memberships: float  # founding memberships whose professional is in another shard than the group
    ties: float  # network ties between professionals of different shards
    pool_entries: float  # eligible (group, professional) pairs of anchored groups across shards
    memberships_by_charter: dict = field(default_factory=dict)  # the first share, per charter


def cut_shares(state: State, agent_shard: np.ndarray, group_shard: np.ndarray) -> Cut:
    """The couplings a split cuts (:class:`Cut`); open-to-all groups' pools (everyone) are not counted."""
    g, nb = state.groups, state.neighbours
    agent, group = founding_pairs(state)
    crossed = agent_shard[agent] != group_shard[group]
    charter = g.charter[group]
    source = np.repeat(np.arange(state.pop.size), nb.sizes())
    anchored = np.flatnonzero(~g.open_to_all)
    values_shard = agent_shard[g.pool.values]
    inside = 0
    for shard in range(int(agent_shard.max()) + 1):
        rows = anchored[group_shard[anchored] == shard]
        before = np.concatenate([[0], np.cumsum(values_shard == shard)])
        inside += int((before[g.pool.end[rows]] - before[g.pool.ptr[rows]]).sum())
    entries = int(g.pool.sizes()[anchored].sum())
    return Cut(
        memberships=float(crossed.mean()) if len(agent) else 0.0,
        ties=float(np.mean(agent_shard[source] != agent_shard[nb.values])) if len(source) else 0.0,
        pool_entries=1.0 - inside / entries if entries else 0.0,
        memberships_by_charter={name: float(crossed[charter == c].mean())
                                for c, name in enumerate(g.charter_names) if (charter == c).any()},
    )


def shard_seed(seed: int, shard: int) -> int:
    """The seed of shard ``shard`` of the run with seed ``seed``: 32 bits of ``SeedSequence([seed, shard])``."""
    return int(np.random.SeedSequence([seed, shard]).generate_state(1)[0])


class ShardModel(GroupCultureModel):
    """A :class:`~sim.model.GroupCultureModel` that simulates a given initialized state.

    ``ShardModel(state, seed)``: the dynamics draw from the model's own generator,
    ``Model(rng=seed)`` (``params.seed`` is set to ``seed`` and ``dynamics_seed`` to -1),
    exactly as a ``GroupCultureModel`` with that seed draws after building its state (the
    initialization only spawns child streams, it draws nothing from the model's
    generator); spin-up weeks in ``state.params`` are simulated as usual. The state is
    simulated in place: pass a copy (:func:`restrict`) to keep the original.
    """

    def __init__(self, state: State, seed: int):
        self._given_state = state
        super().__init__(state.params, seed=seed, dynamics_seed=-1)

    def initial_state(self) -> State:
        """The state given to the constructor, with the parameters of this model."""
        state, self._given_state = self._given_state, None
        state.params = self.params
        return state
