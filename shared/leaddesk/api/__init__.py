"""The HTTP API kit every API function shares: one error model and map, JSON-only bodies, the caller."""
