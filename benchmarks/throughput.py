"""Throughput of the fast engine: the figures of docs/SCALING.md, "Throughput".

    python -m benchmarks throughput default             # default world (seed 11): run + summary, in-process
    python -m benchmarks throughput compile             # first-call compile time of the kernel, then a cached load
    python -m benchmarks throughput events              # events per second at 10k, 100k, 1M professionals
    python -m benchmarks throughput cli [--spinup 0]    # 1M x 10k groups x 52 weeks through the command line
    python -m benchmarks throughput design              # 100 default-world jobs, groupsim -m, joblib launcher
    python -m benchmarks throughput reference           # whole run of the reference / of the fast engine, 100k

Each writes benchmarks/results/throughput_<command>.json. Times are CPU seconds (user +
sys) where the process is ours alone, since wall time on a shared machine measures the
others too; wall seconds are given beside them. Events are visits + posts + replies.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
GROUPS_PER_PROFESSIONAL = 0.01  # 10k groups at 1M, as in the command-line case


def machine() -> dict:
    """CPU model, cores and load average (lscpu; the machine may be shared)."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    field = dict(re.findall(r"^([^:]+):\s+(.*)$", lscpu, flags=re.M))
    return {"cpu": field.get("Model name"), "cpus": os.cpu_count(), "load_average": os.getloadavg()}


def commit() -> str:
    """The checkout's short commit, ``+`` when it has uncommitted changes (what was measured).

    The benchmarks' own results (``benchmarks/results/``, which each case rewrites) do not
    count: a case run after another in the same checkout measures the same code.
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)benchmarks/results")
    return git("rev-parse", "--short", "HEAD") + ("+" if changed else "")


def save(command: str, rows: list, **extra) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"command": command, "date": datetime.now(timezone.utc).isoformat(timespec="minutes"),
           "commit": commit(), "machine": machine(), **extra, "rows": rows}
    path = RESULTS / f"throughput_{command}.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(rows, indent=2))
    print(f"-> {path}")


class Clock:
    """CPU and wall seconds since the last reading."""

    def __init__(self):
        self.cpu, self.wall = time.process_time(), time.perf_counter()

    def lap(self) -> dict:
        cpu, wall = time.process_time(), time.perf_counter()
        out = {"cpu_s": round(cpu - self.cpu, 3), "wall_s": round(wall - self.wall, 3)}
        self.cpu, self.wall = cpu, wall
        return out


def events(model) -> int:
    rec = model.state.records
    return int(rec.hour_visits.sum() + rec.hour_posts.sum() + rec.hour_replies.sum())


def default_world(args) -> None:
    from sim.model import GroupCultureModel

    GroupCultureModel(**{"population.size": 300, "groups.count": 4, "duration.weeks": 1,
                         "duration.spinup_weeks": 0}).step()  # load the compiled kernel (see `compile`)
    clock = Clock()
    model = GroupCultureModel(seed=args.seed)
    construct = clock.lap()
    model.run()
    run = clock.lap()
    model.summary()
    summary = clock.lap()
    total = {k: round(construct[k] + run[k] + summary[k], 3) for k in construct}
    save("default", [{"seed": args.seed, "professionals": model.params.population.size,
                      "groups": model.params.groups.count, "weeks": model.params.duration.weeks,
                      "spinup_weeks": model.params.duration.spinup_weeks, "events": events(model),
                      "construct": construct, "run": run, "summary": summary, "total": total}])


COMPILE_PROBE = """
import time
start = time.process_time()
from sim.model import GroupCultureModel
model = GroupCultureModel(**{"population.size": 300, "groups.count": 4, "duration.weeks": 1,
                             "duration.spinup_weeks": 0})
