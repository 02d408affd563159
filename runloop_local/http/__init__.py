"""The engine's HTTP plumbing: bearer auth, the route table, JSON errors, request parsing, the spec's operations."""
