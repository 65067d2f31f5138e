"""ODD section 7: one function per submodel, vectorised over the events of a tick.

Each function takes the :class:`sim.state.State`, the tick and the model's generator, and
touches only the professionals, memberships and groups involved in this tick's events
(sessions, visits, posts, replies). The rules themselves are in :mod:`sim.rules`.

Gathers on the hot paths use ``a.take(i)``: the same values as ``a[i]`` with less
overhead per call, which is what most of an hour's gathers are (a few thousand visits):
0.13 against 0.24 ms for 20,000 int32 rows into 12 million values, about the same from
100,000 rows (``python -m benchmarks parts take``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import rules
from sim.clock import AVAILABILITY_CLASSES, HOURS_PER_DAY, HOURS_PER_WEEK, availability_class
from sim.csr import Csr, coarse, search_in_order
from sim.state import State

# ----------------------------------------------------------------------------- helpers


@dataclass
class Visits:
    """The visits of an hour: membership rows, with the group and the agent of each (gathered once)."""

    rows: np.ndarray
    group: np.ndarray
    agent: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    def where(self, mask: np.ndarray) -> "Visits":
        """The visits where ``mask`` holds."""
        return Visits(self.rows[mask], self.group[mask], self.agent[mask])


def _count(values: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(values, minlength=n)


def _increment(counter: np.ndarray, rows: np.ndarray) -> None:
    """Add 1 to ``counter`` at ``rows`` (repeats count), like ``np.add.at(counter, rows, 1)``.

    The 1 has the counter's dtype: with a Python int numpy takes a casting path about 25x
    slower on int32 counters.
    """
    np.add.at(counter, rows, counter.dtype.type(1))


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

    Called when memberships or job-hunting spells change.
    """
    pop, p = s.pop, s.params
    n_groups = rules.followed_groups(s.index.by_agent.sizes(), s.capacity)
    weekly = rules.session_rate_weight(
        pop.attention_budget, n_groups, pop.job_hunting_only, pop.hunting,
        p.behaviour.attention_split, p.clock.not_hunting_activity,
    )
    weekly = np.where(n_groups > 0, weekly, 0.0)  # no groups: every session is elsewhere
    s.session_classes = []
    for agents in _by_availability_class(s):
        w = weekly.take(agents)
        keep = w > 0
        cum = np.cumsum(w[keep])
        s.session_classes.append((agents[keep], cum, coarse(cum)))


def _by_availability_class(s: State) -> list:
    """The professionals of each availability class, in id order (sorted once; again after blocking is lifted)."""
    if s.by_class is None:
        cls = availability_class(s.pop.blocked_at_work, s.pop.office_hours_mindset)
        order = np.argsort(cls, kind="stable")
        bounds = np.searchsorted(cls[order], np.arange(AVAILABILITY_CLASSES + 1))
        s.by_class = [order[bounds[c] : bounds[c + 1]] for c in range(AVAILABILITY_CLASSES)]
    return s.by_class


def go_online(s: State, profiles: np.ndarray, tick: int, rng: np.random.Generator) -> np.ndarray:
    """Professionals who start a session this hour (an agent may appear twice).

    Sessions are a Poisson process per professional with rate ``weekly rate x profile of
    its availability class at this hour of the week``; per class we draw how many start,
    then who, in proportion to their rates, so the cost is proportional to sessions.
    """
    hour = tick % HOURS_PER_WEEK
    out = []
    for c, (agents, cum, blocks) in enumerate(s.session_classes):
        if len(cum) == 0:
            continue
        k = rng.poisson(cum[-1] * profiles[c, hour])
        if k:
            out.append(agents.take(search_in_order(cum, rng.random(k) * cum[-1], side="right", blocks=blocks)))
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


# ---------------------------------------------------------------------- choose_group