ready = time.process_time()
model.step()
print(ready - start, time.process_time() - ready)
"""


def compile_time(args) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for case in ("compile (empty cache)", "load (cached)"):
            out = subprocess.run([sys.executable, "-c", COMPILE_PROBE], env=env, cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            construct, step = (float(x) for x in out.stdout.split()[-2:])  # the constructor compiles session_classes
            rows.append({"case": case, "import_and_construct_cpu_s": round(construct, 3),
                         "first_step_cpu_s": round(step, 3)})
    save("compile", rows)


def events_per_second(args) -> None:
    from sim.model import GroupCultureModel

    GroupCultureModel(**{"population.size": 300, "groups.count": 4, "duration.weeks": 1,
                         "duration.spinup_weeks": 0}).step()
    rows = []
    for size in args.sizes:
        weeks = args.weeks if size < 1_000_000 else args.weeks_1m
        clock = Clock()
        groups = int(size * GROUPS_PER_PROFESSIONAL)
        model = GroupCultureModel(seed=1, **{"population.size": size, "groups.count": groups,
                                             "duration.weeks": weeks, "duration.spinup_weeks": 0})
        setup = clock.lap()
        model.run()
        run = clock.lap()
        n = events(model)
        rows.append({"professionals": size, "groups": model.params.groups.count, "weeks": weeks, "events": n,
                     "setup": setup, "run": run, "events_per_cpu_s": round(n / run["cpu_s"])})
        print(rows[-1], flush=True)
        del model
    save("events", rows)


def groupsim() -> str:
    """The ``groupsim`` script of this interpreter's environment (a venv need not be on PATH), else PATH's."""
    beside = Path(sys.executable).with_name("groupsim")
    return str(beside) if beside.exists() else "groupsim"


def timed_command(argv: list[str]) -> dict:
    """Run ``argv`` under /usr/bin/time -v: wall, CPU (user + sys), peak RSS; a failed command stops the benchmark."""
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"benchmark command failed (exit {proc.returncode}): {' '.join(argv)}: {tail}")
    report = dict(re.findall(r"^\s*([^:\n]+(?:\([^)]*\))?[^:\n]*):\s+(.*)$", proc.stderr, flags=re.M))
    wall = report.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
    return {"returncode": proc.returncode, "wall_s": round(seconds, 1),
            "cpu_s": round(sum(float(report.get(f"{k} time (seconds)", 0)) for k in ("User", "System")), 1),
            "peak_rss_mib": round(int(report.get("Maximum resident set size (kbytes)", 0)) / 1024, 1),
            "stderr_tail": proc.stderr.splitlines()[-25:] if proc.returncode else []}


def command_line(args) -> None:
    with tempfile.TemporaryDirectory() as out:
        argv = [groupsim(), f"seed={args.seed}", f"population.size={args.size}", f"groups.count={args.groups}",
                f"duration.weeks={args.weeks}", "plots=false"]
        if args.spinup is not None:
            argv.append(f"duration.spinup_weeks={args.spinup}")
        row = {"argv": " ".join(["groupsim", *argv[1:]]), **timed_command([*argv, f"hydra.run.dir={out}"])}
    name = "cli" if args.spinup is None else f"cli_spinup{args.spinup}"
    save(name, [row])


def design(args) -> None:
    with tempfile.TemporaryDirectory() as out:
        argv = [groupsim(), "-m", f"seed=range(1,{args.jobs + 1})", "plots=false", "hydra/launcher=joblib",
                f"hydra.launcher.n_jobs={args.n_jobs}", f"hydra.sweep.dir={out}"]
        row = {"argv": " ".join(["groupsim", *argv[1:-1]]), "jobs": args.jobs, **timed_command(argv)}
    save("design", [row])


def reference_ratio(args) -> None:
    from sim.model import GroupCultureModel
    from sim.reference import ReferenceModel

    config = {"seed": 0, "population.size": args.size, "groups.count": int(args.size * GROUPS_PER_PROFESSIONAL),
              "duration.weeks": args.weeks, "duration.spinup_weeks": 0}
    GroupCultureModel(**{**config, "population.size": 300, "groups.count": 4}).step()  # load the kernel
    rows = []
    for engine in (GroupCultureModel, ReferenceModel):
        clock = Clock()
        engine(**config).run()
        rows.append({"engine": engine.__name__, **config, "whole_run": clock.lap(),
                     "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)})
        print(rows[-1], flush=True)
    ratio = {k: round(rows[1]["whole_run"][k] / rows[0]["whole_run"][k], 1) for k in ("cpu_s", "wall_s")}
    save("reference", rows, ratio_reference_to_fast=ratio)


def add_commands(sub) -> None:
    """The throughput cases as subcommands of ``sub``."""
    p = sub.add_parser("default", help="default world run + summary, in-process")
    p.add_argument("--seed", type=int, default=11)
    p.set_defaults(run=default_world)
    sub.add_parser("compile", help="first-call compile time, then a cached load").set_defaults(run=compile_time)
    p = sub.add_parser("events", help="events per CPU second by population size")
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--weeks-1m", type=int, default=13, help="weeks at a million professionals (minutes each)")
    p.set_defaults(run=events_per_second)
    p = sub.add_parser("cli", help="one run through the command line under /usr/bin/time -v")
    p.add_argument("--size", type=int, default=1_000_000)
    p.add_argument("--groups", type=int, default=10_000)
    p.add_argument("--weeks", type=int, default=52)
    p.add_argument("--spinup", type=int, default=None, help="duration.spinup_weeks (default: the model's)")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(run=command_line)
    p = sub.add_parser("design", help="default-world jobs through groupsim -m and the joblib launcher")
    p.add_argument("--jobs", type=int, default=100)
    p.add_argument("--n-jobs", type=int, default=2)
    p.set_defaults(run=design)
    p = sub.add_parser("reference", help="whole run of both engines")
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--weeks", type=int, default=2)
    p.set_defaults(run=reference_ratio)


def register(commands) -> None:
    """Add ``throughput`` (with its cases) to the harness's subcommands."""
    ap = commands.add_parser("throughput", help="throughput of the fast engine (docs/SCALING.md, Throughput)",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_commands(ap.add_subparsers(dest="case", required=True, metavar="CASE"))
