"""The hourly submodels, compiled: every hour of a span, one event at a time.

:func:`simulate_hours` runs hours ``t0..t1-1`` (within one day) in one call of a numba
kernel: each hour go_online, choose_group, read, post, reply and update_commitment for
every session, then seed_manager_posts, the weekly digest and end_hour (docs/ODD.md,
sections 3 and 7). The daily and weekly submodels stay in numpy (:mod:`sim.submodels`),
between calls. The rules are those of :mod:`sim.rules`, compiled unchanged; the per-agent
reference (:mod:`sim.reference`) calls the same functions per agent.

Events are applied in order, as in the reference: a visitor sees the posts, replies and
commitment changes of the sessions before it in the same hour. Every draw comes from the
model's ``numpy.random.Generator``, which numba drives through its bit generator (the
generator's state advances as with numpy's own calls), so a seed gives one run.

Compiled code is cached on disk (``cache=True``) with a key that also covers the source of
:mod:`sim.rules`, :mod:`sim.clock` and :mod:`sim.lowlevel`, which the kernel compiles in:
editing a rule recompiles (numba's own key covers only this file).

The hours are bound by memory latency, not arithmetic: the state's arrays are borrowed
for the call (:func:`sim.lowlevel.unowned`) and the next sessions' loads are started early
(:func:`_prefetch_session`); neither changes a value (docs/SCALING.md, fourth round).
"""

from __future__ import annotations

import hashlib
import inspect
from collections import namedtuple
from dataclasses import fields

import numba
import numpy as np
from numba.core.caching import FunctionCache

from sim import clock, csr, lowlevel, rules
from sim.clock import HOURS_PER_WEEK
from sim.csr import search_segment
from sim.lowlevel import prefetch, unowned
from sim.params import BehaviourParams
from sim.state import State

COMPILED_IN = (rules, clock, lowlevel, csr)
"""The modules whose functions the kernel compiles in besides this one."""
SOURCE_DIGEST = hashlib.sha256("".join(inspect.getsource(m) for m in COMPILED_IN).encode()).hexdigest()
"""Digest of :data:`COMPILED_IN` (part of the cache key: editing any of them recompiles)."""


class RulesAwareCache(FunctionCache):
    """numba's on-disk cache, its key extended by :data:`SOURCE_DIGEST`."""

    def _index_key(self, sig, codegen):
        return (*super()._index_key(sig, codegen), SOURCE_DIGEST)


def compiled(function):
    """``numba.njit(function)`` with the on-disk cache of :class:`RulesAwareCache`."""
    dispatcher = numba.njit(function)
    dispatcher._cache = RulesAwareCache(function)  # what njit(cache=True) sets, with our key
    return dispatcher


Behaviour = namedtuple("Behaviour", [f.name for f in fields(BehaviourParams)])
"""The behaviour parameters as a tuple numba reads (same field names as BehaviourParams)."""

Interventions = namedtuple("Interventions", "moderation manager_posts_per_week weekly_digest work_start")
Sessions = namedtuple("Sessions", "agents cum ptr guide")
Index = namedtuple("Index", "ptr rows groups")
People = namedtuple("People", "hunting content_role log_odds fear capacity availability")
GroupArrays = namedtuple(
    "GroupArrays",
    "activity prominence strength proof members relevance job_posts recent_posters visibility identity conversation "
    "ring_author ring_tick ring_replied ring_first ring_pos founded_week closed_week",
)
MemberArrays = namedtuple(
    "MemberArrays",
    "commitment visits last_visit posts last_post replies replies_received first_post_replied initial",
)
Records = namedtuple(
    "Records", "week_posts week_posters week_replies week_manager_posts hour_visits hour_posts hour_replies"
)

Parts = namedtuple("Parts", "b iv sess idx people grp mem rec")
"""What the kernel reads and writes of a :class:`State`: the arguments of its functions."""


