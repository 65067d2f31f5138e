"""The benchmark harness: every benchmark and probe as a subcommand of ``python -m benchmarks``.

    python -m benchmarks --help             # the subcommands
    python -m benchmarks COMMAND --help     # what one measures, its options and examples

Each module listed in :data:`MODULES` adds its subcommands with ``register(commands)``
(an argparse subparsers object) and sets ``run`` to the function that does the work.
"""

from __future__ import annotations

import argparse

from benchmarks import (
    calibration_probe,
    cli_startup,
    dashboard,
    digest_worlds,
    emulator,
    facts_sweep,
    h1_ceiling,
    null_vs_model,
    parts,
    power,
    s3_groups,
    scale_invariance,
    setup_time,
    split_coupling,
    stationarity,
    steady_state,
    stopping,
    submodels,
    suite,
    throughput,
)

# Timing benchmarks (with digest-worlds, the proof that a speed-up changed no output), then research probes
# (each probe reproduces a figure quoted in the docs).
TIMING = (suite, setup_time, submodels, parts, dashboard, throughput, cli_startup, emulator, digest_worlds)
PROBES = (split_coupling, null_vs_model, power, steady_state, stationarity, scale_invariance, calibration_probe,
          h1_ceiling, facts_sweep, s3_groups, stopping)
MODULES = TIMING + PROBES


def parser() -> argparse.ArgumentParser:
    """The harness's argument parser, with every module's subcommands."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    commands = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in MODULES:
        module.register(commands)
    return ap


def main(argv: list[str] | None = None) -> None:
    """Parse ``argv`` (default: the command line) and run the subcommand."""
    args = parser().parse_args(argv)
    args.run(args)
