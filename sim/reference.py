"""Reference implementation: the same rules, one Python call per agent (the executable spec).

:class:`ReferenceModel` applies the formulas of :mod:`sim.rules` the idiomatic-Mesa way:
every hour ``agents_by_type[RefProfessional].shuffle_do("step")`` lets each professional,
in random order, go online, choose a group, read, post, reply and update its commitment;
the groups then act through ``agents_by_type[RefGroup].do(...)``. The dynamic state lives
per agent in plain Python attributes (a :class:`Membership` record per membership, a
list of :class:`OpenPost` per group). It is slow by design and exists so that a test
(``tests/test_reference.py``) can show that the fast, vectorised engine
(:class:`sim.model.GroupCultureModel`, :mod:`sim.submodels`) does what the rules say.

What is shared with the fast engine: the parameters (:class:`sim.params.ModelParams`), the
formulas (:mod:`sim.rules`), the clock (:mod:`sim.clock`) and initialization
(:func:`sim.initialize.build_state`, which is not what the reference checks). Because
initialization draws first from the model's generator, a ``ReferenceModel`` and a
``GroupCultureModel`` with the same seed start from the same population, network, groups
and memberships; their dynamics then draw differently.

The schedule of one hour mirrors :meth:`sim.model.GroupCultureModel.simulate_hours`:

1. professionals (``shuffle_do("step")``): go_online, choose_group, read, post, reply,
   update_commitment;
2. groups: seed_manager_posts (intervention); on Monday at the start of work hours,
   professionals read the weekly digest (intervention); groups: end_hour (activity decay);
3. at the end of a day, groups: expire_posts (no-reply penalty), join;
4. at the end of a week: groups leave (members drop them), professionals update their
   job-hunting spells, groups classify themselves (and record the week).

All three interventions (moderation, manager posts, weekly digest) are covered.

Deliberate differences of detail from the fast engine (none changes a rule):

* Order within an hour. Both engines apply events one after another, but the reference
  lets professionals act in a random order, each with all its sessions of the hour, and
  walks the groups in turn for joins and manager posts; the fast engine takes the
  sessions in the order it draws them (availability class by class).
* Joins in a day are sequential: a candidate's connections in the group include those
  who joined earlier the same day (the fast engine counts members at the start of the day).
* Randomness: every draw comes from the model's numpy generator ``self.rng``, except the
  activation order of ``shuffle_do``, which Mesa takes from the model's own
  ``self.random`` (a ``random.Random`` Mesa seeds from the same seed; no global state).

Open posts mirror the fast engine's ring of ``behaviour.open_posts_remembered`` (16)
slots per group: a group remembers its last 16 posts; a new post pushes the oldest off, and if that one was
still open and unanswered its author takes the no-reply penalty, as on expiry.
"""

from __future__ import annotations

from typing import Optional

import mesa
import numpy as np
import pandas as pd

from sim import rules
from sim.clock import (
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    availability_class,
    availability_profiles,
    is_end_of_day,
    is_end_of_week,
)
from sim.driver import Driver
from sim.initialize import build_state
from sim.network import to_graph
from sim.params import ParamError
from sim.population import TRAITS, newcomer_traits
from sim.state import NO_TICK
from sim.tables import group_weeks_table


class Membership:
    """One membership of a professional in a group (a row of the fast engine's edge arrays)."""

    __slots__ = (
        "professional", "group", "joined", "left", "commitment", "posts", "replies", "visits",
        "last_visit", "last_post", "replies_received", "first_post_replied", "initial",
    )

    def __init__(self, professional: "RefProfessional", group: "RefGroup", tick: int, commitment: float):
        self.professional, self.group = professional, group
        self.joined, self.left = tick, -1
        self.commitment = float(commitment)
        self.posts = self.replies = self.visits = self.replies_received = 0
        self.last_visit, self.last_post = tick, NO_TICK
        self.first_post_replied = -1  # -1 unresolved, 1 the first post got a reply, 0 it did not
        self.initial = False  # held when the simulation started (set by the initial state)

    def change_commitment(self, net_benefit=0.0, replies_received=0, unanswered_posts=0) -> None:
        """update_commitment: :func:`rules.commitment_change`, kept within 0..max_commitment."""
        b = self.group.model.behaviour
        delta = rules.commitment_change(net_benefit, replies_received, unanswered_posts, self.group.identity, b)
        self.commitment = float(rules.clip_commitment(self.commitment + delta, b))

    def post_unanswered(self, post: "OpenPost") -> None:
        """One of this member's posts closed (expired or pushed off) without a reply."""
        if post.first:
            self.first_post_replied = 0
        self.change_commitment(unanswered_posts=1)


