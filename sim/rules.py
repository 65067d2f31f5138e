"""The model's rules as pure formulas, shared by the fast engine and the reference.

Every function here works on plain scalars and on numpy arrays alike, written in plain
arithmetic and numpy ufuncs so that numba compiles the hourly ones unchanged (those marked
``register_jitable`` stay plain Python functions and compile where a kernel calls them): the fast
engine's compiled hours (:mod:`sim.kernel`) call them per event, its daily and weekly
submodels (:mod:`sim.submodels`) call them on arrays, and the per-agent Mesa reference
(:mod:`sim.reference`) calls them per agent. One rule, one definition; only the
iteration differs. Parameters arrive as objects with the fields of
:class:`sim.params.BehaviourParams` (the dataclass, or its compiled copy
:data:`sim.kernel.Behaviour`). Each function is named after the ODD submodel
(docs/ODD.md, section 7) whose rule it states.

The visit's rules take logarithms of a group's social signal (:func:`signal_strength`) and
of the person's activity potential (:func:`activity_log_odds`). Those change per group and
hour, or per person and spell of renewal, not per visit, so each such rule has a
``_from_terms`` form that takes the logarithms already taken: the plain form takes them and
calls it (one formula), and the fast engine takes them once per group or person instead of
once per visit, the same values bit for bit (docs/SCALING.md, seventh round).
"""

from __future__ import annotations

import numpy as np
from numba.extending import register_jitable

from sim.clock import DAYS_PER_WEEK, HOURS_PER_WEEK
from sim.params import BehaviourParams, ClassificationParams, GroupsParams, InterventionParams

THRIVING, ACTIVE, DORMANT = 2, 1, 0
NOT_FOUNDED = -1  # weekly state of a group before its founding week (also the records' fill value)
CLOSED = -2  # weekly state of a group after the week it closed (close_groups); like NOT_FOUNDED, no state
STATE_NAMES = {THRIVING: "thriving", ACTIVE: "active", DORMANT: "dormant"}


@register_jitable
def sigmoid(x):
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


@register_jitable
def decayed_activity(activity, halflife_hours):
    """end_hour: perceived recent activity after one hour (half-life ``halflife_hours``)."""
    return activity * 0.5 ** (1.0 / halflife_hours)


def next_hunting(hunting, u, start_rate, mean_weeks):
    """update_job_hunting.

    A spell starts with ``start_rate`` a week and ends with ``1 / mean_weeks``; ``u`` is one uniform draw per
    professional.
    """
    start = np.logical_and(np.logical_not(hunting), u < start_rate)
    end = np.logical_and(hunting, u < 1.0 / mean_weeks)
    return np.logical_and(np.logical_or(hunting, start), np.logical_not(end))


def daily_join_candidates(inflow, pool_size):
    """Join: expected candidates a group gets in one day.

    Expected candidates a group gets in one day: each eligible professional comes across it at rate ``inflow`` per
    week.
    """
    return inflow * pool_size / DAYS_PER_WEEK


@register_jitable
def is_open(founded_week, closed_week, tick):
    """A group exists at ``tick``: its founding week has begun and it has not closed (``closed_week`` < 0).

    join draws candidates, and seed_manager_posts posts, only in open groups.
    """
    return (founded_week * HOURS_PER_WEEK <= tick) & (closed_week < 0)


@register_jitable
def manager_posts_per_hour(posts_per_week):
    """seed_manager_posts: expected manager posts per group and hour."""
    return posts_per_week / HOURS_PER_WEEK


@register_jitable
def open_for_replies(tick, post_tick, window_hours):
    """Reply / expire_posts: a post can get replies until ``window_hours`` after it."""
    return tick - post_tick <= window_hours


@register_jitable
def is_digest_hour(weekly_digest, work_start, tick) -> bool:
    """The weekly digest goes out on Monday at the start of work hours, from week 1."""
    return weekly_digest > 0 and tick % HOURS_PER_WEEK == work_start and tick > work_start


