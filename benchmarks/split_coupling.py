"""What splitting one run into shards loses (docs/SCALING.md, "Splitting one run").

    python -m benchmarks split-coupling --cut industry --size 20000 --weeks 26 --seeds 0 1 2 3 4
    python -m benchmarks split-coupling --cut random --size 20000 --weeks 26 --seeds 0 1 2 3 4

``--cut industry``: for each seed (the independent unit) one world is initialized and
run whole (``ShardModel`` of the whole state: the same run as ``GroupCultureModel`` with
that seed); the same initialized world is cut into ``--shards`` shards along industries
(:func:`benchmarks.shard.industry_shards`) and, as a contrast, with professionals cut at random
(:func:`benchmarks.shard.random_shards`, drawn from ``SeedSequence([seed, shards])``); each shard
is simulated on its own with seed :func:`benchmarks.shard.shard_seed` ``(seed, i)`` (the same
shard seeds for both cuts: paired streams) and the shards' tables are pooled (a shard
without groups adds its professionals, with no memberships). Reported:
the share of founding memberships, network ties and pool entries each cut removes, and
per outcome the difference shard - whole (and industry - random), mean and 95%
interval across seeds (:func:`experiments.intervals.over_seeds`, which names its
method). JSON: benchmarks/results/split_coupling_industry.json.

``--cut random``: the whole world against two INDEPENDENT half-size worlds (seeds ``s`` and
``s + 100000``, half the professionals and groups, the same intensive parameters).
JSON: benchmarks/results/split_coupling.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.shard import ShardModel, cut_shares, industry_shards, random_shards, shard_seed, split
from experiments.intervals import over_seeds
from sim import GroupCultureModel, ModelParams
from sim.initialize import build_state

OUTCOMES = ("share_thriving", "share_dormant", "posts_per_member_week", "groups_per_person", "badge_ratio",
            "replies_per_post")
SHARES_CUT = ("memberships", "ties", "pool_entries")  # fields of benchmarks.shard.Cut averaged over seeds
RESULTS = Path(__file__).resolve().parent / "results"


def outcomes(parts: list[dict], size: int, weeks: int) -> dict:
    """Outcomes of one run, or of the shards of a split run pooled, from their tables."""
    groups = pd.concat([t["groups"] for t in parts])
    members = pd.concat([t["memberships"] for t in parts])
    current = members.left_tick.isna()
    posts = groups.posts.sum()
    return {
        "share_thriving": float((groups.final_state == "thriving").mean()),
        "share_dormant": float((groups.final_state == "dormant").mean()),
        "posts_per_member_week": float(posts / max(groups.final_members.sum(), 1) / weeks),
        "groups_per_person": float(current.sum() / size),
        "badge_ratio": float((members.posts == 0).mean()),
        "replies_per_post": float(groups.replies.sum() / max(posts, 1)),
    }


def params(size: int, groups: int, weeks: int, seed: int) -> ModelParams:
    """The benchmark's parameters: defaults, no spin-up."""
    return ModelParams.from_dict(**{"population.size": size, "groups.count": groups, "duration.weeks": weeks,
                                    "duration.spinup_weeks": 0, "seed": seed})


def tables(size: int, groups: int, weeks: int, seed: int) -> dict:
    """Tables of one normal run."""
    return GroupCultureModel(params(size, groups, weeks, seed)).run().tables()


def difference(rows: list[dict], split_key: str, base_key: str) -> dict:
    """Per outcome: the mean of ``base_key`` and the mean difference ``split_key - base_key`` with its interval."""
    out = {}
    for k in OUTCOMES:
        ci = over_seeds([r[split_key][k] - r[base_key][k] for r in rows])
        out[k] = {"base_mean": float(np.mean([r[base_key][k] for r in rows])), "difference": ci.mean,
                  "ci95_low": ci.low, "ci95_high": ci.high, "interval": ci.method}
    return out