def behaviour(b: BehaviourParams) -> Behaviour:
    """The behaviour parameters as numba reads them (``social_signal`` as the bool ``per_member``)."""
    values = {f: getattr(b, f) for f in Behaviour._fields}
    values["social_signal"] = rules.per_member_signal(b.social_signal)
    return Behaviour(**values)


def parts(s: State, terms: bool = True) -> Parts:
    """The state's parameters and arrays as the kernel's tuples (views: the kernel writes into the state).

    The groups' prominence and the strengths of their social signals are taken here
    (:func:`group_terms`); the kernel keeps them up to date as activity changes. With
    ``terms=False`` they are left unset, for a call that reads none of them
    (:func:`sim.submodels.expire_posts`: at a million professionals the logarithms of
    10,000 groups each day).
    """
    p, g, m, rec, pop, idx = s.params, s.groups, s.memberships, s.records, s.pop, s.index
    if s.availability is None:
        s.availability = clock.availability_class(pop.blocked_at_work, pop.office_hours_mindset)
    i = s.interventions  # those acting now (none before interventions.start_week)
    if s.log_odds is None:
        s.log_odds = activity_log_odds(pop.activity)
    n_groups = len(g.activity)  # prominence, strength, proof: taken below (group_terms)
    k = Parts(
        behaviour(p.behaviour),
        Interventions(float(i.moderation), float(i.manager_posts_per_week), float(i.weekly_digest),
                      int(p.clock.work_start)),
        Sessions(*s.session_classes),
        Index(idx.by_agent.ptr, idx.rows, idx.groups),
        People(pop.hunting, pop.content_role, s.log_odds, pop.job_search_fear, s.capacity, s.availability),
        GroupArrays(g.activity, np.empty(n_groups), np.empty(n_groups), np.empty(n_groups), idx.members,
                    g.relevance, g.job_posts,
                    g.recent_posters, g.visibility, g.identity, g.conversation, g.ring_author, g.ring_tick,
                    g.ring_replied, g.ring_first, g.ring_pos, g.founded_week, g.closed_week),
        MemberArrays(m.commitment, m.visits, m.last_visit, m.posts, m.last_post, m.replies,
                     m.replies_received, m.first_post_replied, m.initial),
        Records(rec.week_posts, rec.week_posters, rec.week_replies, rec.week_manager_posts,
                rec.hour_visits, rec.hour_posts, rec.hour_replies),
    )
    if terms:
        group_terms(k.grp, k.b)
    return k


def simulate_hours(s: State, profiles: np.ndarray, t0: int, t1: int, rng: np.random.Generator) -> None:
    """Hours ``t0..t1-1`` of the state ``s`` (all within one day), in place.

    The group member counts are those of the state's index at the start of the span (joins
    and leaves happen between days and weeks).
    """
    hours(t0, t1, profiles, rng, *parts(s))


def _hours(t0, t1, profiles, rng, b, iv, sess, idx, people, grp, mem, rec):
    """The compiled hours (see :func:`simulate_hours`).

    The state's arrays are borrowed (:func:`sim.lowlevel.unowned`: no reference counting
    per visit), and the loads of the next sessions are started early (:func:`_prefetch_session`).
    The groups' prominence and signal strength are taken again each hour and after each
    post (:func:`update_prominence`); their social proof holds for the span (:func:`parts` took it).
    """
    sess, idx, people, grp, mem, rec = (unowned(sess), unowned(idx), unowned(people), unowned(grp),
                                        unowned(mem), unowned(rec))
    scratch = np.empty(64)
    decay = rules.decayed_activity(1.0, b.activity_halflife_hours)  # the same factor for every group
    for t in range(t0, t1):
        hour = t % HOURS_PER_WEEK
        for g in range(len(grp.activity)):
            update_prominence(g, grp, b)
        for c in range(len(sess.ptr) - 1):
            lo, hi = sess.ptr[c], sess.ptr[c + 1]
            if hi == lo:
                continue
            online = go_online(sess.agents[lo:hi], sess.cum[lo:hi], sess.guide[lo:hi], profiles[c, hour], rng)
            for j in range(len(online)):
                agent = online[j]
                _prefetch_session(online, j, idx, people, mem)
                if idx.ptr[agent + 1] - idx.ptr[agent] > len(scratch):
                    scratch = np.empty(2 * (idx.ptr[agent + 1] - idx.ptr[agent]))
                entry = choose_group(agent, idx, people, grp, mem, b, rng, scratch)
                if entry >= 0:
                    read(t, agent, idx.rows[entry], idx.groups[entry], people, grp, mem, rec, b, iv, rng)
        seed_manager_posts(t, grp, mem, rec, b, iv, rng)
        if rules.is_digest_hour(iv.weekly_digest, iv.work_start, t):
            digest_visits(t, profiles, idx, people, grp, mem, rec, b, iv, rng)
        end_hour(grp.activity, decay)


