"""The measurements of the Revision 3 review, reproducible: ladder of nulls, spin-up deaths, S2 both ways.

    python -m experiments.probes                                   # default world, seeds 1-3
    python -m experiments.probes --seeds 1 2 3 4 5 --out docs/findings/probes.json
    python -m experiments.probes --seeds 1 --set population.size=1500 groups.count=16
    python -m experiments.probes --markdown docs/findings/probes.json   # the README's table from the JSON
    python -m experiments.probes --compare A.json B.json                # one column per JSON, seeds in brackets

Each seed is one run of the model (``--set`` takes dotted parameter overrides, as on the
command line). Per seed, from the run's tables and :func:`sim.summary.summary`:

* the model's shares thriving and dormant at the horizon and the ``null_ladder`` (one
  rate, per charter, per charter and size class, own rate), judged by the same classifier;
* spin-up deaths: the share of the groups dormant at the horizon that were already
  dormant in the first reported week, the share of groups with no post in all the
  reported weeks, and the median ``weeks_to_dormancy`` (the groups table's column: counted
  from the first reported week in the closed world the review measured, from founding
  since the world is open, so the groups present at the start add their age);
* S2 as Revision 3 defines it (per large group, lurkers included) and S2_posters (the
  Revision 2 measure, over posting members platform-wide), with the share of posters who
  posted once; S1 and S3 (posts and replies) as :mod:`sim.facts` measures them.

The means over seeds follow. The JSON goes to ``--out`` (written whole at the end, or not
at all); bad input exits with one line naming what is wrong.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import pandas as pd
import yaml

from experiments.intervals import over_seeds
from sim import GroupCultureModel
from sim.params import ModelParams, ParamError
from sim.summary import jsonable
from sim.summary import summary as run_summary

OUT = Path("docs/findings/probes.json")


def spinup_deaths(groups: pd.DataFrame, group_weeks: pd.DataFrame) -> Dict[str, float]:
    """How many groups died before anyone looked.

    ``dormant_at_horizon_dormant_in_week_0``: share of the groups dormant at the horizon
    that were dormant in the first reported week; ``silent_all_reported_weeks``: share of
    groups without a post in the reported weeks; ``median_weeks_to_dormancy``.
    """
    first = group_weeks[group_weeks.week == group_weeks.week.min()].set_index("group_id").state.astype(str)
    g = groups.set_index("group_id")
    dormant = g.final_state.astype(str).eq("dormant")
    early = first.reindex(g.index).eq("dormant")
    return {"dormant_at_horizon_dormant_in_week_0": float(early[dormant].mean()) if dormant.any() else math.nan,
            "silent_all_reported_weeks": float((g.posts == 0).mean()),
            "median_weeks_to_dormancy": float(g.weeks_to_dormancy.median())}


def posting_once(memberships: pd.DataFrame) -> float:
    """Share of the people who posted in the reported weeks who posted exactly once (all groups together)."""
    posts = memberships.groupby("agent_id").posts.sum()
    return float((posts[posts > 0] == 1).mean()) if (posts > 0).any() else math.nan


def probe(params: ModelParams) -> Dict:
    """The review's measurements for one run of ``params``."""
    model = GroupCultureModel(params).run()
    tables = model.summary_tables()
    s = run_summary(params, tables)
    return {
        "model": {"share_thriving": s["share_thriving"], "share_dormant": s["share_dormant"]},
        "null_ladder": s["null_ladder"],
        "spinup": spinup_deaths(tables["groups"], tables["group_weeks"]),
        "S2": s["stylized_facts"]["S2"]["value"],
        "S2_posters": s["stylized_facts"]["S2_posters"]["value"],
        "S1": s["stylized_facts"]["S1"]["value"],
        "S3_posts": s["stylized_facts"]["S3"]["measures"]["posts"]["value"],
        "S3_replies": s["stylized_facts"]["S3"]["measures"]["replies"]["value"],
        "posters_posting_once": posting_once(tables["memberships"]),
        "rate_size_elasticity": s["rate_size_elasticity"]["overall"]["slope"],
    }


def mean_over_seeds(per_seed: List[Dict]) -> Dict:
    """The mean over seeds of every number in the per-seed entries (same nesting)."""
    flat = pd.json_normalize(per_seed)
    means = {k: float(np.nanmean(pd.to_numeric(flat[k], errors="coerce"))) for k in flat.columns}
    nested: Dict = {}
    for key, value in means.items():
        *path, leaf = key.split(".")
        node = nested
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


