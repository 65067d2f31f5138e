"""Benchmark: the fast engine against the per-agent reference at the reference test's size.

    python benchmarks/bench_reference.py            # 300 professionals, 8 groups, 10 weeks, seeds 0-2

Prints wall time per run of each engine (the configuration is tests/test_reference.py's SMALL).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sim.model import GroupCultureModel
from sim.reference import ReferenceModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' configuration
from tests.test_reference import SMALL  # noqa: E402


def timed(cls, seed: int) -> float:
    start = time.perf_counter()
    cls(**SMALL, seed=seed).run()
    return time.perf_counter() - start


def main() -> None:
    for seed in range(3):
        fast, ref = timed(GroupCultureModel, seed), timed(ReferenceModel, seed)
        print(f"seed {seed}: fast {fast:.2f} s | reference {ref:.2f} s | ratio {ref / fast:.1f}x")


if __name__ == "__main__":
    main()
