"""What splitting one run into two independent shards loses (docs/SCALING.md).

    python benchmarks/split_coupling.py --size 20000 --weeks 26 --seeds 0 1 2 3 4 --json split.json

A shard of a split run simulates half the professionals and half the groups with the same
intensive parameters (people per employer / university / industry, groups per person), so
it is what a run split by industry gives: no memberships, network ties or join candidates
cross the cut, and open-to-all groups draw from their shard only. For each seed (the
independent unit) we run the whole population once and two halves (seeds ``s`` and
``s + 100000``), pool the halves' tables and compare outcomes: difference split - whole,
mean and 95% t-interval across seeds.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim import GroupCultureModel

OUTCOMES = ("share_thriving", "share_dormant", "posts_per_member_week", "groups_per_person", "badge_ratio",
            "replies_per_post")


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


def tables(size: int, groups: int, weeks: int, seed: int) -> dict:
    model = GroupCultureModel(**{"population.size": size, "groups.count": groups, "duration.weeks": weeks,
                                 "duration.spinup_weeks": 0, "seed": seed})
    return model.run().tables()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--groups", type=int, default=None, help="default: size / 100")
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    n, g = args.size, args.groups or args.size // 100
    rows = []
    for seed in args.seeds:
        whole = outcomes([tables(n, g, args.weeks, seed)], n, args.weeks)
        halves = [tables(n // 2, g // 2, args.weeks, seed + k * 100_000) for k in (0, 1)]
        split = outcomes(halves, 2 * (n // 2), args.weeks)
        rows.append({"seed": seed, "whole": whole, "split": split})
        print(f"seed {seed}: " + ", ".join(f"{k} {whole[k]:.3f} -> {split[k]:.3f}" for k in OUTCOMES), flush=True)
    diff = {}
    for k in OUTCOMES:
        d = np.array([r["split"][k] - r["whole"][k] for r in rows])
        half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        whole_mean = float(np.mean([r["whole"][k] for r in rows]))
        diff[k] = {"whole_mean": whole_mean, "split_minus_whole": float(d.mean()), "ci95_half_width": float(half)}
        print(f"{k}: whole {whole_mean:.4f}, split - whole {d.mean():+.4f} +/- {half:.4f} (95% CI, {len(d)} seeds)")
    if args.json:
        args.json.write_text(json.dumps({"size": n, "groups": g, "weeks": args.weeks, "seeds": args.seeds,
                                         "rows": rows, "difference": diff}, indent=2) + "\n")


if __name__ == "__main__":
    main()
