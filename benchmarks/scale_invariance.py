"""Initial memberships per person and groups of 10,000+ members as the world grows (docs/ODD.md 5, "Scale").

    python benchmarks/scale_invariance.py [SIZE ...]       # default 20000 100000 500000 1000000

Set-up only (no simulation): 7.5 groups per 1,000 professionals, default parameters; seeds
1-5 (1-3 from 1,000,000 up). Prints, per population, the mean over seeds of initial
memberships per person (sum of initial group sizes / professionals) and the count of
groups with an initial size of 10,000+ in each seed.
"""

import sys

import numpy as np

from sim.initialize import build_state
from sim.params import ModelParams

for size in [int(a) for a in sys.argv[1:]] or [20000, 100000, 500000, 1000000]:
    per_person, big = [], []
    for seed in range(1, 4 if size >= 1_000_000 else 6):
        params = ModelParams.from_dict(**{"population.size": size, "groups.count": size * 75 // 10000, "seed": seed})
        sizes = build_state(params, np.random.default_rng(seed)).groups.initial_size
        per_person.append(sizes.sum() / size)
        big.append(int((sizes >= 10_000).sum()))
    print(f"{size:>9,} professionals, {size * 75 // 10000:>6,} groups: initial memberships per person "
          f"{np.mean(per_person):.2f} (seeds {np.round(per_person, 2).tolist()}); groups of 10,000+: {big}")
