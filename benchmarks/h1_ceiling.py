"""Does the commitment ceiling decide H1's sign? (docs/VALIDATION.md, "Why H1 fails at the calibrated defaults")

    python -m benchmarks h1-ceiling --seeds 1 2 3 4 5 6 7 8 9 10 --out docs/findings/h1_ceiling.json
    python -m benchmarks h1-ceiling --seeds 1 2 3 --ceilings 3 12 population.size=3000 groups.count=20

The default world (20,000 professionals, 150 groups, 104-week spin-up, 52 reported weeks)
unless ``key=value`` overrides are given. Arms: one per commitment ceiling in
``--ceilings`` (``behaviour.max_commitment``; the first, by default the calibrated 3, is
the baseline), each run twice: with the reply's effect on its author's commitment as
calibrated, and without it (``behaviour.reply_boost=0``, ``behaviour.no_reply_penalty=0``),
where who gets replies, and nothing else, decides H1. Every arm runs the same seeds (the
same initial world per seed): the differences are paired by seed.

Per seed and arm: H1 as ``experiment=validate`` measures it (the held-out pattern of
:mod:`experiments.analysis.validation`: the share who post again after a replied first
post minus the share after an unanswered one) and its two shares; the share of first
posts unanswered (H2); H1 within groups (:func:`h1_within_groups`: what of H1 is not a
difference between groups); the share of posters at the ceiling at the horizon
(:func:`share_of_posters_at_ceiling`); posts per 1,000 members per week, share dormant
and S3's posts and replies (what else the ceiling moves; S3 as the calibration judges
it); CPU seconds. Over the seeds (:func:`experiments.intervals.over_seeds`, which names
its method): each arm's mean and interval, H1's verdict by validate's rule, and
the paired differences: each ceiling minus the first (reply effect on), and in each
ceiling the reply's own effect (on minus off). Writes ``--out`` (default
``docs/findings/h1_ceiling.json``) whole at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import pandas as pd

from benchmarks.stationarity import FINDINGS, parse_overrides, write_findings
from experiments.analysis.outputs import ANSWERS
from experiments.analysis.validation import HELD_OUT, judge
from experiments.intervals import over_seeds
from experiments.objective import objective_value
from sim import GroupCultureModel

H1 = next(p for p in HELD_OUT if p.name == "H1")
NO_REPLY_EFFECT = {"behaviour.reply_boost": 0.0, "behaviour.no_reply_penalty": 0.0}
MEASURES = ("H1", "H1_within_groups", "post_again_if_replied", "post_again_if_not_replied", "first_post_no_reply_share",
            "share_of_posters_at_ceiling", "posts_per_1000_members_week", "share_dormant", "S3_posts", "S3_replies")
FACT_MEASURES = ("S3_posts", "S3_replies")  # read from the summary's facts as the sensitivity answers read them


def share_of_posters_at_ceiling(model: GroupCultureModel) -> float:
    """Share of the current memberships that ever posted whose commitment sits at ``behaviour.max_commitment``."""
    m = model.state.memberships
    current_posters = (m.view("posts") > 0) & (m.view("left") < 0)
    if not current_posters.any():
        return math.nan
    return float((m.view("commitment")[current_posters] >= model.params.behaviour.max_commitment).mean())


def h1_within_groups(memberships: pd.DataFrame) -> float:
    """H1 within groups: each group's difference (posted again after a replied first post minus after an
    unanswered one), averaged over the groups that have both with Mantel-Haenszel weights ``n1 n0 / (n1 + n0)``.

    Pooled H1 compares first posts of different groups; this compares them within one group, so a
    difference between groups (in how often a first post is answered and how often its author posts
    again) does not enter it.
    """
    first = memberships[memberships.first_post_replied.notna()]
    replied = (first.first_post_replied == 1).to_numpy(dtype=bool)
    again = (first.posts > 1).to_numpy(dtype=bool)
    g = pd.DataFrame({"n1": replied, "n0": ~replied, "a1": again & replied, "a0": again & ~replied},
                     index=first.group_id.to_numpy()).groupby(level=0).sum()
    g = g[(g.n1 > 0) & (g.n0 > 0)]
    if g.empty:
        return math.nan
    weight = g.n1 * g.n0 / (g.n1 + g.n0)
    return float((weight * (g.a1 / g.n1 - g.a0 / g.n0)).sum() / weight.sum())


def arm_name(ceiling: float, reply_effect: bool) -> str:
    return f"ceiling {ceiling:g}" + ("" if reply_effect else ", no reply effect")


def measure(seed: int, ceiling: float, reply_effect: bool, overrides: dict) -> dict:
    """One run of an arm: H1, its shares, the share of posters at the ceiling and what else moves."""
    start = time.process_time()
    config = {**overrides, "behaviour.max_commitment": ceiling, **({} if reply_effect else NO_REPLY_EFFECT)}
    model = GroupCultureModel(seed=seed, **config).run()
    tables = model.tables()
    summary = model.summary(tables)
    s = {k: summary.get(k) for k in MEASURES if k in summary}
    s.update({k: objective_value(summary, ANSWERS[k]) for k in FACT_MEASURES})
    s = {k: math.nan if v is None else float(v) for k, v in s.items()}  # None: not measured
    row = {"seed": seed, "arm": arm_name(ceiling, reply_effect), "max_commitment": ceiling,
           "reply_effect": reply_effect, "H1": float(H1.measure(s)), **s,
           "H1_within_groups": h1_within_groups(tables["memberships"]),
           "share_of_posters_at_ceiling": share_of_posters_at_ceiling(model)}
    row["cpu_seconds"] = round(time.process_time() - start, 1)
    return row


def interval(values) -> dict:
    ci = over_seeds(values)
    return {"mean": ci.mean, "low": ci.low, "high": ci.high, "method": ci.method, "seeds": ci.n}


def summarize(rows: list[dict], ceilings: list[float]) -> dict:
    """Per arm: mean and interval of each measure, H1's verdict; the paired differences of H1 (pooled and within
    groups) and of the share at the ceiling."""
    table = pd.DataFrame(rows)
    arms = {}
    for arm, part in table.groupby("arm", sort=False):
        verdict = judge("held-out", "H1", "held-out", H1.description, part.H1, H1.low, H1.high, H1.target,
                        H1.source, int(part.H1.between(H1.low, H1.high).sum()))
        arms[arm] = {**{k: interval(part[k]) for k in MEASURES}, "H1_passes": verdict["pass"]}
    wide = {k: table.pivot(index="seed", columns="arm", values=k)
            for k in ("H1", "H1_within_groups", "share_of_posters_at_ceiling")}
    base = arm_name(ceilings[0], True)
    pairs = [(arm_name(c, True), base) for c in ceilings[1:]] + [(arm_name(c, True), arm_name(c, False))
                                                                  for c in ceilings]
    paired = {f"{a} minus {b}": {k: interval(w[a] - w[b]) for k, w in wide.items()} for a, b in pairs}
    return {"arms": arms, "paired": paired}


def register(commands) -> None:
    """Add ``h1-ceiling`` to the harness's subcommands."""
    ap = commands.add_parser("h1-ceiling", help="probe: does the commitment ceiling decide H1's sign?",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--ceilings", type=float, nargs="+", default=[3.0, 6.0, 100.0],
                    help="values of behaviour.max_commitment, the first the baseline (default 3 6 100)")
    ap.add_argument("--out", type=Path, default=FINDINGS / "h1_ceiling.json")
    ap.add_argument("overrides", metavar="key=value", nargs="*", help="model parameters (default: the default world)")
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Run every arm on every seed, summarize, write and print the result."""
    overrides = parse_overrides(args.overrides)
    rows = []
    for seed in args.seeds:
        for ceiling in args.ceilings:
            for reply_effect in (True, False):
                rows.append(measure(seed, ceiling, reply_effect, overrides))
                print(json.dumps(rows[-1]), flush=True)
    out = write_findings(args.out, "python -m benchmarks h1-ceiling " + " ".join(
        [f"--seeds {' '.join(map(str, args.seeds))}", f"--ceilings {' '.join(f'{c:g}' for c in args.ceilings)}",
         *args.overrides]),
        {"overrides": overrides, "seeds": args.seeds, "H1_target": [H1.low, H1.high], "per_seed": rows,
         **summarize(rows, args.ceilings)})
    for arm, r in out["arms"].items():
        h1, within, top = r["H1"], r["H1_within_groups"], r["share_of_posters_at_ceiling"]
        print(f"{arm}: H1 {h1['mean']:+.4f} [{h1['low']:+.4f}, {h1['high']:+.4f}] ({h1['method']}), passes"
              f" {r['H1_passes']}; within groups {within['mean']:+.4f} [{within['low']:+.4f}, {within['high']:+.4f}];"
              f" posters at the ceiling {top['mean']:.3f}")
    for pair, r in out["paired"].items():
        d = r["H1"]
        print(f"H1, {pair}: {d['mean']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}] ({d['method']})")
    print(f"wrote {args.out}")
