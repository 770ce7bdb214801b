"""Benchmarks; each is a script runnable on its own (see its module docstring)."""
