"""Executions: commands run by a devbox's agent, their output, waits, kills, stdin, and their routes."""
