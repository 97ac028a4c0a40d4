"""Benchmarks run by `make bench`, as ratios to a baseline from the same run."""
