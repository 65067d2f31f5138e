"""``python -m benchmarks COMMAND [options]``: the benchmark harness (:mod:`benchmarks.harness`)."""

from benchmarks.harness import main

main()