@register_jitable
def session_rate_weight(budget, n_groups, hunting_only, hunting, attention_split, not_hunting_activity):
    """Sessions per week of a professional (before the hour-of-week availability profile).

    ``budget`` is the person's attention budget: the mean budget times its activity
    potential (:func:`sim.population.activity_potential`).

    The attention budget is split across one's groups when ``attention_split`` is 1: the
    total does not grow with more groups, so each group gets less. With 0, each group
    gets the whole budget. The "only for job hunting" mindset keeps a professional away
    outside job-hunting spells.
    """
    if attention_split == 1.0:  # k ** 0 is 1: the same weight without a pow per professional
        weight = budget
    else:
        weight = budget * max(n_groups, 1) ** (1.0 - attention_split)
    return weight * not_hunting_activity if hunting_only and not hunting else weight


@register_jitable
def followed_groups(n_groups, capacity):
    """go_online: how many of one's groups get attention: at most ``capacity`` (0: all of them)."""
    return min(n_groups, capacity) if capacity > 0 else n_groups


@register_jitable
def in_attention(rank, capacity):
    """choose_group: a membership is visited at all only if among one's ``capacity`` most attractive.

    ``rank`` is 0 for the membership with the highest :func:`visit_weight` among one's groups
    (commitment and feed rank). Beyond a person's capacity, groups drop out of attention (a
    threshold, not a 1/k dilution); ``capacity`` 0 means no limit.
    """
    return (capacity <= 0) | (rank < capacity)


SIGNAL_PER_MEMBERS = 1000.0
"""per_member social signal: recent activity per this many current members (comparable magnitudes at ~1,000)."""


def per_member_signal(social_signal) -> bool:
    """``behaviour.social_signal`` as the flag :func:`social_activity` takes (numba gets a bool, not a string)."""
    return social_signal == "per_member"


@register_jitable
def social_activity(activity, members, per_member):
    """The activity a group's social signal responds to (``behaviour.social_signal``).

    ``absolute`` (``per_member`` false): the recent activity (or recent posters) itself,
    unchanged: what a visitor sees and what a feed ranks by. ``per_member``: the same per
    :data:`SIGNAL_PER_MEMBERS` current members (Butler 2001: a larger group needs more
    activity to look as lively). Applied to the inputs of social proof, reading benefit
    and feed prominence; overload stays absolute (the volume a reader has to take in).
    """
    if per_member:
        return activity * (SIGNAL_PER_MEMBERS / np.maximum(members, 1.0))
    return activity


@register_jitable
def signal_strength(signal):
    """How strongly a social signal (:func:`social_activity`) acts: with diminishing returns, ``log1p``.

    The term of feed prominence (:func:`visit_weight`), reading benefit
    (:func:`reading_net_benefit`) and social proof (:func:`posting_probability`).
    """
    return np.log1p(signal)


@register_jitable
def visit_weight(commitment, recent_activity, b: BehaviourParams):
    """choose_group: attraction of one membership; active groups are more prominent in the feed.

    ``recent_activity`` is the group's social signal (:func:`social_activity`).
    """
    return visit_weight_from_terms(commitment, signal_strength(recent_activity), b)


@register_jitable
def visit_weight_from_terms(commitment, strength, b: BehaviourParams):
    """:func:`visit_weight` with the signal's :func:`signal_strength` ``strength`` given."""
    return commitment * (1.0 + b.feed_prominence * strength)


@register_jitable
def effective_relevance(relevance, hunting, job_posts):
    """Relevance of a group's content to a member: job posts matter while job hunting."""
    return relevance + hunting * job_posts


@register_jitable
def overload(recent_activity, b: BehaviourParams):
    """Recent activity beyond what a member can take in (Jones, Ravid & Rafaeli 2004)."""
    return np.maximum(recent_activity - b.overload_threshold, 0.0)


