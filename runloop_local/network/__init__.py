"""Devbox networking: network namespaces, egress filters and the egress proxy, and reaching a
port inside a devbox from the engine. A shared floor: it knows no domain."""
