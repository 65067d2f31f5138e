"""Each mechanism of the brief, shown by its direction in small runs (or in its rule)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.h1_ceiling import NO_REPLY_EFFECT, share_of_posters_at_ceiling
from sim import GroupCultureModel, rules
from sim.params import BehaviourParams, ClassificationParams
from tests.conftest import run_model

B = BehaviourParams()


def _visits(model):
    return model.tables()["hourly_activity"].visits.sum()


def _work_share(model):
    return model.summary()["work_hours_share_of_visits"]


# ---------------------------------------------------------------- the clock and the traits


def test_blocked_and_office_hours_together_give_almost_no_activity():
    base = run_model()
    both = run_model(**{"population.blocked_at_work": 1.0, "population.office_hours_mindset": 1.0})
    assert _visits(both) < 0.06 * _visits(base)


def test_blocking_alone_moves_activity_out_of_work_hours():
    free = run_model(**{"population.blocked_at_work": 0.0})
    blocked = run_model(**{"population.blocked_at_work": 1.0})
    assert _work_share(free) > 0.3
    assert _work_share(blocked) < 0.02
    assert _visits(blocked) > 0.3 * _visits(free)  # evenings and weekends remain


def test_office_hours_mindset_keeps_activity_in_work_hours():
    model = run_model(**{"population.office_hours_mindset": 1.0, "population.blocked_at_work": 0.0})
    assert _work_share(model) > 0.9


def test_job_hunting_only_mindset_means_activity_only_while_hunting():
    never_hunt = {"population.job_hunting_only": 1.0, "population.job_hunt_start_rate": 0.0}
    idle = run_model(**never_hunt, **{"population.job_hunt_mean_weeks": 1.0})
    base = run_model(**{"population.job_hunting_only": 0.0})
    assert _visits(idle) < 0.1 * _visits(base)
    hunting = rules.session_rate_weight(2.0, 3, np.bool_(True), np.bool_(True), 1.0, 0.02)
    not_hunting = rules.session_rate_weight(2.0, 3, np.bool_(True), np.bool_(False), 1.0, 0.02)
    assert hunting == pytest.approx(50 * not_hunting)


def _posting_per_visit(charter, seeds=(1, 2, 3), **overrides):
    """Member posts per visit in groups of ``charter``, pooled over seeds."""
    posts = visits = 0
    for seed in seeds:
        t = run_model(seed=seed, **overrides).tables()
        m = t["memberships"].merge(t["groups"][["group_id", "charter"]], on="group_id")
        posts += m[m.charter == charter].posts.sum()
        visits += m[m.charter == charter].visits.sum()
    return posts / visits


@pytest.mark.slow
def test_job_search_fear_lowers_posting_more_in_employment_associations_than_alumni_groups():
    common = {"groups.charter_mix": {"employment_association": 0.5, "university_alumni": 0.5},
              "charters.employment_association.defunct_share": 0.0,
              "population.size": 3000, "groups.count": 20, "duration.weeks": 6, "duration.spinup_weeks": 0}
    ratio = {}
    for charter in ("employment_association", "university_alumni"):
        low = _posting_per_visit(charter, **common, **{"population.job_search_fear": 0.02})
        high = _posting_per_visit(charter, **common, **{"population.job_search_fear": 0.95})
        ratio[charter] = high / low
    assert ratio["employment_association"] < ratio["university_alumni"] < 1.0


@pytest.mark.slow
def test_more_groups_per_person_lowers_each_groups_activity():
    few = run_model(**{"groups.count": 6, "groups.size_median": 300, "groups.size_sigma": 0.0})
    many = run_model(**{"groups.count": 40, "groups.size_median": 300, "groups.size_sigma": 0.0})
    per_person = [m.summary()["mean_groups_per_person"] for m in (few, many)]
    assert per_person[1] > 3 * per_person[0]
    per_membership = [m.tables()["memberships"].visits.mean() for m in (few, many)]
    assert per_membership[1] < 0.6 * per_membership[0]
    posts_per_group = [m.tables()["groups"].posts.mean() for m in (few, many)]
    assert posts_per_group[1] < posts_per_group[0]


def test_switching_off_the_attention_split_gives_each_group_the_whole_budget():
    split = run_model()
    whole = run_model(**{"behaviour.attention_split": 0.0})
    assert whole.tables()["memberships"].visits.mean() > 1.5 * split.tables()["memberships"].visits.mean()


def _top_decile_share_of_posts(model):
    posts = model.tables()["professionals"].posts
    posts = np.sort(posts[posts > 0].to_numpy())[::-1]
    return posts[: max(1, len(posts) // 10)].sum() / posts.sum()


def test_a_heavier_tailed_activity_potential_concentrates_posting_in_fewer_people():
    # The top 10% of posters, not the top 1%: a small world has ~100-150 posters, so its top
    # 1% is one person and moves with who that is; three paired seeds, each must agree.
    # The content role and fatigue off: at the defaults the 1% content role writes most posts
    # whatever the potential, which would hide the potential's own direction.
    world = {"population.size": 3000, "groups.count": 20, "population.content_role": 0.0,
             "behaviour.post_momentum": 0.0}
    heavy, thin = (
        np.array([_top_decile_share_of_posts(run_model(**world, **{"population.activity_exponent": e, "seed": s}))
                  for s in (1, 2, 3)])
        for e in (2.1, 6.0)
    )
    assert (heavy > thin).all()
    assert heavy.mean() > 1.1 * thin.mean()


def test_the_activity_potential_raises_both_visits_and_posts():
    pros = run_model(**{"population.size": 3000, "groups.count": 20, "population.content_role": 0.0}).tables()
    people = pros["professionals"].merge(pros["memberships"].groupby("agent_id").visits.sum(), on="agent_id")
    people = people[people.memberships > 0]
    high = people.activity > people.activity.quantile(0.9)
    low = people.activity < people.activity.median()
    assert people.visits[high].mean() > 5 * people.visits[low].mean()
    # per visit, too: posting odds scale with the potential (posts grow faster than visits)
    assert people.posts[high].sum() / people.visits[high].sum() > 2 * people.posts[low].sum() / people.visits[low].sum()


def test_momentum_makes_each_post_raise_the_chance_of_the_next_and_fatigue_lower_it():
    base = dict(relevance=0.5, recent_posters=3.0, commitment=0.5, content_role=False, activity=1.0, fear=0.3,
                visibility=0.5, recent_activity=5.0, hunting=False, job_posts=0.1, own_posts=0, own_visits=2,
                initial=False)
    p_on, p_tired, p_off = ([rules.posting_probability(**{**base, "own_posts": n}, b=BehaviourParams(post_momentum=k))
                             for n in (0, 1, 10)] for k in (1.0, -1.0, 0.0))
    assert p_on[0] < p_on[1] < p_on[2]
    assert p_tired[0] > p_tired[1] > p_tired[2]
    assert p_off[0] == p_off[1] == p_off[2]
    # fatigue at -1 (the default): the odds of posting after n posts are the odds at 0 over 1 + n
    odds = [p / (1 - p) for p in p_tired]
    assert odds[1] == pytest.approx(odds[0] / 2) and odds[2] == pytest.approx(odds[0] / 11)
    # In a world, posters post more often each with momentum than with fatigue (pooled over
    # three paired seeds: a small world's share of one-time posters alone moves by a few
    # points with renewal and founding).
    def posts(seed, momentum):
        world = {"population.size": 3000, "groups.count": 20, "duration.weeks": 16, "seed": seed}
        made = run_model(**world, **{"behaviour.post_momentum": momentum}).tables()["professionals"].posts
        return made[made > 0]
    again, none, tired = (np.concatenate([posts(s, k) for s in (0, 1, 2)]) for k in (1.0, 0.0, -1.0))
    assert again.mean() > 1.3 * none.mean() and none.mean() > tired.mean()  # posts per poster
    assert (again == 1).mean() < (none == 1).mean() < (tired == 1).mean()  # one-time posters


def test_a_newcomer_is_likelier_to_post_on_a_first_visit():
    base = dict(relevance=0.5, recent_posters=3.0, commitment=0.5, content_role=False, activity=1.0, fear=0.3,
                visibility=0.5, recent_activity=5.0, hunting=False, job_posts=0.1, own_posts=0, own_visits=1,
                initial=False)
    intro = BehaviourParams(post_newcomer=3.0)
    first, later = (rules.posting_probability(**{**base, "own_visits": v}, b=intro) for v in (1, 2))
    assert first > later == rules.posting_probability(**{**base, "own_visits": 2}, b=B)
    assert rules.posting_probability(**base, b=B) == later  # off by default
    # a membership held when the simulation started has no introduction to make
    assert rules.posting_probability(**{**base, "initial": True}, b=intro) == later
    # In a world, more of the memberships begun during the run post (pooled over three paired seeds, small world):
    # their first visit brings the introduction; the memberships held at the start have none to make.
    def posted(newcomer):
        began = posters = 0
        for seed in (1, 2, 3):
            world = {"population.size": 3000, "groups.count": 20, "duration.weeks": 26, "duration.spinup_weeks": 0,
                     "seed": seed}
            mem = run_model(**world, **{"behaviour.post_newcomer": newcomer}).tables()["memberships"]
            new = ~mem.initial.astype(bool) & (mem.visits > 0)
            began, posters = began + new.sum(), posters + (new & (mem.posts > 0)).sum()
        return posters / began
    assert posted(4.0) > 1.5 * posted(0.0)


def test_content_role_posts_far_more():
    model = run_model(**{"population.content_role": 0.05, "population.size": 3000, "groups.count": 20})
    pros = model.tables()["professionals"]
    by_role = pros.groupby("content_role").posts.mean()
    assert by_role[True] > 10 * by_role[False]


# ------------------------------------------------------------------ charters and groups


@pytest.mark.slow
def test_defunct_employer_group_gets_no_new_members_and_goes_dormant_before_industry_groups():
    common = {
        "groups.charter_mix": {"employment_association": 0.5, "industry_profession": 0.5},
        "charters.employment_association.defunct_share": 1.0,
        "groups.size_median": 120, "groups.size_sigma": 0.0, "groups.count": 24,
        "population.size": 4000, "duration.weeks": 24, "duration.spinup_weeks": 0,
    }
    weeks_to_dormancy = {"employment_association": [], "industry_profession": []}
    for seed in (1, 2):
        t = run_model(**common, seed=seed).tables()
        groups, members = t["groups"], t["memberships"]
        defunct = groups[groups.employer_defunct].group_id
        assert len(defunct) > 0
        joined = members[members.group_id.isin(defunct) & ~members.initial]
        assert len(joined) == 0
        assert t["group_weeks"][t["group_weeks"].group_id.isin(defunct)].joins.sum() == 0
        for charter, rows in groups[groups.founded_week < 0].groupby("charter"):  # the groups present at the start
            onset = rows.weeks_to_dormancy + rows.founded_week  # weeks from the start (from founding, less the age)
            weeks_to_dormancy[charter] += onset.fillna(25).tolist()
    assert np.mean(weeks_to_dormancy["employment_association"]) < np.mean(weeks_to_dormancy["industry_profession"]) - 2


@pytest.mark.slow
def test_members_of_dormant_groups_mostly_keep_the_badge():
    model = run_model(**{"duration.weeks": 20, "duration.spinup_weeks": 0, "population.size": 3000, "groups.count": 30})
    groups = model.tables()["groups"]
    dormant = groups[groups.final_state == "dormant"]
    assert len(dormant) >= 3
    assert (dormant.final_members / dormant.initial_size).median() > 0.8


@pytest.mark.slow
def test_tidy_members_drop_groups_they_never_use():
    keep = run_model(**{"population.profile_tidiness": 0.0, "duration.weeks": 16, "duration.spinup_weeks": 0})
    tidy = run_model(**{"population.profile_tidiness": 1.0, "duration.weeks": 16, "duration.spinup_weeks": 0})
    leaves = [m.tables()["group_weeks"].leaves.sum() for m in (keep, tidy)]
    assert leaves[1] > 5 * max(leaves[0], 1)
    left = tidy.tables()["memberships"].dropna(subset=["left_tick"])
    assert (left.posts == 0).mean() > 0.95  # those who leave are those who never took part


def test_connections_in_a_group_raise_joining():
    assert rules.join_probability(5, 0.0, B) > rules.join_probability(1, 0.0, B) > rules.join_probability(0, 0.0, B)
    social = run_model(**{"duration.weeks": 8, "duration.spinup_weeks": 0})
    asocial = run_model(**{"duration.weeks": 8, "duration.spinup_weeks": 0, "behaviour.join_connections": 0.0})
    joins = [m.tables()["group_weeks"].joins.sum() for m in (social, asocial)]
    assert joins[0] > joins[1]


# ------------------------------------------------------------- posting, replies, commitment


@pytest.mark.slow
def test_a_reply_to_a_first_post_raises_the_chance_of_posting_again():
    after_reply = rules.commitment_change(0.0, 1.0, 0.0, 0.0, B)
    after_silence = rules.commitment_change(0.0, 0.0, 1.0, 0.0, B)
    assert after_reply > 0 > after_silence
    # Below the commitment ceiling: at the calibrated reading benefit (0.49) most posters' memberships sit at
    # max_commitment, so a reply's boost has little room to act (the test after this one; H1's failure,
    # VALIDATION.md); at 0.25 (the value before the calibration) under half do.
    common = {"population.size": 3000, "groups.count": 20, "duration.weeks": 12, "duration.spinup_weeks": 0,
              "behaviour.reading_benefit": 0.25}

    def again(model, replied):
        m = model.tables()["memberships"].dropna(subset=["first_post_replied"])
        m = m[m.first_post_replied == int(replied)]
        return np.array([(m.posts > 1).sum(), len(m)])

    # a strong boost: at the default (0.5) the effect is within the noise of ~100 replied first posts
    on = [run_model(seed=seed, **common, **{"behaviour.reply_boost": 2.0}) for seed in range(1, 7)]
    off = [run_model(seed=seed, **common, **{"behaviour.reply_boost": 0.0}) for seed in range(1, 7)]
    replied_on = sum(again(m, True) for m in on)
    silent_on = sum(again(m, False) for m in on)
    replied_off = sum(again(m, True) for m in off)
    assert replied_on[0] / replied_on[1] > silent_on[0] / silent_on[1]
    assert replied_on[0] / replied_on[1] > replied_off[0] / replied_off[1]


def test_the_calibrated_reading_benefit_puts_most_posters_at_the_commitment_ceiling():
    """Why H1 fails at the defaults (docs/VALIDATION.md): the benefit of reading lifts posters' commitment to
    max_commitment, where a reply's boost has no room. 3,000 professionals, 12 weeks: about 62-67% at the default
    (0.4929) against 31-44% at 0.25, per paired seed."""
    common = {"population.size": 3000, "groups.count": 20, "duration.weeks": 12, "duration.spinup_weeks": 0}
    for seed in (1, 2, 3):
        calibrated = share_of_posters_at_ceiling(run_model(seed=seed, **common))
        earlier = share_of_posters_at_ceiling(
            run_model(seed=seed, **common, **{"behaviour.reading_benefit": 0.25}))
        assert calibrated > 0.5 > earlier, (seed, calibrated, earlier)


def test_commitment_climbs_to_a_raised_ceiling_and_only_a_very_high_one_leaves_posters_below_it():
    """The arms of ``python -m benchmarks h1-ceiling`` (docs/findings/h1_ceiling.json): raising the ceiling from 3
    to 6 leaves fewer posters at it but still about half in 12 weeks of a small world (most in the default world):
    commitment climbs to where the ceiling is; at 100 almost none sit at it. Per paired seed."""
    common = {"population.size": 3000, "groups.count": 20, "duration.weeks": 12, "duration.spinup_weeks": 0}
    for seed in (1, 2, 3):
        at = [share_of_posters_at_ceiling(run_model(seed=seed, **common, **{"behaviour.max_commitment": c}))
              for c in (3.0, 6.0, 100.0)]
        assert at[0] > at[1] > 0.4 and at[2] < 0.02, (seed, at)


BEFORE_FATIGUE = {"population.content_role": 0.02, "behaviour.content_role_boost": 2.8, "behaviour.post_momentum": 0.0}
"""The posting structure of the defaults up to the fatigue change (docs/ODD.md section 4)."""


def test_without_any_effect_of_a_reply_replies_go_to_quiet_groups_whose_posters_post_again_less():
    """Why H1 was negative at the defaults before fatigue (BEFORE_FATIGUE), where the reply's effect on commitment
    added nothing (h1_ceiling.json):
    a visit answers at most one open post, so in groups where members post more per visit a first post is less
    often answered, and its author, posting more, more often posts again. With the reply boost and the no-reply
    penalty off, pooled over six seeds: first posts in the busier half of groups (posts per visit) are answered
    less and followed by a second post more, and the replied post again less (H1 < 0)."""
    common = {"population.size": 3000, "groups.count": 20, "duration.weeks": 12, "duration.spinup_weeks": 0,
              **NO_REPLY_EFFECT, **BEFORE_FATIGUE}
    replied, again, busy = [], [], []
    for seed in range(1, 7):
        m = run_model(seed=seed, **common).tables()["memberships"]
        per_visit = m.groupby("group_id").posts.sum() / m.groupby("group_id").visits.sum()
        first = m[m.first_post_replied.notna()]
        rate = per_visit.reindex(first.group_id).to_numpy()
        replied.append(first.first_post_replied.to_numpy(dtype=int) == 1)
        again.append((first.posts > 1).to_numpy())
        busy.append(rate > np.median(rate))
    replied, again, busy = (np.concatenate(x) for x in (replied, again, busy))
    assert replied[~busy].mean() > 1.5 * replied[busy].mean()
    assert again[busy].mean() > again[~busy].mean() + 0.03
    assert again[replied].mean() < again[~replied].mean()


def test_posting_rises_with_relevance_social_proof_and_commitment_and_falls_with_fear_and_overload():
    base = dict(relevance=0.5, recent_posters=3.0, commitment=0.5, content_role=False, activity=1.0,
                fear=0.3, visibility=0.5, recent_activity=5.0, hunting=False, job_posts=0.1, own_posts=2,
                own_visits=3, initial=False, b=B)
    p0 = rules.posting_probability(**base)
    for key, value in (("relevance", 0.9), ("recent_posters", 10.0), ("commitment", 1.5), ("content_role", True),
                       ("activity", 3.0)):
        assert rules.posting_probability(**{**base, key: value}) > p0, key
    for key, value in (("fear", 0.9), ("visibility", 0.9), ("recent_activity", 80.0)):
        assert rules.posting_probability(**{**base, key: value}) < p0, key


def test_reading_benefit_grows_with_activity_then_overload_turns_it_down():
    activity = np.array([0.0, 2.0, 20.0, 100.0, 2000.0])
    benefit = rules.reading_net_benefit(0.8, activity, activity, B)
    assert benefit[0] < 0  # an empty group costs a visit and gives nothing
    assert benefit[1] > benefit[0] and benefit[2] > benefit[1]
    assert benefit[-1] < benefit[3]


def test_identity_attachment_shields_commitment_losses():
    loss = rules.commitment_change(-1.0, 0.0, 0.0, 0.0, B)
    shielded = rules.commitment_change(-1.0, 0.0, 0.0, 0.5, B)
    assert loss < shielded < 0
    assert rules.commitment_change(1.0, 0.0, 0.0, 0.5, B) == rules.commitment_change(1.0, 0.0, 0.0, 0.0, B)


def test_groups_are_classified_by_documented_thresholds():
    c = ClassificationParams()
    posts = np.array([8 * c.window_weeks, 8 * c.window_weeks, 1, 0])
    posters = np.array([5, 1, 1, 0])
    dormant_posts = np.array([40, 40, 1, 0])
    states = rules.classify(posts, posters, dormant_posts, c.dormant_window_weeks, c)
    assert states.tolist() == [rules.THRIVING, rules.ACTIVE, rules.ACTIVE, rules.DORMANT]
    early = rules.classify(posts, posters, dormant_posts, c.dormant_window_weeks - 1, c)
    assert early[3] == rules.ACTIVE  # no group is dormant before a full dormant window


# ------------------------------------------------------------------------ interventions


def _pooled(measure, seeds=(1, 2, 3), **overrides):
    return sum(measure(run_model(seed=seed, **overrides)) for seed in seeds)


def _member_posts(model):
    return model.summary()["posts_total"]


def _joins(model):
    return model.tables()["group_weeks"].joins.sum()


def _replies(model):
    return model.summary()["replies_total"]


@pytest.mark.slow
def test_personalised_moderation_raises_replies_and_with_room_below_the_commitment_ceiling_posts():
    common = {"population.size": 3000, "groups.count": 20, "duration.weeks": 12, "duration.spinup_weeks": 0}
    moderated = {**common, "interventions.moderation": 1.0}
    assert _pooled(_replies, **moderated) > 1.5 * _pooled(_replies, **common)
    # Posts rise through the commitment replies add (Ren & Kraut 2014), which needs room below the ceiling: at the
    # defaults most posters sit at it (docs/VALIDATION.md, "Why H1 fails") and moderation does not detectably raise
    # posting (docs/FINDINGS.md, interventions); with the ceiling out of reach it does.
    roomy = {**common, "behaviour.max_commitment": 100.0}
    assert _pooled(_member_posts, **roomy, **{"interventions.moderation": 1.0}) > _pooled(_member_posts, **roomy)


@pytest.mark.slow
def test_manager_seeding_and_weekly_digest_add_activity():
    seeded = run_model(**{"interventions.manager_posts_per_week": 3.0})
    assert seeded.tables()["group_weeks"].manager_posts.sum() > 0
    # sizes capped at 500: in a world of 1,500 the uncapped size distribution puts everyone in
    # three whole-population groups (7 groups per person), where a group's prominence moves
    # visits between one's groups more than it adds visits (+2.4% against +6.6% here)
    common = {"duration.weeks": 12, "duration.spinup_weeks": 0, "groups.size_max": 500}
    seeding = {**common, "interventions.manager_posts_per_week": 3.0}
    # seeded posts make a group look active: members visit it more and more people join (visits +0.1% to +3.0%
    # per seed at the calibrated defaults, whose larger attention budget leaves prominence less to add)
    assert all(_visits(run_model(seed=s, **seeding)) > _visits(run_model(seed=s, **common)) for s in (1, 2, 3))
    assert _pooled(_visits, **seeding) > 1.01 * _pooled(_visits, **common)
    assert _pooled(_joins, **seeding) > _pooled(_joins, **common)
    assert _pooled(_visits, **common, **{"interventions.weekly_digest": 0.5}) > 1.2 * _pooled(_visits, **common)


def test_managers_seed_posts_only_in_groups_open_that_week():
    """A group gets manager posts from its founding week until it closes, never before or after."""
    founding = {f"charters.{c}.founding_rate": 30.0 for c in ("employment_association", "university_alumni",
                                                               "industry_profession")}
    model = run_model(**{"interventions.manager_posts_per_week": 20.0, "duration.weeks": 16,
                         "groups.closure_rate": 40.0, **founding})
    gw, groups = model.tables()["group_weeks"], model.tables()["groups"]
    gw = gw.merge(groups[["group_id", "founded_week", "closed_week"]], on="group_id")
    closed = gw.closed_week.astype("Float64").fillna(float("inf"))
    before, after = gw.week < gw.founded_week, gw.week > closed
    assert before.any() and after.any()  # some groups founded, some closed, during the reported weeks
    assert gw.manager_posts[before | after].sum() == 0
    assert (gw.manager_posts[~before & ~after] > 0).mean() > 0.95  # about 20 a week in every open group-week


def test_shared_rules_of_time_decay_spells_inflow_and_reply_window():
    assert rules.decayed_activity(8.0, 168.0) == pytest.approx(8.0 * 0.5 ** (1 / 168))
    a = 8.0
    for _ in range(168):
        a = rules.decayed_activity(a, 168.0)
    assert a == pytest.approx(4.0)  # one half-life
    hunting = np.array([False, False, True, True])
    u = np.array([0.001, 0.9, 0.001, 0.9])
    np.testing.assert_array_equal(rules.next_hunting(hunting, u, 0.01, 10.0), [True, False, False, True])
    assert rules.daily_join_candidates(2.0, 700) == pytest.approx(200.0)
    assert rules.manager_posts_per_hour(168.0) == pytest.approx(1.0)
    opened = rules.is_open(np.array([2, 2, -5]), np.array([-1, -1, 3]), 2 * 168)
    np.testing.assert_array_equal(opened, [True, True, False])
    assert not rules.is_open(2, -1, 2 * 168 - 1)  # founding week not begun
    assert rules.open_for_replies(100 + 168, 100, 168) and not rules.open_for_replies(100 + 169, 100, 168)
    assert rules.is_digest_hour(0.5, 8, 168 + 8) and not rules.is_digest_hour(0.5, 8, 8)
    assert not rules.is_digest_hour(0.0, 8, 168 + 8) and not rules.is_digest_hour(0.5, 8, 168 + 9)


def _agent_with_groups(model, at_least: int) -> int:
    sizes = model.state.index.by_agent.sizes()
    return int(np.flatnonzero(sizes >= at_least)[0])


def test_attention_capacity_threshold_groups_beyond_it_get_no_visits():
    """Beyond a person's capacity, groups drop out of attention."""
    from sim import kernel

    model = GroupCultureModel(**{"population.size": 1500, "groups.count": 30, "duration.weeks": 1,
            "duration.spinup_weeks": 0, "seed": 3,
                                 "behaviour.attention_capacity": 2.0})
    s, b = model.state, model.params.behaviour
    agent = _agent_with_groups(model, 5)
    rows = s.index.by_agent.row(agent)
    s.memberships.commitment[rows] = np.linspace(0.5, 2.5, len(rows))  # distinct weights
    weights = rules.visit_weight(s.memberships.commitment[rows], s.groups.activity[s.memberships.group[rows]], b)
    top = set(rows[np.argsort(-weights)[:2]].tolist())
    rng, scratch = np.random.default_rng(0), np.empty(64)
    for capacity, allowed in ((2, top), (0, set(rows.tolist()))):
        s.capacity[agent] = capacity
        k = kernel.parts(s)
        entries = [kernel.choose_group(agent, k.idx, k.people, k.grp, k.mem, k.b, rng, scratch) for _ in range(5000)]
        visited = {int(s.index.rows[e]) for e in entries if e >= 0}
        assert visited == allowed  # capacity 2: only the two most attractive; no limit: all of them
    np.testing.assert_array_equal(rules.in_attention(np.arange(4), 2), [True, True, False, False])
    assert [rules.followed_groups(n, c) for n, c in ((1, 2), (5, 2), (5, 0))] == [1, 2, 5]


