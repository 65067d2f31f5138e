"""Probe: which seeds does S3's posts fail in, and which groups did it measure? (docs/VALIDATION.md)

    python -m benchmarks s3-groups results/validate --out docs/findings/s3_groups.json

Reads the ``summary.json`` of every job of a sweep (for instance ``experiment=validate``)
and, per seed, S3's posts per 1,000 member-weeks and how many groups it was measured on.
S3's frozen definition measures the non-dormant industry groups of 2,000+ members, or the
30 largest non-dormant industry groups when fewer than 5 reach 2,000 (the fallback); this
file says how many seeds fell back, and S3's posts and seeds in range with and without the
fallback. Writes ``--out`` whole at the end.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from benchmarks.h1_ceiling import interval
from benchmarks.stationarity import FINDINGS, write_findings
from sim import facts


def per_seed(sweep: Path) -> pd.DataFrame:
    """One row per job of ``sweep``: seed, S3's posts, the groups it measured (count, smallest and median
    members at the horizon) and whether it fell back, read from the job's groups table as S3 reads it
    (:func:`sim.facts.live_industry`, :func:`sim.facts.largest`, :func:`sim.facts.falls_back`)."""
    rows = []
    for path in sorted(sweep.glob("*/summary.json")):
        summary = json.loads(path.read_text(encoding="utf-8"))
        live = facts.live_industry(pd.read_parquet(path.parent / "groups.parquet"))
        chosen = facts.largest(live).final_members
        rows.append({"seed": summary["seed"], "posts": summary["stylized_facts"]["S3"]["measures"]["posts"]["value"],
                     "groups_used": int(len(chosen)), "smallest_members": int(chosen.min()),
                     "median_members": float(chosen.median()), "fallback": facts.falls_back(live)})
    if not rows:
        raise SystemExit(f"s3-groups: no */summary.json under {sweep}: allowed a sweep directory of finished jobs")
    return pd.DataFrame(rows).sort_values("seed", ignore_index=True)


def summarize(table: pd.DataFrame) -> dict:
    """S3's posts and seeds in range over all seeds, the seeds with 5+ large groups, and the fallback seeds."""
    low, high = facts.FACTS["S3"].measures[0][1:]
    parts = {"all seeds": table, "seeds with 5+ industry groups of 2,000+": table[~table.fallback],
             "fallback seeds (the 30 largest)": table[table.fallback]}
    return {"range": [low, high],
            "parts": {name: {"seeds": int(len(p)), "in_range": int(p.posts.between(low, high).sum()),
                             **({"posts": interval(p.posts), "median_members": interval(p.median_members),
                                 "smallest_members": [int(p.smallest_members.min()), int(p.smallest_members.max())]}
                                if len(p) else {})} for name, p in parts.items()}}


def register(commands) -> None:
    """Add ``s3-groups`` to the harness's subcommands."""
    ap = commands.add_parser("s3-groups", help="probe: S3's posts per seed with the groups it measured",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sweep", type=Path, help="a sweep directory whose jobs wrote summary.json")
    ap.add_argument("--out", type=Path, default=FINDINGS / "s3_groups.json")
    ap.set_defaults(run=run)


def run(args) -> None:
    table = per_seed(args.sweep)
    record = {"sweep": str(args.sweep), "per_seed": table.to_dict(orient="records"), **summarize(table)}
    write_findings(args.out, f"python -m benchmarks s3-groups {args.sweep}", record)
    for name, part in record["parts"].items():
        print(f"{name}: {part['seeds']} seeds, {part['in_range']} in range")
    print(f"wrote {args.out}")
