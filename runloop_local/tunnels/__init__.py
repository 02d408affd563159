"""Tunnels: a devbox's ports served on host ports, HTTP and websockets relayed to the devbox."""