def test_attention_capacity_in_the_reference_engine():
    from sim.reference import ReferenceModel

    model = ReferenceModel(**{"population.size": 300, "groups.count": 8, "duration.weeks": 1,
            "duration.spinup_weeks": 0, "seed": 3,
                              "behaviour.attention_capacity": 1.0})
    person = max(model.professionals, key=lambda p: len(p.memberships))
    assert len(person.memberships) >= 2 and person.capacity == 1
    for i, m in enumerate(person.memberships.values()):
        m.commitment = 0.5 + i
    best = max(person.memberships.values(), key=lambda m: rules.visit_weight(m.commitment, m.group.activity,
                                                                             model.behaviour))
    chosen = {id(person.choose_group()) for _ in range(3000)} - {id(None)}
    assert chosen == {id(best)}


def test_attention_capacity_off_leaves_the_run_unchanged_and_on_draws_nothing_else():
    base = {"population.size": 600, "groups.count": 8, "duration.weeks": 1, "duration.spinup_weeks": 0, "seed": 5}
    off = GroupCultureModel(**base)
    on = GroupCultureModel(**base, **{"behaviour.attention_capacity": 3.0})
    assert (off.state.capacity == 0).all() and (on.state.capacity >= 1).all()
    np.testing.assert_array_equal(off.state.memberships.view("agent"), on.state.memberships.view("agent"))
    np.testing.assert_array_equal(off.state.edges, on.state.edges)


