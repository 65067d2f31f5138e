"""The compiled hours (sim/kernel.py): draws from the model's generator, one rule source, cache key."""

from __future__ import annotations

import numpy as np
import pytest

from sim import kernel, rules
from sim.model import GroupCultureModel
from tests.conftest import SMALL


def _day(seed: int) -> tuple[GroupCultureModel, dict]:
    model = GroupCultureModel(**{**SMALL, "seed": seed})
    before = model.rng.bit_generator.state
    kernel.simulate_hours(model.state, model.profiles, 0, 24, model.rng)
    return model, before


def test_the_kernel_draws_from_the_models_generator_and_a_seed_gives_one_day():
    a, before = _day(5)
    b, _ = _day(5)
    assert a.rng.bit_generator.state != before  # the kernel advanced the model's generator
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    assert a.state.records.hour_visits[:24].sum() > 0
    for name in ("commitment", "visits", "posts", "replies", "last_visit"):
        np.testing.assert_array_equal(a.state.memberships.view(name), b.state.memberships.view(name))
    np.testing.assert_array_equal(a.state.groups.activity, b.state.groups.activity)


def test_the_kernel_applies_the_rules_of_sim_rules():
    """A visit moves commitment by rules.commitment_change of rules.reading_net_benefit."""
    model = GroupCultureModel(**{**SMALL, "behaviour.post_base": -20.0, "behaviour.reply_base": 0.0})
    s, b = model.state, model.params.behaviour
    k = kernel.parts(s)
    agent = int(np.flatnonzero(np.diff(s.index.by_agent.ptr) > 0)[0])
    entry = int(s.index.by_agent.ptr[agent])
    row, group = int(s.index.rows[entry]), int(s.index.groups[entry])
    before, activity = s.memberships.commitment[row], s.groups.activity[group]
    relevance = rules.effective_relevance(s.groups.relevance[group], s.pop.hunting[agent], s.groups.job_posts[group])
    benefit = rules.reading_net_benefit(relevance, activity, activity, b)
    change = rules.commitment_change(benefit, 0.0, 0.0, s.groups.identity[group], b)
    kernel.read(7, agent, row, group, k.people, k.grp, k.mem, k.rec, k.b, k.iv, model.rng)
    assert s.memberships.commitment[row] == pytest.approx(rules.clip_commitment(before + change, b), rel=1e-12)
    assert s.memberships.visits[row] == 1 and s.memberships.last_visit[row] == 7 and s.records.hour_visits[7] == 1


def test_the_compiled_cache_key_covers_the_rules_source(monkeypatch):
    """Editing sim/rules.py must not reuse code compiled from the old rules."""
    cache, codegen = kernel.RulesAwareCache(kernel.hours.py_func), kernel.hours.targetctx.codegen()
    key = cache._index_key((), codegen)
    assert key[-1] == kernel.SOURCE_DIGEST
    monkeypatch.setattr(kernel, "SOURCE_DIGEST", "edited rules")
    assert cache._index_key((), codegen) != key


def test_a_session_is_drawn_by_its_rate_as_a_binary_search_over_the_running_rates_would():
    """go_online's guide table finds, for every draw, the agent np.searchsorted(cum, u x total) finds.

    Rates as unequal as a heavy tail (and a class of one), draws at the slices' edges too.
    """
    rng = np.random.default_rng(3)
    weekly = np.concatenate([rng.pareto(1.1, 500) + 1e-9, [2.0], rng.random(40) * 1e-6, rng.random(7)])
    order, class_ptr = np.arange(len(weekly)), np.array([0, 500, 501, 541, 541, len(weekly)])
    agents, cum, ptr, guide = kernel.session_classes(weekly, order, class_ptr)
    np.testing.assert_array_equal(ptr, class_ptr)
    for c in range(len(ptr) - 1):
        lo, hi = ptr[c], ptr[c + 1]
        if hi == lo:
            continue
        np.testing.assert_array_equal(cum[lo:hi], np.cumsum(weekly[lo:hi]))  # summed as numpy does
        n = hi - lo
        u = np.concatenate([rng.random(2000), np.arange(n) / n, [0.0, np.nextafter(1.0, 0.0)]])
        found = [kernel.find_session(cum[lo:hi], guide[lo:hi], x) for x in u]
        expected = np.minimum(np.searchsorted(cum[lo:hi], u * cum[hi - 1], side="right"), n - 1)
        np.testing.assert_array_equal(found, expected)


