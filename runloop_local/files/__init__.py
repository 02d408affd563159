"""Devbox files: paths as the devbox sees them, mapped to its host folders, and their routes."""