def choose_group(s: State, sessions: np.ndarray, rng: np.random.Generator) -> Visits:
    """The visits of the sessions.

    Each session picks one of the agent's groups with weight ``commitment x feed prominence`` or, with weight
    ``outside_option``, none of them.
    """
    m, g, b = s.memberships, s.groups, s.params.behaviour
    seg, at, lengths = s.index.by_agent.positions(sessions)
    if len(at) == 0:
        return Visits(at, at, at)
    rows, group = s.index.rows.take(at), s.index.groups.take(at)
    prominence = rules.visit_weight(1.0, g.activity, b)  # per group (exactly the factor of each row's weight)
    w = m.commitment.take(rows) * prominence.take(group)
    if b.attention_capacity > 0:
        w = np.where(rules.in_attention(_rank_within(seg, w), s.capacity[sessions[seg]]), w, 0.0)
    cum = np.cumsum(w)
    seg_sum = np.bincount(seg, weights=w, minlength=len(sessions))
    before = np.cumsum(seg_sum) - seg_sum
    u = rng.random(len(sessions)) * (seg_sum + b.outside_option)
    inside = (u < seg_sum) & (lengths > 0)
    first = (np.cumsum(lengths) - lengths)[inside]
    pick = np.searchsorted(cum, (before + u)[inside], side="right")
    chosen = np.clip(pick, first, first + lengths[inside] - 1)  # within the session's own memberships
    return Visits(rows[chosen], group[chosen], sessions[inside])


