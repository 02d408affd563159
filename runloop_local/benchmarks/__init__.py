"""Benchmarks: sets of scenarios, their runs (one scenario run per scenario) and benchmark jobs."""
