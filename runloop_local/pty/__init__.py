"""Terminals: named shell sessions on a pseudo-terminal that outlive their websocket connections."""
