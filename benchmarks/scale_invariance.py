"""Initial memberships per person and groups of 10,000+ members as the world grows (docs/ODD.md 5, "Scale").

    python -m benchmarks scale-invariance [SIZE ...]       # default 20000 100000 500000 1000000

Set-up only (no simulation): 7.5 groups per 1,000 professionals, default parameters; seeds
1-5 (1-3 from 1,000,000 up). Prints, per population, the mean over seeds of initial
memberships per person (sum of initial group sizes / professionals) and the count of
groups with an initial size of 10,000+ in each seed.
"""

import argparse

import numpy as np

from sim.initialize import build_state
from sim.params import ModelParams


def register(commands) -> None:
    """Add ``scale-invariance`` to the harness's subcommands."""
    ap = commands.add_parser("scale-invariance", help="probe: initial memberships per person as the world grows",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", metavar="SIZE", type=int, nargs="*", default=[20000, 100000, 500000, 1000000])
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Initialize each size for its seeds and print memberships per person and the groups of 10,000+."""
    for size in args.sizes:
        per_person, big = [], []
        for seed in range(1, 4 if size >= 1_000_000 else 6):
            params = ModelParams.from_dict(**{"population.size": size, "groups.count": size * 75 // 10000,
                                              "seed": seed})
            sizes = build_state(params, np.random.default_rng(seed)).groups.initial_size
            per_person.append(sizes.sum() / size)
            big.append(int((sizes >= 10_000).sum()))
        print(f"{size:>9,} professionals, {size * 75 // 10000:>6,} groups: initial memberships per person "
              f"{np.mean(per_person):.2f} (seeds {np.round(per_person, 2).tolist()}); groups of 10,000+: {big}")
