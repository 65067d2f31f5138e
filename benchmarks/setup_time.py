"""Benchmark: set-up (initialization) time and peak memory, by phase.

    python -m benchmarks setup --size 1000000 --groups 10000
    python -m benchmarks setup --size 100000 --groups 1000 --model   # also the Mesa model

Times each phase of :func:`sim.initialize.build_state` with the model's child streams
(population, network, groups, memberships, index), then, with ``--model``, the whole
``GroupCultureModel(...)`` (which adds the Mesa agent objects). Prints wall and CPU
seconds (CPU is the better figure on a shared machine) and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np

from sim import GroupCultureModel
from sim import network as netmod
from sim.initialize import STREAMS, init_groups, init_memberships
from sim.params import ModelParams
from sim.population import sample_population


def _clock() -> tuple[float, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), ru.ru_utime + ru.ru_stime


def register(commands) -> None:
    """Add ``setup`` to the harness's subcommands."""
    ap = commands.add_parser("setup", help="set-up (initialization) time and peak memory, by phase",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--groups", type=int, default=1_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--model", action="store_true", help="also build the whole Mesa model")
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Time each set-up phase and print the table, then one line of JSON."""
    params = ModelParams.from_dict(**{"population.size": args.size, "groups.count": args.groups, "seed": args.seed,
                                      "duration.spinup_weeks": 0})  # set-up only, no spin-up
    streams = dict(zip(STREAMS, np.random.default_rng(args.seed).spawn(len(STREAMS)), strict=True))
    rows, last = {}, _clock()

    def phase(name: str) -> None:
        nonlocal last
        now = _clock()
        rows[name] = {"wall_s": round(now[0] - last[0], 2), "cpu_s": round(now[1] - last[1], 2)}
        last = now

    pop = sample_population(params.population, streams["population"])
    phase("population")
    edges = netmod.build_edges(pop, params.network, streams["network"])
    netmod.neighbour_index(pop.size, edges)
    phase("network")
    groups = init_groups(params, pop, streams["groups"])
    phase("groups")
    memberships = init_memberships(params, groups, streams["memberships"])
    phase("memberships")
    del pop, edges, groups, memberships
    if args.model:
        last = _clock()
        GroupCultureModel(params)
        phase("whole model (Mesa agents included)")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"set-up at {args.size} professionals, {args.groups} groups")
    for name, r in rows.items():
        print(f"  {name:<36} wall {r['wall_s']:6.2f} s  cpu {r['cpu_s']:6.2f} s")
    print(f"  peak RSS {rss_mb:.0f} MB")
    print(json.dumps({"size": args.size, "groups": args.groups, "phases": rows, "peak_rss_mb": round(rss_mb)}))

