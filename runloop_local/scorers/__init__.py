"""Custom scorers: named bash scripts that score a devbox, given a JSON context in ``$RL_SCORER_CONTEXT``."""
