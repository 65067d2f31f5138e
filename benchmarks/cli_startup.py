"""Benchmark: how fast the command line answers when it only prints (an error, ``--help``, ``--cfg``).

    python -m benchmarks cli-startup                      # writes benchmarks/results/cli_startup.json
    python -m benchmarks cli-startup --repeat 10 --out /tmp/startup.json

Each command runs ``repeat`` times as ``python -m experiments.run ...`` from a temporary
directory; the JSON holds, per command, the median wall time and the median CPU time
(user + sys of the child, which a loaded machine distorts less than wall time), its exit
status, and which heavy modules (mesa, pandas, pyarrow, matplotlib, scipy, numpy) it
imported (``python -X importtime``), with the machine's load average at the start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMANDS = {
    "error (population.size=-1)": ["population.size=-1"],
    "typo (population.sise=5000)": ["population.sise=5000"],
    "sweep without -m (seed=1,2,3)": ["seed=1,2,3"],
    "--help": ["--help"],
    "--cfg job": ["--cfg", "job"],
}
HEAVY = ("mesa", "pandas", "pyarrow", "matplotlib", "scipy", "numpy")


def run_once(args: list[str], cwd: str) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, exit status) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "experiments.run", *args], cwd=cwd, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def heavy_imports(args: list[str], cwd: str) -> list[str]:
    """The heavy top-level modules a command imports (from ``python -X importtime``)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "experiments.run", *args], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    return sorted(name for name in HEAVY if name in names)


def register(commands) -> None:
    """Add ``cli-startup`` to the harness's subcommands."""
    ap = commands.add_parser("cli-startup", help="how fast the command line answers errors, --help and --cfg",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "cli_startup.json")
    ap.set_defaults(run=run)


def run(options: argparse.Namespace) -> None:
    """Time each command ``options.repeat`` times and write the JSON."""
    load = os.getloadavg()[0]
    machine = {"cpus": os.cpu_count(), "load_average_1min": round(load, 2), "python": platform.python_version()}
    out = {"machine": machine, "repeat": options.repeat, "commands": {}}
    with tempfile.TemporaryDirectory() as cwd:
        for name, args in COMMANDS.items():
            runs = [run_once(args, cwd) for _ in range(options.repeat)]
            out["commands"][name] = {
                "args": args, "exit_status": runs[0][2],
                "wall_seconds_median": round(statistics.median(r[0] for r in runs), 3),
                "cpu_seconds_median": round(statistics.median(r[1] for r in runs), 3),
                "heavy_modules_imported": heavy_imports(args, cwd),
            }
            print(f"{name}: wall {out['commands'][name]['wall_seconds_median']} s, "
                  f"cpu {out['commands'][name]['cpu_seconds_median']} s, "
                  f"heavy imports {out['commands'][name]['heavy_modules_imported'] or 'none'}")
        leftovers = sorted(str(p.relative_to(cwd)) for p in Path(cwd).rglob("*"))
    out["files_written"] = leftovers
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"-> {options.out}")