@numba.njit(inline="always")
def go_online(agents, cum, guide, availability, rng):
    """Professionals of one availability class who start a session this hour (an agent may appear twice).

    ``Poisson(total rate x availability)`` sessions, each an agent drawn in proportion to
    its weekly session rate (``cum``: the cumulative rates; ``guide``: see :func:`find_session`).
    """
    total = cum[-1]
    k = rng.poisson(total * availability) if availability > 0 else 0
    out = np.empty(k, dtype=agents.dtype)
    for j in range(k):
        out[j] = agents[find_session(cum, guide, rng.random())]
    return out


@numba.njit(inline="always")
def _prefetch_session(online, j, idx, people, mem):
    """Start loading what the sessions after the ``j``-th of ``online`` will read (no effect on any value).

    Within a session each load needs the one before it (the professional's index offsets,
    then its entries, then their memberships), so they are started in stages across the
    coming sessions: the offsets four sessions ahead, the entries and the professional's
    traits two ahead (every one the session reads: attention capacity, job hunting,
    content role, activity, fear), the memberships of the next one.
    """
    k = len(online)
    if j + 4 < k:
        prefetch(idx.ptr, online[j + 4])
    if j + 2 < k:
        agent = online[j + 2]
        prefetch(idx.rows, idx.ptr[agent])
        prefetch(idx.groups, idx.ptr[agent])
        prefetch(people.log_odds, agent)
        prefetch(people.fear, agent)
        prefetch(people.capacity, agent)
        prefetch(people.hunting, agent)
        prefetch(people.content_role, agent)
    if j + 1 < k:
        agent = online[j + 1]
        for e in range(idx.ptr[agent], idx.ptr[agent + 1]):
            row = idx.rows[e]
            prefetch(mem.commitment, row)
            prefetch(mem.visits, row)
            prefetch(mem.last_visit, row)
            prefetch(mem.posts, row)


@numba.njit(inline="always")
def find_session(cum, guide, u):
    """``np.searchsorted(cum, u x cum[-1], side="right")`` (at most the last position), by a guide table.

    ``guide[j]`` is where that search lands for the lower edge of the j-th of ``len(cum)``
    equal slices of ``0..cum[-1]`` (:func:`session_guide`); from there a short walk finds
    the same position as the binary search (each slice is as likely as another and holds
    one position on average), with a look-up or two instead of a search through the class.
    """
    n = len(cum)
    x = u * cum[-1]
    i = guide[min(int(u * n), n - 1)]
    while i > 0 and cum[i - 1] > x:
        i -= 1
    while i < n and cum[i] <= x:
        i += 1
    return min(i, n - 1)


