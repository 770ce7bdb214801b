"""Shared parts of the scoring benchmarks (bench/score_latency.py, bench/recompute.py)."""
