"""Is the open world stationary? Issue 20's check on the default world.

    python -m benchmarks stationarity [--seeds 1 2 3] [--out PATH] [key=value ...]

The default world (``groupsim`` defaults: 20,000 professionals, 150 groups at the start,
groups founded and professionals renewed at the default rates, 104-week spin-up, 52
reported weeks) unless ``key=value`` overrides are given. Per seed, over the reported
weeks: share dormant (of the groups open then) and memberships per person (current
memberships at week end over professionals), the means of the first and of the last 13
weeks and their change (targets: at most 3 points and 3%); the change of the memberships
of each charter's groups (a total that holds still may be one charter growing while
another shrinks); the change of share dormant among the groups present at the start alone
(the rest were founded in the run); the share of the groups present at the horizon that
were founded during the reported weeks (target: at least 10%); the median age of the
groups present in the first and the last week (group ages stop drifting); each charter's
memberships gained by joining and ended (leaves, exits, closures) per week, and their ratio
(how the charters' inflows were balanced, docs/ODD.md 7.8); CPU seconds.
Over the seeds: the mean of each change with its interval (experiments.intervals: the
systematic drift) and its standard deviation (the noise a single seed's change carries).
Writes ``docs/findings/stationarity.json`` (default ``--out``) and prints it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.intervals import over_seeds
from experiments.report import ROOT, head_commit
from sim import GroupCultureModel
from sim.summary import jsonable

FINDINGS = Path(__file__).resolve().parent.parent / "docs" / "findings"
QUARTER = 13  # weeks compared at each end


def register(commands) -> None:
    """Add ``stationarity`` to the harness's subcommands."""
    ap = commands.add_parser("stationarity", help="probe: is the open world stationary over the reported weeks?",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--out", type=Path, default=FINDINGS / "stationarity.json")
    ap.add_argument("overrides", metavar="key=value", nargs="*", help="model parameters (default: the default world)")
    ap.set_defaults(run=run)


def _share_dormant(group_weeks: pd.DataFrame) -> pd.Series:
    """Share dormant per week, of the groups founded by then."""
    founded = group_weeks.state.notna().groupby(group_weeks.week).sum()
    return (group_weeks.state.astype(str) == "dormant").groupby(group_weeks.week).sum() / founded


def _open(groups: pd.DataFrame, week: int) -> pd.Series:
    """Groups founded by ``week`` and not closed before it."""
    closed = groups.closed_week.astype("Float64").fillna(np.inf) if "closed_week" in groups else np.inf
    return (groups.founded_week <= week) & (closed >= week)


def _by_charter(group_weeks: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """``group_weeks`` with each group's charter (all one charter, ``all``, if the groups table has none)."""
    if "charter" not in groups:
        return group_weeks.assign(charter="all")
    return group_weeks.merge(groups[["group_id", "charter"]].astype({"charter": str}), on="group_id", how="left")


def measure(tables: dict, professionals: int, at_start: int) -> dict:
    """The stationarity measures of one run's tables (see the module docstring); ``at_start``: groups.count."""
    gw, groups = tables["group_weeks"], tables["groups"]
    weeks = int(gw.week.max()) + 1
    dormant = _share_dormant(gw)
    stock = _share_dormant(gw[gw.group_id < at_start])  # ids: the groups present at the start come first
    per_person = gw.groupby("week").members.sum() / professionals
    tagged = _by_charter(gw, groups)
    by_charter = tagged.groupby(["charter", "week"]).members.sum().unstack("charter")
    present = groups[_open(groups, weeks)]  # open at the horizon
    ages = [float(np.median(week - groups.founded_week[_open(groups, week)])) for week in (0, weeks - 1)]
    first, last = slice(0, QUARTER), slice(weeks - QUARTER, weeks)
    d0, d1 = dormant.iloc[first].mean(), dormant.iloc[last].mean()
    m0, m1 = per_person.iloc[first].mean(), per_person.iloc[last].mean()
    return {
        "share_dormant_first_13": round(float(d0), 4), "share_dormant_last_13": round(float(d1), 4),
        "share_dormant_change_points": round(float(100 * (d1 - d0)), 2),
        "share_dormant_change_points_groups_present_at_start":
            round(float(100 * (stock.iloc[last].mean() - stock.iloc[first].mean())), 2),
        "memberships_per_person_first_13": round(float(m0), 3), "memberships_per_person_last_13": round(float(m1), 3),
        "memberships_per_person_change_percent": round(float(100 * (m1 / m0 - 1)), 2),
        "memberships_change_percent_by_charter": {
            str(c): round(float(100 * (col.iloc[last].mean() / col.iloc[first].mean() - 1)), 2)
            for c, col in by_charter.items()},
        "flows_per_week_by_charter": _flows(tagged, weeks),
        "groups_at_horizon": len(present),
        "share_founded_in_reported_weeks": round(float((present.founded_week >= 0).mean()), 4),
        "median_group_age_weeks_first_last": ages,
        "exits_per_week": round(float(gw.groupby("week").exits.sum().mean()), 1),
        "joins_per_week": round(float(gw.groupby("week").joins.sum().mean()), 1),
        "leaves_per_week": round(float(gw.groupby("week").leaves.sum().mean()), 1),
        "closure_ends_per_week": round(float(gw.groupby("week").closures.sum().mean()), 1) if "closures" in gw else 0,
        "groups_closed_in_reported_weeks": int(groups.closed_week.ge(0).sum()) if "closed_week" in groups else 0,
    }


def _flows(tagged: pd.DataFrame, weeks: int) -> dict:
    """Per charter, memberships gained (joins, foundings) and ended (leaves, exits, closures) per reported week.

    A charter's memberships hold still when the two balance: ``joins / ends`` is the
    factor by which its joins would have to change (through ``charters.<name>.inflow``).
    """
    ends = [c for c in ("leaves", "exits", "closures") if c in tagged]
    sums = tagged.groupby("charter")[["joins", *ends]].sum() / weeks
    return {str(c): {"joins": round(float(r.joins), 1), "ends": round(float(r[ends].sum()), 1),
                     "joins_over_ends": round(float(r.joins / max(r[ends].sum(), 1e-9)), 3)}
            for c, r in sums.iterrows()}


def passes(row: dict) -> bool:
    """Issue 20's targets for one seed."""
    return (abs(row["share_dormant_change_points"]) <= 3 and abs(row["memberships_per_person_change_percent"]) <= 3
            and row["share_founded_in_reported_weeks"] >= 0.10)


def write_findings(out: Path, command: str, record: dict) -> dict:
    """Write a probe's findings file whole: ``command`` (with ``--out`` relative to the repository),
    the checkout's commit and the date, then ``record``; a ``.partial`` file renamed at the end."""
    where = out.resolve()
    result = {"command": f"{command} --out {where.relative_to(ROOT) if where.is_relative_to(ROOT) else where}",
              "commit": head_commit(ROOT), "date": time.strftime("%Y-%m-%d", time.gmtime()), **record}
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(jsonable(result), indent=1) + "\n", encoding="utf-8")
    partial.replace(out)
    return result


def parse_overrides(items: list[str]) -> dict:
    """``key=value`` strings as model overrides: integers, numbers, or else the text (e.g. a choice)."""
    config = {}
    for item in items:
        key, value = item.split("=", 1)
        for kind in (int, float, str):
            try:
                config[key] = kind(value)
                break
            except ValueError:
                continue
    return config


def run(args: argparse.Namespace) -> None:
    """Run each seed, measure it, write and print the result."""
    overrides = dict(a.split("=", 1) for a in args.overrides)
    config = parse_overrides(args.overrides)
    rows = []
    for seed in args.seeds:
        start = time.process_time()
        model = GroupCultureModel(seed=seed, **config)
        tables = model.run().tables()
        row = {"seed": seed, **measure(tables, model.params.population.size, model.params.groups.count)}
        row["cpu_seconds"] = round(time.process_time() - start, 1)
        row["passes"] = passes(row)
        rows.append(row)
        print(json.dumps(row), flush=True)
    drift = {}
    charters = sorted({c for r in rows for c in r["memberships_change_percent_by_charter"]})
    changes = {"share_dormant_change_points": [r["share_dormant_change_points"] for r in rows],
               "memberships_per_person_change_percent": [r["memberships_per_person_change_percent"] for r in rows],
               **{f"memberships_change_percent_{c}": [r["memberships_change_percent_by_charter"].get(c, np.nan)
                                                      for r in rows] for c in charters}}
    for key, values in changes.items():
        interval = over_seeds(values)
        drift[key] = {"mean": round(interval.mean, 2), "low": round(interval.low, 2), "high": round(interval.high, 2),
                      "method": interval.method, "sd_over_seeds": round(float(np.std(values, ddof=1)), 2)
                      if len(values) > 1 else None, "seeds": interval.n}
    out = {"command": "python -m benchmarks stationarity " + " ".join(
        [f"--seeds {' '.join(map(str, args.seeds))}", *args.overrides]),
        "overrides": overrides, "seeds": rows, "all_pass": all(r["passes"] for r in rows),
        "drift_over_seeds": drift,
        "table": pd.DataFrame(rows).drop(columns=["median_group_age_weeks_first_last",
                                                  "memberships_change_percent_by_charter",
                                                  "flows_per_week_by_charter"]).mean().round(3).to_dict()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}; all seeds pass: {out['all_pass']}")