def random_halves(args, n: int, g: int) -> dict:
    """``--cut random``: the whole world against two independent half-size worlds, per seed."""
    rows = []
    for seed in args.seeds:
        whole = outcomes([tables(n, g, args.weeks, seed)], n, args.weeks)
        halves = [tables(n // 2, g // 2, args.weeks, seed + k * 100_000) for k in (0, 1)]
        rows.append({"seed": seed, "whole": whole, "split": outcomes(halves, 2 * (n // 2), args.weeks)})
        print(f"seed {seed}: " + ", ".join(f"{k} {whole[k]:.3f} -> {rows[-1]['split'][k]:.3f}" for k in OUTCOMES),
              flush=True)
    diff = {k: {"whole_mean": v["base_mean"], "split_minus_whole": v["difference"], "ci95_low": v["ci95_low"],
                "ci95_high": v["ci95_high"], "interval": v["interval"]}
            for k, v in difference(rows, "split", "whole").items()}
    for k, v in diff.items():
        print(f"{k}: whole {v['whole_mean']:.4f}, split - whole {v['split_minus_whole']:+.4f} "
              f"[{v['ci95_low']:+.4f}, {v['ci95_high']:+.4f}] (95% CI: {v['interval']}, {len(rows)} seeds)")
    return {"size": n, "groups": g, "weeks": args.weeks, "seeds": args.seeds, "rows": rows, "difference": diff}


def shard_cuts(args, n: int, g: int) -> dict:
    """``--cut industry``: one world run whole and cut into shards (by industry, and at random), per seed."""
    rows = []
    for seed in args.seeds:
        started = time.perf_counter()
        state = build_state(params(n, g, args.weeks, seed), np.random.default_rng(seed))
        labels = {"industry": industry_shards(state, args.shards),
                  "random": random_shards(state, args.shards, np.random.default_rng([seed, args.shards]))}
        row = {"seed": seed, "cut": {}}
        shards = {}
        for cut, (agent_shard, group_shard) in labels.items():
            row["cut"][cut] = {**asdict(cut_shares(state, agent_shard, group_shard)),
                               "professionals": np.bincount(agent_shard, minlength=args.shards).tolist(),
                               "groups": np.bincount(group_shard, minlength=args.shards).tolist()}
            shards[cut] = split(state, agent_shard, group_shard)  # copies: the whole run below changes `state`
        row["whole"] = outcomes([ShardModel(state, seed).run().tables()], n, args.weeks)
        del state
        for cut, states in shards.items():
            parts = [ShardModel(s, shard_seed(seed, i)).run().tables() for i, s in enumerate(states) if s is not None]
            row[cut] = outcomes(parts, n, args.weeks)
        del shards
        row["wall_s"] = time.perf_counter() - started
        rows.append(row)
        print(f"seed {seed} ({row['wall_s']:.0f} s): " + "; ".join(
            f"{k} {row['whole'][k]:.3f} / industry {row['industry'][k]:.3f} / random {row['random'][k]:.3f}"
            for k in OUTCOMES), flush=True)
    diff = {"industry_minus_whole": difference(rows, "industry", "whole"),
            "random_minus_whole": difference(rows, "random", "whole"),
            "industry_minus_random": difference(rows, "industry", "random")}
    cut = {c: {k: float(np.mean([r["cut"][c][k] for r in rows])) for k in SHARES_CUT}
           for c in labels}
    for c in labels:
        charters = rows[0]["cut"][c]["memberships_by_charter"]
        cut[c]["memberships_by_charter"] = {
            name: float(np.mean([r["cut"][c]["memberships_by_charter"].get(name, np.nan) for r in rows]))
            for name in charters}
    print_table(diff, cut, len(rows))
    return {"cut": "industry", "size": n, "groups": g, "weeks": args.weeks, "shards": args.shards,
            "seeds": args.seeds, "cores": os.cpu_count(), "rows": rows, "cut_shares_mean": cut, "difference": diff}


def print_table(diff: dict, cut: dict, n_seeds: int) -> None:
    """The shares cut and the differences to the whole run, as a Markdown table."""
    for c, shares in cut.items():
        by_charter = shares["memberships_by_charter"]
        print(f"{c} cut removes: " + ", ".join(f"{shares[k]:.1%} of {k}" for k in SHARES_CUT)
              + " (memberships by charter: " + ", ".join(f"{k} {v:.1%}" for k, v in by_charter.items()) + ")")
    method = next(iter(next(iter(diff.values())).values()))["interval"]
    print(f"\n| outcome | whole (mean) | industry - whole | random cut - whole | industry - random |  ({n_seeds} seeds,"
          f" mean [95% CI: {method}])")
    print("|---|---|---|---|---|")
    for k in OUTCOMES:
        cells = [f"{d[k]['difference']:+.4f} [{d[k]['ci95_low']:+.4f}, {d[k]['ci95_high']:+.4f}]"
                 for d in diff.values()]
        print(f"| {k} | {diff['industry_minus_whole'][k]['base_mean']:.4f} | " + " | ".join(cells) + " |")


def register(commands) -> None:
    """Add ``split-coupling`` to the harness's subcommands."""
    ap = commands.add_parser("split-coupling", help="probe: what splitting one run into shards loses",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cut", choices=("random", "industry"), default="random",
                    help="random: independent half-size worlds; industry: one world cut into shards")
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--groups", type=int, default=None, help="default: size / 100")
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--shards", type=int, default=2, help="--cut industry: number of shards")
    ap.add_argument("--json", type=Path, default=None,
                    help="default: benchmarks/results/split_coupling[_industry].json")
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Run the cut ``args.cut`` over the seeds and write its JSON report."""
    n, g = args.size, args.groups or args.size // 100
    report = random_halves(args, n, g) if args.cut == "random" else shard_cuts(args, n, g)
    out = args.json or RESULTS / ("split_coupling.json" if args.cut == "random" else "split_coupling_industry.json")
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    tmp.replace(out)

