"""Benchmarks that print numbers: `python -m bench [generate|pipeline] --rows N`."""