ROWS = [
    ("share of groups dormant at the horizon: model", "model.share_dormant", 100),
    ("... null, one posting rate for all groups", "null_ladder.one_rate.share_dormant", 100),
    ("... null, one rate per charter", "null_ladder.per_charter.share_dormant", 100),
    ("... null, one rate per charter and size class", "null_ladder.per_charter_size.share_dormant", 100),
    ("... null, each group's own rate", "null_ladder.own_rate.share_dormant", 100),
    ("share of groups thriving at the horizon: model", "model.share_thriving", 100),
    ("... null, one posting rate for all groups", "null_ladder.one_rate.share_thriving", 100),
    ("... null, each group's own rate", "null_ladder.own_rate.share_thriving", 100),
    ("elasticity of per-member posting with group size (log-log slope)", "rate_size_elasticity", 1),
    ("horizon-dormant groups already dormant in the first reported week", "spinup.dormant_at_horizon_dormant_in_week_0",
     100),
    ("groups without a post in the reported weeks", "spinup.silent_all_reported_weeks", 100),
    ("S2 (Revision 3: top 1% of a large group's members, median over groups)", "S2", 100),
    ("S2_posters (Revision 2: top 1% of posting members)", "S2_posters", 100),
    ("posters who posted once (all groups together)", "posters_posting_once", 100),
    ("S1 (members of large groups who never posted)", "S1", 100),
    ("S3 posts per 1,000 members per week (large live industry groups)", "S3_posts", 1),
    ("S3 replies per 1,000 members per week", "S3_replies", 1),
]
"""The README's rows: label, dotted key of a seed's entry, scale (100: shown in percent)."""


def markdown(report: Dict) -> str:
    """The probes' table: mean over seeds and its interval (:func:`experiments.intervals.over_seeds`) per row."""
    flat = pd.json_normalize(list(report["seeds"].values()))
    lines = [f"Default world unless stated (`{report['command']}`; {len(flat)} seeds; overrides "
             f"{report['overrides'] or 'none'}). Mean over seeds [95% interval over seeds, method].", "",
             "| measure | mean | interval |", "|---|---|---|"]
    for label, key, scale in ROWS:
        ci = over_seeds(pd.to_numeric(flat[key], errors="coerce").to_numpy() * scale)
        unit, f = ("%", ".1f") if scale == 100 else ("", ".2f")
        interval = "none" if math.isnan(ci.low) else f"[{ci.low:{f}}, {ci.high:{f}}]{unit} ({ci.method})"
        lines.append(f"| {label} | {ci.mean:{f}}{unit} | {interval} |")
    return "\n".join(lines)


def compare(reports: Dict[str, Dict]) -> str:
    """One column per probes JSON (named by ``reports``' keys): the mean over seeds, each seed's value in brackets."""
    names = list(reports)
    lines = [" | ".join(["| measure", *names]) + " |", "|---" * (1 + len(names)) + "|"]
    for label, key, scale in ROWS:
        cells = []
        for report in reports.values():
            values = pd.to_numeric(pd.json_normalize(list(report["seeds"].values()))[key], errors="coerce") * scale
            f = ".1f" if scale == 100 else ".2f"
            cells.append(f"{values.mean():{f}} ({', '.join(f'{v:{f}}' for v in values)})")
        lines.append(" | ".join([f"| {label}", *cells]) + " |")
    return "\n".join(lines)


def parse_overrides(items: List[str]) -> Dict[str, object]:
    """``key=value`` items as dotted parameter overrides (values parsed as YAML scalars)."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ParamError(f"--set {item!r}: allowed key=value, e.g. population.size=1500")
        out[key] = yaml.safe_load(value)
    return out


def main(argv: List[str] | None = None) -> int:
    """Run the probes; one line on bad input (exit 2)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="seeds to run (default 1 2 3)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="parameter overrides")
    parser.add_argument("--out", type=Path, default=OUT, help=f"JSON output (default {OUT})")
    parser.add_argument("--markdown", type=Path, metavar="JSON", help="print the table of a probes JSON and stop")
    parser.add_argument("--compare", type=Path, nargs="+", metavar="JSON",
                        help="print one column per probes JSON (mean and each seed's value) and stop")
    args = parser.parse_args(argv)
    if args.compare is not None:
        try:
            print(compare({path.stem: json.loads(path.read_text()) for path in args.compare}))
        except (OSError, ValueError, KeyError) as exc:
            print(f"error: --compare: not probes JSONs ({exc})", file=sys.stderr)
            return 2
        return 0
    if args.markdown is not None:
        try:
            print(markdown(json.loads(args.markdown.read_text())))
        except (OSError, ValueError, KeyError) as exc:
            print(f"error: --markdown {args.markdown}: not a probes JSON ({exc})", file=sys.stderr)
            return 2
        return 0
    try:
        overrides = parse_overrides(args.set)
        params = {seed: ModelParams.from_dict(**{**overrides, "seed": seed}) for seed in args.seeds}
    except ParamError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    per_seed = [probe(p) for p in params.values()]
    result = {"command": "python -m experiments.probes " + " ".join(argv if argv is not None else sys.argv[1:]),
              "overrides": overrides, "seeds": dict(zip(map(str, args.seeds), per_seed, strict=True)),
              "mean": mean_over_seeds(per_seed)}
    partial = args.out.with_name(args.out.name + ".partial")
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(jsonable(result), indent=1) + "\n")
        partial.replace(args.out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        print(f"error: cannot write --out {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
