"""The I/O code of the raw client (the sync twin of this package is generated)."""
