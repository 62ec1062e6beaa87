"""Benchmarks: `make bench` runs them all (bench/run.py) and writes bench/results.md and bench/results.json."""
