"""Digests of four small but real worlds: proof that a change of the engine changed no output.

    python -m benchmarks digest-worlds --out before.txt     # on the commit before a change
    python -m benchmarks digest-worlds --out after.txt      # after it; then: diff before.txt after.txt

Each world is composed from configs/ as ``groupsim`` composes it (the overrides below),
run in-process to its end, and every output table (:meth:`sim.model.GroupCultureModel.tables`)
and the summary get a sha256: a table's over its column names, dtypes and each column's
values (numeric columns as their bytes, so a float differing in its last bit changes the
digest), the summary's over its JSON with sorted keys (floats written exactly). The
performance rounds of docs/SCALING.md require identical digests before and after.

The worlds (:data:`WORLDS`) cover what the fast engine's shortcuts must keep: the default
world; the weekly digest with manager posts and blocking lifted from week 10 (the
interventions' code paths in the hours and a mid-run refresh of the availability
classes); an attention capacity with the per-member social signal; fast renewal with an
attention split of 0.3. ``--tiny`` shrinks each to 300 professionals, 6 groups, 12 weeks
without spin-up (a smoke test of the command, not a proof). About a minute of CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

WORLDS = {
    "default_seed1": ["seed=1"],
    "digest_managers_lift_blocking": [
        "seed=2", "population.size=6000", "groups.count=60", "duration.spinup_weeks=8", "duration.weeks=20",
        "intervention=lift_blocking", "interventions.start_week=10", "interventions.weekly_digest=0.2",
        "interventions.manager_posts_per_week=1.0"],
    "attention_capacity_per_member": [
        "seed=3", "population.size=6000", "groups.count=60", "duration.spinup_weeks=8", "duration.weeks=20",
        "behaviour.attention_capacity=3", "behaviour.social_signal=per_member"],
    "fast_renewal_split_0.3": [
        "seed=4", "population.size=6000", "groups.count=60", "duration.spinup_weeks=8", "duration.weeks=20",
        "population.platform_exit_rate=2.0", "behaviour.attention_split=0.3"],
}
"""Each world's ``groupsim`` overrides."""

TINY = ["population.size=300", "groups.count=6", "duration.spinup_weeks=0", "duration.weeks=12"]


def column_digest(column: pd.Series) -> bytes:
    """The bytes that stand for a column's values: numpy numeric and bool columns as their own bytes.

    Other columns (nullable integers, strings, categories, lists) by pandas' hash of each
    value, which tells apart any two values that compare unequal.
    """
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":
        return np.ascontiguousarray(column.to_numpy()).tobytes()
    if column.dtype == object:
        return repr(column.tolist()).encode()
    return pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes()


def table_digest(table: pd.DataFrame) -> str:
    """sha256 of a table's shape, column names and dtypes, and each column's values."""
    h = hashlib.sha256(repr((table.shape, [(c, str(t)) for c, t in table.dtypes.items()])).encode())
    for name in table.columns:
        h.update(column_digest(table[name]))
    return h.hexdigest()


def summary_digest(summary: dict) -> str:
    """sha256 of the summary as JSON with sorted keys (``repr`` of what JSON cannot write)."""
    return hashlib.sha256(json.dumps(summary, sort_keys=True, default=repr).encode()).hexdigest()


def compose(overrides: list[str]):
    """The model parameters of ``groupsim OVERRIDES`` (configs/ composed by Hydra, checked by the schema)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from experiments.config import model_params
    from experiments.schema import CONFIG_DIR, register_schema

    register_schema()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIG_DIR)):
        return model_params(hydra_compose("config", overrides=overrides))


def world_digests(overrides: list[str]) -> dict[str, str]:
    """Run the world of ``overrides`` to its end: a digest per table and of the summary."""
    from sim.model import GroupCultureModel

    model = GroupCultureModel(compose(overrides)).run()
    out = {name: table_digest(table) for name, table in model.tables().items()}
    out["summary"] = summary_digest(model.summary())
    return out


def register(commands) -> None:
    """Add ``digest-worlds`` to the harness's subcommands."""
    ap = commands.add_parser("digest-worlds", help="sha256 of every table and the summary of four worlds",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None, help="also write the lines to this file")
    ap.add_argument("--world", choices=list(WORLDS), action="append", help="only these worlds (default: all)")
    ap.add_argument("--tiny", action="store_true", help="each world at 300 professionals, 6 groups, 12 weeks")
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Print ``world table sha256`` lines, one per table and summary of each world."""
    lines = []
    for world in args.world or WORLDS:
        digests = world_digests(WORLDS[world] + (TINY if args.tiny else []))
        for name, digest in digests.items():
            lines.append(f"{world} {name} {digest}")
            print(lines[-1], flush=True)
    if args.out:
        args.out.write_text("\n".join(lines) + "\n")
