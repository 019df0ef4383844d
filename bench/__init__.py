"""Benchmarks: run from the repo root as modules (`python -m bench.run_all`, `make bench`)."""
