"""Benchmarks live here, off the default test run: `pytest bench/...` runs them."""
