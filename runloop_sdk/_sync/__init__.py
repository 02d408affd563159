# Generated from runloop_sdk/_async/__init__.py by scripts/unasync.py. Do not edit.
"""The I/O code of the object layer (the sync twin of this package is generated)."""