def _join_decisions(cand, grp, u, activity, ties_ptr, ties, members, idx, b):
    """join: which of today's candidates join (:func:`sim.submodels.join` draws them and ``u``).

    Candidate ``i`` joins group ``grp[i]`` when ``u[i]`` is below :func:`rules.join_probability`
    with its ties among the group's current members, and it is not a member already. The
    chance grows with those ties, so it lies between its values at none and at all of
    one's ties (or of the group's members): ties are counted only for candidates whose
    draw falls between the two (same decisions as counting them for all).
    """
    accept = np.zeros(len(cand), dtype=np.bool_)
    for i in range(len(cand)):
        agent, g = cand[i], grp[i]
        if _member_row(idx, agent, g) >= 0:
            continue
        if u[i] < rules.join_probability(0, activity[g], b):
            accept[i] = True
        elif u[i] < rules.join_probability(min(ties_ptr[agent + 1] - ties_ptr[agent], members[g]), activity[g], b):
            n = 0
            for k in range(ties_ptr[agent], ties_ptr[agent + 1]):
                n += _member_row(idx, ties[k], g) >= 0
            accept[i] = u[i] < rules.join_probability(n, activity[g], b)
    return accept


@numba.njit(inline="always")
def _member_row(idx, agent, group):
    """The membership row of ``agent`` in ``group``, -1 if not a current member (a search of its index entries)."""
    lo, hi = idx.ptr[agent], idx.ptr[agent + 1]
    at = search_segment(idx.groups, lo, hi, group)
    return idx.rows[at] if at < hi and idx.groups[at] == group else -1


def _activity_log_odds(activity):
    """Each professional's :func:`rules.activity_log_odds` (the posting rule's log, taken once per person).

    :class:`sim.state.State` keeps it (``log_odds``); :func:`sim.submodels.renew` updates a
    renewed slot's.
    """
    out = np.empty(len(activity))
    for i in range(len(activity)):
        out[i] = rules.activity_log_odds(activity[i])
    return out


def _weekly_sessions(by_agent_ptr, capacity, budget, hunting_only, hunting, attention_split, not_hunting_activity):
    """Each professional's sessions per week (:func:`rules.session_rate_weight`); none without groups.

    ``by_agent_ptr`` is the membership index's per-agent offsets (current memberships), the
    rest the population's arrays (:func:`sim.submodels.refresh_session_rates`).
    """
    weekly = np.empty(len(budget))
    for i in range(len(budget)):
        k = rules.followed_groups(by_agent_ptr[i + 1] - by_agent_ptr[i], capacity[i])
        weekly[i] = 0.0 if k == 0 else rules.session_rate_weight(
            budget[i], k, hunting_only[i], hunting[i], attention_split, not_hunting_activity)
    return weekly


def _session_classes(weekly, order, class_ptr):
    """The arrays :func:`go_online` draws from: per availability class, the professionals with sessions.

    ``order[class_ptr[c]:class_ptr[c + 1]]`` are the professionals of class ``c``; those
    with a positive ``weekly`` rate are kept, in that order. Returns ``(agents, cum, ptr,
    guide)``: class ``c`` is ``agents[ptr[c]:ptr[c + 1]]``, ``cum`` the running sum of
    their rates (restarting at each class, summed in order as ``np.cumsum`` does) and
    ``guide`` its guide table (:func:`find_session`).
    """
    classes = len(class_ptr) - 1
    agents = np.empty(len(order), dtype=order.dtype)
    cum = np.empty(len(order))
    ptr = np.zeros(classes + 1, dtype=np.int64)
    n = 0
    for c in range(classes):
        total = 0.0
        for i in range(class_ptr[c], class_ptr[c + 1]):
            w = weekly[order[i]]
            if w > 0:
                total += w
                agents[n], cum[n] = order[i], total
                n += 1
        ptr[c + 1] = n
    guide = np.zeros(n, dtype=np.int64)
    for c in range(classes):
        _guide_table(cum[ptr[c]:ptr[c + 1]], guide[ptr[c]:ptr[c + 1]])
    return agents[:n], cum[:n], ptr, guide