@register_jitable
def reading_net_benefit(relevance, signal, recent_activity, b: BehaviourParams):
    """read: benefit of reading minus overload and the fixed cost of a visit (Butler 2001).

    The benefit grows with the social signal ``signal`` (:func:`social_activity` of the
    recent activity); overload with the recent activity itself.
    """
    return reading_net_benefit_from_terms(relevance, signal_strength(signal), recent_activity, b)


@register_jitable
def reading_net_benefit_from_terms(relevance, strength, recent_activity, b: BehaviourParams):
    """:func:`reading_net_benefit` with the signal's :func:`signal_strength` ``strength`` given."""
    return (
        b.reading_benefit * relevance * strength
        - b.overload_cost * overload(recent_activity, b)
        - b.visit_cost
    )


@register_jitable
def posting_probability(
    relevance, recent_posters, commitment, content_role, activity, fear, visibility,
    recent_activity, hunting, job_posts, own_posts, own_visits, initial, b: BehaviourParams,
):
    """post: cost-benefit of posting on a visit (Ren & Kraut 2014), as a logit.

    ``recent_posters`` is the social-proof signal (:func:`social_activity` of the recent
    distinct posters); overload uses ``recent_activity`` itself. ``activity`` is the
    person's activity potential relative to its mean (Perra et al. 2012): it multiplies
    the odds of posting, as it multiplies the rate of visits (:func:`session_rate_weight`).
    ``own_posts`` is what the member has posted in the group so far (every post since
    joining, never forgotten): ``post_momentum`` times its log1p, below 0 (the default, -1)
    fatigue, each post dividing the odds of the next by one plus the posts so far; above 0
    momentum, each post making the next more likely (Wilkinson 2008). ``own_visits`` counts
    the member's visits to the group, this one included: on the first (``own_visits == 1``)
    of a membership that began in the simulation (not ``initial``: those joined before it
    started, so their introduction is behind them) ``post_newcomer`` is added, a newcomer's
    introduction (Burke, Kraut & Joyce 2010; off by default).
    """
    return posting_probability_from_terms(
        relevance, signal_strength(recent_posters), commitment, content_role, activity_log_odds(activity), fear,
        visibility, recent_activity, hunting, job_posts, own_posts, own_visits, initial, b,
    )


@register_jitable
def activity_log_odds(activity):
    """post: the person's activity potential multiplies the odds of posting: its log, a term of the logit."""
    return np.log(activity)


@register_jitable
def posting_probability_from_terms(
    relevance, proof_strength, commitment, content_role, log_odds, fear, visibility,
    recent_activity, hunting, job_posts, own_posts, own_visits, initial, b: BehaviourParams,
):
    """:func:`posting_probability` with its logarithms given.

    ``proof_strength`` is the :func:`signal_strength` of the recent posters' signal,
    ``log_odds`` the person's :func:`activity_log_odds`.
    """
    logit = (
        b.post_base
        + b.post_relevance * relevance
        + b.post_social_proof * proof_strength
        + b.post_commitment * commitment
        + b.content_role_boost * content_role
        + log_odds
        - b.post_fear * fear * visibility
        - b.post_overload * overload(recent_activity, b)
        + b.post_job_hunting * hunting * job_posts
        + b.post_momentum * np.log1p(own_posts)
        + b.post_newcomer * ((own_visits == 1) and not initial)
    )
    return sigmoid(logit)


@register_jitable
def reply_probability(commitment, conversation, moderation, b: BehaviourParams):
    """reply: chance a visitor answers an open post.

    Discussions and collaboration requests invite answers, news and job posts rarely do (``conversation`` is their
    share of the charter's content mix); personalised moderation raises the chance.
    """
    p = b.reply_base * conversation * (1.0 + moderation) * np.minimum(commitment, 1.0)
    return np.minimum(1.0, p)


