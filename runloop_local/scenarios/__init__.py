"""Scenarios (repeatable evaluation tasks) and their runs: a devbox per run, scored by the scoring runner."""
