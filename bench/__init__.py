"""Benchmarks, run by hand (`make bench BENCH_ARGS=<name>`); figures go to docs/BENCHMARKS.md."""