@numba.njit(inline="always")
def _guide_table(cum, guide):
    """Fill ``guide`` (zeros on entry) with the guide table of one class's running sums ``cum`` (:func:`find_session`).

    ``guide[j]`` is the first position whose running sum exceeds the lower edge of slice
    ``j``, ``j / size x cum[-1]``: the number of positions whose sum is at most that edge.
    Counted from the positions' side, since walking both in step takes a branch the CPU
    cannot predict per slice (about half the time of a refresh): each position's first
    slice whose edge reaches its sum (guessed by scaling, then settled on the same
    comparisons of the same edges), counted, then summed over the slices.
    """
    size = len(cum)
    if size == 0:
        return
    last = cum[-1]
    scale = size / last
    for i in range(size):
        x = cum[i]
        k = min(max(int(x * scale), 0), size)
        while k > 0 and (k - 1) / size * last >= x:
            k -= 1
        while k < size and k / size * last < x:
            k += 1
        if k < size:  # from slice k on, position i is at most the edge
            guide[k] += 1
    for j in range(1, size):
        guide[j] += guide[j - 1]


@numba.njit(inline="always")
def choose_group(agent, idx, people, grp, mem, b, rng, w):
    """Index entry of the membership a session of ``agent`` visits, or -1 (the outside option).

    Weights :func:`rules.visit_weight`; with an attention capacity only the memberships
    :func:`rules.in_attention` keeps (ties: the first entry ranks higher).
    """
    lo, n = idx.ptr[agent], idx.ptr[agent + 1] - idx.ptr[agent]
    for j in range(n):  # rules.visit_weight: commitment x the group's prominence
        w[j] = mem.commitment[idx.rows[lo + j]] * grp.prominence[idx.groups[lo + j]]
    cap = people.capacity[agent]
    if cap > 0:
        keep = np.empty(n, dtype=np.bool_)
        for j in range(n):
            rank = 0
            for k in range(n):
                rank += (w[k] > w[j]) or (w[k] == w[j] and k < j)
            keep[j] = rules.in_attention(rank, cap)
        for j in range(n):
            w[j] = w[j] if keep[j] else 0.0
    total = 0.0
    for j in range(n):
        total += w[j]
    u = rng.random() * (total + b.outside_option)
    if u >= total:
        return -1
    last = -1
    for j in range(n):
        if w[j] > 0.0:
            last = j
            u -= w[j]
            if u < 0.0:
                return lo + j
    return lo + last  # rounding


@numba.njit(inline="always")
def update_prominence(g, grp, b):
    """The feed prominence of group ``g`` at its current activity: :func:`rules.visit_weight` of commitment 1.

    Also the strength of its activity's social signal (:func:`rules.signal_strength`), which
    a visit's reading benefit reads: taken here, with the prominence, rather than per visit
    (the same value: activity changes only where this is called again).
    """
    strength = rules.signal_strength(rules.social_activity(grp.activity[g], grp.members[g], b.social_signal))
    grp.strength[g] = strength
    grp.prominence[g] = rules.visit_weight_from_terms(1.0, strength, b)


@numba.njit(inline="always")
def update_proof(g, grp, b):
    """The strength of group ``g``'s social proof (its recent posters' signal), which a visit's posting chance reads.

    Recent posters change weekly and members daily (between calls of the kernel), so once
    per call rather than per visit.
    """
    grp.proof[g] = rules.signal_strength(rules.social_activity(grp.recent_posters[g], grp.members[g], b.social_signal))


def _group_terms(grp, b):
    """Every group's prominence, signal strength and social proof (:func:`update_prominence`, :func:`update_proof`)."""
    for g in range(len(grp.activity)):
        update_prominence(g, grp, b)
        update_proof(g, grp, b)


