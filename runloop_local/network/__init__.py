"""Devbox networking: how the engine reaches a port inside a devbox."""
