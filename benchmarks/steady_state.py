"""How near a steady state are the reported weeks, after a given spin-up?

    python -m benchmarks steady-state SPINUP_WEEKS [key=value ...]

Default model (20,000 professionals, 150 groups), 52 reported weeks, seeds 1-5. Per seed:
share dormant at the first, 26th and last reported week; over the last 26 reported weeks its
range (week-to-week noise included: one group of 150 is 0.67 points), its linear trend
(fitted slope x 25 weeks) and the difference between the means of the last 13 weeks and of
the 13 before (the target: at most 3 points); weekly leaves median and max (a wave of tidy
members leaving shows as a large max / median); total memberships at weeks 26 and 52 (and
per person at the end); mean share thriving over the last 26 weeks.
Then the mean trend over seeds with its 95% interval (seeds are the independent units;
:func:`experiments.intervals.over_seeds` names its method).
"""

import argparse

import numpy as np

from benchmarks.stationarity import parse_overrides
from experiments.intervals import over_seeds
from sim import GroupCultureModel


def register(commands) -> None:
    """Add ``steady-state`` to the harness's subcommands."""
    ap = commands.add_parser("steady-state", help="probe: how near a steady state are the reported weeks?",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spinup_weeks", metavar="SPINUP_WEEKS", type=int)
    ap.add_argument("rest", metavar="ARG", nargs="*", help="key=value overrides of the model")
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Run seeds 1-5 for 52 reported weeks and print the drift of share dormant and the mean trend."""
    spin, rest = args.spinup_weeks, args.rest
    trends = []
    for seed in (1, 2, 3, 4, 5):
        config = {"seed": seed, "duration.spinup_weeks": spin, "duration.weeks": 52,
                  **parse_overrides(rest)}
        gw = GroupCultureModel(**config).run().tables()["group_weeks"]
        dormant = gw.groupby("week").state.apply(lambda s: float((s == "dormant").mean())).to_numpy()
        leaves = gw.groupby("week").leaves.sum()
        members = gw.groupby("week").members.sum().to_numpy()
        thriving = gw.groupby("week").state.apply(lambda s: float((s == "thriving").mean())).to_numpy()
        last26 = dormant[-26:]
        trend = np.polyfit(np.arange(26), last26, 1)[0] * 25
        halves = last26[13:].mean() - last26[:13].mean()
        trends.append(trend)
        print(f"spin-up {spin}, seed {seed}: dormant {dormant[0]:.3f} / {dormant[25]:.3f} / {dormant[-1]:.3f}; "
              f"last 26 weeks: range {np.ptp(last26):.3f}, trend {trend:+.3f}, last 13 - previous 13 {halves:+.3f}; "
              f"leaves median {leaves.median():.0f}, max {leaves.max():.0f}; "
              f"memberships {members[-26]} -> {members[-1]} "
              f"({members[-1] / config.get('population.size', 20000):.2f} per person); "
              f"thriving, mean of the last 26 weeks {thriving[-26:].mean():.3f}",
              flush=True)
    ci = over_seeds(trends)
    print(f"mean trend over the last 26 weeks: {ci.mean:+.3f} [{ci.low:+.3f}, {ci.high:+.3f}] "
          f"({ci.method}, {ci.n} seeds)")
