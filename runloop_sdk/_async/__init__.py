"""The I/O code of the object layer (the sync twin of this package is generated)."""
