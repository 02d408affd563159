"""Secrets: named values devboxes get as environment variables, never shown again once stored."""