def _rank_within(seg: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Rank of each weight within its segment, 0 for the largest (ties: first row first)."""
    order = np.lexsort((-w, seg))
    rank = np.empty(len(w), dtype=np.int64)
    rank[order] = np.arange(len(w)) - np.searchsorted(seg[order], seg[order], side="left")
    return rank


# ------------------------------------------------------------------------------ read


def read(s: State, visits: Visits, tick: int):
    """A visit reads the group's recent content: returns (net benefit, relevance) per visit."""
    m, g, pop = s.memberships, s.groups, s.pop
    grp, agent = visits.group, visits.agent
    relevance = rules.effective_relevance(g.relevance.take(grp), pop.hunting.take(agent), g.job_posts.take(grp))
    benefit = rules.reading_net_benefit(relevance, g.activity.take(grp), s.params.behaviour)
    _increment(m.visits, visits.rows)
    m.last_visit[visits.rows] = tick
    s.records.hour_visits[tick] += len(visits)
    return benefit, relevance


# ------------------------------------------------------------------------------ post


def post(s: State, visits: Visits, relevance: np.ndarray, tick: int, rng: np.random.Generator):
    """Each visitor posts with the cost-benefit probability of :func:`rules.posting_probability`.

    Returns the author rows of posts that pushed an unanswered post off the group's list.
    """
    m, g, pop = s.memberships, s.groups, s.pop
    grp, agent = visits.group, visits.agent
    p = rules.posting_probability(
        relevance, g.recent_posters.take(grp), m.commitment.take(visits.rows), pop.content_role.take(agent),
        pop.voice.take(agent), pop.job_search_fear.take(agent), g.visibility.take(grp), g.activity.take(grp),
        pop.hunting.take(agent), g.job_posts.take(grp), s.params.behaviour,
    )
    posted = np.unique(visits.rows[rng.random(len(visits)) < p])
    if len(posted) == 0:
        return posted
    week = tick // HOURS_PER_WEEK
    grp = m.group[posted]
    new_poster = m.last_post[posted] < week * HOURS_PER_WEEK
    first = m.posts[posted] == 0
    m.posts[posted] += 1
    m.last_post[posted] = tick
    rec = s.records
    rec.week_posts[week] += _count(grp, g.count)
    rec.week_posters[week] += _count(grp[new_poster], g.count)
    rec.hour_posts[tick] += len(posted)
    return _open_posts(s, grp, posted, first, tick)


def seed_manager_posts(s: State, tick: int, rng: np.random.Generator) -> np.ndarray:
    """Intervention: a group manager seeds posts (Poisson, ``manager_posts_per_week``).

    They count as activity and can be replied to, but are not members' posts.
    """
    rate = rules.manager_posts_per_hour(s.interventions.manager_posts_per_week)
    if rate <= 0:
        return np.empty(0, dtype=np.int64)
    k = rng.poisson(rate, size=s.groups.count)
    grp = np.repeat(np.arange(s.groups.count), k)
    s.records.week_manager_posts[tick // HOURS_PER_WEEK] += k
    return _open_posts(s, grp, np.full(len(grp), -2), np.zeros(len(grp), bool), tick)


def _open_posts(s: State, grp, authors, first, tick) -> np.ndarray:
    """Put new posts on their groups' open-post lists.

    Return the authors of unanswered posts they push off (these count as posts that got no reply).
    """
    g = s.groups
    g.activity += _count(grp, g.count)
    order = np.argsort(grp, kind="stable")
    grp, authors, first = grp[order], authors[order], first[order]
    rank = np.arange(len(grp)) - np.searchsorted(grp, grp, side="left")
    slot = (g.ring_pos[grp] + rank) % g.ring_author.shape[1]
    old = g.ring_author[grp, slot]
    unanswered = (old >= 0) & ~g.ring_replied[grp, slot]
    lost = old[unanswered]
    _resolve_first(s, lost, g.ring_first[grp, slot][unanswered], replied=False)
    g.ring_author[grp, slot] = authors
    g.ring_tick[grp, slot] = tick
    g.ring_replied[grp, slot] = False
    g.ring_first[grp, slot] = first
    g.ring_pos += _count(grp, g.count)
    return lost


def _resolve_first(s: State, authors: np.ndarray, first: np.ndarray, replied: bool) -> None:
    rows = authors[first & (authors >= 0)]
    s.memberships.first_post_replied[rows] = 1 if replied else 0


def expire_posts(s: State, tick: int) -> np.ndarray:
    """Daily: posts older than ``reply_window_hours`` close; returns the authors of those that got no reply."""
    g = s.groups
    window = s.params.behaviour.reply_window_hours
    expired = (g.ring_author != -1) & ~rules.open_for_replies(tick, g.ring_tick, window)
    unanswered = expired & ~g.ring_replied & (g.ring_author >= 0)
    lost = g.ring_author[unanswered]
    _resolve_first(s, lost, g.ring_first[unanswered], replied=False)
    g.ring_author[expired] = -1
    return lost


# ----------------------------------------------------------------------------- reply


def reply(s: State, visits: Visits, tick: int, rng: np.random.Generator) -> np.ndarray:
    """A visitor replies, with :func:`rules.reply_probability`, to a random open post not their own.

    Returns the author rows credited with a reply.
    """
    m, g, b = s.memberships, s.groups, s.params.behaviour
    conversation = g.conversation.take(visits.group)
    q = rules.reply_probability(m.commitment.take(visits.rows), conversation, s.interventions.moderation, b)
    tried = visits.where(rng.random(len(visits)) < q)
    tries, grp = tried.rows, tried.group
    if len(tries) == 0:
        return tries
    authors = g.ring_author[grp]
    open_ = rules.open_for_replies(tick, g.ring_tick[grp], b.reply_window_hours)
    valid = (authors != -1) & open_ & (authors != tries[:, None])
    slot = np.argmax(rng.random(valid.shape) * valid, axis=1)
    ok = valid.any(axis=1)
    repliers, grp, slot = tries[ok], grp[ok], slot[ok]
    author = g.ring_author[grp, slot]
    fresh = ~g.ring_replied[grp, slot]
    _resolve_first(s, author[fresh], g.ring_first[grp, slot][fresh], replied=True)
    g.ring_replied[grp, slot] = True
    _increment(m.replies, repliers)
    week = tick // HOURS_PER_WEEK
    s.records.week_replies[week] += _count(grp, g.count)
    s.records.hour_replies[tick] += len(repliers)
    credited = author[author >= 0]
    _increment(m.replies_received, credited)
    return credited


# ----------------------------------------------------------------- update_commitment


def update_commitment(s: State, visits=None, benefit=None, credited=None, unanswered=None) -> None:
    """Apply :func:`rules.commitment_change` for visits (net benefit), replies received and posts left unanswered.

    Commitment stays within ``0..max_commitment``.
    """
    m, g, b = s.memberships, s.groups, s.params.behaviour
    zero = 0.0
    for rows, net, got, lost in (
        (visits, benefit, zero, zero),
        (credited, zero, 1.0, zero),
        (unanswered, zero, zero, 1.0),
    ):
        if rows is None or len(rows) == 0:
            continue
        identity = g.identity.take(m.group.take(rows))
        np.add.at(m.commitment, rows, rules.commitment_change(net, got, lost, identity, b))
        m.commitment[rows] = rules.clip_commitment(m.commitment.take(rows), b)


# ------------------------------------------------------------------------------ join


def join(s: State, tick: int, rng: np.random.Generator) -> int:
    """Daily.

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
    founded = g.founded_week * HOURS_PER_WEEK <= tick  # a group not yet founded cannot be joined
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

    The chance grows with connections in the group, so it lies between its values at none and
    at all of one's ties (or of the group's members): connections are counted only for the
    candidates whose draw falls between the two (same result as counting them for all).
    """
    activity, b, ties = s.groups.activity.take(grp), s.params.behaviour, s.neighbours.ptr
    most = np.minimum(ties.take(cand + 1) - ties.take(cand), s.index.members.take(grp))
    accept = u < rules.join_probability(0, activity, b)
    open_ = np.flatnonzero(~accept & (u < rules.join_probability(most, activity, b)))
    accept[open_] = u[open_] < rules.join_probability(_connections_in(s, cand[open_], grp[open_]), activity[open_], b)
    return accept & (s.lookup(cand, grp) < 0)


def _connections_in(s: State, agents: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Number of each agent's ties who are current members of the paired group."""
    seg, friends, _ = s.neighbours.gather(agents)
    return np.bincount(seg, weights=s.lookup(friends, groups[seg]) >= 0, minlength=len(agents))


# ----------------------------------------------------------------------------- leave


def leave(s: State, tick: int, rng: np.random.Generator) -> int:
    """Weekly.

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
    s.dirty = s.dirty or len(out) > 0
    s.left_pending = s.left_pending or len(out) > 0
    return len(out)


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
    refresh_session_rates(s)
    return len(lifted)


# ---------------------------------------------------------------- weekly digest


def digest_visits(s: State, profiles: np.ndarray, tick: int, rng: np.random.Generator) -> Visits:
    """Intervention.

    The weekly digest brings members who did not visit a group last week, and who can be online now (their
    availability profile at this hour), to that group if it had posts (by members or a manager) last week, with
    probability ``weekly_digest``.
    """
    m, pop = s.memberships, s.pop
    last_week = tick // HOURS_PER_WEEK - 1
    rows = s.index.rows
    grp, agent = m.group[rows], m.agent[rows]
    had_posts = (s.records.week_posts[last_week] + s.records.week_manager_posts[last_week])[grp] > 0
    idle = m.last_visit[rows] < last_week * HOURS_PER_WEEK
    cls = availability_class(pop.blocked_at_work[agent], pop.office_hours_mindset[agent])
    available = profiles[cls, tick % HOURS_PER_WEEK] > 0
    chosen = had_posts & idle & available & (rng.random(len(rows)) < s.interventions.weekly_digest)
    return Visits(rows, grp, agent).where(chosen)


# ------------------------------------------------------------------- job hunting


def update_job_hunting(s: State, rng: np.random.Generator) -> None:
    """Weekly.

    Job-hunting spells start with ``job_hunt_start_rate`` and end with probability ``1 / job_hunt_mean_weeks``.
    """
    pop, p = s.pop, s.params.population
    pop.hunting = rules.next_hunting(pop.hunting, rng.random(pop.size), p.job_hunt_start_rate, p.job_hunt_mean_weeks)


# ------------------------------------------------------------------ classify_groups


def classify_groups(s: State, tick: int) -> np.ndarray:
    """Weekly.

    Thriving / active / dormant per group (:func:`rules.classify`) from members' posts over trailing windows,
    judged over the weeks since the group was founded; a group not yet founded is ``rules.NOT_FOUNDED``.
    """
    c, rec, m = s.params.classification, s.records, s.memberships
    week = tick // HOURS_PER_WEEK
    window_start = (week + 1 - c.window_weeks) * HOURS_PER_WEEK
    recent = m.view("last_post") >= window_start
    posters = _count(m.view("group")[recent], s.groups.count)
    posts = rec.week_posts[max(0, week + 1 - c.window_weeks) : week + 1].sum(axis=0)
    posts_dormant = rec.week_posts[max(0, week + 1 - c.dormant_window_weeks) : week + 1].sum(axis=0)
    weeks_seen = week + 1 - s.groups.founded_week  # weeks since the group was founded
    state = np.where(weeks_seen > 0, rules.classify(posts, posters, posts_dormant, weeks_seen, c), rules.NOT_FOUNDED)
    rec.week_state[week] = state
    rec.week_members[week] = s.index.members
    s.groups.recent_posters = rec.week_posters[week].astype(float)
    return state


def end_hour(s: State) -> None:
    """Perceived activity decays with half-life ``activity_halflife_hours``."""
    s.groups.activity = rules.decayed_activity(s.groups.activity, s.params.behaviour.activity_halflife_hours)


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
    due = np.flatnonzero((g.founded_week > 0) & (start <= tick) & (tick < start + HOURS_PER_DAY))
    if len(due) == 0:
        return 0
    seg, agents, _ = g.founders.gather(due)
    _, commitment, _ = Csr(g.founders.ptr, g.founder_commitment).gather(due)
    s.memberships.add(agents, due[seg], tick, commitment, initial=True)
    s.dirty = True
    return len(due)
