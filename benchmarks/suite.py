"""Whole runs: the scaling table, the fast engine against the per-agent reference, a profile.

    python -m benchmarks scaling --sizes 10000 100000 1000000 --weeks 13 52
    python -m benchmarks scaling --sizes 20000 --groups 150 --weeks 52      # one run, quick
    python -m benchmarks reference --size 100000 --weeks 2
    python -m benchmarks profile --size 1000000 --weeks 4 --out profile.txt

Every case is one whole run as the command line does it: set-up, the weeks, the tables
written to Parquet through experiments/results.py and the summary. Each case runs in a
fresh Python process, so its peak RSS is its own. Groups = professionals / 100 unless
``--groups`` is given. Prints a table and writes JSON (``--json``): wall seconds (set-up,
run, output), CPU seconds (user + system), peak RSS, agent-hours per second (professionals x simulated hours / total
wall) and events per second (visits + posts + replies / total wall); the reference case
adds the ratio of the reference's set-up + run time to the fast engine's (the reference
writes no tables, so output time is left out of the ratio).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler

from experiments import results
from experiments.job import write_tables
from sim import GroupCultureModel
from sim import summary as sim_summary
from sim.clock import HOURS_PER_WEEK
from sim.reference import ReferenceModel

REPO = Path(__file__).resolve().parents[1]


def machine() -> dict:
    """CPU model, cores and RAM of this machine (from lscpu and /proc/meminfo)."""
    info = {"python": platform.python_version(), "cores": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line)
    except (OSError, subprocess.CalledProcessError, StopIteration):
        info["cpu"] = platform.processor() or platform.machine()
    try:
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        info["ram_gib"] = round(kb / 2**20, 1)
    except (OSError, StopIteration):
        info["ram_gib"] = None
    return info


def one_case(engine: str, size: int, groups: int, weeks: int, seed: int) -> dict:
    """Run one case in this process and return its measurements."""
    config = {"population.size": size, "groups.count": groups, "duration.weeks": weeks, "seed": seed,
              "duration.spinup_weeks": 0}  # the stated weeks only
    t0 = time.perf_counter()
    model = (GroupCultureModel if engine == "fast" else ReferenceModel)(**config)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    if engine == "fast":  # as the command line does it (experiments.job.simulate): tables, the model let go, summary
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            names, params = write_tables(model, out), model.params
            del model
            gc.collect()
            tables = results.read_tables(out, names, sim_summary.READS)
            sim_summary.summary(params, tables)
        hourly = tables["hourly_activity"]
        events = int(hourly.visits.sum() + hourly.posts.sum() + hourly.replies.sum())
    else:
        events = None  # the reference keeps no hourly record to count from
    t3 = time.perf_counter()
    total = t3 - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "engine": engine, "professionals": size, "groups": groups, "weeks": weeks, "seed": seed,
        "setup_s": round(t1 - t0, 3), "run_s": round(t2 - t1, 3), "output_s": round(t3 - t2, 3),
        "wall_s": round(total, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),  # user + system: less sensitive to load than wall
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "events": events,
        "agent_hours_per_s": round(size * weeks * HOURS_PER_WEEK / total, 1),
        "events_per_s": None if events is None else round(events / total, 1),
    }


def in_subprocess(engine: str, size: int, groups: int, weeks: int, seed: int) -> dict:
    """:func:`one_case` in a fresh interpreter (its own peak RSS)."""
    cmd = [sys.executable, "-m", "benchmarks.suite", engine, str(size), str(groups), str(weeks), str(seed)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def groups_for(size: int, groups: int | None) -> int:
    """``groups``, or one group per 100 professionals."""
    return groups if groups else max(1, size // 100)


def print_table(rows: list[dict]) -> None:
    """The rows as a table on stdout."""
    cols = ["engine", "professionals", "groups", "weeks", "setup_s", "run_s", "output_s", "wall_s", "cpu_s",
            "peak_rss_mib", "agent_hours_per_s", "events_per_s"]
    print(" | ".join(cols))
    for row in rows:
        print(" | ".join(f"{row[c]:,}" if isinstance(row[c], (int, float)) else str(row[c]) for c in cols))


def register(commands) -> None:
    """Add ``scaling``, ``reference`` and ``profile`` to the harness's subcommands."""
    def add(name: str, help: str):
        return commands.add_parser(name, help=help, description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    scaling = add("scaling", "one whole run per size and horizon, each in a fresh process")
    scaling.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    scaling.add_argument("--weeks", type=int, nargs="+", default=[13, 52])
    reference = add("reference", "fast engine and per-agent reference side by side")
    reference.add_argument("--size", type=int, default=100_000)
    reference.add_argument("--weeks", type=int, default=2)
    profile = add("profile", "pyinstrument profile of one whole fast run")
    profile.add_argument("--size", type=int, default=1_000_000)
    profile.add_argument("--weeks", type=int, default=4)
    profile.add_argument("--out", type=Path, default=Path("profile.txt"))
    for p, case in ((scaling, "scaling"), (reference, "reference"), (profile, "profile")):
        p.add_argument("--groups", type=int, default=None, help="default: professionals / 100")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--json", type=Path, default=None, help="write the results here as JSON")
        p.set_defaults(run=run, case=case)


def run(args: argparse.Namespace) -> None:
    """Run the case ``args.case``: print its table and write its JSON report."""
    rows: list[dict] = []
    extra: dict = {}
    if args.case == "scaling":
        for weeks in args.weeks:
            for size in args.sizes:
                rows.append(in_subprocess("fast", size, groups_for(size, args.groups), weeks, args.seed))
    elif args.case == "reference":
        size, groups = args.size, groups_for(args.size, args.groups)
        fast = in_subprocess("fast", size, groups, args.weeks, args.seed)
        ref = in_subprocess("reference", size, groups, args.weeks, args.seed)
        rows = [fast, ref]
        sim_s = {row["engine"]: row["setup_s"] + row["run_s"] for row in rows}  # the reference writes no tables
        extra = {"ratio_whole_run": round(sim_s["reference"] / sim_s["fast"], 1),
                 "ratio_run_only": round(ref["run_s"] / max(fast["run_s"], 1e-9), 1)}
        fast["ratio_to_reference"] = extra["ratio_whole_run"]
    else:
        profiler = Profiler()
        profiler.start()
        rows.append(one_case("fast", args.size, groups_for(args.size, args.groups), args.weeks, args.seed))
        profiler.stop()
        args.out.write_text(profiler.output_text(unicode=False, color=False))
        extra = {"profile": str(args.out)}
    print_table(rows)
    for key, value in extra.items():
        print(f"{key}: {value}")
    report = {"case": args.case, "date": time.strftime("%Y-%m-%d", time.gmtime()), "machine": machine(),
              "load_average_at_end": [round(x, 2) for x in os.getloadavg()], "rows": rows, **extra}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":  # one case in this process, JSON on stdout (in_subprocess)
    engine, size, groups, weeks, seed = sys.argv[1], *map(int, sys.argv[2:6])
    print(json.dumps(one_case(engine, size, groups, weeks, seed)))