@numba.njit(inline="always")
def read(t, agent, row, g, people, grp, mem, rec, b, iv, rng):
    """A visit: read the group's recent content, perhaps post, perhaps reply; commitment follows.

    The chances of posting and replying are those at the start of the visit; the net
    benefit of reading moves commitment after them (:func:`update_commitment`). The
    logarithms of the rules are read, taken per group (:func:`update_prominence`,
    :func:`update_proof`) and per professional (:func:`activity_log_odds`).
    """
    hunting = people.hunting[agent]
    relevance = rules.effective_relevance(grp.relevance[g], hunting, grp.job_posts[g])
    activity, commitment = grp.activity[g], mem.commitment[row]
    benefit = rules.reading_net_benefit_from_terms(relevance, grp.strength[g], activity, b)
    mem.visits[row] += 1
    mem.last_visit[row] = t
    rec.hour_visits[t] += 1
    p_post = rules.posting_probability_from_terms(
        relevance, grp.proof[g], commitment, people.content_role[agent],
        people.log_odds[agent], people.fear[agent], grp.visibility[g], activity, hunting, grp.job_posts[g],
        # initial is read only on a first visit, the one visit the rule uses it (no extra load per visit)
        mem.posts[row], mem.visits[row], mem.visits[row] == 1 and mem.initial[row], b,
    )
    p_reply = rules.reply_probability(commitment, grp.conversation[g], iv.moderation, b)
    if rng.random() < p_post:
        post(t, row, g, grp, mem, rec, b)
    if rng.random() < p_reply:
        reply(t, row, g, grp, mem, rec, b, rng)
    update_commitment(row, grp.identity[g], benefit, 0.0, 0.0, mem, b)


@numba.njit(inline="always")
def post(t, row, g, grp, mem, rec, b):
    """Membership ``row`` posts in group ``g``: counted this week and hour, opened for replies."""
    week = t // HOURS_PER_WEEK
    if mem.last_post[row] < week * HOURS_PER_WEEK:
        rec.week_posters[week, g] += 1  # a distinct poster this week
    first = mem.posts[row] == 0
    mem.posts[row] += 1
    mem.last_post[row] = t
    rec.week_posts[week, g] += 1
    rec.hour_posts[t] += 1
    open_post(t, g, row, first, grp, mem, b)


@numba.njit(inline="always")
def open_post(t, g, author, first, grp, mem, b):
    """A new post (``author`` a membership row, -2 a manager) raises activity and takes the oldest slot.

    If the post pushed off was open and unanswered, its author takes the no-reply penalty.
    """
    grp.activity[g] += 1.0
    update_prominence(g, grp, b)
    slot = grp.ring_pos[g] % grp.ring_author.shape[1]
    close_post(g, slot, grp, mem, b)
    grp.ring_author[g, slot] = author
    grp.ring_tick[g, slot] = t
    grp.ring_replied[g, slot] = False
    grp.ring_first[g, slot] = first
    grp.ring_pos[g] += 1


