"""Benchmarks and probes of the model: one harness, ``python -m benchmarks COMMAND`` (see benchmarks/README.md)."""