def test_membership_cut_drops_the_given_share_at_the_end_of_its_week():
    from sim.params import InterventionParams

    cut = InterventionParams(membership_cut_week=2, membership_cut_share=0.5)
    assert rules.membership_cut(2 * 168 - 1, 0, cut) == 0.5
    assert rules.membership_cut(2 * 168 - 2, 0, cut) == 0.0 and rules.membership_cut(3 * 168 - 1, 0, cut) == 0.0
    assert rules.membership_cut(12 * 168 - 1, 10, cut) == 0.5  # counted in reported weeks, after spin-up
    b = BehaviourParams()
    expected = b.leave_base + (1 - b.leave_base) * 0.5
    assert rules.leave_probability(False, False, False, b, 0.5) == pytest.approx(expected)
    base = {"population.size": 1500, "groups.count": 16, "duration.weeks": 3, "duration.spinup_weeks": 0, "seed": 3}
    kept = run_model(**base).tables()["group_weeks"].groupby("week").members.sum()
    halved = run_model(**base, **{"interventions.membership_cut_week": 2,
                                  "interventions.membership_cut_share": 0.5}).tables()["group_weeks"]
    halved = halved.groupby("week").members.sum()
    assert halved[0] == kept[0] and 0.4 < halved[1] / kept[1] < 0.6
