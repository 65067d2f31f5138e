"""Time spent in each submodel of one run: wall and system seconds, page faults, calls.

    python -m benchmarks submodels --size 1000000 --weeks 52 --json submodels.json

Wraps the submodels the schedule calls (``sim.model``'s names) and the index update, and
runs the model (set-up, then the weeks; no tables). For a before/after comparison run it
in two checkouts at the same time or one after the other (this machine's speed drifts
over a day): ``benchmarks/results/submodel_times.json`` holds such a pair.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import time
from pathlib import Path

import sim.model as schedule
from sim import GroupCultureModel
from sim.state import State

SUBMODELS = ("simulate_hours", "classify_groups", "expire_posts", "found_groups", "join", "leave", "renew",
             "refresh_session_rates", "update_job_hunting")
"""The names :mod:`sim.model` calls: the compiled hours of a day (``simulate_hours``, one
timing for all of go_online ... end_hour) and the daily and weekly submodels."""


def timed(name, f, totals):
    def wrapper(*args, **kwargs):
        r0, t0, c0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter(), time.process_time()
        out = f(*args, **kwargs)
        r1, row = resource.getrusage(resource.RUSAGE_SELF), totals[name]
        row["wall_s"] += time.perf_counter() - t0
        row["cpu_s"] += time.process_time() - c0
        row["system_s"] += r1.ru_stime - r0.ru_stime
        row["page_faults"] += r1.ru_minflt - r0.ru_minflt
        row["calls"] += 1
        return out
    return wrapper


def register(commands) -> None:
    """Add ``submodels`` to the harness's subcommands."""
    ap = commands.add_parser("submodels", help="time spent in each submodel of one run",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--groups", type=int, default=None, help="default: size / 100")
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--spinup", type=int, default=0, help="duration.spinup_weeks (simulated, timed with the rest)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None)
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Wrap the submodels (for the rest of this process), run the model and report their times."""
    totals = collections.defaultdict(
        lambda: {"cpu_s": 0.0, "wall_s": 0.0, "system_s": 0.0, "page_faults": 0, "calls": 0})
    GroupCultureModel(**{"population.size": 300, "groups.count": 4, "duration.weeks": 1,
                         "duration.spinup_weeks": 0}).step()  # load the compiled code first (not timed)
    for name in SUBMODELS:
        setattr(schedule, name, timed(name, getattr(schedule, name), totals))
    State.update_index = timed("update_index", State.update_index, totals)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    model = GroupCultureModel(**{"population.size": args.size, "groups.count": args.groups or args.size // 100,
                                 "duration.weeks": args.weeks, "duration.spinup_weeks": args.spinup, "seed": args.seed})
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    model.run()
    r2 = resource.getrusage(resource.RUSAGE_SELF)
    report = {
        "args": {key: getattr(args, key) for key in ("size", "groups", "weeks", "spinup", "seed")} | {"json": None},
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "setup": {"user_s": r1.ru_utime - r0.ru_utime, "system_s": r1.ru_stime - r0.ru_stime},
        "run": {"user_s": r2.ru_utime - r1.ru_utime, "system_s": r2.ru_stime - r1.ru_stime},
        "submodels": {k: {f: round(v, 2) for f, v in row.items()}
                      for k, row in sorted(totals.items(), key=lambda kv: -kv[1]["cpu_s"])},
    }
    print(f"run: {report['run']['user_s']:.1f} s user, {report['run']['system_s']:.1f} s system")
    for name, row in report["submodels"].items():
        print(f"{name:22s} calls {row['calls']:6d}  cpu {row['cpu_s']:6.2f} s  wall {row['wall_s']:6.1f} s  "
              f"system {row['system_s']:5.1f} s  page faults {row['page_faults']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")