def test_the_guide_table_lands_where_the_search_of_each_slices_edge_lands():
    """Each guide entry is np.searchsorted(cum, j / n x total, side="right") for slice j, as the docstring says.

    Running sums with equal neighbours (a rate too small to change the sum) and a heavy tail.
    """
    rng = np.random.default_rng(11)
    weekly = np.concatenate([rng.pareto(1.1, 3000) + 1e-9, [1e6, 1e-12, 1e-12, 3.0], rng.random(500) * 1e-6])
    for class_ptr in (np.array([0, len(weekly)]), np.array([0, 1, 2, 1500, 3004, len(weekly)])):
        _, cum, ptr, guide = kernel.session_classes(weekly, np.arange(len(weekly)), class_ptr)
        for lo, hi in zip(ptr[:-1], ptr[1:], strict=True):
            n = hi - lo
            edges = np.arange(n) / n * cum[hi - 1]
            np.testing.assert_array_equal(guide[lo:hi], np.searchsorted(cum[lo:hi], edges, side="right"))


def test_professionals_without_sessions_are_never_drawn():
    weekly = np.array([0.0, 1.0, 0.0, 3.0, 0.0])
    agents, cum, ptr, _ = kernel.session_classes(weekly, np.array([4, 3, 2, 1, 0]), np.array([0, 2, 5]))
    np.testing.assert_array_equal(agents, [3, 1])
    np.testing.assert_array_equal(ptr, [0, 1, 2])
    np.testing.assert_array_equal(cum, [3.0, 1.0])


def test_expire_posts_closes_old_posts_and_only_unanswered_ones_cost_their_authors():
    from sim.submodels import expire_posts

    model = GroupCultureModel(**SMALL)
    s, b = model.state, model.params.behaviour
    g = s.groups
    rows = s.index.rows[:3].astype(np.int64)
    group = int(s.memberships.group[rows[0]])
    s.memberships.commitment[rows] = 1.0
    g.ring_author[group, :4] = [rows[0], rows[1], rows[2], -2]  # unanswered first post, answered, recent, manager
    g.ring_tick[group, :4] = [0, 0, 500, 0]
    g.ring_replied[group, :4] = [False, True, False, False]
    g.ring_first[group, :4] = [True, True, True, False]
    s.memberships.first_post_replied[rows] = -1
    expire_posts(s, 1 + b.reply_window_hours)
    loss = b.no_reply_penalty * (1.0 - g.identity[group])
    np.testing.assert_allclose(s.memberships.commitment[rows], [1.0 - loss, 1.0, 1.0])
    assert s.memberships.first_post_replied[rows[0]] == 0 and s.memberships.first_post_replied[rows[1]] == -1
    np.testing.assert_array_equal(g.ring_author[group, :4], [-1, -1, rows[2], -1])  # only the recent one stays open


def test_borrowed_arrays_are_the_same_data_and_prefetching_changes_no_value():
    """sim.lowlevel: the kernel's speed-ups are invisible in what it computes."""
    import numba

    from sim.lowlevel import prefetch, unowned

    @numba.njit
    def touch(pair, ahead):
        a, b = unowned(pair)
        total = 0.0
        for i in range(len(a)):
            if i + ahead < len(a):
                prefetch(a, i + ahead)
            a[i] += 1.0  # writes reach the caller's array
            total += a[i] * b
        return total

    values = np.arange(5.0)
    assert touch((values, 2.0), 2) == 2.0 * (1 + 2 + 3 + 4 + 5)
    np.testing.assert_array_equal(values, np.arange(1.0, 6.0))


def test_the_kernel_cache_key_covers_the_intrinsics_it_compiles_in():
    from sim import lowlevel

    assert lowlevel.__name__ in {m.__name__ for m in kernel.COMPILED_IN}
