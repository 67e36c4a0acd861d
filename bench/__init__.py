"""Benchmarks run by hand (not by pytest): `python -m bench.run_all`; see bench/README.md."""
