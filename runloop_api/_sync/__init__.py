# Generated from runloop_api/_async/__init__.py by scripts/unasync.py. Do not edit.
"""The I/O code of the raw client (the sync twin of this package is generated)."""
