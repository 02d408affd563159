"""Devboxes: records and their status machine, create checks, booting, the reaper, and their routes (also logs and usage)."""
