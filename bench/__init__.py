"""Benchmarks: ``python -m bench`` (report) and ``pytest bench --benchmark-only``."""
