"""Benchmarks for the course's helpers: run them with ``python -m benchmarks.<name>``."""