class OpenPost:
    """A post that can still get replies; ``author`` is None for a manager's post."""

    __slots__ = ("author", "tick", "first", "replied", "closed")

    def __init__(self, author: Optional[Membership], tick: int, first: bool):
        self.author, self.tick, self.first = author, tick, first
        self.replied = self.closed = False


class RefProfessional(mesa.Agent):
    """A professional with its traits and its memberships (group index -> :class:`Membership`)."""

    def __init__(self, model: "ReferenceModel", index: int):
        super().__init__(model)
        self.index = index
        pop = model.initial_state.pop
        self.take_traits({name: getattr(pop, name)[index] for name in TRAITS})
        self.employer = int(pop.employer[index])
        self.past_employers = pop.past_employers.row(index).tolist()
        self.university = int(pop.university[index])
        self.industry = int(pop.industry[index])
        self.capacity = int(model.initial_state.capacity[index])
        self.memberships: dict[int, Membership] = {}
        self.neighbours: list[RefProfessional] = []
        self.weekly_sessions = 0.0
        self.hourly_sessions = [0.0] * HOURS_PER_WEEK  # expected sessions per hour of the week

    def take_traits(self, traits: dict) -> None:
        """The behavioural traits (:data:`sim.population.TRAITS`) and the availability profile they imply."""
        for name, value in traits.items():
            setattr(self, name, value.item() if hasattr(value, "item") else value)
        # relative online rate per hour of the week of its availability class (sim.clock)
        self.profile = self.model.profiles[availability_class(self.blocked_at_work, self.office_hours_mindset)]

    def exit_platform(self, traits: dict) -> None:
        """renew: leave the platform (every membership ends, counted as an exit); a newcomer with ``traits`` comes."""
        for m in list(self.memberships.values()):
            m.left = self.model.tick
            del self.memberships[m.group.index]
            del m.group.members[self.index]
            m.group.week_exits += 1
        self.take_traits(traits)
        self.refresh_session_rate()

    # ------------------------------------------------------------------ go_online
    def refresh_session_rate(self) -> None:
        """Sessions per week (:func:`rules.session_rate_weight`.

        None without groups) and per hour of the week (x the availability profile). Recomputed whenever
        memberships or the job-hunting spell change.
        """
        p = self.model.params
        followed = rules.followed_groups(len(self.memberships), self.capacity)
        self.weekly_sessions = 0.0 if not self.memberships else float(rules.session_rate_weight(
            self.attention_budget, followed, np.bool_(self.job_hunting_only),
            np.bool_(self.hunting), p.behaviour.attention_split, p.clock.not_hunting_activity,
        ))
        self.hourly_sessions = (self.weekly_sessions * self.profile).tolist()

    def step(self) -> None:
        """go_online.

        Poisson(weekly sessions x availability at this hour) sessions, each a visit to one of its groups or time
        spent elsewhere.
        """
        rate = self.hourly_sessions[self.model.hour_of_week]
        if rate <= 0.0:
            return
        for _ in range(self.model.rng.poisson(rate)):
            membership = self.choose_group()
            if membership is not None:
                self.visit(membership)

    # --------------------------------------------------------------- choose_group
    def choose_group(self) -> Optional[Membership]:
        """A membership with weight :func:`rules.visit_weight`, or None (the outside option)."""
        b = self.model.behaviour
        options = list(self.memberships.values())
        weights = [float(rules.visit_weight(m.commitment, m.group.social(m.group.activity), b)) for m in options]
        if b.attention_capacity > 0:  # only the most attractive `capacity` groups are visited at all
            by_weight = sorted(range(len(options)), key=lambda i: -weights[i])
            rank = {i: r for r, i in enumerate(by_weight)}
            weights = [w if rules.in_attention(rank[i], self.capacity) else 0.0 for i, w in enumerate(weights)]
        total = sum(weights)
        u = self.model.rng.random() * (total + b.outside_option)
        if u >= total:
            return None
        for membership, w in zip(options, weights, strict=False):
            u -= w
            if u < 0.0:
                return membership
        return options[-1]  # rounding

    # ------------------------------------------- read, post, reply, update_commitment
    def visit(self, m: Membership) -> None:
        """Read the group, perhaps post, perhaps reply; commitment follows the net benefit."""
        model, g, b = self.model, m.group, self.model.behaviour
        rng = model.rng
        relevance = rules.effective_relevance(g.relevance, self.hunting, g.job_posts)
        benefit = rules.reading_net_benefit(relevance, g.social(g.activity), g.activity, b)
        m.visits += 1
        m.last_visit = model.tick
        p_post = rules.posting_probability(
            relevance, g.social(g.recent_posters), m.commitment, self.content_role, self.activity,
            self.job_search_fear, g.visibility, g.activity, self.hunting, g.job_posts, m.posts, m.visits, m.initial, b,
        )
        p_reply = rules.reply_probability(m.commitment, g.conversation, model.interventions.moderation, b)
        if rng.random() < p_post:
            g.receive_post(m)
        if rng.random() < p_reply:
            g.receive_reply(m)
        m.change_commitment(net_benefit=benefit)

    # ------------------------------------------------------------- join and leave
    def join(self, group: "RefGroup") -> None:
        """Become a member of ``group`` with the initial commitment."""
        b = self.model.behaviour
        m = Membership(self, group, self.model.tick, min(b.initial_commitment, b.max_commitment))
        self.memberships[group.index] = m
        group.members[self.index] = m
        group.week_joins += 1
        self.refresh_session_rate()

    def leave(self, m: Membership) -> None:
        """Drop membership ``m``."""
        m.left = self.model.tick
        del self.memberships[m.group.index]
        del m.group.members[self.index]
        m.group.week_leaves += 1
        self.refresh_session_rate()

    # ------------------------------------------------------------------ weekly
    def read_digest(self) -> None:
        """Intervention: the weekly digest brings this professional back to groups it has not visited.

        The weekly digest (Monday, start of work hours) brings this professional, if it can be online at this
        hour, with probability ``weekly_digest`` to each of its groups that had posts (members' or a manager's)
        last week but that it has not visited since last week began.
        """
        model = self.model
        if self.profile[model.hour_of_week] <= 0:
            return
        last_week_start = model.tick - model.hour_of_week - HOURS_PER_WEEK
        for m in list(self.memberships.values()):
            h = m.group.history
            had_posts = h["posts"][-1] + h["manager_posts"][-1] > 0
            if (
                had_posts
                and m.last_visit < last_week_start
                and model.rng.random() < model.interventions.weekly_digest
            ):
                self.visit(m)

    def update_job_hunting(self) -> None:
        """A spell starts with ``job_hunt_start_rate`` and ends with ``1 / job_hunt_mean_weeks``."""
        p = self.model.params.population
        u = self.model.rng.random()
        self.hunting = bool(rules.next_hunting(self.hunting, u, p.job_hunt_start_rate, p.job_hunt_mean_weeks))
        self.refresh_session_rate()


