"""Disk snapshots: taking them from devboxes, their records, and starting devboxes from them."""
