"""Scoring: running a scoring contract's functions in a devbox and weighing their scores."""