class RefGroup(mesa.Agent):
    """A group.

    Its charter data, members (agent index -> :class:`Membership`), recent activity, open posts, and this week's
    counters (appended to ``history`` weekly).
    """

    COUNTERS = ("posts", "replies", "manager_posts", "joins", "leaves", "exits", "closures")

    def __init__(self, model: "ReferenceModel", index: int):
        super().__init__(model)
        self.index = index
        groups, pop_size = model.initial_state.groups, model.initial_state.pop.size
        self.charter = groups.charter_names[groups.charter[index]]
        self.anchor_value = int(groups.anchor_value[index])
        self.defunct = bool(groups.defunct[index])
        self.initial_size = int(groups.initial_size[index])
        self.founded_week = int(groups.founded_week[index])  # >= 0: founded during the run
        self.closed_week = -1  # the week it closed (close_groups); -1 while open
        lo, hi = groups.founders.ptr[index], groups.founders.ptr[index + 1]  # founding members, if founded later
        self.founders = list(zip(groups.founders.values[lo:hi].tolist(), groups.founder_commitment[lo:hi].tolist(),
                                 strict=True))
        self.relevance = float(groups.relevance[index])
        self.visibility = float(groups.visibility[index])
        self.job_posts = float(groups.job_posts[index])
        self.identity = float(groups.identity[index])
        self.conversation = float(groups.conversation[index])  # discussion + collaboration share
        self.inflow = float(groups.inflow[index])
        self.open_to_all = bool(groups.open_to_all[index])
        self.pool = list(range(pop_size)) if self.open_to_all else groups.pool.row(index).tolist()
        self.activity = float(groups.activity[index])
        self.recent_posters = float(groups.recent_posters[index])
        self.members: dict[int, Membership] = {}
        self.open_posts: list[OpenPost] = []  # the last open_posts_remembered posts, oldest first
        self.week_posters: set[Membership] = set()
        for name in self.COUNTERS:
            setattr(self, f"week_{name}", 0)
        self.history: dict[str, list] = {name: [] for name in (*self.COUNTERS, "posters", "members", "state")}
        self.poster_sets: list[set[Membership]] = []

    def social(self, x: float) -> float:
        """:func:`rules.social_activity` of ``x`` (this group's activity or recent posters) at its current members."""
        b = self.model.behaviour
        return rules.social_activity(x, len(self.members), rules.per_member_signal(b.social_signal))

    # ------------------------------------------------------------ posts and replies
    def receive_post(self, m: Membership) -> None:
        """post: a member's post counts this week and opens for replies."""
        first = m.posts == 0
        m.posts += 1
        m.last_post = self.model.tick
        self.week_posts += 1
        self.week_posters.add(m)
        self.open_post(OpenPost(m, self.model.tick, first))

    def open_post(self, post: OpenPost) -> None:
        """A new post raises activity and pushes the oldest remembered post off.

        Activity is a decayed count of members' and managers' posts; a group remembers
        ``open_posts_remembered`` posts. If the one pushed off was open and unanswered, its
        author takes the no-reply penalty.
        """
        self.activity += 1.0
        if len(self.open_posts) == self.model.behaviour.open_posts_remembered:
            old = self.open_posts.pop(0)
            if not old.closed and not old.replied and old.author is not None:
                old.author.post_unanswered(old)
        self.open_posts.append(post)

    def receive_reply(self, m: Membership) -> None:
        """Reply to an open post of the group; its author gains commitment.

        To a uniformly random post of the group that is open, within the reply window and not the replier's own;
        the author gains commitment.
        """
        t, window = self.model.tick, self.model.behaviour.reply_window_hours
        valid = [
            p for p in self.open_posts
            if not p.closed and rules.open_for_replies(t, p.tick, window) and p.author is not m
        ]
        if not valid:
            return
        post = valid[int(self.model.rng.integers(len(valid)))]
        if not post.replied and post.first and post.author is not None:
            post.author.first_post_replied = 1
        post.replied = True
        m.replies += 1
        self.week_replies += 1
        if post.author is not None:
            post.author.replies_received += 1
            post.author.change_commitment(replies_received=1)

    # ----------------------------------------------------------------- hourly
    def seed_manager_posts(self) -> None:
        """Intervention: Poisson(``manager_posts_per_week`` / 168) manager posts this hour, if the group is open."""
        rate = rules.manager_posts_per_hour(self.model.interventions.manager_posts_per_week)
        if rate <= 0 or not rules.is_open(self.founded_week, self.closed_week, self.model.tick):
            return
        for _ in range(self.model.rng.poisson(rate)):
            self.week_manager_posts += 1
            self.open_post(OpenPost(None, self.model.tick, False))

    def end_hour(self) -> None:
        """Perceived activity decays with half-life ``activity_halflife_hours``."""
        self.activity = rules.decayed_activity(self.activity, self.model.behaviour.activity_halflife_hours)

    # ------------------------------------------------------------------ daily
    def end_of_day(self) -> None:
        """Daily events: expire_posts, then found_groups and join (once founded)."""
        self.expire_posts()
        start = self.founded_week * HOURS_PER_WEEK
        if self.founded_week >= 0 and start <= self.model.tick < start + HOURS_PER_DAY:
            self.found()
        if rules.is_open(self.founded_week, self.closed_week, self.model.tick):
            self.join()

    def found(self) -> None:
        """found_groups: the founding members drawn at initialization become members."""
        for agent, commitment in self.founders:
            professional = self.model.professionals[agent]
            m = Membership(professional, self, self.model.tick, commitment)
            professional.memberships[self.index] = m
            self.members[agent] = m
            professional.refresh_session_rate()

    def expire_posts(self) -> None:
        """Posts older than ``reply_window_hours`` close; unanswered ones cost their author."""
        t, window = self.model.tick, self.model.behaviour.reply_window_hours
        for post in self.open_posts:
            if not post.closed and not rules.open_for_replies(t, post.tick, window):
                post.closed = True
                if not post.replied and post.author is not None:
                    post.author.post_unanswered(post)

    def join(self) -> None:
        """Each eligible professional comes across the group at rate ``inflow`` per week.

        Poisson(inflow x pool / 7) candidates drawn from the eligible pool; a candidate not yet a member joins
        with :func:`rules.join_probability` of its connections already in the group and the group's activity.
        """
        model, b = self.model, self.model.behaviour
        rng = model.rng
        for _ in range(rng.poisson(rules.daily_join_candidates(self.inflow, len(self.pool)))):
            candidate = model.professionals[self.pool[int(rng.integers(len(self.pool)))]]
            if self.index in candidate.memberships:
                continue
            connections = sum(self.index in friend.memberships for friend in candidate.neighbours)
            if rng.random() < rules.join_probability(connections, self.activity, b):
                candidate.join(self)

    # ------------------------------------------------------------------ weekly
    def leave(self) -> None:
        """Each member drops the group with :func:`rules.leave_probability`.

        Those who joined in this same hour (the last of the week) cannot leave yet (docs/ODD.md).
        """
        model, b = self.model, self.model.behaviour
        idle_after = b.tidy_idle_weeks * HOURS_PER_WEEK
        cut = rules.membership_cut(model.tick, model.params.duration.spinup_weeks, model.params.interventions)
        for m in list(self.members.values()):
            if m.joined == model.tick:
                continue
            idle = model.tick - m.last_visit >= idle_after
            p = rules.leave_probability(m.professional.profile_tidiness, idle, m.posts == 0, b, cut)
            if model.rng.random() < p:
                m.professional.leave(m)

    def classify(self) -> None:
        """classify_groups.

        :func:`rules.classify` from this and past weeks' posts and posters; then record the week and start a new
        one.
        """
        c, h = self.model.params.classification, self.history
        for name in self.COUNTERS:
            h[name].append(getattr(self, f"week_{name}"))
            setattr(self, f"week_{name}", 0)
        self.poster_sets.append(self.week_posters)
        h["posters"].append(len(self.week_posters))
        h["members"].append(len(self.members))
        posters_window = len(set().union(*self.poster_sets[-c.window_weeks:]))
        state = rules.classify(
            sum(h["posts"][-c.window_weeks:]), posters_window, sum(h["posts"][-c.dormant_window_weeks:]),
            weeks_seen := len(h["posts"]) - max(self.founded_week, 0), c,
        )
        state = int(state) if weeks_seen > 0 else rules.NOT_FOUNDED
        h["state"].append(rules.CLOSED if self.closed_week >= 0 else state)
        self.recent_posters = float(len(self.week_posters))
        self.week_posters = set()

    def close(self) -> None:
        """close_groups: the group closes after this week's classification; every membership ends."""
        self.closed_week = len(self.history["state"]) - 1
        self.history["closures"][-1] += len(self.members)
        for m in list(self.members.values()):
            m.left = self.model.tick
            del m.professional.memberships[self.index]
            del self.members[m.professional.index]
            m.professional.refresh_session_rate()