@numba.njit(inline="always")
def reply(t, row, g, grp, mem, rec, b, rng):
    """Membership ``row`` replies to a uniformly drawn open post of group ``g`` not its own, if any."""
    slots = grp.ring_author.shape[1]
    valid = 0
    for s in range(slots):
        author = grp.ring_author[g, s]
        valid += author != -1 and author != row and rules.open_for_replies(t, grp.ring_tick[g, s], b.reply_window_hours)
    if valid == 0:
        return
    k, s = rng.integers(0, valid), -1
    while k >= 0:  # s: the k-th valid slot
        s += 1
        author = grp.ring_author[g, s]
        k -= author != -1 and author != row and rules.open_for_replies(t, grp.ring_tick[g, s], b.reply_window_hours)
    if not grp.ring_replied[g, s] and grp.ring_first[g, s] and author >= 0:
        mem.first_post_replied[author] = 1
    grp.ring_replied[g, s] = True
    mem.replies[row] += 1
    rec.week_replies[t // HOURS_PER_WEEK, g] += 1
    rec.hour_replies[t] += 1
    if author >= 0:
        mem.replies_received[author] += 1
        update_commitment(author, grp.identity[g], 0.0, 1.0, 0.0, mem, b)


@numba.njit(inline="always")
def update_commitment(row, identity, net_benefit, replies_received, unanswered_posts, mem, b):
    """:func:`rules.commitment_change` applied to membership ``row``, kept within 0..max_commitment."""
    change = rules.commitment_change(net_benefit, replies_received, unanswered_posts, identity, b)
    mem.commitment[row] = rules.clip_commitment(mem.commitment[row] + change, b)


def _close_posts(t, grp, mem, b):
    """expire_posts: open posts older than ``reply_window_hours`` close; an unanswered one costs its author.

    Per post, as when a post is pushed off the list (:func:`open_post`): :func:`close_post`.
    """
    for g in range(grp.ring_author.shape[0]):
        for slot in range(grp.ring_author.shape[1]):
            if grp.ring_author[g, slot] != -1 and not rules.open_for_replies(
                    t, grp.ring_tick[g, slot], b.reply_window_hours):
                close_post(g, slot, grp, mem, b)
                grp.ring_author[g, slot] = -1


@numba.njit(inline="always")
def close_post(g, slot, grp, mem, b):
    """The open post in ``slot`` of group ``g`` closes: if a member's and unanswered, its author pays.

    A first post closed without a reply gets ``first_post_replied = 0``; the author takes
    the no-reply penalty (:func:`update_commitment`). An empty slot or a manager's post costs nobody.
    """
    author = grp.ring_author[g, slot]
    if author >= 0 and not grp.ring_replied[g, slot]:
        if grp.ring_first[g, slot]:
            mem.first_post_replied[author] = 0
        update_commitment(author, grp.identity[g], 0.0, 0.0, 1.0, mem, b)


@numba.njit(inline="always")
def seed_manager_posts(t, grp, mem, rec, b, iv, rng):
    """Intervention: ``Poisson(manager_posts_per_week / 168)`` manager posts per open group this hour.

    They count as activity and can be replied to, but are not members' posts. Only groups
    founded by now and not closed get them (:func:`rules.is_open`).
    """
    rate = rules.manager_posts_per_hour(iv.manager_posts_per_week)
    if rate <= 0:
        return
    week = t // HOURS_PER_WEEK
    for g in range(len(grp.activity)):
        if not rules.is_open(grp.founded_week[g], grp.closed_week[g], t):
            continue
        for _ in range(rng.poisson(rate)):
            rec.week_manager_posts[week, g] += 1
            open_post(t, g, -2, False, grp, mem, b)


@numba.njit(inline="always")
def digest_visits(t, profiles, idx, people, grp, mem, rec, b, iv, rng):
    """Intervention: the weekly digest brings members back to groups that had posts last week.

    A member who did not visit a group last week and can be online now (its availability
    profile at this hour) visits it with probability ``weekly_digest`` if the group had
    posts (members' or a manager's) last week.
    """
    hour, last_week = t % HOURS_PER_WEEK, t // HOURS_PER_WEEK - 1
    for agent in range(len(idx.ptr) - 1):
        if profiles[people.availability[agent], hour] <= 0:
            continue
        for e in range(idx.ptr[agent], idx.ptr[agent + 1]):
            row, g = idx.rows[e], idx.groups[e]
            had_posts = rec.week_posts[last_week, g] + rec.week_manager_posts[last_week, g] > 0
            if had_posts and mem.last_visit[row] < last_week * HOURS_PER_WEEK and rng.random() < iv.weekly_digest:
                read(t, agent, row, g, people, grp, mem, rec, b, iv, rng)


@numba.njit(inline="always")
def end_hour(activity, decay):
    """Perceived activity decays by ``decay`` (:func:`rules.decayed_activity` of one hour)."""
    for g in range(len(activity)):
        activity[g] *= decay


hours = compiled(_hours)
session_classes = compiled(_session_classes)
join_decisions = compiled(_join_decisions)
weekly_sessions = compiled(_weekly_sessions)
activity_log_odds = compiled(_activity_log_odds)
group_terms = compiled(_group_terms)
close_posts = compiled(_close_posts)
