"""Benchmarks of issue 9: scaling table, fast engine against the per-agent reference, profile.

    python benchmarks/bench_suite.py scaling --sizes 10000 100000 1000000 --weeks 13 52
    python benchmarks/bench_suite.py reference --size 100000 --weeks 2
    python benchmarks/bench_suite.py profile --size 1000000 --weeks 4 --out profile.txt

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

HOURS_PER_WEEK = 168


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
    from experiments import results
    from experiments.job import write_tables
    from sim import GroupCultureModel
    from sim import summary as sim_summary
    from sim.reference import ReferenceModel

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
    cmd = [sys.executable, __file__, "one", engine, str(size), str(groups), str(weeks), str(seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def groups_for(size: int, groups: int | None) -> int:
    return groups if groups else max(1, size // 100)


def print_table(rows: list[dict]) -> None:
    cols = ["engine", "professionals", "groups", "weeks", "setup_s", "run_s", "output_s", "wall_s", "cpu_s",
            "peak_rss_mib", "agent_hours_per_s", "events_per_s"]
    print(" | ".join(cols))
    for row in rows:
        print(" | ".join(f"{row[c]:,}" if isinstance(row[c], (int, float)) else str(row[c]) for c in cols))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "one":  # internal: one case in this process, JSON on stdout
        engine, size, groups, weeks, seed = argv[1], *map(int, argv[2:6])
        print(json.dumps(one_case(engine, size, groups, weeks, seed)))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="case", required=True)
    scaling = sub.add_parser("scaling", help="one whole run per size and horizon")
    scaling.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    scaling.add_argument("--weeks", type=int, nargs="+", default=[13, 52])
    reference = sub.add_parser("reference", help="fast engine and per-agent reference side by side")
    reference.add_argument("--size", type=int, default=100_000)
    reference.add_argument("--weeks", type=int, default=2)
    profile = sub.add_parser("profile", help="pyinstrument profile of one whole fast run")
    profile.add_argument("--size", type=int, default=1_000_000)
    profile.add_argument("--weeks", type=int, default=4)
    profile.add_argument("--out", type=Path, default=Path("profile.txt"))
    for p in (scaling, reference, profile):
        p.add_argument("--groups", type=int, default=None, help="default: professionals / 100")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--json", type=Path, default=None, help="write the results here as JSON")
    args = ap.parse_args(argv)

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
        from pyinstrument import Profiler

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


if __name__ == "__main__":
    main()