@register_jitable
def commitment_change(net_benefit, replies_received, unanswered_posts, identity, b: BehaviourParams):
    """update_commitment.

    Visits move commitment by their net benefit; replies received raise it and posts left without a reply lower it
    (Joyce & Kraut 2006). Identity attachment (alumni-style groups) shields members from part of every loss.
    """
    gain = b.commitment_rate * net_benefit
    loss_shield = 1.0 - identity
    delta = gain - gain * identity * (gain < 0)  # a loss (gain < 0) is shielded: gain x loss_shield
    return delta + b.reply_boost * replies_received - b.no_reply_penalty * unanswered_posts * loss_shield


@register_jitable
def clip_commitment(c, b: BehaviourParams):
    """Commitment stays within 0..``max_commitment``."""
    return np.minimum(np.maximum(c, 0.0), b.max_commitment)


@register_jitable
def join_probability(n_connections, recent_activity, b: BehaviourParams):
    """Join: chance that a discovered eligible professional joins.

    Chance a discovered eligible professional joins; it grows with the number of connections already in the group
    (Backstrom et al. 2006) and with the group's visible activity (recommendations).
    """
    p = b.join_base * (1.0 + b.join_connections * np.log1p(n_connections))
    return np.minimum(1.0, p * (1.0 + b.join_prominence * np.log1p(recent_activity)))


def leave_probability(tidy, idle, never_posted, b: BehaviourParams, cut=0.0):
    """leave: weekly chance to drop a group.

    Most members keep the badge; tidy ones drop groups they never use. ``cut`` is the share
    of memberships an experiment cuts this week (:func:`membership_cut`), on top.
    """
    p = b.leave_base + (1.0 - b.leave_base) * b.tidy_leave * (tidy & idle & never_posted)
    return p + (1.0 - p) * cut


def weekly_chance(yearly_rate):
    """Weekly chance of an event with a constant hazard of ``yearly_rate`` per year.

    renew: a professional leaves the platform (``population.platform_exit_rate``);
    close_groups: a dormant group closes (``groups.closure_rate``).
    """
    return -np.expm1(-yearly_rate / 52.0)


def closure_chance(members, g: GroupsParams):
    """close_groups: weekly chance a dormant group of ``members`` closes (``g``: GroupsParams).

    The yearly hazard is ``closure_rate`` for a group of at most ``closure_size`` members
    and falls in proportion to size above it (a liability of smallness: Freeman, Carroll
    & Hannan 1983), so large dormant groups persist as lists of names.
    """
    return weekly_chance(g.closure_rate * np.minimum(1.0, g.closure_size / np.maximum(members, 1)))


def membership_cut(tick, spinup_weeks, i: InterventionParams) -> float:
    """leave: share of memberships cut at the end of the hour ``tick`` (experiment: fewer groups per person).

    Non-zero only in the last hour of reported week ``membership_cut_week`` (1 = the first).
    """
    week_done = (tick + 1) // HOURS_PER_WEEK - spinup_weeks
    last_hour = (tick + 1) % HOURS_PER_WEEK == 0
    this_week = i.membership_cut_week > 0 and last_hour and week_done == i.membership_cut_week
    return i.membership_cut_share if this_week else 0.0


def classify(posts_window, posters_window, posts_dormant_window, weeks_seen, c: ClassificationParams):
    """classify_groups: thriving / active / dormant from trailing activity.

    Thriving: at least ``thriving_posts_per_week`` posts per week and
    ``thriving_min_posters`` distinct posters over the last ``window_weeks``.
    Dormant: at most ``dormant_max_posts`` posts over the last ``dormant_window_weeks``
    (only once that many weeks have been simulated). Otherwise active. ``weeks_seen`` is
    the number of weeks simulated so far: the thriving window is shorter at the start.
    """
    window = np.minimum(c.window_weeks, weeks_seen)
    thriving = (posts_window >= c.thriving_posts_per_week * window) & (
        posters_window >= c.thriving_min_posters
    )
    dormant = (weeks_seen >= c.dormant_window_weeks) & (posts_dormant_window <= c.dormant_max_posts)
    return np.where(thriving, THRIVING, np.where(dormant, DORMANT, ACTIVE))
