"""ODD section 7: the daily and weekly submodels, vectorised over the whole state.

Each function takes the :class:`sim.state.State`, the tick and the model's generator. The
hourly submodels (sessions, visits, posts, replies) are compiled in :mod:`sim.kernel`;
these run between its calls, at the end of a day or week, and keep what the kernel reads
up to date (the membership index, the session rates). The rules are in :mod:`sim.rules`.

Gathers on the hot paths use ``a.take(i)``: the same values as ``a[i]`` with less
overhead per call, which is what most of an hour's gathers are (a few thousand visits):
0.13 against 0.24 ms for 20,000 int32 rows into 12 million values, about the same from
100,000 rows (``python -m benchmarks parts take``).
"""

from __future__ import annotations

import numpy as np

from sim import kernel, rules
from sim.clock import AVAILABILITY_CLASSES, HOURS_PER_DAY, HOURS_PER_WEEK, availability_class
from sim.csr import Csr
from sim.population import newcomer_traits
from sim.state import State

# ----------------------------------------------------------------------------- helpers


def _count(values: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(values, minlength=n)


CHUNK = 1 << 20  # draws made at a time in a pass over all memberships: small buffers, reused by the allocator


def _draws_below(rng: np.random.Generator, n: int, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``i < n`` whose uniform draw is below ``bound``, and those draws.

    The same numbers as ``u = rng.random(n)`` then ``np.flatnonzero(u < bound)``, drawn in
    parts of :data:`CHUNK` (the generator fills them in order), so a pass over ten million
    memberships does not allocate ten million fresh draws each week.
    """
    where, below = [np.empty(0, dtype=np.int64)], [np.empty(0)]
    for start in range(0, n, CHUNK):
        u = rng.random(min(CHUNK, n - start))
        hit = np.flatnonzero(u < bound)
        where.append(hit + start)
        below.append(u[hit])
    return np.concatenate(where), np.concatenate(below)


# ----------------------------------------------------------------------- going online


def refresh_session_rates(s: State) -> None:
    """Precompute, per availability class, the agents with sessions and their cumulative weekly session rates.

    Compiled: :func:`sim.kernel.weekly_sessions` (:func:`rules.session_rate_weight` per
    professional, none without groups), then :func:`sim.kernel.session_classes`.
    ``s.session_classes`` is ``(agents, cum, ptr, guide)``: class ``c`` holds ``agents[ptr[c]:ptr[c + 1]]``
    with the running sum of their rates in ``cum`` (restarting at each class) and a guide
    table into it, from which :func:`sim.kernel.go_online` draws who starts a session.
    Called when memberships or job-hunting spells change.
    """
    pop, p = s.pop, s.params
    weekly = kernel.weekly_sessions(s.index.by_agent.ptr, s.capacity, pop.attention_budget, pop.job_hunting_only,
                                    pop.hunting, p.behaviour.attention_split, p.clock.not_hunting_activity)
    s.session_classes = kernel.session_classes(weekly, *_by_availability_class(s))


def _by_availability_class(s: State) -> tuple[np.ndarray, np.ndarray]:
    """The professionals by availability class, in id order within each, and each class's offsets.

    Sorted once (fixed traits), again after blocking is lifted.
    """
    if s.by_class is None:
        cls = availability_class(s.pop.blocked_at_work, s.pop.office_hours_mindset)
        order = np.argsort(cls, kind="stable")
        s.by_class = (order, np.searchsorted(cls[order], np.arange(AVAILABILITY_CLASSES + 1)))
    return s.by_class


def expire_posts(s: State, tick: int) -> None:
    """Daily: posts older than ``reply_window_hours`` close; each unanswered one costs its author (update_commitment).

    Compiled (:func:`sim.kernel.close_posts`): a pass over the groups' open posts.
    """
    k = kernel.parts(s, terms=False)  # closing posts reads no prominence nor signal strength
    kernel.close_posts(tick, k.grp, k.mem, k.b)


# ------------------------------------------------------------------------------ join


def join(s: State, tick: int, rng: np.random.Generator) -> int:
    """Daily: eligible professionals come across groups and some join; returns the number of joins.

    Each eligible non-member comes across the group at rate ``inflow`` per week (none for a defunct employer): we
    draw ``Poisson(inflow x pool / 7)`` candidates from the whole pool and drop those already in it. Each joins with
    :func:`rules.join_probability`, which grows with connections already in the group and with its activity.
    """
    g, b = s.groups, s.params.behaviour
    cand, grp = _join_candidates(s, tick, rng)
    if len(cand) == 0:
        return 0
    accept = _decide_joins(s, cand, grp, rng.random(len(cand)))
    _, first = np.unique(cand[accept] * g.count + grp[accept], return_index=True)
    cand, grp = cand[accept][first], grp[accept][first]
    s.memberships.add(cand, grp, tick, min(b.initial_commitment, b.max_commitment), initial=False)
    s.records.week_joins[tick // HOURS_PER_WEEK] += _count(grp, g.count)
    s.dirty = s.dirty or len(cand) > 0
    return len(cand)


def _join_candidates(s: State, tick: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Today's join candidates and their groups: ``Poisson(inflow x pool / 7)`` draws from each group's pool."""
    g, pop = s.groups, s.pop
    pool_size = np.where(g.open_to_all, pop.size, g.pool.sizes())
    founded = rules.is_open(g.founded_week, g.closed_week, tick)  # nor one not yet founded, or closed
    k = rng.poisson(rules.daily_join_candidates(g.inflow, pool_size) * founded)
    grp = np.repeat(np.arange(g.count), k)
    if len(grp) == 0:
        return grp, grp
    pick = (rng.random(len(grp)) * pool_size[grp]).astype(np.int64)
    if len(g.pool.values) == 0:  # groups open to all draw an agent id directly
        return pick, grp
    slot = np.minimum(g.pool.ptr[grp] + pick, len(g.pool.values) - 1)
    return np.where(g.open_to_all[grp], pick, g.pool.values[slot]), grp


def _decide_joins(s: State, cand: np.ndarray, grp: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Which candidates join: not yet members, and ``u`` below :func:`rules.join_probability`.

    Compiled: :func:`sim.kernel.join_decisions`.
    """
    idx = s.index
    return kernel.join_decisions(cand, grp, u, s.groups.activity, s.neighbours.ptr, s.neighbours.values,
                                 idx.members, kernel.Index(idx.by_agent.ptr, idx.rows, idx.groups),
                                 kernel.behaviour(s.params.behaviour))


# ----------------------------------------------------------------------------- leave


def leave(s: State, tick: int, rng: np.random.Generator) -> int:
    """Weekly: members leave (rarely, unless tidy and idle); returns the number of leaves.

    Each current member leaves with :func:`rules.leave_probability`: rarely, unless tidy and the group is one they
    never use (no post, no visit for ``tidy_idle_weeks``).
    """
    m, b = s.memberships, s.params.behaviour
    cut = rules.membership_cut(tick, s.records.spinup, s.params.interventions)
    # Only a draw below the largest probability (a tidy member's idle, never-used group) can
    # leave: the members' traits are read for those rows alone (about a tenth), same result.
    maybe, u = _draws_below(rng, len(s.index.rows), rules.leave_probability(True, True, True, b, cut))
    rows = s.index.rows.take(maybe)
    idle = tick - m.last_visit.take(rows) >= b.tidy_idle_weeks * HOURS_PER_WEEK
    p = rules.leave_probability(s.pop.profile_tidiness.take(m.agent.take(rows)), idle, m.posts.take(rows) == 0, b, cut)
    out = rows[u < p]
    m.left[out] = tick
    s.records.week_leaves[tick // HOURS_PER_WEEK] += _count(m.group[out], s.groups.count)
    s.mark_left(out)
    return len(out)


# ----------------------------------------------------------------------------- renew


def renew(s: State, tick: int) -> int:
    """Weekly: professionals leave the platform and newcomers take their places; returns how many.

    Each professional leaves with :func:`rules.weekly_chance`; their memberships end
    (``left`` set, counted in ``week_exits``, not in ``week_leaves``). A newcomer takes the
    slot: the same position (employer, past employers, university, industry, ties: a
    replacement hire) with behavioural traits drawn afresh by
    :func:`sim.population.newcomer_traits`, no memberships, arrived at ``tick``. Draws come
    from the state's own stream ``s.renewal`` (exits first, then one child stream per
    trait), so the dynamics' draws do not depend on who left.
    """
    pop, week = s.pop, tick // HOURS_PER_WEEK
    p_exit = rules.weekly_chance(s.params.population.platform_exit_rate)
    slots = np.flatnonzero(s.renewal.random(pop.size) < p_exit)
    if len(slots) == 0:
        return 0
    if s.dirty:  # today's joins and foundings end too
        s.update_index()
    _, rows, _ = s.index.by_agent.gather(slots)
    s.memberships.left[rows] = tick
    s.records.week_exits[week] += _count(s.memberships.group.take(rows), s.groups.count)
    traits = newcomer_traits(s.params.population, len(slots), s.renewal, s.interventions.lift_blocking)
    for name, values in traits.items():
        getattr(pop, name)[slots] = values
    if s.log_odds is not None:
        s.log_odds[slots] = kernel.activity_log_odds(pop.activity[slots])
    pop.arrived[slots] = tick
    s.by_class = s.availability = None  # availability classes follow the traits (session rates: refreshed weekly)
    s.mark_left(rows)
    return len(slots)


# ---------------------------------------------------------------- lift blocking


def lift_blocking(s: State, share: float, rng: np.random.Generator) -> int:
    """Intervention: employers lift the blocking of the site for ``share`` of the professionals blocked at work.

    From now on they can visit in work hours: their availability class and the session
    rates are refreshed. Returns the number of professionals unblocked.
    """
    blocked = np.flatnonzero(s.pop.blocked_at_work)
    lifted = blocked if share >= 1 else blocked[rng.random(len(blocked)) < share]
    s.pop.blocked_at_work[lifted] = False
    s.by_class = None
    s.availability = None  # the kernel's copy of the classes
    refresh_session_rates(s)
    return len(lifted)


# ------------------------------------------------------------------- job hunting


def update_job_hunting(s: State, rng: np.random.Generator) -> None:
    """Weekly: job-hunting spells start and end.

    Job-hunting spells start with ``job_hunt_start_rate`` and end with probability ``1 / job_hunt_mean_weeks``.
    """
    pop, p = s.pop, s.params.population
    pop.hunting = rules.next_hunting(pop.hunting, rng.random(pop.size), p.job_hunt_start_rate, p.job_hunt_mean_weeks)


# ------------------------------------------------------------------ classify_groups


def classify_groups(s: State, tick: int) -> np.ndarray:
    """Weekly: each group's state (thriving, active, dormant) and time to dormancy.

    Thriving / active / dormant per group (:func:`rules.classify`) from members' posts over trailing windows,
    judged over the weeks since the group was founded; a group not yet founded is ``rules.NOT_FOUNDED``,
    one closed in an earlier week ``rules.CLOSED``.
    """
    c, rec, m = s.params.classification, s.records, s.memberships
    week = tick // HOURS_PER_WEEK
    window_start = (week + 1 - c.window_weeks) * HOURS_PER_WEEK
    recent = m.view("last_post") >= window_start
    posters = _count(m.view("group")[recent], s.groups.count)
    posts = rec.week_posts[max(0, week + 1 - c.window_weeks) : week + 1].sum(axis=0)
    posts_dormant = rec.week_posts[max(0, week + 1 - c.dormant_window_weeks) : week + 1].sum(axis=0)
    weeks_seen = week + 1 - np.maximum(s.groups.founded_week, 0)  # weeks simulated since the group was founded
    state = np.where(weeks_seen > 0, rules.classify(posts, posters, posts_dormant, weeks_seen, c), rules.NOT_FOUNDED)
    state = np.where(s.groups.closed_week >= 0, rules.CLOSED, state)
    rec.week_state[week] = state
    rec.week_members[week] = s.index.members
    s.groups.recent_posters = rec.week_posters[week].astype(float)
    return state


# ----------------------------------------------------------------- close_groups


def close_groups(s: State, tick: int) -> int:
    """Weekly, after classify_groups: dormant groups close; returns how many.

    Each group dormant this week closes with :func:`rules.closure_chance` of its members
    (its owner deletes it; small groups more readily). Its memberships end (``left`` set,
    counted in ``week_closures``); from the next week on it has no state
    (``rules.CLOSED``), no members and no joins. Draws come from the state's own stream
    ``s.closure``, one per group and week, so closures shift no other draw.
    """
    g, week = s.groups, tick // HOURS_PER_WEEK
    u = s.closure.random(g.count)
    due = np.flatnonzero((s.records.week_state[week] == rules.DORMANT)
                         & (u < rules.closure_chance(s.index.members, s.params.groups)))
    if len(due) == 0:
        return 0
    g.closed_week[due] = week
    if s.dirty:
        s.update_index()
    closing = np.zeros(g.count, dtype=bool)
    closing[due] = True
    rows = s.index.rows[closing[s.index.groups]]  # the closing groups' current memberships
    s.memberships.left[rows] = tick
    s.records.week_closures[week] += _count(s.memberships.group.take(rows), g.count)
    s.mark_left(rows)
    return len(due)


# ----------------------------------------------------------------- found_groups


def found_groups(s: State, tick: int, rng: np.random.Generator) -> int:
    """Daily: groups whose ``founded_week`` starts today get their founding members.

    The founders were drawn at initialization (:func:`sim.initialize.init_memberships`);
    before its founding a group has no members and cannot be joined (see :func:`join`).
    ``rng`` is unused (the founding draws come from the initialization stream); it keeps
    the submodel signature. Returns the number of groups founded.
    """
    g = s.groups
    start = g.founded_week * HOURS_PER_WEEK
    due = np.flatnonzero((g.founded_week >= 0) & (start <= tick) & (tick < start + HOURS_PER_DAY))
    if len(due) == 0:
        return 0
    seg, agents, _ = g.founders.gather(due)
    _, commitment, _ = Csr(g.founders.ptr, g.founder_commitment).gather(due)
    s.memberships.add(agents, due[seg], tick, commitment, initial=True)
    s.dirty = True
    return len(due)
