"""Shared, I/O-free code of the object layer: polling decisions, errors, output assembly."""
