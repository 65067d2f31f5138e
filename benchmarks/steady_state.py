"""How near a steady state are the reported weeks? (issue 7, "a steady state")

    python benchmarks/steady_state.py SPINUP_WEEKS LATE_FOUNDED_SHARE

Default model (20,000 professionals, 150 groups), 52 reported weeks, seeds 1-3: share
dormant at the first, 26th and last reported week, its range over the last 26 reported
weeks (target: at most 3 points), and the median and largest weekly leaves (a wave of
tidy members leaving shows as a large max / median).
"""

import sys

from sim import GroupCultureModel

spin, late = int(sys.argv[1]), float(sys.argv[2])
for seed in (1, 2, 3):
    m = GroupCultureModel(**{"seed": seed, "duration.spinup_weeks": spin, "groups.late_founded_share": late,
                             "groups.founding_weeks": max(spin, 1), "duration.weeks": 52})
    gw = m.run().tables()["group_weeks"]
    dormant = gw.groupby("week").state.apply(lambda s: float((s == "dormant").mean()))
    leaves = gw.groupby("week").leaves.sum()
    last26 = dormant.iloc[-26:]
    print(f"spin-up {spin}, late-founded {late}, seed {seed}: dormant {dormant.iloc[0]:.3f} / "
          f"{dormant.iloc[25]:.3f} / {dormant.iloc[-1]:.3f}, range over the last 26 weeks "
          f"{last26.max() - last26.min():.3f}; weekly leaves median {leaves.median():.0f}, max {leaves.max():.0f}")
