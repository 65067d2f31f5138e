"""Probe: can S2 and S3 be met by parameter values? (docs/VALIDATION.md, "What the defaults miss")

    python -m benchmarks calibration-probe

Default model, seed 1, 26 weeks, for a few values of ``population.activity_exponent``
(tail of the activity potential), ``behaviour.reply_base`` and ``behaviour.post_base``:
share thriving and dormant, and S1-S3 with their measures. Measured for docs/VALIDATION.md
before issue 20, when the spread was a lognormal voice (``population.voice_sigma``, now
removed): voice_sigma 0.5 -> 2.0 left S2 at 0.22-0.24; reply_base 0.004 brought S3's
replies to 0.8 per 1,000 members per week and lowered share thriving from 0.35 to 0.26.
"""

import argparse

from sim import GroupCultureModel

COMBOS = [(3.0, 0.06, -7.5), (2.5, 0.06, -7.5), (2.0, 0.06, -7.5), (2.5, 0.004, -7.5), (2.5, 0.004, -8.3),
          (2.0, 0.004, -8.3)]

def register(commands) -> None:
    """Add ``calibration-probe`` to the harness's subcommands."""
    ap = commands.add_parser("calibration-probe", help="probe: can S2 and S3 be met by parameter values?",
                             description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.set_defaults(run=run)


def run(args: argparse.Namespace) -> None:
    """Run each combination of :data:`COMBOS` and print its shares and S1-S3 measures."""
    for exponent, reply_base, post_base in COMBOS:
        model = GroupCultureModel(**{"seed": 1, "duration.weeks": 26, "duration.spinup_weeks": 0,
                                     "population.activity_exponent": exponent, "behaviour.reply_base": reply_base,
                                     "behaviour.post_base": post_base}).run()
        s = model.summary()
        facts = {k: {m: round(v["value"], 3) for m, v in s["stylized_facts"][k]["measures"].items()}
                 for k in ("S1", "S2", "S3")}
        print(f"activity_exponent={exponent} reply_base={reply_base} post_base={post_base}: "
              f"thriving {s['share_thriving']:.3f}, dormant {s['share_dormant']:.3f}, {facts}")