class ReferenceModel(Driver):
    """The per-agent reference implementation of the model's rules (see module docstring).

    Args and driving (``step``, ``run``, ``running``, ``weeks_done``) come from
    :class:`sim.driver.Driver`, as for :class:`sim.model.GroupCultureModel`.
    """

    def setup(self) -> None:
        """The shared initialization, then one Mesa agent per professional and group."""
        self.behaviour = self.params.behaviour
        if self.params.interventions.lift_blocking > 0:  # lift_blocking is not mirrored here (yet)
            raise ParamError("the reference engine needs interventions.lift_blocking = 0: allowed 0")
        self.initial_state = state = build_state(self.params, self.rng)  # as in the fast engine
        self.profiles = availability_profiles(self.params.clock)
        n, n_groups = state.pop.size, state.groups.count
        self.network = to_graph(n, state.edges)
        self.professionals = list(RefProfessional.create_agents(self, n, list(range(n))))
        for professional in self.professionals:
            professional.neighbours = [self.professionals[j] for j in self.network[professional.index]]
        self.groups = list(RefGroup.create_agents(self, n_groups, list(range(n_groups))))
        m = state.memberships
        for row in range(m.n):
            professional, group = self.professionals[m.agent[row]], self.groups[m.group[row]]
            membership = Membership(professional, group, int(m.joined[row]), m.commitment[row])
            membership.last_visit = int(m.last_visit[row])  # spread over the past idle window
            membership.initial = bool(m.initial[row])
            professional.memberships[group.index] = membership
            group.members[professional.index] = membership
        for professional in self.professionals:
            professional.refresh_session_rate()
        self.hour_of_week = 0

    # --------------------------------------------------------------- the schedule
    def simulate_hour(self, t: int) -> None:
        """One hour, in the order of :meth:`sim.model.GroupCultureModel.simulate_hours`."""
        self.hour_of_week = t % HOURS_PER_WEEK
        professionals = self.agents_by_type[RefProfessional]
        groups = self.agents_by_type[RefGroup]
        professionals.shuffle_do("step")
        groups.do("seed_manager_posts")
        if rules.is_digest_hour(self.interventions.weekly_digest, self.params.clock.work_start, t):
            professionals.shuffle_do("read_digest")
        groups.do("end_hour")
        if is_end_of_day(t):
            groups.do("end_of_day")
        if is_end_of_week(t):
            groups.do("leave")
            self.renew()
            professionals.do("update_job_hunting")
            groups.do("classify")
            self.close_groups()

    def renew(self) -> None:
        """renew: professionals leave the platform, newcomers take their places (as :func:`sim.submodels.renew`)."""
        s, p = self.initial_state, self.params.population
        u = s.renewal.random(len(self.professionals))
        leaving = [pr for pr in self.professionals if u[pr.index] < rules.weekly_chance(p.platform_exit_rate)]
        if not leaving:
            return
        traits = newcomer_traits(p, len(leaving), s.renewal, self.interventions.lift_blocking)
        for i, professional in enumerate(leaving):
            professional.exit_platform({name: values[i] for name, values in traits.items()})

    def close_groups(self) -> None:
        """close_groups: each group dormant this week closes with :func:`rules.closure_chance` (as the fast engine)."""
        u = self.initial_state.closure.random(len(self.groups))
        for group in self.groups:
            p = rules.closure_chance(len(group.members), self.params.groups)
            if group.history["state"][-1] == rules.DORMANT and u[group.index] < p:
                group.close()

    # ------------------------------------------------------------------- outputs
    def weekly_record(self, name: str) -> np.ndarray:
        """One weekly record per group, shape (reported weeks done, groups).

        Posts (members'), replies, manager_posts, joins, leaves, posters (distinct), members (at week end) or
        state (codes of :mod:`sim.rules`).
        """
        spinup = self.params.duration.spinup_weeks
        history = np.array([g.history[name] for g in self.groups], dtype=np.int64).reshape(len(self.groups), -1)
        return history[:, spinup:].T

    def group_weekly_posts(self) -> np.ndarray:
        """Members' posts per week and group, shape (weeks done, groups)."""
        return self.weekly_record("posts")

    def weekly_posts(self) -> np.ndarray:
        """Members' posts per week over all groups, shape (weeks done,)."""
        return self.group_weekly_posts().sum(axis=1)

    def final_states(self) -> np.ndarray:
        """State code per group at the last completed reported week.

        Codes :data:`rules.DORMANT` = 0, ``ACTIVE`` = 1, ``THRIVING`` = 2; ACTIVE before the
        first week ends.
        """
        states = self.weekly_record("state")
        if not len(states):
            return np.full(len(self.groups), rules.ACTIVE, dtype=np.int64)
        closed = np.array([g.closed_week >= 0 for g in self.groups])  # also at the last week's end, as the tables
        return np.where(closed, rules.CLOSED, states[-1])

    def share_dormant(self) -> float:
        """Share of groups dormant at the last completed reported week, of those with a state (founded, open)."""
        states = self.final_states()
        return float(np.mean(states[states >= 0] == rules.DORMANT))

    def group_weeks(self) -> pd.DataFrame:
        """One row per group and reported week, by the fast engine's builder.

        The builder is :func:`sim.tables.group_weeks_table`, so the columns are the same.
        """
        return group_weeks_table(self.weekly_record)
