"""Memory: tables made in parts and streamed to Parquet, compact dtypes, and the
helpers that keep a million professionals in 2 GiB give the same values as before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from experiments import results
from sim import GroupCultureModel, network, summary
from sim.csr import sorted_unique
from sim.initialize import STREAMS
from sim.null import distinct_posters
from sim.population import sample_population
from sim.tables import tables as build_tables
from tests.conftest import SMALL


def test_tables_in_chunks_equal_the_whole_tables(small_run):
    whole = small_run.tables()
    for name, table in small_run.lazy_tables().items():
        parts = list(table.chunks(1000))
        assert len(parts) == max(1, -(-len(whole[name]) // 1000)), name
        joined = pd.concat(parts, ignore_index=True)
        pd.testing.assert_frame_equal(joined, whole[name], check_like=False, obj=name)


def test_chunks_after_a_spinup_count_the_reported_weeks_like_the_whole_table():
    model = GroupCultureModel(**{**SMALL, "duration.weeks": 2, "duration.spinup_weeks": 2}).run()
    whole = model.tables()["memberships"]
    joined = pd.concat(list(model.lazy_tables()["memberships"].chunks(300)), ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)
    assert whole.posts.sum() == model.tables()["group_weeks"].posts.sum()  # spin-up posts left out
    whole_history = model.state.memberships.view("posts")
    assert (whole.posts.to_numpy() <= whole_history).all() and whole.posts.sum() < whole_history.sum()


def test_streamed_parquet_has_row_groups_and_reads_back_as_the_table(small_run, tmp_path):
    members = small_run.lazy_tables()["memberships"]
    path = tmp_path / "memberships.parquet"
    results.write_parquet(path, members.chunks(500))
    assert pq.ParquetFile(path).num_row_groups == -(-members.rows // 500) > 1
    pd.testing.assert_frame_equal(pd.read_parquet(path), small_run.tables()["memberships"])
    assert not list(tmp_path.glob(".*.tmp"))  # written under a temporary name, then renamed


def test_compact_dtypes_of_the_memberships_table(small_run):
    m = small_run.tables()["memberships"]
    for column in ("agent_id", "group_id", "joined_tick", "posts", "replies", "visits", "replies_received"):
        assert m[column].dtype == np.int32, column
    assert m.left_tick.dtype == "Int32" and m.first_post_replied.dtype == "Int8"
    assert m.left_tick.isna().sum() == small_run.state.index.members.sum()  # <NA> while a member


def test_summary_from_column_views_equals_the_summary_of_the_whole_tables(small_run):
    assert small_run.summary() == small_run.summary(small_run.tables())


def test_summary_tables_are_views_of_the_state_not_copies(small_run):
    views = build_tables(small_run.state, small_run.weeks_done, columns=summary.READS, copy=False)
    assert list(views["memberships"].columns) == summary.READS["memberships"]
    assert np.shares_memory(views["memberships"].posts.to_numpy(), small_run.state.memberships.posts)


def test_edges_read_from_the_neighbour_index_are_the_built_edge_list(small_run):
    params = small_run.params
    streams = dict(zip(STREAMS, np.random.default_rng(params.seed).spawn(len(STREAMS)), strict=True))
    pop = sample_population(params.population, streams["population"])
    built = network.build_edges(pop, params.network, streams["network"])
    np.testing.assert_array_equal(small_run.state.edges, built)


def test_membership_keys_are_int64_for_int32_ids(small_run):
    s = small_run.state
    agent = np.array([2**31 - 1, 5], dtype=np.int32)  # agent x groups overflows int32
    group = np.array([3, 1], dtype=np.int32)
    assert s.key(agent, group).tolist() == [(2**31 - 1) * s.groups.count + 3, 5 * s.groups.count + 1]


def _distinct_posters_brute_force(week, group, author, shape, window):
    """The former definition: every post expanded over the weeks it covers."""
    n_weeks, n_groups = shape
    covered = (week[:, None] + np.arange(window)).ravel()
    base = int(author.max()) + 1 if author.size else 1
    key = (covered * n_groups + np.repeat(group, window)) * base + np.repeat(author, window)
    key = sorted_unique(key[covered < n_weeks])
    return np.bincount(key // base, minlength=n_weeks * n_groups).reshape(shape)


def test_null_distinct_posters_equal_the_expanded_definition():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n_weeks, n_groups, k = rng.integers(1, 12), rng.integers(1, 6), rng.integers(0, 60)
        week, group = rng.integers(0, n_weeks, k), rng.integers(0, n_groups, k)
        author = rng.integers(0, rng.integers(1, 8), k)
        for window in (1, 2, 4, 13):
            got = distinct_posters(week, group, author, (n_weeks, n_groups), window)
            np.testing.assert_array_equal(got, _distinct_posters_brute_force(week, group, author,
                                                                             (n_weeks, n_groups), window))




def test_command_line_lets_the_model_go_before_the_summary(tmp_path, monkeypatch):
    import gc
    import weakref

    from experiments import job

    made, original = [], summary.summary

    class Tracked(GroupCultureModel):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self.state.memberships))  # the state, not just the model object

    def summary_after_release(params, tables):
        gc.collect()
        assert made and made[0]() is None  # the state is freed before the summary's own work
        return original(params, tables)

    monkeypatch.setattr(job, "GroupCultureModel", Tracked)
    monkeypatch.setattr(job.sim_summary, "summary", summary_after_release)
    params = GroupCultureModel(**{**SMALL, "duration.weeks": 2}).params
    got = job.simulate(params, tmp_path, "run")
    assert got == GroupCultureModel(params).run().summary()  # the columns read back give the same summary
    assert got["weeks"] == 2 and {p.name for p in tmp_path.glob("*.parquet")} == {
        f"{name}.parquet" for name in ("professionals", "groups", "group_weeks", "memberships", "hourly_activity",
                                       "network")}
